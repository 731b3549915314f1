// The autoencoder mode's latents, slab by slab: each slab of the input is read, encoded (its rows, or their
// tiles), stored as one chunk of the `latents` section, and decoded exactly as decompression will (from the
// rounded latents and the stored decoder, cast to the dtype) to measure what the file holds. Memory holds one
// slab at a time, whatever the file's size; the slabs are coded in order on this thread, so the bytes do not
// depend on --threads.
import type { LatentPrecision } from '../codec/header';
import type { SectionCoding } from '../codec/container';
import type { Hooks } from '../api';
import type { TrainedModel, WeightTensor } from '../types';
import { cancellationPoint } from '../errors';
import { normalise } from '../normalise';
import { encodeSamples } from '../model/infer';
import { rowsToSamples, samplesPerRow } from '../model/patches';
import { packFloats, unpackFloats } from '../codec/numbers';
import { castFloat64 } from '../data/dtype';
import { decodeToOriginalScale } from '../decompress';
import { summariseSlab } from './slab-summary';
import { columnsOf } from '../metrics';
import { fractionDone, type ArrayInput, type ArrayOutput } from './strategy';

export interface LatentCoding {
  precision: LatentPrecision;
  coding: SectionCoding['coding'];
  /** The decoder as decompression reads it (after its precision's rounding). */
  decoder: WeightTensor[];
}

export async function encodeSlabs(input: ArrayInput, out: ArrayOutput, model: TrainedModel, c: LatentCoding, hooks?: Hooks): Promise<void> {
  const { source } = input;
  const { architecture: arch, normalisation } = model;
  const rowShape = source.shape.slice(1);
  const width = rowShape.reduce((a, b) => a * b, 1);
  const shuffle = c.precision === 'float16' ? 2 : 4;
  for await (const slab of input.slabs()) {
    await cancellationPoint(hooks?.signal);
    const rows = slab.array.shape[0];
    const samples = rowsToSamples(arch, normalise(slab.values, width, normalisation), rows, rowShape);
    const latents = await encodeSamples(arch, model.encoder, samples, rows * samplesPerRow(arch, rowShape));
    const bytes = packFloats(latents, c.precision);
    const stored = unpackFloats(bytes, c.precision, latents.length);
    const reconstruction = castFloat64(decodeToOriginalScale(arch, c.decoder, stored, rows, rowShape, normalisation), source.dtype);
    await out.addSlabChunk('latents', bytes, { coding: c.coding, shuffle });
    out.slabDone(summariseSlab(slab.values, reconstruction, columnsOf(slab.array.shape, source.kind)));
    hooks?.onProgress?.({ phase: 'encode', message: 'encoding', fraction: fractionDone(input, slab) });
  }
}
