// CSV tables read in slabs with bounded memory: one linear scan of the bytes finds the records (quote-aware), counts
// them and keeps a checkpoint every CHECKPOINT_ROWS rows; slabs are then parsed from the nearest checkpoint (or from
// where the last slab ended). Records are found on bytes (quote, CR and LF never occur inside UTF-8 sequences), so
// checkpoints are byte offsets. Written row by row as slabs arrive.
import * as fs from 'node:fs';
import { BalerError } from '../errors';
import type { NdArray } from '../types';
import { checkBudget } from './budget';
import { isDecimals, withinDecimals } from './decimal-text';
import { csvHeader, formatterFor, namesColumns, parseCsvNumber, quoteIfNeeded, records, withDecimalPoint, writtenAsDecimal, type Formatter } from './csv';
import { AtomicOutput, closeInput, openInput, outputError, readAt, syncAndClose, writeAll, type InputFile } from './files';
import type { ArrayDescription, DataSink, DataSource, SinkOptions, SourceSelection } from './source';
import { MAX_KEPT_STRING_BYTES } from './strings';
import { columnsInPlace, withTextColumns, type TextColumn } from './text-columns';
import { CsvColumnSorter } from './csv-columns';

const CHUNK = 1 << 20;
const CHECKPOINT_ROWS = 4096;
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

interface RawRecord {
  bytes: Uint8Array;
  /** 1-based line where the record starts. */
  line: number;
  /** Fields, counted outside quotes. */
  fields: number;
}

/** Finds records in the file from a byte offset, reading it in chunks; a record longer than the budget is refused. */
class RecordScanner {
  private window = new Uint8Array(0);
  private windowStart = 0;
  private pos: number;
  private line: number;

  constructor(private readonly input: InputFile, offset: number, line: number, private readonly budget: number) {
    this.pos = offset;
    this.line = line;
  }

  /** Byte offset and line of the next record (for checkpoints). */
  get position(): { offset: number; line: number } {
    return { offset: this.pos, line: this.line };
  }

  next(): RawRecord | undefined {
    for (;;) {
      const record = this.scan();
      if (!record) return undefined;
      if (!isBlank(record.bytes)) return record;
    }
  }

  private scan(): RawRecord | undefined {
    if (this.pos >= this.input.size) return undefined;
    const start = this.pos;
    const line = this.line;
    let newlines = 0;
    let fields = 1;
    let inQuotes = false;
    let atFieldStart = true; // quotes open a field only at its start (after optional spaces), as records() reads them
    let i = start;
    const byteAt = (at: number): number | undefined => {
      if (at >= this.windowStart + this.window.length) {
        if (at >= this.input.size) return undefined;
        this.fill(start, at);
      }
      return this.window[at - this.windowStart];
    };
    for (let b = byteAt(i); b !== undefined; b = byteAt(++i)) {
      if (inQuotes) {
        if (b === LF) newlines++;
        else if (b === QUOTE) {
          if (byteAt(i + 1) === QUOTE) i++; // "" inside quotes
          else inQuotes = false;
        }
      } else if (b === LF) {
        newlines++;
        break;
      } else if (b === COMMA) {
        fields++;
        atFieldStart = true;
      } else if (b === QUOTE && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
      } else if (b !== 0x20 && b !== 0x09) {
        atFieldStart = false;
      }
    }
    const end = i;
    let contentEnd = Math.min(end, this.input.size);
    if (contentEnd > start && byteAt(contentEnd - 1) === CR) contentEnd--;
    if (inQuotes) throw new BalerError(`line ${line}: a quoted field is never closed`, this.input.file);
    this.pos = Math.min(end + 1, this.input.size);
    this.line = line + newlines;
    return { bytes: this.window.subarray(start - this.windowStart, contentEnd - this.windowStart), line, fields };
  }

