// CSV tables of numbers: a header row of column names, then one row of numbers per line.
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { roundToFloat16 } from './float16';

export interface CsvTable {
  /** Column names from the header row; empty when the file has no header (its first row is numeric). */
  names: string[];
  /** float64, rows × columns, C order. */
  array: NdArray;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  nan: NaN, '+nan': NaN, '-nan': NaN,
  inf: Infinity, '+inf': Infinity, infinity: Infinity, '+infinity': Infinity,
  '-inf': -Infinity, '-infinity': -Infinity,
  // Missing values as pandas writes them (an empty field) and reads them by default: NaN, written back as NaN.
  '': NaN, na: NaN, 'n/a': NaN, '#n/a': NaN, '<na>': NaN, null: NaN, none: NaN,
};

/**
 * Parses one numeric field: decimal numbers, nan / inf / infinity in any case (as numpy and pandas write), and a
 * missing value (empty, NA, N/A, null, None…) as NaN.
 */
export function parseCsvNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return Number(trimmed);
  return SPECIAL[trimmed.toLowerCase()];
}

/**
 * Whether a CSV file's first line names its columns: a field that is not a number, or whole numbers that read as
 * names, after an empty first field (pandas' index) or not: 0, 1 (pandas names an array's columns 0, 1, 2…), or
 * three or more rising by one step (wavelengths 400, 410, 420). Any other line of numbers is data: np.savetxt writes
 * no header.
 */
export function namesColumns(fields: string[]): boolean {
  if (fields.some((f) => parseCsvNumber(f) === undefined)) return true;
  const indexed = fields.length > 1 && fields[0].trim() === '';
  const named = (indexed ? fields.slice(1) : fields).map((f) => f.trim());
  if (!named.every((f) => /^\d+$/.test(f))) return false;
  const numbers = named.map(Number);
  const step = numbers.length > 1 ? numbers[1] - numbers[0] : 1;
  if (!(step > 0 && numbers.every((n, i) => n === numbers[0] + i * step))) return false;
  return indexed || numbers.length >= 3 || (numbers.length === 2 && numbers[0] === 0 && step === 1);
}

export interface Record_ {
  fields: string[];
  line: number;
}

/**
 * Splits CSV text into records (RFC 4180: comma separated, double quotes, "" inside quotes, CRLF or LF).
 * Unquoted fields are trimmed unless `keepSpaces` (text kept as written); blank lines are skipped; `line` is the
 * 1-based line where a record starts.
 */
export function* records(text: string, file?: string, firstLine = 1, keepSpaces = false): Generator<Record_> {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte order mark
  let line = firstLine;
  while (pos < text.length) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field: string;
      if (text[pos] === '"') {
        ({ field, pos, line } = quotedField(text, pos, line, file));
      } else {
        let end = pos;
        while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
        field = keepSpaces ? text.slice(pos, end) : text.slice(pos, end).trim(); // spaces around a number are not content
        pos = end;
      }
      fields.push(field);
      if (text[pos] === ',') { pos++; continue; }
      if (text[pos] === '\r') pos++;
      if (text[pos] === '\n') pos++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    yield { fields, line: startLine };
  }
}

