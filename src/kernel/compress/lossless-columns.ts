// A table's slab stored exactly column by column, each column in whichever exact coding is smallest for it: the
// coder at tolerance 0 (integers, and decimals a text file held: eb/grid.ts) or zstd of its bytes. One column of
// real values beside columns of decimals made the whole slab zstd's (the coder stores values off every grid
// whole), larger than the columns apart. After the TAG_LOSSLESS_COLUMNS byte, the columns as by-columns.ts lays
// them out, each a chunk tagged TAG_EB or a lossless tag (codec/slab.ts).
import { decodeByColumns, encodeByColumns } from './by-columns';
import { decodeLosslessSlab, encodeLosslessSlab, isLosslessTag, slabTag, tagged, TAG_EB } from '../codec/slab';
import { sameValues, toFloat64 } from '../data/dtype';
import { allocate } from '../data/typed';
import type { NdArray } from '../types';
import { decodeEbSlab, encodeEbSlab, type EbGlobals } from './eb-slab';
import { release } from '../parallel/slab-buffers';

/** Whether a slab is worth storing column by column: a table of several columns whose values float64 holds. */
export function losslessColumnsCandidate(array: NdArray, kind: 'table' | 'frames'): boolean {
  const [rows, columns] = array.shape;
  return kind === 'table' && array.shape.length === 2 && columns > 1 && rows > 1 && array.missing === undefined
    && array.dtype !== 'int64' && array.dtype !== 'uint64';
}

/** The settings of a column coded exactly by the coder. */
function exactGlobals(dtype: NdArray['dtype']): EbGlobals {
  return { bound: { kind: 'abs', value: 0 }, tolerances: [0], dtype, kind: 'table' };
}

/**
 * Each column of the slab in its smallest exact coding (`exact[c]`: the coder may code column c exactly, eb/grid.ts
 * exactViews), as one body for TAG_LOSSLESS_COLUMNS.
 */
export async function encodeLosslessColumns(array: NdArray, values: Float64Array, exact: boolean[]): Promise<Uint8Array> {
  const [rows, columns] = array.shape;
  return encodeByColumns(values, array.shape, async (column, c) => {
    const typed = allocate(array.dtype, rows);
    for (let r = 0; r < rows; r++) (typed as unknown as number[])[r] = array.data[r * columns + c] as number;
    const stored = await encodeLosslessSlab({ dtype: array.dtype, shape: [rows], data: typed });
    if (!exact[c]) return stored;
    const coded = await encodeEbSlab(column, [rows, 1], exactGlobals(array.dtype));
    const smaller = coded.bytes.length + 1 < stored.length && sameValues(coded.reconstruction, column);
    release(coded.reconstruction);
    return smaller ? tagged(TAG_EB, coded.bytes) : stored;
  });
}

export async function decodeLosslessColumns(body: Uint8Array, dtype: NdArray['dtype'], shape: number[], file?: string): Promise<Float64Array> {
  return decodeByColumns(body, shape, file, async (chunk, reader) => {
    const tag = slabTag(chunk, file);
    if (tag === TAG_EB) return { column: await decodeEbSlab(chunk.subarray(1), [shape[0], 1], exactGlobals(dtype), undefined, file), pooled: true };
    if (!isLosslessTag(tag)) reader.fail(`a column stored with coding ${tag}`);
    return { column: toFloat64((await decodeLosslessSlab(chunk, dtype, [shape[0]], file)).data).values, pooled: false };
  });
}
