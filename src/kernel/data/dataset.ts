// Reading and writing the user's data files (.npz, .npy, .csv) as a Dataset.
//
// Layout rules:
// - 1-D arrays are tables with one column; 2-D arrays are tables (rows × columns).
// - 3-D arrays are frames (frames × H × W). 4-D and higher are frames too: each sample is everything after
//   the first axis, flattened; frameShape() gives H = shape[1] and W = the product of the remaining axes.
//   Dataset.shape always keeps the original shape, so writing back restores it exactly.
// - An .npz holds the array under key `data` (else its only numeric member) and column names under `names`,
//   as the reference tool writes it; writeDataset writes that same layout.
import * as path from 'node:path';
import { BalerError } from '../errors';
import { readFileChecked, writeFileAtomic } from '../fsutil';
import type { Dataset, DType, NdArray, TypedArray } from '../types';
import { encodeCsv, parseCsv } from './csv';
import { roundToFloat16 } from './float16';
import { encodeNpy, isStringArray, parseNpy, type StringNdArray } from './npy';
import { encodeNpz, parseNpz, type NpzMember } from './npz';

export const SUPPORTED_EXTENSIONS = ['.npz', '.npy', '.csv'] as const;
export type DataFormat = 'npz' | 'npy' | 'csv';

/** The data format of a file name, from its extension; a BalerError listing the supported ones otherwise. */
export function dataFormatOf(file: string): DataFormat {
  const ext = path.extname(file).toLowerCase();
  if ((SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) return ext.slice(1) as DataFormat;
  const shown = ext === '' ? 'no extension' : `extension '${ext}'`;
  throw new BalerError(`unsupported data file (${shown}); supported: ${SUPPORTED_EXTENSIONS.join(', ')}`, file);
}

export function readDataset(file: string): Dataset {
  const format = dataFormatOf(file);
  return parseDataset(readFileChecked(file), file, format);
}

/** Parses file contents already in memory; the format comes from `file`'s extension unless given. */
export function parseDataset(bytes: Uint8Array, file: string, format: DataFormat = dataFormatOf(file)): Dataset {
  switch (format) {
    case 'npy':
      return datasetFromNdArray(parseNpy(bytes, file), [], file);
    case 'npz':
      return datasetFromNpz(parseNpz(bytes, file), file);
    case 'csv': {
      const { names, array } = parseCsv(new TextDecoder('utf-8').decode(bytes), file);
      return datasetFromNdArray(array, names, file);
    }
  }
}

function datasetFromNpz(members: NpzMember[], file: string): Dataset {
  const keys = members.map((m) => `'${m.name}'`).join(', ') || 'none';
  let data = members.find((m) => m.name === 'data');
  if (!data) {
    const numeric = members.filter((m) => m.name !== 'names' && !isStringArray(m.array));
    if (numeric.length !== 1) {
      const problem = numeric.length === 0 ? 'no numeric array' : 'several arrays and none is named \'data\'';
      throw new BalerError(`the .npz holds ${problem} (keys: ${keys})`, file);
    }
    data = numeric[0];
  }
  if (isStringArray(data.array)) throw new BalerError(`the array '${data.name}' holds strings, not numbers`, file);
  const namesMember = members.find((m) => m.name === 'names' && m !== data);
  return datasetFromNdArray(data.array, namesMember ? namesOf(namesMember) : [], file);
}

/** Column names from a `names` member: strings, or an empty array of any dtype (the reference writes float64). */
function namesOf(member: NpzMember): string[] {
  const arr = member.array;
  if (isStringArray(arr)) return arr.strings;
  return Array.from(arr.data as ArrayLike<number | bigint>, (v) => String(v));
}

/** Wraps an array as a Dataset (values converted to float64); empty or 0-d arrays are refused. */
export function datasetFromNdArray(arr: NdArray, names: string[] = [], file?: string): Dataset {
  const shape = [...arr.shape];
  if (shape.length === 0) throw new BalerError('the array is a single number (0-d), not a table or frames', file);
  if (shape.some((d) => d === 0)) throw new BalerError(`the array is empty (shape ${formatShape(shape)})`, file);
  const kind = shape.length <= 2 ? 'table' : 'frames';
  const columns = shape.length === 2 ? shape[1] : 1;
  if (kind === 'table' && names.length > 0 && names.length !== columns) {
    throw new BalerError(`${names.length} column names for ${columns} columns`, file);
  }
  return { kind, shape, dtype: arr.dtype, names: [...names], values: toFloat64(arr.data) };
}

function toFloat64(data: TypedArray): Float64Array {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return new Float64Array(data);
}

function formatShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Columns of a table (1 for a 1-D array). */
export function columnCount(ds: Pick<Dataset, 'shape'>): number {
  return ds.shape.length >= 2 ? ds.shape[1] : 1;
}

/** Height and width of one frame: H = shape[1], W = the product of all later axes (see the layout rules). */
export function frameShape(ds: Pick<Dataset, 'shape'>): { height: number; width: number } {
  return { height: ds.shape[1] ?? 1, width: ds.shape.slice(2).reduce((a, b) => a * b, 1) };
}

/**
 * The dataset's values cast back to its dtype: integers are rounded (Math.round: halves go up) and
 * clamped to the dtype's range, NaN becoming 0; bool is 1 where the value rounds to a non-zero integer.
 */
export function toNdArray(ds: Dataset): NdArray {
  return { dtype: ds.dtype, shape: [...ds.shape], data: castValues(ds.values, ds.dtype) };
}

const INTEGER_RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
};

