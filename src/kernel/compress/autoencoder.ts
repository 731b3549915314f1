// The autoencoder mode (the reference tool's): train (or load) a model on a sample of the array (ae-train.ts),
// store the latents slab by slab (ae-encode.ts) and the decoder (embedded, or in a model file shared by hash).
// Large frames get a model on tiles (model/patches.ts), whose size does not grow with the frame.
import * as path from 'node:path';
import type { CompressOptions } from '../api';
import type { TrainedModel } from '../types';
import { throwIfAborted } from '../errors';
import { initBackend } from '../model/backend';
import { latentsPerRow } from '../model/patches';
import { sharedDecoderFile } from '../model/store';
import { decodeWeights, encodeWeights } from '../codec/weights';
import type { ModelPart, TrainingSummary } from '../codec/header';
import type { ArrayStrategy } from './strategy';
import { modelForArray } from './ae-train';
import { encodeSlabs } from './ae-encode';

export const autoencoderStrategy: ArrayStrategy = {
  handles: () => true,
  async code(input, out, { opts, hooks, input: file }) {
    const model = await modelForArray(input, opts, hooks, file);
    throwIfAborted(hooks?.signal);
    hooks?.onProgress?.({ phase: 'encode', message: 'encoding' });
    await initBackend(opts.backend ?? 'auto'); // the encoder runs on tfjs (a loaded model skips training's init)

    const latentPrecision = opts.latentPrecision ?? 'float32';
    const coding = entropyCoding(opts.entropy);
    const decoderPrecision = opts.decoderPrecision ?? 'float32';
    const decoderBytes = encodeWeights(model.decoder, decoderPrecision);
    const part: ModelPart = {
      architecture: model.architecture, normalisation: model.normalisation, decoderPrecision,
      latentSize: latentsPerRow(model.architecture, input.source.shape.slice(1)), latentPrecision, training: trainingSummary(model),
    };
    let modelDir: string | undefined;
    if (opts.modelFile) {
      const shared = await sharedDecoderFile(opts.modelFile, model, decoderPrecision, decoderBytes, opts.force);
      part.shared = { ...shared, fileName: path.basename(opts.modelFile) };
      modelDir = path.dirname(path.resolve(opts.modelFile));
    } else {
      await out.addSection('decoder', decoderBytes, { coding });
    }
    // Each slab is decoded exactly as decompression will: from the rounded latents and the stored weights.
    await encodeSlabs(input, out, model, { precision: latentPrecision, coding, decoder: decodeWeights(decoderBytes) }, hooks);
    return { codec: { mode: 'autoencoder', model: part }, slabRows: input.slabRows, modelDir };
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