  /** Makes the window hold [keepFrom, upTo + CHUNK) (less at the end of the file). */
  private fill(keepFrom: number, upTo: number): void {
    const end = Math.min(this.input.size, upTo + CHUNK);
    checkBudget(end - keepFrom, this.budget, `a CSV record of more than ${end - keepFrom - CHUNK} bytes`, this.input.file);
    const next = new Uint8Array(end - keepFrom);
    const kept = this.windowStart + this.window.length - keepFrom;
    if (kept > 0) next.set(this.window.subarray(keepFrom - this.windowStart), 0);
    const from = keepFrom + Math.max(0, kept);
    next.set(readAt(this.input, from, end - from, 'a CSV record'), from - keepFrom);
    this.window = next;
    this.windowStart = keepFrom;
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8');

function fieldsOf(record: RawRecord, file: string, keepSpaces = false): string[] {
  const parsed = records(utf8.decode(record.bytes), file, record.line, keepSpaces).next();
  return parsed.done ? [] : parsed.value.fields;
}

export async function openCsv(file: string, budget: number, selection: SourceSelection = {}): Promise<DataSource> {
  const input = openInput(file);
  try {
    const scanner = new RecordScanner(input, 0, 1, budget);
    const first = scanner.next();
    if (!first) throw new BalerError('the CSV file has no rows', file);
    refuseBinary(first.bytes, file);
    const firstFields = fieldsOf(first, file);
    refuseOtherSeparators(firstFields, file);
    const hasHeader = namesColumns(firstFields);
    const header = hasHeader ? firstFields : [];
    const columns = firstFields.length;
    const chosen = chooseColumns(header, columns, selection.columns, file);
    const checkpoints: { offset: number; line: number }[] = [];
    let rows = 0;
    let dataStart = { offset: 0, line: 1 };
    if (hasHeader) dataStart = scanner.position;
    // Which columns hold numbers to code and which text to keep (csv-columns.ts), from the first values not missing.
    const sorter = new CsvColumnSorter(chosen.map((c) => header[c] ?? `column ${c + 1}`));
    // Which columns the first row writes with decimals, so that they are written back so (csv.ts writtenAsDecimal).
    let firstRow: string[] = [];
    const countRecord = (record: RawRecord): void => {
      if (record.fields !== columns) {
        const found = record.fields === 1 ? '1 value' : `${record.fields} values`;
        throw new BalerError(`line ${record.line}: ${found}, expected ${columns} (as in line ${first.line})`, file);
      }
      if (rows === 0 || sorter.wantsFields) {
        const fields = fieldsOf(record, file, true);
        const chosenFields = chosen.map((c) => fields[c]);
        if (rows === 0) firstRow = chosenFields;
        sorter.add(chosenFields, record.line);
      }
      rows++;
    };
    if (!hasHeader) { checkpoints.push(dataStart); countRecord(first); }
    for (;;) {
      if (rows % CHECKPOINT_ROWS === 0) checkpoints.push(scanner.position);
      const record = scanner.next();
      if (!record) break;
      countRecord(record);
    }
    const sorted = sorter.finish();
    const numeric = sorted.numbers.map((k) => chosen[k]);
    const decimalColumns = sorted.numbers.map((k, j) => (rows > 0 && writtenAsDecimal(firstRow[k]) ? j : -1)).filter((j) => j >= 0);
    const textTooLarge = `text, more than the ${MAX_KEPT_STRING_BYTES >> 20} MiB a .baler keeps exactly beside the numbers`;
    if (sorted.leftOut.length > 0 && selection.columns) {
      const many = sorted.leftOut.length > 1;
      throw new BalerError(`${listed(sorted.leftOut)} ${many ? 'hold' : 'holds'} ${textTooLarge}: leave ${many ? 'them' : 'it'} out of --columns`, file);
    }
    if (numeric.length === 0) {
      const held = [...sorted.text.map((c) => c.name), ...sorted.leftOut];
      throw new BalerError(`no column of numbers to compress: ${listed(held)} ${held.length > 1 ? 'hold' : 'holds'} text${selection.columns ? '' : ' (name others with --columns)'}`, file);
    }
    const names = header.length > 0 ? numeric.map((c) => header[c]) : [];
    let cursor: { scanner: RecordScanner; row: number } | undefined;
    const readSlab = async (start: number, count: number): Promise<NdArray> => {
      if (start < 0 || count < 0 || start + count > rows || !Number.isSafeInteger(start + count)) {
        throw new BalerError(`rows ${start}…${start + count} requested of a table with ${rows} rows`, file);
      }
      checkBudget(count * numeric.length * 8, budget, `a slab of ${count} CSV rows`, file);
      if (!cursor || cursor.row > start || start - cursor.row > CHECKPOINT_ROWS) {
        const k = Math.floor(start / CHECKPOINT_ROWS);
        cursor = { scanner: new RecordScanner(input, checkpoints[k].offset, checkpoints[k].line, budget), row: k * CHECKPOINT_ROWS };
      }
      for (; cursor.row < start; cursor.row++) cursor.scanner.next();
      const width = numeric.length;
      const values = new Float64Array(count * width);
      for (let r = 0; r < count; r++, cursor.row++) {
        const record = cursor.scanner.next()!;
        const fields = fieldsOf(record, file);
        for (let k = 0; k < width; k++) {
          const c = numeric[k];
          const value = parseCsvNumber(fields[c]);
          if (value === undefined) {
            const label = header[c] ? `column '${header[c]}'` : `column ${c + 1}`;
            const shown = fields[c].trim() === '' ? 'an empty value' : `'${fields[c].trim()}'`;
            const decided = sorted.decidedAt[k];
            const why = decided === undefined ? '' : ` (its first value, line ${decided}, is a number, so it is read as a column of numbers)`;
            throw new BalerError(`${label}, line ${record.line}: ${shown} is not a number${why}`, file);
          }
          values[r * width + k] = value;
        }
      }
      return { dtype: 'float64', shape: [count, width], data: values };
    };
    const unselected = columns - chosen.length;
    // attributes.csv also says the numbers were text, whose decimals their bound leaves room for (decimal-text.ts).
    const attributes = withTextColumns({ csv: { decimalColumns, ...(hasHeader ? {} : { header: false }) } }, sorted.text);
    const skipped = sorted.leftOut.map((name) => ({ path: name, reason: textTooLarge }));
    const wholeNumbers = numeric.map((_, j) => j).filter((j) => !decimalColumns.includes(j));
    const integerColumns = rows > 0 && wholeNumbers.length > 0 ? wholeNumbers : undefined;
    return {
      file, format: 'csv',
      arrays: [{ path: '', dtype: 'float64', shape: [rows, numeric.length], kind: 'table', names, readSlab, ...(integerColumns ? { integerColumns } : {}), attributes }],
      // Columns --columns left out: the ratios are then of those held.
      ...(unselected > 0 ? { unselected } : {}),
      ...(skipped.length > 0 ? { skipped } : {}),
      close: async () => closeInput(input),
    };
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

function listed(names: string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * A binary file named .csv: a first line holding a NUL, or control bytes in what is not UTF-8 (a quoted name may
 * hold an escape character, and a Latin-1 file's "°C" is not UTF-8, but text has neither a NUL nor both).
 */
function refuseBinary(firstLine: Uint8Array, file: string): void {
  if ((firstLine[0] === 0xff && firstLine[1] === 0xfe) || (firstLine[0] === 0xfe && firstLine[1] === 0xff)) {
    throw new BalerError('UTF-16 text (Excel\'s "Unicode Text"), and only UTF-8 CSV is read: save it as "CSV UTF-8" (pandas: to_csv(path, encoding="utf-8"))', file);
  }
  const nul = firstLine.indexOf(0);
  const at = nul >= 0 ? nul : firstLine.findIndex((b) => b < 0x20 && b !== 0x09 && b !== 0x0d);
  if (at < 0 || (nul < 0 && isUtf8(firstLine))) return;
  throw new BalerError(`not a text file (byte ${at} of its first line is 0x${firstLine[at].toString(16).padStart(2, '0')}), so not a CSV: is it another format renamed .csv?`, file);
}

/** A first line of one field holding semicolons or tabs: values separated by another character than the comma. */
function refuseOtherSeparators(firstFields: string[], file: string): void {
  if (firstFields.length !== 1) return;
  const separator = [';', '\t', '|'].find((s) => firstFields[0].includes(s));
  if (!separator) return;
  const shown = separator === '\t' ? 'tabs' : `'${separator}'`;
  throw new BalerError(`the values are separated by ${shown}, and only comma-separated files are read: save it with commas (pandas: to_csv(path, sep=','), with decimal points)`, file);
}

/** Indices of the columns to read: those named in `wanted` (in that order), else every column. */
function chooseColumns(header: string[], columns: number, wanted: string[] | undefined, file: string): number[] {
  if (!wanted) return Array.from({ length: columns }, (_, c) => c);
  if (header.length === 0) throw new BalerError('--columns needs a header row of column names, and this CSV file has none', file);
  return wanted.map((name) => {
    const c = header.findIndex((h) => h.trim() === name);
    if (c < 0) throw new BalerError(`no column '${name}' (columns: ${header.join(', ')})`, file);
    return c;
  });
}

/** Writes one table as CSV: a header row of names (left out when there are none), then rows as slabs arrive. */
export function createCsvSink(file: string, arrays: ArrayDescription[], opts: SinkOptions = {}): DataSink {
  if (arrays.length !== 1) throw new BalerError(`a .csv file holds one table, not ${arrays.length} arrays; write .npz, .h5 or .zarr`, file);
  const [array] = arrays;
  if (array.shape.length > 2) {
    throw new BalerError(`a .csv file holds a table, but this data is ${array.shape.length}-D (${array.shape.join(', ')}); write .npz or .npy`, file);
  }
  const columns = array.shape.length === 2 ? array.shape[1] : 1;
  const cellSources = columnsInPlace(array, columns, file);
  // A table read from a CSV file without a header line is written back without one (attributes.csv.header).
  const headerless = (array.attributes?.csv as { header?: unknown } | undefined)?.header === false;
  const header = headerless ? '' : csvHeader(namesInPlace(array.names, cellSources), cellSources.length) + '\n';
  const out = new AtomicOutput(file, opts);
  let fd: number | undefined;
  const write = (text: string): void => {
    try {
      fd ??= fs.openSync(out.tempPath, 'wx');
    } catch (err) {
      throw outputError(err, file);
    }
    writeAll(fd, text, file);
  };
  write(header);
  const formats = columnFormats(array, columns);
  const close = (): void => { if (fd !== undefined) fs.closeSync(fd); fd = undefined; };
  let rowsWritten = 0;
  return {
    async writeSlab(index, slab) {
      if (index !== 0) throw new Error(`csv sink: no array ${index}`);
      const rows = slab.shape[0] ?? 1;
      const lines = new Array<string>(rows);
      const cells = new Array<string>(cellSources.length);
      for (let r = 0; r < rows; r++) {
        for (let p = 0; p < cellSources.length; p++) {
          const from = cellSources[p];
          cells[p] = typeof from === 'number' ? formats[from](slab.data[r * columns + from]) : textCell(from.values[rowsWritten + r]);
        }
        lines[r] = cells.join(',');
      }
      rowsWritten += rows;
      write(lines.join('\n') + '\n');
    },
    async finish() {
      try {
        if (fd === undefined) write(''); // an empty table still makes a file
        syncAndClose(fd!, file);
      } catch (err) {
        out.discard();
        throw err;
      } finally {
        fd = undefined;
      }
      out.commit();
    },
    async abort() {
      close();
      out.discard();
    },
  };
}

/** The names in the order written; numeric columns without names (a table read without a header) as csvHeader names them. */
function namesInPlace(names: string[], sources: (number | TextColumn)[]): string[] {
  if (sources.every((s) => typeof s === 'number')) return names;
  return sources.map((s, p) => (typeof s === 'number' ? names[s] ?? `column_${p + 1}` : s.name));
}

/** A text value as a CSV field: quoted only where it must be, and an empty one left empty (a missing value). */
function textCell(value: string | null): string {
  return value === null || value === '' ? '' : quoteIfNeeded(value);
}

/**
 * Each column's formatter: the dtype's, with the decimals its bound left room for and a decimal point where the
 * CSV read had one (attributes.csv).
 */
function columnFormats(array: ArrayDescription, columns: number): Formatter[] {
  const csv = array.attributes?.csv as { decimalColumns?: unknown; decimals?: unknown } | undefined;
  const withPoint = new Set(Array.isArray(csv?.decimalColumns) ? csv.decimalColumns : []);
  const decimals = Array.isArray(csv?.decimals) ? csv.decimals : [];
  return Array.from({ length: columns }, (_, c) => {
    const plain = formatterFor(array.dtype);
    const d = decimals.length === 1 ? decimals[0] : decimals[c];
    const rounded: Formatter = isDecimals(d) ? (v) => withinDecimals(v as number, d, plain(v)) : plain;
    return withPoint.has(c) ? withDecimalPoint(rounded) : rounded;
  });
}
