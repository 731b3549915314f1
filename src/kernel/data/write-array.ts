// Writes one array, as it is in its dtype, by the output's extension through the formats' sinks (formats.ts):
// .npy/.npz (the reference layout: `data` plus `names`)/.csv, HDF5, netCDF-4, Parquet or Zarr.
import type { NdArray } from '../types';
import { createDataSink } from './formats';

export async function writeArrayFile(file: string, arr: NdArray, names: string[], opts: { overwrite?: boolean; protect?: string } = {}): Promise<void> {
  const kind = arr.shape.length <= 2 ? 'table' : 'frames';
  const sink = await createDataSink(file, undefined, [{ path: '', dtype: arr.dtype, shape: [...arr.shape], kind, names: [...names] }], {}, opts);
  try {
    await sink.writeSlab(0, arr);
    await sink.finish();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** Joins slabs (rows in order) into one array. */
export function joinSlabs(slabs: NdArray[], shape: number[]): NdArray {
  const first = slabs[0];
  const total = shape.reduce((a, b) => a * b, 1);
  const Ctor = first.data.constructor as new (n: number) => NdArray['data'];
  const data = new Ctor(total);
  let at = 0;
  for (const s of slabs) {
    (data as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(s.data as ArrayLike<unknown>, at);
    at += s.data.length;
  }
  return { dtype: first.dtype, shape: [...shape], data };
}
