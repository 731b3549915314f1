// The autoencoder mode (the reference tool's): train (or load) a model, store the latents per slab and the
// decoder (embedded, or in a model file shared by hash).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, TrainSettings } from '../api';
import type { TrainedModel } from '../types';
import { sampleLayout } from '../types';
import { throwIfAborted } from '../errors';
import { normalise } from '../normalise';
import { initBackend } from '../model/backend';
import { encodeSamples } from '../model/infer';
import { loadTrainedModel, sharedDecoderFile } from '../model/store';
import { packFloats, unpackFloats } from '../codec/numbers';
import { decodeWeights, encodeWeights } from '../codec/weights';
import type { ModelPart, TrainingSummary } from '../codec/header';
import { castFloat64 } from '../data/dtype';
import { assertTrainable, definedOnly, DEFAULT_TRAIN_SETTINGS, trainModel } from '../training';
import { decodeToOriginalScale } from '../decompress';
import { columnsOf } from '../metrics';
import { writePayload, type ArrayStrategy, type PayloadSection } from './strategy';

export const autoencoderStrategy: ArrayStrategy = {
  handles: () => true,
  async code(input, out, ctx) {
    const { opts, hooks, input: file } = ctx;
    const { dataset: ds } = await input.whole();
    if (opts.trainedModelPath) assertTrainable(ds, file);
    const model = opts.trainedModelPath
      ? await loadTrainedModel(opts.trainedModelPath, ds)
      : await trainModel(ds, { ...DEFAULT_TRAIN_SETTINGS, ...(definedOnly(opts) as Partial<TrainSettings>) }, hooks, file);
    throwIfAborted(hooks?.signal);
    hooks?.onProgress?.({ phase: 'encode', message: 'encoding' });
    await initBackend(opts.backend ?? 'auto'); // the encoder runs on tfjs (a loaded model skips training's init)

    const { count, width } = sampleLayout(ds);
    const latentPrecision = opts.latentPrecision ?? 'float32';
    const coding = entropyCoding(opts.entropy);
    const latents = await encodeSamples(model.architecture, model.encoder, normalise(ds.values, width, model.normalisation), count);
    const latentBytes = packFloats(latents, latentPrecision);
    const decoderPrecision = opts.decoderPrecision ?? 'float32';
    const decoderBytes = encodeWeights(model.decoder, decoderPrecision);
    // Decode exactly as decompression will: from the packed (rounded) latents and weights, cast to the dtype.
    const reconstruction = castFloat64(decodeToOriginalScale(
      model.architecture, decodeWeights(decoderBytes), unpackFloats(latentBytes, latentPrecision, latents.length), count, width,
      model.normalisation), ds.dtype);

    const sections: PayloadSection[] = [{ role: 'latents', data: latentBytes, coding, shuffle: latentPrecision === 'float16' ? 2 : 4 }];
    const part: ModelPart = {
      architecture: model.architecture, normalisation: model.normalisation, decoderPrecision,
      latentSize: model.architecture.latent, latentPrecision, training: trainingSummary(model),
    };
    let modelDir: string | undefined;
    if (opts.modelFile) {
      const shared = await sharedDecoderFile(opts.modelFile, model, decoderPrecision, decoderBytes, opts.force);
      part.shared = { ...shared, fileName: path.basename(opts.modelFile) };
      modelDir = path.dirname(path.resolve(opts.modelFile));
    } else {
      sections.push({ role: 'decoder', data: decoderBytes, coding });
    }
    const codec = { mode: 'autoencoder' as const, model: part };
    await writePayload(out, ds.values, { codec, sections, reconstruction }, columnsOf(ds.shape, ds.kind));
    const { total } = await ctx.measure(input, codec, sections);
    const warning = sizeWarning(total + (part.shared ? part.shared.bytes : 0), decoderBytes.length, fs.statSync(file).size, !!part.shared);
    return { codec, slabRows: count, modelDir, ...(warning ? { note: warning } : {}) };
  },
};

/** Said when the autoencoder's file, decoder counted, is larger than its input: why, and what to do instead. */
export function sizeWarning(total: number, decoder: number, input: number, shared: boolean): string | undefined {
  if (total <= input) return undefined;
  const instead = shared
    ? 'compress more files against the same --model-file so that its cost is shared, or'
    : 'share the decoder across many files (--model-file, or `baler train` then `compress --model-file`), or';
  return `warning: the autoencoder's total (${total} bytes, of which the decoder is ${decoder}) is ${(total / input).toFixed(2)}× the input ` +
    `(${input} bytes): its decoder costs more than the latents save. ${instead[0].toUpperCase()}${instead.slice(1)} give a bound ` +
    '(drop the autoencoder options, or --error-bound rel:1e-3) for a file that is never larger than lossless';
}

function entropyCoding(e: CompressOptions['entropy']): 'raw' | 'zstd' | 'deflate' {
  return e === 'none' ? 'raw' : e ?? 'zstd';
}

/** What the file keeps of the training (no timings: the same input and seed give the same bytes). */
export function trainingSummary(model: TrainedModel): TrainingSummary {
  const h = model.history;
  return { epochs: h.epochs, finalLoss: h.loss[h.loss.length - 1] ?? 0, stoppedBecause: h.stoppedBecause, backend: h.backend };
}
