// How one slab of an array is stored in its `data` section: chunk j of `${k}.data` holds slab j, starting with
// a tag byte that says how it was coded, so each slab can take whichever coding is smallest (the lossless
// floor: a slab is never stored larger than its raw bytes or zstd of them).
//   TAG_ZSTD           zstd of the slab's little-endian bytes in its dtype
//   TAG_ZSTD_SHUFFLED  the same, byte-shuffled by element size first
//   TAG_EB             an error-bounded slab (eb/ codes and decodes it)
//   TAG_EB_COLUMNS     a table's columns, each an error-bounded slab (compress/eb-columns.ts)
//   TAG_COLUMNS        a table's columns coded one after the other against a learned cross-column model
//                      (learned/columns.ts)
//   TAG_RAW            the slab's little-endian bytes as they are (format 4: a tiny or incompressible slab, where
//                      a zstd frame would only add its own header)
//   TAG_LOSSLESS_COLUMNS  a table's columns, each stored exactly in its own smallest coding (compress/lossless-columns.ts)
import { BalerError } from '../errors';
import type { DType, NdArray } from '../types';
import { arrayBytes, arrayFromBytes, DTYPE_BYTES } from '../data/dtype';
import { compressBytes, decompressBytes, shuffleBytes, unshuffleBytes, STRONG_ZSTD_MAX_BYTES } from './entropy';

export const TAG_ZSTD = 1;
export const TAG_ZSTD_SHUFFLED = 2;
export const TAG_EB = 3;
export const TAG_EB_COLUMNS = 4;
export const TAG_COLUMNS = 5;
export const TAG_RAW = 6;
export const TAG_LOSSLESS_COLUMNS = 7;

/** Whether a chunk with this tag is a lossless slab (decodeLosslessSlab decodes it). */
export function isLosslessTag(tag: number): boolean {
  return tag === TAG_ZSTD || tag === TAG_ZSTD_SHUFFLED || tag === TAG_RAW;
}

/** zstd level for lossless slabs: the strongest where it is affordable (zstd-wasm at 19 runs at ~2–3 MB/s). */
function losslessLevel(bytes: number): number {
  return bytes <= STRONG_ZSTD_MAX_BYTES ? 19 : 9;
}

/** The smallest lossless coding of a slab: its bytes as they are, or plain or byte-shuffled zstd of them, tagged. */
export async function encodeLosslessSlab(slab: NdArray): Promise<Uint8Array> {
  const raw = arrayBytes(slab);
  const level = losslessLevel(raw.length);
  const element = DTYPE_BYTES[slab.dtype];
  const plain = await compressBytes(raw, 'zstd', level);
  const shuffled = element > 1 ? await compressBytes(shuffleBytes(raw, element), 'zstd', level) : undefined;
  const [tag, body] = shuffled && shuffled.length < plain.length ? [TAG_ZSTD_SHUFFLED, shuffled] : [TAG_ZSTD, plain];
  return body.length < raw.length ? tagged(tag, body) : tagged(TAG_RAW, raw);
}

export async function decodeLosslessSlab(chunk: Uint8Array, dtype: DType, shape: number[], file?: string): Promise<NdArray> {
  const tag = chunk[0];
  if (!isLosslessTag(tag)) throw new BalerError(`corrupted: unknown slab coding ${tag}`, file, 'ECORRUPT');
  const count = shape.reduce((a, b) => a * b, 1);
  const rawLength = count * DTYPE_BYTES[dtype];
  if (tag === TAG_RAW) return arrayFromBytes(chunk.subarray(1), dtype, shape, file);
  let raw: Uint8Array;
  try {
    raw = await decompressBytes(chunk.subarray(1), 'zstd', rawLength);
  } catch (err) {
    if (err instanceof BalerError) throw err; // not the bytes: zstd could not start
    throw new BalerError(`corrupted: a lossless slab does not decode (${(err as Error).message})`, file, 'ECORRUPT');
  }
  if (raw.length !== rawLength) throw new BalerError('corrupted: a lossless slab decodes to the wrong size', file, 'ECORRUPT');
  if (tag === TAG_ZSTD_SHUFFLED) raw = unshuffleBytes(raw, DTYPE_BYTES[dtype]);
  return arrayFromBytes(raw, dtype, shape, file);
}

export function tagged(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

export function slabTag(chunk: Uint8Array, file?: string): number {
  if (chunk.length === 0) throw new BalerError('corrupted: an empty slab', file, 'ECORRUPT');
  return chunk[0];
}
