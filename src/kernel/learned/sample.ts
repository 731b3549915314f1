// The sample a coding plan is chosen on: the whole array when it is small, otherwise a few evenly spaced runs
// of consecutive rows (consecutive, so that the classical predictors see the structure they would see in a
// slab; spread out, so that a drift along the array is seen too).
import type { NdArray } from '../types';
import type { ArraySource } from '../data/source';
import { toFloat64 } from '../data/dtype';
import { joinSlabs } from '../data/write-array';

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
const RUNS = 4;

export async function readSample(source: Pick<ArraySource, 'shape' | 'dtype' | 'readSlab'>, maxValues = SAMPLE_VALUES): Promise<Sample> {
  const [total, ...rowShape] = source.shape;
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (total * rowSize <= maxValues) return fromArray(await source.readSlab(0, total), rowShape, true);
  const perRun = Math.max(1, Math.floor(maxValues / rowSize / RUNS));
  const runs = Math.min(RUNS, Math.ceil(total / perRun));
  const parts: NdArray[] = [];
  for (let i = 0; i < runs; i++) {
    const start = Math.min(total - perRun, Math.floor((i * total) / runs));
    parts.push(await source.readSlab(Math.max(0, start), Math.min(perRun, total)));
  }
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  return fromArray(joinSlabs(parts, [rows, ...rowShape]), rowShape, false);
}

function fromArray(array: NdArray, rowShape: number[], whole: boolean): Sample {
  const rows = array.shape[0];
  return { values: toFloat64(array.data).values, array, rows, shape: [rows, ...rowShape], whole };
}
