// Whole arrays as a Dataset: readDataset / writeDataset, the conveniences the pipeline uses, over the slab
// interface (source.ts) that every format goes through (formats.ts).
//
// Layout rules:
// - 1-D arrays are tables with one column; 2-D arrays are tables (rows × columns).
// - 3-D arrays are frames (frames × H × W). 4-D and higher are frames too: each sample is everything after
//   the first axis, flattened; frameShape() gives H = shape[1] and W = the product of the remaining axes.
//   Dataset.shape always keeps the original shape, so writing back restores it exactly.
// - A file with several arrays gives the one selected (`dataset`), else its only numeric array, else the one
//   named `data` (the .npz layout of the reference tool, with column names under `names`).
import { BalerError } from '../errors';
import type { Dataset, DType, NdArray, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget, DEFAULT_MEMORY_BUDGET, elementCount } from './budget';
import { roundToFloat16 } from './float16';
import { createDataSink, openDataSource, type DataFormat } from './formats';
import { notInFile, type ArraySource, type DataSource, type OpenOptions, type SinkOptions, type SourceSelection } from './source';

/** Bytes read per slab when a whole array is read. */
const SLAB_BYTES = 64 * 2 ** 20;

/** Reads one array of a data file, whole, as float64 values (checked against the memory budget first). */
export async function readDataset(file: string, selection: SourceSelection = {}, opts: OpenOptions = {}): Promise<Dataset> {
  const source = await openDataSource(file, selection, opts);
  try {
    const array = chooseArray(source, selection);
    return await readWholeArray(array, file, opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
  } finally {
    await source.close();
  }
}

/** Arrays named, with the reason each was left out, when a file holds none that can be read. */
const SKIPPED_SHOWN = 8;

/** The array readDataset reads: the selected one, else the only one, else the one named 'data'. */
export function chooseArray(source: DataSource, selection: SourceSelection = {}): ArraySource {
  const { arrays, skipped = [] } = source;
  const keys = [...arrays.map((a) => a.path), ...skipped.map((s) => s.path)].map((k) => `'${k}'`).join(', ') || 'none';
  const wanted = selection.dataset?.replace(/^\/+/, '');
  const pick = (name: string): ArraySource | undefined => arrays.find((a) => a.path.replace(/^\/+/, '') === name);
  const refuseSkipped = (name: string): void => {
    const skip = skipped.find((s) => s.path.replace(/^\/+/, '') === name);
    if (skip) throw new BalerError(`the array '${skip.path}' ${skip.reason}`, source.file);
  };
  if (wanted !== undefined) {
    const found = pick(wanted);
    if (found) return found;
    refuseSkipped(wanted);
    throw notInFile('array', selection.dataset!, [...arrays, ...skipped].map((a) => a.path), source.file);
  }
  if (arrays.length === 1) return arrays[0];
  const data = pick('data');
  if (data) return data;
  refuseSkipped('data');
  if (arrays.length === 0 && skipped.length > 0) {
    // why each was left out (a compound type, an HDF5 filter this reader lacks…): the user's next step depends on it
    const byReason = new Map<string, string[]>();
    for (const s of skipped.slice(0, SKIPPED_SHOWN)) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), `'${s.path}'`]);
    const shown = [...byReason].map(([reason, paths]) => `${paths.join(', ')} (${reason})`).join(', ');
    const more = skipped.length > SKIPPED_SHOWN ? ` and ${skipped.length - SKIPPED_SHOWN} more` : '';
    throw new BalerError(`the file holds no numeric array (keys: ${shown}${more})`, source.file);
  }
  const problem = arrays.length === 0 ? 'no numeric array' : "several arrays and none is named 'data'";
  throw new BalerError(`the file holds ${problem} (keys: ${keys})${arrays.length > 1 ? '; choose one with --dataset' : ''}`, source.file);
}

/** All rows of an array as a Dataset (float64 values), read slab by slab into one buffer. */
export async function readWholeArray(array: ArraySource, file: string, budget: number): Promise<Dataset> {
  const shape = [...array.shape];
  if (shape.length === 0) throw new BalerError('the array is a single number (0-d), not a table or frames', file);
  if (shape.some((d) => d === 0)) throw new BalerError(`the array is empty (shape ${formatShape(shape)})`, file);
  const count = elementCount(shape, file);
  checkBudget(count * 8, budget, `the array${array.path ? ` '${array.path}'` : ''} (${formatShape(shape)}) as float64`, file);
  const values = new Float64Array(count);
  const perRow = count / shape[0];
  const rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / (perRow * 8)));
  for (let start = 0; start < shape[0]; start += rowsPerSlab) {
    const rows = Math.min(rowsPerSlab, shape[0] - start);
    const slab = await array.readSlab(start, rows);
    copyAsFloat64(slab.data, values, start * perRow);
  }
  const ds = datasetFromNdArray({ dtype: array.dtype, shape, data: new Float64Array(0) }, array.names, file, values);
  return ds;
}

function copyAsFloat64(data: TypedArray, out: Float64Array, offset: number): void {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[offset + i] = Number(data[i]);
  } else {
    out.set(data, offset);
  }
}

/** Wraps an array as a Dataset (values converted to float64); empty or 0-d arrays are refused. */
export function datasetFromNdArray(arr: NdArray, names: string[] = [], file?: string, values?: Float64Array): Dataset {
  const shape = [...arr.shape];
  if (shape.length === 0) throw new BalerError('the array is a single number (0-d), not a table or frames', file);
  if (shape.some((d) => d === 0)) throw new BalerError(`the array is empty (shape ${formatShape(shape)})`, file);
  const kind = kindOfArray(shape, names);
  const columns = shape.length === 2 ? shape[1] : 1;
  if (kind === 'table' && names.length > 0 && names.length !== columns) {
    throw new BalerError(`${names.length} column names for ${columns} columns`, file);
  }
  return { kind, shape, dtype: arr.dtype, names: [...names], values: values ?? toFloat64(arr.data) };
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

/**
 * Writes a dataset by the file's extension (or `format`), in its original dtype; refuses to replace a file unless
 * `overwrite`. `compress` deflates .npz members (np.savez_compressed) and gzips HDF5 chunks.
 */
export async function writeDataset(
  file: string, ds: Dataset, opts: SinkOptions & { format?: DataFormat; path?: string; attributes?: Record<string, unknown> } = {},
): Promise<void> {
  const arr = toNdArray(ds);
  const description = { path: opts.path ?? '', dtype: ds.dtype, shape: [...ds.shape], kind: ds.kind, names: [...ds.names] };
  const sink = await createDataSink(file, opts.format, [description], opts.attributes ?? {}, opts);
  try {
    await sink.writeSlab(0, arr);
    await sink.finish();
  } catch (err) {
    await sink.abort();
    throw err;
  }
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
