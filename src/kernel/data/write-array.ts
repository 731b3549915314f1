// Writes one array, as it is in its dtype, to .npy/.npz/.csv by the file's extension (the reference .npz layout:
// `data` plus `names`). Interim whole-array writer; the formats' sinks (source.ts) replace it.
import type { NdArray } from '../types';
import { BalerError } from '../errors';
import { writeFileAtomic } from '../fsutil';
import { dataFormatOf } from './dataset';
import { encodeNpy } from './npy';
import { encodeNpz } from './npz';
import { encodeCsv } from './csv';

export function writeArrayFile(file: string, arr: NdArray, names: string[], opts: { overwrite?: boolean; protect?: string } = {}): void {
  const format = dataFormatOf(file);
  let bytes: Uint8Array | string;
  if (format === 'npy') bytes = encodeNpy(arr);
  else if (format === 'npz') {
    const namesArray = names.length === 0
      ? { dtype: 'float64' as const, shape: [0], data: new Float64Array(0) }
      : { dtype: 'unicode' as const, shape: [names.length], strings: names };
    bytes = encodeNpz([{ name: 'data', array: arr }, { name: 'names', array: namesArray }]);
  } else {
    if (arr.shape.length > 2) {
      throw new BalerError(`a .csv file holds a table, but this data is ${arr.shape.length}-D (${arr.shape.join(', ')}); write .npz or .npy`, file);
    }
    bytes = encodeCsv(names, arr);
  }
  writeFileAtomic(file, bytes, opts);
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
