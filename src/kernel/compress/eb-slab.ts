// One error-bounded slab as the bytes of a `data` chunk (after its TAG_EB byte), and back: the eb coder's
// self-describing slabs (eb/index.ts), with a decoding error naming the file.
import { BalerError } from '../errors';
import { decodeSlab, encodeSlab, type EbGlobals, type SlabOptions } from '../eb';

export type { EbGlobals } from '../eb';
export type EbSlabOptions = SlabOptions;

export async function encodeEbSlab(values: Float64Array, shape: number[], g: EbGlobals, opts: EbSlabOptions = {}): Promise<{ bytes: Uint8Array; reconstruction: Float64Array; configuration: string }> {
  const { bytes, reconstruction, stats } = await encodeSlab(values, shape, g, opts);
  return { bytes, reconstruction, configuration: stats.configuration };
}

export async function decodeEbSlab(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array, file?: string): Promise<Float64Array> {
  try {
    return await decodeSlab(bytes, shape, g, prediction);
  } catch (err) {
    if (err instanceof BalerError && !err.file) throw new BalerError(err.message, file, 'ECORRUPT');
    throw err;
  }
}
