// One slab of an array coded against a learned predictor, as the chunks the container stores, and back:
//   basis:   `${k}.data` = TAG_EB + the error-bounded slab coded against the basis prediction,
//            `${k}.latents` = the slab's latents (basis.ts);
//   columns: `${k}.data` = TAG_COLUMNS + the columns coded one after the other (columns.ts).
// A slab stored losslessly (the lossless floor) has a lossless data chunk (TAG_ZSTD*, TAG_RAW: isLosslessTag) and an empty latents chunk.
import { decodeEbSlab, encodeEbSlab, type EbGlobals } from '../compress/eb-slab';
import { BalerError } from '../errors';
import { slabTag, tagged, TAG_COLUMNS, TAG_EB } from '../codec/slab';
import { decodeLatents, encodeLatents } from './basis';
import { decodeColumnsSlab, encodeColumnsSlab } from './columns';
import type { LearnedModel } from './blob';
import { release } from '../parallel/slab-buffers';

export interface LearnedSlab {
  /** The `data` chunk, tagged. */
  data: Uint8Array;
  /** The `latents` chunk (basis family only). */
  latents?: Uint8Array;
  reconstruction: Float64Array;
  /** The coder's configuration (basis family), for the slabs after the first to reuse. */
  configuration?: string;
}

/** Bytes a learned slab takes in the file: its data and latents chunks. */
export function learnedSlabBytes(c: { data: Uint8Array; latents?: Uint8Array }): number {
  return c.data.length + (c.latents?.length ?? 0);
}

/**
 * The globals the coder is called with inside a learned slab (encoder and decoder alike): a rel bound as the
 * absolute tolerances the header stores, which already leave room for the cast to the output dtype.
 */
export function codingGlobals(g: EbGlobals): EbGlobals {
  return g.bound.kind === 'rel' ? { ...g, bound: { kind: 'abs', value: dataTolerance(g) } } : g;
}

/** The smallest absolute tolerance of the array (what the basis's latent tolerance derives from). */
export function dataTolerance(g: EbGlobals): number {
  return g.tolerances.length ? g.tolerances.reduce((a, b) => Math.min(a, b)) : 0;
}

/** `searchFrom`: where the coder's search starts when the model has no configuration yet (SlabOptions.searchFrom). */
export async function encodeLearnedSlab(m: LearnedModel, values: Float64Array, shape: number[], g: EbGlobals, searchFrom?: string): Promise<LearnedSlab> {
  const rows = shape[0];
  if (m.family === 'columns') {
    const { body, reconstruction, configurations } = await encodeColumnsSlab(m, values, rows, g);
    // Later slabs reuse each column's configuration instead of searching again (encoder only).
    m.configurations ??= configurations;
    return { data: tagged(TAG_COLUMNS, body), reconstruction };
  }
  const latents = await encodeLatents(m, values, rows, dataTolerance(g));
  try {
    const coded = await encodeEbSlab(values, shape, codingGlobals(g), { prediction: latents.prediction, configuration: m.configuration, searchFrom });
    return { data: tagged(TAG_EB, coded.bytes), latents: latents.chunk, reconstruction: coded.reconstruction, configuration: coded.configuration };
  } finally {
    release(latents.prediction); // coded against: it serves the next slab
  }
}

/** Decodes a slab that is not lossless (the caller handles TAG_ZSTD* chunks). */
export async function decodeLearnedSlab(
  m: LearnedModel, data: Uint8Array, latents: Uint8Array | undefined, shape: number[], g: EbGlobals, file?: string,
): Promise<Float64Array> {
  const rows = shape[0];
  const tag = slabTag(data, file);
  if (m.family === 'columns') {
    if (tag !== TAG_COLUMNS) throw new BalerError(`corrupted: a slab of a cross-column array has coding ${tag}`, file, 'ECORRUPT');
    return decodeColumnsSlab(m, data.subarray(1), rows, g, file);
  }
  if (tag !== TAG_EB) throw new BalerError(`corrupted: a slab of a learned-basis array has coding ${tag}`, file, 'ECORRUPT');
  if (!latents) throw new BalerError('corrupted: a learned-basis slab without latents', file, 'ECORRUPT');
  const prediction = await decodeLatents(m, latents, rows, file);
  try {
    return await decodeEbSlab(data.subarray(1), shape, codingGlobals(g), prediction, file);
  } finally {
    release(prediction);
  }
}
