// One error-bounded slab as the bytes of a `data` chunk (after its TAG_EB byte), and back: the eb coder's
// self-describing slabs (eb/index.ts), with a decoding error naming the file.
import { BalerError } from '../errors';
import { decodeSlab, encodeSlab, type EbGlobals, type SlabOptions } from '../eb';
import type { ErrorBound } from '../eb/bound';
import type { ArraySource } from '../data/source';
import { integerMissingOf } from '../data/fill';
import { readFromText } from '../data/decimal-text';

export type { EbGlobals } from '../eb';
export type EbSlabOptions = SlabOptions;

/** The coder's settings for an array of `source` (its integer missing value, if any, included: data/fill.ts; values read from text keep their decimals). */
export function arrayGlobals(bound: ErrorBound, tolerances: number[], source: Pick<ArraySource, 'dtype' | 'kind' | 'attributes'>): EbGlobals {
  const missing = integerMissingOf(source.dtype, source.attributes);
  return {
    bound, tolerances, dtype: source.dtype, kind: source.kind,
    ...(missing !== undefined ? { missing } : {}),
    ...(readFromText(source.attributes) ? { keepsGrid: true } : {}),
  };
}

export async function encodeEbSlab(values: Float64Array, shape: number[], g: EbGlobals, opts: EbSlabOptions = {}): Promise<{ bytes: Uint8Array; reconstruction: Float64Array; configuration: string }> {
  const { bytes, reconstruction, stats } = await encodeSlab(values, shape, g, opts);
  return { bytes, reconstruction, configuration: stats.configuration };
}

export async function decodeEbSlab(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array, file?: string): Promise<Float64Array> {
  try {
    return await decodeSlab(bytes, shape, g, prediction);
  } catch (err) {
    if (err instanceof BalerError && !err.file) throw err.naming(file, 'ECORRUPT');
    throw err;
  }
}
