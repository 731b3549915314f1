// The autoencoder mode (the reference tool's): train (or load) a model, store the latents and the decoder
// (embedded, or in a model file shared by hash).
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
import { assertTrainable, definedOnly, DEFAULT_TRAIN_SETTINGS, trainModel } from '../training';
import { decodeToOriginalScale } from '../decompress';
import type { CompressStrategy, Payload } from './strategy';

export const autoencoderStrategy: CompressStrategy = {
  handles: () => true,
  async payload({ ds, opts, hooks, input }) {
    if (opts.trainedModelPath) assertTrainable(ds, input);
    const model = opts.trainedModelPath
      ? await loadTrainedModel(opts.trainedModelPath, ds)
      : await trainModel(ds, { ...DEFAULT_TRAIN_SETTINGS, ...(definedOnly(opts) as Partial<TrainSettings>) }, hooks, input);
    throwIfAborted(hooks?.signal);
    hooks?.onProgress?.({ phase: 'encode', message: 'encoding' });
    await initBackend(opts.backend ?? 'auto'); // the encoder runs on tfjs (a loaded model skips training's init)

    const { count, width } = sampleLayout(ds);
    const latentPrecision = opts.latentPrecision ?? 'float32';
    const coding = entropyCoding(opts.entropy);
    const latents = encodeSamples(model.architecture, model.encoder, normalise(ds.values, width, model.normalisation), count);
    const latentBytes = packFloats(latents, latentPrecision);
    const decoderPrecision = opts.decoderPrecision ?? 'float32';
    const decoderBytes = encodeWeights(model.decoder, decoderPrecision);
    // Decode exactly as decompression will: from the packed (rounded) latents and weights.
    const reconstruction = decodeToOriginalScale(
      model.architecture, decodeWeights(decoderBytes), unpackFloats(latentBytes, latentPrecision, latents.length), count, width,
      model.normalisation);

    const sections: Payload['sections'] = [{ name: 'latents', data: latentBytes, coding, shuffle: latentPrecision === 'float16' ? 2 : 4 }];
    const decoder: Record<string, unknown> = { precision: decoderPrecision };
    let modelDir: string | undefined;
    if (opts.modelFile) {
      const shared = await sharedDecoderFile(opts.modelFile, model, decoderPrecision, decoderBytes, opts.force);
      decoder.shared = { ...shared, fileName: path.basename(opts.modelFile) };
      modelDir = path.dirname(path.resolve(opts.modelFile));
    } else {
      sections.push({ name: 'decoder', data: decoderBytes, coding });
    }
    return {
      header: {
        mode: 'autoencoder',
        model: { architecture: model.architecture, normalisation: model.normalisation, decoder },
        latents: { count, size: latents.length / count, precision: latentPrecision },
        history: summariseHistory(model),
      },
      sections,
      reconstruction,
      modelDir,
    };
  },
};

function entropyCoding(e: CompressOptions['entropy']): 'raw' | 'zstd' | 'deflate' {
  return e === 'none' ? 'raw' : e ?? 'zstd';
}

function summariseHistory(model: TrainedModel): Record<string, unknown> {
  const h = model.history;
  return { epochs: h.epochs, seconds: h.seconds, finalLoss: h.loss[h.loss.length - 1], stoppedBecause: h.stoppedBecause, backend: h.backend };
}
