// Where a netCDF-3 file keeps each variable's values, and slabs of them read in place with positioned reads, so
// that a file larger than memory streams (netcdfjs parses the header only; it reads values from a file held whole).
// The layout is the format's (https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html):
// a fixed-size variable is contiguous from its begin offset; a record variable has one row per record, the
// records one after another, each holding a row of every record variable padded to 4 bytes (no padding when
// there is only one record variable). Values are big-endian.
import { BalerError } from '../errors';
import type { DType, TypedArray } from '../types';
import { checkBudget } from './budget';
import { readAt, readAtInto, type InputFile } from './files';
import { swapBytes } from './npy';

const WIDTH: Record<string, number> = { byte: 1, char: 1, short: 2, int: 4, float: 4, double: 8 };
/** The header is read in growing pieces from this size until netcdfjs parses it. */
const FIRST_HEADER_BYTES = 64 * 1024;
/** Records of a record variable are read in spans of about this many bytes (the other variables' rows between). */
const RECORD_SPAN_BYTES = 8 * 1024 * 1024;

export interface Nc3Variable {
  name: string;
  type: string;
  dimensions: number[];
  attributes?: { name: string; type: string; value: unknown }[];
  offset: number;
  record: boolean;
}

export interface Nc3Header {
  variables?: Nc3Variable[];
  dimensions?: { name: string; size: number }[];
  recordDimension?: { length?: number; id?: number };
}

/** A variable's rows in the file: row r starts at offset + r × step and holds rowBytes bytes. */
export interface Nc3Rows {
  offset: number;
  step: number;
  rowBytes: number;
  rows: number;
  width: number;
}

/** Parses the header from the file's first bytes (read until it parses, within the budget). */
export function readNetcdf3Header<R>(input: InputFile, budget: number, parse: (bytes: Uint8Array) => R): R {
  for (let length = Math.min(input.size, FIRST_HEADER_BYTES); ; length = Math.min(input.size, length * 4)) {
    checkBudget(length, budget, 'the header of a netCDF-3 file', input.file);
    try {
      return parse(readAt(input, 0, length, 'the header'));
    } catch (err) {
      // Only a header longer than the bytes read (a read past their end: RangeError) reads on.
      if (length >= input.size || !(err instanceof RangeError)) {
        throw new BalerError(`not a netCDF-3 file, or a truncated one (${(err as Error).message})`, input.file);
      }
    }
  }
}

/** Every variable's rows, by name; refuses a file that ends before a variable's last value. */
export function rowsOfVariables(header: Nc3Header, fileSize: number, file: string): Map<string, Nc3Rows> {
  const variables = header.variables ?? [];
  const dims = header.dimensions ?? [];
  const records = header.recordDimension?.length ?? 0;
  const rowBytesOf = (v: Nc3Variable) => v.dimensions.slice(1).reduce((n, d) => n * dims[d].size, 1) * WIDTH[v.type];
  const recordVariables = variables.filter((v) => v.record);
  const recordStep = recordVariables.length === 1 ? rowBytesOf(recordVariables[0]) : recordVariables.reduce((n, v) => n + Math.ceil(rowBytesOf(v) / 4) * 4, 0);
  const layout = new Map<string, Nc3Rows>();
  for (const v of variables) {
    if (!(v.type in WIDTH)) continue;
    const rows = v.dimensions.length === 0 ? 1 : v.record ? records : dims[v.dimensions[0]].size;
    const rowBytes = v.dimensions.length === 0 ? WIDTH[v.type] : rowBytesOf(v);
    const step = v.record ? recordStep : rowBytes;
    // A record variable of a file with no records may begin past the file's end: it holds no bytes to check.
    const end = v.offset + (rows - 1) * step + rowBytes;
    if (rows > 0 && end > fileSize) throw new BalerError(`the file is truncated: the variable '${v.name}' ends at byte ${end}, the file has ${fileSize}`, file);
    layout.set(v.name, { offset: v.offset, step, rowBytes, rows, width: WIDTH[v.type] });
  }
  return layout;
}

/** Rows [start, start + count) of the variable `name` as values of `dtype` (the file's big-endian bytes swapped). */
export function readRows(input: InputFile, rows: Nc3Rows, start: number, count: number, dtype: DType, name: string): TypedArray {
  const what = `the variable '${name}'`;
  const bytes = new Uint8Array(count * rows.rowBytes);
  if (rows.step === rows.rowBytes) {
    readAtInto(input, rows.offset + start * rows.step, bytes, what);
  } else {
    const perSpan = Math.max(1, Math.floor(RECORD_SPAN_BYTES / rows.step));
    for (let r = 0; r < count; r += perSpan) {
      const n = Math.min(perSpan, count - r);
      const span = readAt(input, rows.offset + (start + r) * rows.step, (n - 1) * rows.step + rows.rowBytes, what);
      for (let k = 0; k < n; k++) bytes.set(span.subarray(k * rows.step, k * rows.step + rows.rowBytes), (r + k) * rows.rowBytes);
    }
  }
  swapBytes(bytes, rows.width);
  return typedView(dtype, bytes);
}

function typedView(dtype: DType, bytes: Uint8Array): TypedArray {
  const { buffer, byteOffset, byteLength } = bytes;
  switch (dtype) {
    case 'int8': return new Int8Array(buffer, byteOffset, byteLength);
    case 'int16': return new Int16Array(buffer, byteOffset, byteLength / 2);
    case 'int32': return new Int32Array(buffer, byteOffset, byteLength / 4);
    case 'float32': return new Float32Array(buffer, byteOffset, byteLength / 4);
    case 'float64': return new Float64Array(buffer, byteOffset, byteLength / 8);
    default: throw new RangeError(`no netCDF-3 type holds ${dtype}`);
  }
}
