// The model of the autoencoder mode, trained on its sample (ae-sample.ts) with the architecture chosen from the
// whole array's shape (whole rows, or tiles of large frames: model/patches.ts) and the normalisation from the
// whole array's range (the first pass's statistics), so that every slab is coded with the same model.
import type { CompressOptions, Hooks, TrainSettings } from '../api';
import type { Normalisation, TrainedModel } from '../types';
import { BalerError } from '../errors';
import { chooseArchitecture, samplesPerRow } from '../model/patches';
import { loadTrainedModel } from '../model/store';
import { DEFAULT_TRAIN_SETTINGS, definedOnly, trainOnSample } from '../training';
import { DEFAULT_MEMORY_BUDGET } from '../memory';
import type { ArrayStats } from './stats';
import type { ArrayInput } from './strategy';
import { MAX_TILE_SAMPLES, readSample, samplePieces, trainingRows } from './ae-sample';

/** Refuses what an autoencoder cannot learn, from the first pass over the whole array. */
export function assertLearnable(stats: ArrayStats, rows: number, file: string): void {
  if (stats.nonFinite > 0) {
    throw new BalerError(`contains ${stats.nonFinite} values that are NaN, ±Inf or a declared missing value; an autoencoder cannot learn them: use --error-bound, which stores them exactly`, file);
  }
  if (rows < 2) throw new BalerError('has a single row/frame: an autoencoder needs at least 2 samples to train; use --error-bound', file);
}

/** Min–max normalisation over the whole array, as fitMinMax gives on it: one range for frames, one per column for tables. */
export function normalisationOf(stats: ArrayStats): Normalisation {
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  return { kind: 'minmax', min: stats.min.map(finite), max: stats.max.map(finite) };
}

/**
 * The model of the autoencoder mode for one array: loaded (--trained-model), or trained on the sample the
 * memory budget allows (ae-sample.ts; a model on tiles on at most MAX_TILE_SAMPLES tiles).
 */
export async function modelForArray(input: ArrayInput, opts: CompressOptions, hooks: Hooks | undefined, file: string): Promise<TrainedModel> {
  const { source, stats } = input;
  assertLearnable(stats, source.shape[0], file);
  if (opts.trainedModelPath) return loadTrainedModel(opts.trainedModelPath, source.shape);
  const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, ...(definedOnly(opts) as Partial<TrainSettings>) };
  const rowShape = source.shape.slice(1);
  const architecture = chooseArchitecture(source.kind, source.shape, { modelType: settings.modelType, latent: settings.latent, compressionRatio: settings.compressionRatio }, file);
  const maxRows = architecture.tile ? Math.ceil(MAX_TILE_SAMPLES / samplesPerRow(architecture, rowShape)) : Infinity;
  const rows = trainingRows(source.shape[0], rowShape.reduce((a, b) => a * b, 1), source.dtype, opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET, maxRows);
  const sample = await readSample(source, samplePieces(source.shape[0], input.slabRows, rows));
  return trainOnSample(sample, source.shape, architecture, normalisationOf(stats), settings, hooks);
}