function quotedField(text: string, start: number, line: number, file?: string): { field: string; pos: number; line: number } {
  let field = '';
  let pos = start + 1;
  for (;;) {
    const close = text.indexOf('"', pos);
    if (close < 0) throw new BalerError(`line ${line}: a quoted field is never closed`, file);
    const chunk = text.slice(pos, close);
    field += chunk;
    line += countNewlines(chunk);
    if (text[close + 1] === '"') {
      field += '"';
      pos = close + 2;
      continue;
    }
    pos = close + 1;
    // Tolerate spaces after the closing quote; anything else is malformed.
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    if (pos < text.length && text[pos] !== ',' && text[pos] !== '\n' && text[pos] !== '\r') {
      throw new BalerError(`line ${line}: unexpected text after a closing quote`, file);
    }
    return { field, pos, line };
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses a CSV table of numbers. The first row is the header unless every field in it is a number. */
export function parseCsv(text: string, file?: string): CsvTable {
  const iterator = records(text, file);
  const first = iterator.next();
  if (first.done) throw new BalerError('the CSV file has no rows', file);
  const hasHeader = namesColumns(first.value.fields);
  const names = hasHeader ? first.value.fields : [];
  const columns = first.value.fields.length;
  let values: Float64Array<ArrayBuffer> = new Float64Array(1024);
  let count = 0;
  const append = (record: Record_): void => {
    if (record.fields.length !== columns) {
      const found = record.fields.length === 1 ? '1 value' : `${record.fields.length} values`;
      throw new BalerError(`line ${record.line}: ${found}, expected ${columns} (as in line ${first.value.line})`, file);
    }
    if (count + columns > values.length) values = grow(values, count + columns);
    record.fields.forEach((field, column) => {
      const value = parseCsvNumber(field);
      if (value === undefined) {
        const label = names[column] ? `column '${names[column]}'` : `column ${column + 1}`;
        const shown = field.trim() === '' ? 'an empty value' : `'${field.trim()}'`;
        throw new BalerError(`${label}, line ${record.line}: ${shown} is not a number`, file);
      }
      values[count++] = value;
    });
  };
  if (!hasHeader) append(first.value);
  for (const record of iterator) append(record);
  const rows = count / columns;
  return { names, array: { dtype: 'float64', shape: [rows, columns], data: values.slice(0, count) } };
}

function grow(values: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(Math.max(needed, values.length * 2));
  bigger.set(values);
  return bigger;
}

/**
 * Writes a table as CSV: a header row, then rows of numbers in the shortest text that reads back to the same
 * value of the array's dtype. A 1-D array is written as one column.
 */
export function encodeCsv(names: string[], arr: NdArray): string {
  if (arr.shape.length > 2) throw new Error(`encodeCsv: a table is 1-D or 2-D, not shape (${arr.shape})`);
  const rows = arr.shape[0] ?? 1;
  const columns = arr.shape.length === 2 ? arr.shape[1] : 1;
  const lines = [csvHeader(names, columns)];
  const format = formatterFor(arr.dtype);
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(columns);
    for (let c = 0; c < columns; c++) cells[c] = format(arr.data[r * columns + c]);
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * The header row: the names, or column_1 … column_N for an array without any. Every CSV written has one: pandas
 * and most readers take the first row as the header, and would drop a first row of numbers.
 */
export function csvHeader(names: string[], columns: number): string {
  if (names.length > 0 && names.length !== columns) throw new Error(`csv: ${names.length} names for ${columns} columns`);
  const named = names.length > 0 ? names : Array.from({ length: columns }, (_, c) => `column_${c + 1}`);
  return named.map(quoteIfNeeded).join(',');
}

export function quoteIfNeeded(name: string): string {
  return /[",\r\n]|^\s|\s$/.test(name) || name === '' ? `"${name.replace(/"/g, '""')}"` : name;
}

export type Formatter = (value: TypedArray[number]) => string;

/**
 * Whether a field is written as a decimal number ('21.0', '2e3', 'nan', or missing, as pandas writes a float
 * column), not as an integer ('21'): pandas reads a column of '21' back as integers.
 */
export function writtenAsDecimal(field: string): boolean {
  return !/^[+-]?\d+$/.test(field.trim());
}

/**
 * `format` with '.0' after an integral value, for a column written with decimals (writtenAsDecimal); from 1e16 on
 * with an exponent, as Python writes floats: pandas reads '100000000000000000000.0' as text, not as a float.
 */
export function withDecimalPoint(format: Formatter): Formatter {
  return (v) => {
    const text = format(v);
    if (!/^[+-]?\d+$/.test(text)) return text;
    return Math.abs(Number(text)) >= 1e16 ? Number(text).toExponential() : `${text}.0`;
  };
}

export function formatterFor(dtype: DType): Formatter {
  const finite = finiteFormatterFor(dtype);
  // ±inf as pandas and numpy write them (JavaScript's "Infinity" is read by neither's users' eyes as theirs).
  return (v) => (v === Infinity ? 'inf' : v === -Infinity ? '-inf' : finite(v));
}

function finiteFormatterFor(dtype: DType): Formatter {
  if (dtype === 'float32') return (v) => shortestText(v as number, 9, Math.fround);
  if (dtype === 'float16') return (v) => shortestText(v as number, 5, roundToFloat16);
  if (dtype === 'float64') return (v) => (Object.is(v, -0) ? '-0' : pythonFloatText(v as number));
  // Integers and bigints print exactly.
  return (v) => String(v);
}

/**
 * The shortest round-trip text of a float as Python's repr writes it: with an exponent below 1e-4
 * ('3.0888435964774976e-06'), where JavaScript writes '0.0000030888435964774976', a text pandas' default parser
 * reads 8 digits short (3.0888435964e-06). Above, JavaScript's text is Python's (withDecimalPoint adds the '.0').
 */
export function pythonFloatText(value: number): string {
  if (!Number.isFinite(value) || value === 0 || Math.abs(value) >= 1e-4) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  const power = Number(exponent);
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

/** The shortest decimal text that reads back (through `round`) to `value`; at most `maxDigits` digits. */
function shortestText(value: number, maxDigits: number, round: (v: number) => number): string {
  if (!Number.isFinite(value) || value === 0) return Object.is(value, -0) ? '-0' : String(value);
  let low = 1;
  let high = maxDigits;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (round(Number(value.toPrecision(mid))) === value) high = mid;
    else low = mid + 1;
  }
  return pythonFloatText(Number(value.toPrecision(low)));
}
