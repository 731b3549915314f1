// Training an autoencoder on a dataset: the defaults of one-shot `compress FILE`, the checks that the data can
// be learned, and `train FILE -o model.balermodel`.
import type { Hooks, TrainSettings } from './api';
import type { Architecture, Dataset, Normalisation, TrainedModel, TrainOptions } from './types';
import { sampleLayout } from './types';
import { BalerError } from './errors';
import { findNonFinite, readDataset } from './data/dataset';
import { fitMinMax, normalise } from './normalise';
import { initBackend } from './model/backend';
import { describeArchitecture } from './model/architectures';
import { chooseArchitecture, rowsToSamples, samplesPerRow } from './model/patches';
import { trainAutoencoder } from './model/train';
import { saveTrainedModel } from './model/store';
import { checkOutput } from './compress/output';

/** Defaults for one-shot `compress FILE`: quick enough to run interactively, good enough to be useful. */
export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  modelType: 'dense',
  compressionRatio: 100,
  epochs: 1000,
  batchSize: 512,
  learningRate: 0.001,
  seed: 42,
  validationSplit: 0,
  earlyStoppingPatience: 100,
  lrPlateauPatience: 40,
  backend: 'auto',
};

/**
 * Trains an autoencoder on a dataset; the result carries its normalisation and loss history.
 * `file` names the data in the error when the dataset cannot be learned.
 */
export async function trainModel(ds: Dataset, settings: TrainSettings, hooks?: Hooks, file?: string): Promise<TrainedModel> {
  assertTrainable(ds, file);
  const architecture = chooseArchitecture(ds.kind, ds.shape, { modelType: settings.modelType, latent: settings.latent, compressionRatio: settings.compressionRatio }, file);
  return trainOnSample(ds, ds.shape, architecture, fitMinMax(ds), settings, hooks);
}

/**
 * Trains `architecture` on `sample` (rows of an array of shape `shape`: all of them, or a sample) with a
 * normalisation fitted on the whole array; a model on tiles (model/patches.ts) trains on the rows' tiles.
 */
export async function trainOnSample(
  sample: Dataset, shape: number[], architecture: Architecture, normalisation: Normalisation, settings: TrainSettings, hooks?: Hooks,
): Promise<TrainedModel> {
  const backend = await initBackend(settings.backend);
  hooks?.onLog?.(`backend: ${backend.active}${backend.warning ? ` (${backend.warning})` : ''}`);
  const rowShape = shape.slice(1);
  const rows = sample.shape[0];
  const sampleNote = rows < shape[0] ? `, trained on ${rows} of ${shape[0]} ${shape.length >= 3 ? 'frames' : 'rows'}` : '';
  hooks?.onLog?.(`model: ${describeArchitecture(architecture)}${sampleNote}`);
  const { width } = sampleLayout(sample);
  const samples = rowsToSamples(architecture, normalise(sample.values, width, normalisation), rows, rowShape);
  const count = rows * samplesPerRow(architecture, rowShape);
  const trained = await trainAutoencoder(samples, count, architecture, trainOptions(settings, count), {
    signal: hooks?.signal,
    onProgress: (p) => hooks?.onProgress?.({ phase: 'train', ...p }),
  });
  return { architecture, normalisation, ...trained };
}

function trainOptions(s: TrainSettings, count: number): TrainOptions {
  return {
    epochs: s.epochs,
    batchSize: Math.min(s.batchSize, count),
    learningRate: s.learningRate,
    seed: s.seed,
    validationSplit: s.validationSplit,
    earlyStopping: { patience: s.earlyStoppingPatience, minDelta: 0 },
    reduceLrOnPlateau: { factor: 0.5, patience: s.lrPlateauPatience, minLr: s.learningRate / 100 },
    targetPsnr: s.targetPsnr,
    timeLimitSeconds: s.timeLimitSeconds,
  };
}

export function assertTrainable(ds: Dataset, file?: string): void {
  const bad = findNonFinite(ds);
  const total = bad.nan + bad.posInf + bad.negInf;
  if (total > 0) {
    throw new BalerError(
      `contains ${total} non-finite values (${bad.nan} NaN, ${bad.posInf + bad.negInf} ±Inf, first at index ${bad.firstIndex}); ` +
        'an autoencoder cannot learn them: use --error-bound, which stores them exactly', file);
  }
  if (sampleLayout(ds).count < 2) {
    throw new BalerError('has a single row/frame: an autoencoder needs at least 2 samples to train; use --error-bound', file);
  }
}

/** Settings without their undefined entries, so that spreading them keeps the defaults underneath. */
export function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Trains on a data file and saves the model (encoder + decoder) for `compress --trained-model`. */
export async function trainFile(input: string, output: string, settings: Partial<TrainSettings> & { force?: boolean }, hooks?: Hooks): Promise<string> {
  checkOutput(input, output, settings.force);
  const model = await trainModel(await readDataset(input), { ...DEFAULT_TRAIN_SETTINGS, ...definedOnly(settings) }, hooks, input);
  await saveTrainedModel(output, model);
  return output;
}
