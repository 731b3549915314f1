// The sample a coding plan is chosen on: the whole array when it is small, otherwise a few evenly spaced runs
// of consecutive rows (consecutive, so that the classical predictors see the structure they would see in a
// slab; spread out, so that a drift along the array is seen too).
import type { NdArray } from '../types';
import type { ArraySource } from '../data/source';
import { toFloat64 } from '../data/dtype';
import { integerMissingOf, missingAsNaN } from '../data/fill';

export interface Sample {
  values: Float64Array;
  array: NdArray;
  rows: number;
  /** The shape of the sample: [rows, ...rowShape]. */
  shape: number[];
  /** The sample is the whole array. */
  whole: boolean;
}

/** Values a sample holds at most by default (8 MiB as float64). */
export const SAMPLE_VALUES = 1 << 20;
/** Memory a sample value costs while plans are fitted and coded on it (copies, reconstructions, the coder). */
export const BYTES_PER_SAMPLE_VALUE = 64;
const RUNS = 4;

export interface SampleLimits {
  /** Values at most (default SAMPLE_VALUES). */
  maxValues?: number;
  /** The memory budget: the sample takes at most this much while it is worked on. */
  memoryBudget?: number;
  /** Rows per read from the source (its slabs: each read is within the budget). */
  rowsPerRead?: number;
}

export async function readSample(source: Pick<ArraySource, 'shape' | 'dtype' | 'readSlab' | 'attributes'>, limits: SampleLimits = {}): Promise<Sample> {
  const missing = integerMissingOf(source.dtype, source.attributes);
  const [total, ...rowShape] = source.shape;
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const byBudget = limits.memoryBudget ? Math.floor(limits.memoryBudget / BYTES_PER_SAMPLE_VALUE) : Infinity;
  const maxValues = Math.max(rowSize, Math.min(limits.maxValues ?? SAMPLE_VALUES, byBudget));
  const read = (start: number, count: number) => readRows(source, start, count, limits.rowsPerRead ?? total, rowShape);
  if (total * rowSize <= maxValues) return fromArray(await read(0, total), rowShape, true, missing);
  const perRun = Math.max(1, Math.floor(maxValues / rowSize / RUNS));
  const runs = Math.min(RUNS, Math.ceil(total / perRun));
  const parts: NdArray[] = [];
  for (let i = 0; i < runs; i++) {
    const start = Math.min(total - perRun, Math.floor((i * total) / runs));
    parts.push(await read(Math.max(0, start), Math.min(perRun, total)));
  }
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  return fromArray(joinRows(parts, [rows, ...rowShape]), rowShape, false, missing);
}

/** Rows [start, start + count) read in pieces of at most `perRead` rows. */
async function readRows(source: Pick<ArraySource, 'readSlab'>, start: number, count: number, perRead: number, rowShape: number[]): Promise<NdArray> {
  if (count <= perRead) return source.readSlab(start, count);
  const parts: NdArray[] = [];
  for (let at = start; at < start + count; at += perRead) parts.push(await source.readSlab(at, Math.min(perRead, start + count - at)));
  return joinRows(parts, [count, ...rowShape]);
}

/** The sample of rows `array`; with an integer array's missing value (data/fill.ts), its values are NaN there. */
function fromArray(array: NdArray, rowShape: number[], whole: boolean, missing: number | undefined): Sample {
  const rows = array.shape[0];
  const values = toFloat64(array.data).values;
  missingAsNaN(values, missing);
  return { values, array: missing === undefined ? array : { ...array, missing }, rows, shape: [rows, ...rowShape], whole };
}

/** Slabs (rows in order, one dtype) joined into one array of `shape`. */
export function joinRows(parts: NdArray[], shape: number[]): NdArray {
  const Ctor = parts[0].data.constructor as new (n: number) => NdArray['data'];
  const data = new Ctor(shape.reduce((a, b) => a * b, 1));
  let at = 0;
  for (const p of parts) {
    (data as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(p.data as ArrayLike<unknown>, at);
    at += p.data.length;
  }
  return { dtype: parts[0].dtype, shape: [...shape], data };
}
