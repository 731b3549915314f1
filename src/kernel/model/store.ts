// Trained models on disk: the encoder + decoder file of `train`/projects, and the decoder-only file shared by
// many .baler files (`--model-file`), reused when identical.
import * as fs from 'node:fs';
import type { TrainedModel } from '../types';
import { BalerError } from '../errors';
import { describeArchitecture } from './architectures';
import { shapeMismatch } from './patches';
import { encodeWeights, type WeightPrecision } from '../codec/weights';
import { readModelFile, writeModelFile } from '../codec/model-file';

/** A trained model (encoder and decoder) for data of this shape (rows × …). */
export async function loadTrainedModel(file: string, shape: number[]): Promise<TrainedModel> {
  const m = await readModelFile(file);
  if (!m.encoder) throw new BalerError('this model file holds only a decoder; compressing needs the encoder too', file);
  const architecture = m.header.architecture;
  const mismatch = shapeMismatch(architecture, shape.slice(1));
  if (mismatch) throw new BalerError(`model expects ${describeArchitecture(architecture)} but ${mismatch}`, file);
  return {
    architecture,
    normalisation: m.header.normalisation,
    encoder: m.encoder,
    decoder: m.decoder,
    history: m.header.history ? { ...m.header.history, seconds: 0 } : { loss: [], valLoss: [], learningRate: [], epochs: 0, seconds: 0, stoppedBecause: 'epochs', backend: '' },
  };
}

export async function saveTrainedModel(file: string, model: TrainedModel): Promise<void> {
  await writeModelFile(file, { architecture: model.architecture, normalisation: model.normalisation, history: model.history, decoder: model.decoder, encoder: model.encoder }, { overwrite: true });
}

/** Writes (or reuses, when identical) the shared decoder-only model file; the .baler records its hash. */
export async function sharedDecoderFile(
  file: string, model: TrainedModel, precision: WeightPrecision, decoderBytes: Uint8Array, force?: boolean,
): Promise<{ hash: string; bytes: number }> {
  if (fs.existsSync(file)) {
    const existing = await readModelFile(file);
    const same = JSON.stringify(existing.header.architecture) === JSON.stringify(model.architecture) &&
      sameBytes(encodeWeights(existing.decoder, precision), decoderBytes);
    if (same) return { hash: existing.hash, bytes: existing.bytes };
    if (!force) throw new BalerError('a different model file exists here (pass --force to replace it, or choose another --model-file path)', file, 'EEXIST');
  }
  return writeModelFile(file, { architecture: model.architecture, normalisation: model.normalisation, decoder: model.decoder, decoderPrecision: precision }, { overwrite: force });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
