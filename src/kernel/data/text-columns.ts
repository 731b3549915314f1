// Columns of text in a table (a CSV file's labels, categories, timestamps; a Parquet file's strings): not values to
// code, so kept exactly in the array's attributes, one string per row, with where each stood among the table's
// columns, and written back in place by the CSV and Parquet writers. A part (--part), a row range (--rows) and a
// merge keep them row for row.
import { BalerError } from '../errors';
import type { ArrayDescription } from './source';
import { jsonBytesOf, MAX_KEPT_STRING_BYTES } from './strings';
import { TEXT_WRITERS, TEXT_WRITTEN_TO } from './text-writers';

/** One column of text: its name, its place among the table's columns, and its value in every row (null: a Parquet null). */
export interface TextColumn {
  name: string;
  position: number;
  values: (string | null)[];
}

const KEY = 'textColumns';

/** The text columns an array's attributes hold (none when absent; a .baler's JSON is checked, not trusted). */
export function textColumnsOf(attributes: Record<string, unknown> | undefined, rows: number, file?: string): TextColumn[] {
  const listed = attributes?.[KEY];
  if (listed === undefined) return [];
  const valid = Array.isArray(listed) && listed.every((c: TextColumn) => typeof c?.name === 'string' && Number.isSafeInteger(c.position)
    && c.position >= 0 && Array.isArray(c.values) && c.values.length === rows && c.values.every((v) => v === null || typeof v === 'string'));
  if (!valid) throw new BalerError(`corrupted: the text columns kept beside the table do not match its ${rows} rows`, file, 'ECORRUPT');
  return listed as TextColumn[];
}

/** Attributes holding `columns` beside `attributes` (none added when there are no columns). */
export function withTextColumns(attributes: Record<string, unknown> | undefined, columns: TextColumn[]): Record<string, unknown> | undefined {
  return columns.length === 0 ? attributes : { ...attributes, [KEY]: columns };
}

/** The attributes of rows [start, end) of the array: its text columns cut to them. */
export function textColumnsOfRows(attributes: Record<string, unknown> | undefined, rows: number, start: number, end: number): Record<string, unknown> | undefined {
  const columns = textColumnsOf(attributes, rows);
  return columns.length === 0 ? attributes : { ...attributes, [KEY]: columns.map((c) => ({ ...c, values: c.values.slice(start, end) })) };
}

/** The attributes of the arrays of several parts joined in order (the first part's, with every part's rows of text). */
export function joinedTextColumns(parts: { attributes: Record<string, unknown> | undefined; rows: number; file: string }[]): Record<string, unknown> | undefined {
  const [first] = parts;
  const columns = textColumnsOf(first.attributes, first.rows, first.file);
  if (columns.length === 0) return first.attributes;
  const each = parts.map((p) => textColumnsOf(p.attributes, p.rows, p.file));
  return withTextColumns(first.attributes, columns.map((c, k) => ({ ...c, values: each.flatMap((list) => list[k]?.values ?? []) })));
}

/** What a file of a format without text columns will not hold: the tables' text columns (undefined when none). */
export function textNotWrittenNote(arrays: ArrayDescription[], format: string): string | undefined {
  if (TEXT_WRITERS.includes(format)) return undefined;
  const names = arrays.flatMap((a) => textColumnsOf(a.attributes, a.shape[0] ?? 1).map((c) => `'${c.name}'`));
  if (names.length === 0) return undefined;
  const one = names.length === 1;
  return `the text column${one ? '' : 's'} ${names.join(', ')} ${one ? 'is' : 'are'} written back to ${TEXT_WRITTEN_TO} only: this file holds the numbers`;
}

/**
 * Where each column of a table written back comes from, in order: a numeric column of the array (its index), or a
 * text column in its place.
 */
export function columnsInPlace(array: ArrayDescription, numericColumns: number, file: string): (number | TextColumn)[] {
  const text = textColumnsOf(array.attributes, array.shape[0] ?? 1, file);
  const width = numericColumns + text.length;
  const sources = new Array<number | TextColumn | undefined>(width);
  for (const c of text) {
    if (c.position >= width || sources[c.position]) throw new BalerError(`corrupted: a text column is placed at column ${c.position + 1} of ${width}`, file, 'ECORRUPT');
    sources[c.position] = c;
  }
  let next = 0;
  return Array.from(sources, (from) => from ?? next++);
}

/** Whether these columns fit in what a .baler keeps beside the numbers (MAX_KEPT_STRING_BYTES of JSON). */
export function textFits(columns: TextColumn[]): boolean {
  let bytes = 0;
  for (const c of columns) for (const v of c.values) if ((bytes += jsonBytesOf(v)) > MAX_KEPT_STRING_BYTES) return false;
  return true;
}