const TYPED_ARRAY_OF: Partial<Record<DType, new (n: number) => TypedArray>> = {
  int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
};

function castValues(values: Float64Array, dtype: DType): TypedArray {
  switch (dtype) {
    case 'float64': return values.slice();
    case 'float32': return new Float32Array(values);
    case 'float16': return Float32Array.from(values, roundToFloat16); // direct rounding: no float32 double rounding
    case 'bool': return Uint8Array.from(values, (v) => (Number.isNaN(v) || Math.round(v) !== 0 ? 1 : 0));
    case 'int64': return BigInt64Array.from(values, (v) => clampToBigInt(v, -(2n ** 63n), 2n ** 63n - 1n));
    case 'uint64': return BigUint64Array.from(values, (v) => clampToBigInt(v, 0n, 2n ** 64n - 1n));
    default: {
      const [low, high] = INTEGER_RANGES[dtype] as [number, number];
      const out = new (TYPED_ARRAY_OF[dtype] as new (n: number) => TypedArray)(values.length) as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
      for (let i = 0; i < values.length; i++) out[i] = clampInteger(values[i], low, high);
      return out;
    }
  }
}

function clampInteger(value: number, low: number, high: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(high, Math.max(low, Math.round(value)));
}

function clampToBigInt(value: number, low: bigint, high: bigint): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= Number(high)) return high; // Number(2^63 - 1) rounds up to 2^63: anything at or above is out of range
  if (value <= Number(low)) return low;
  return BigInt(Math.round(value));
}

/** Writes a dataset by the file's extension, in its original dtype; refuses to replace a file unless `overwrite`. */
export function writeDataset(file: string, ds: Dataset, opts: { overwrite?: boolean; compress?: boolean } = {}): void {
  writeFileAtomic(file, encodeDataset(ds, dataFormatOf(file), file, opts), { overwrite: opts.overwrite });
}

/** The bytes (or CSV text) writeDataset would write. `compress` deflates .npz members (np.savez_compressed). */
export function encodeDataset(ds: Dataset, format: DataFormat, file?: string, opts: { compress?: boolean } = {}): Uint8Array | string {
  const arr = toNdArray(ds);
  switch (format) {
    case 'npy':
      return encodeNpy(arr);
    case 'npz':
      return encodeNpz([{ name: 'data', array: arr }, { name: 'names', array: namesArray(ds.names) }], opts);
    case 'csv':
      if (ds.shape.length > 2) {
        throw new BalerError(`a .csv file holds a table, but this data is ${ds.shape.length}-D ${formatShape(ds.shape)}; write .npz or .npy`, file);
      }
      return encodeCsv(ds.names, arr);
  }
}

/** `names` as the reference writes it: an empty float64 array when there are none, else a unicode array. */
function namesArray(names: string[]): NdArray | StringNdArray {
  if (names.length === 0) return { dtype: 'float64', shape: [0], data: new Float64Array(0) };
  return { dtype: 'unicode', shape: [names.length], strings: names };
}

export interface NonFiniteCount {
  nan: number;
  posInf: number;
  negInf: number;
  /** Flat (C-order) index of the first non-finite value; -1 when all are finite. */
  firstIndex: number;
}

export function findNonFinite(ds: Pick<Dataset, 'values'>): NonFiniteCount {
  const result: NonFiniteCount = { nan: 0, posInf: 0, negInf: 0, firstIndex: -1 };
  const { values } = ds;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) continue; // finite (fast path: NaN and ±Infinity give NaN)
    if (Number.isNaN(v)) result.nan++;
    else if (v > 0) result.posInf++;
    else result.negInf++;
    if (result.firstIndex < 0) result.firstIndex = i;
  }
  return result;
}
