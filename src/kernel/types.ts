// Shared types of the engine. Every module of src/kernel speaks these; nothing here imports vscode.

export type DType =
  | 'float16' | 'float32' | 'float64'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool';

export type TypedArray =
  | Float32Array | Float64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;

/**
 * An n-dimensional array held in C order, native (little-endian) byte order.
 * `data` matches `dtype`, except: float16 is decoded into a Float32Array, bool is a Uint8Array of 0/1,
 * int64/uint64 are BigInt64Array/BigUint64Array.
 */
export interface NdArray {
  dtype: DType;
  shape: number[];
  data: TypedArray;
  /** An integer array's declared missing value: its float64 values are NaN where its data holds it (data/fill.ts). */
  missing?: number;
}

/**
 * Tabular data is rows × columns, each column with a range of its own (a rel bound is per column); frame data is
 * frames × H × W (a frame is one sample), or one image H × W, with one range for the whole array.
 */
export type DataKind = 'table' | 'frames';

/**
 * A 2-D array without column names is an image, not a table, from this many columns (tables have names or fewer
 * columns; `compress --kind` says otherwise). The rule does not depend on the rows: the files of a set agree.
 */
export const IMAGE_MIN_COLUMNS = 64;

/** The kind of an array as a reader finds it: a 1-D array and a 2-D one that is not an image are tables. */
export function kindOfArray(shape: readonly number[], names: readonly string[] = []): DataKind {
  if (shape.length >= 3) return 'frames';
  return shape.length === 2 && names.length === 0 && shape[1] >= IMAGE_MIN_COLUMNS ? 'frames' : 'table';
}

/** What the engine compresses: an array plus what is needed to write it back the way it came. */
export interface Dataset {
  kind: DataKind;
  /** Shape of the original array, e.g. [rows, cols] or [frames, H, W]. */
  shape: number[];
  /** dtype of the original array; decompression writes this dtype back. */
  dtype: DType;
  /** Column names (table data); empty when the source has none. */
  names: string[];
  /** All values as float64, C order (exact for every dtype except 64-bit integers beyond 2^53). */
  values: Float64Array;
}

/** Samples the model sees: `count` rows of `width` values each (a table row, or a flattened frame). */
export function sampleLayout(ds: Pick<Dataset, 'kind' | 'shape'>): { count: number; width: number } {
  const count = ds.shape[0] ?? 0;
  const width = ds.shape.slice(1).reduce((a, b) => a * b, 1);
  return { count, width };
}

export interface WeightTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export type Activation = 'leaky_relu';

/** Dense autoencoder: width → hidden… → latent → reversed hidden… → width. */
export interface DenseArchitecture {
  type: 'dense';
  inputSize: number;
  hidden: number[];
  latent: number;
  activation: Activation;
  leakyAlpha: number;
  /** The samples are tiles of this size cut from each frame, not whole frames (model/patches.ts); latent is per tile. */
  tile?: { height: number; width: number };
}

/** Convolutional autoencoder for frames H × W (one channel in and out). */
export interface ConvArchitecture {
  type: 'conv';
  height: number;
  width: number;
  /** Output channels of each stride-2 convolution stage of the encoder (the decoder mirrors them). */
  channels: number[];
  kernelSize: number;
  /** Dense size after flattening the last conv stage, before the latent (0 = none). */
  denseHidden: number;
  latent: number;
  activation: Activation;
  leakyAlpha: number;
  /** The samples are tiles of this size cut from each frame, not whole frames (model/patches.ts); latent is per tile. */
  tile?: { height: number; width: number };
}

export type Architecture = DenseArchitecture | ConvArchitecture;

/** Min–max normalisation as the reference's custom_norm: per column for tables, one range for frames. */
export interface Normalisation {
  kind: 'minmax' | 'none';
  min: number[];
  max: number[];
}

export interface TrainHistory {
  loss: number[];
  valLoss: number[];
  learningRate: number[];
  epochs: number;
  seconds: number;
  stoppedBecause: 'epochs' | 'early-stopping' | 'target-reached' | 'time-limit' | 'cancelled';
  backend: string;
}

/** Everything a trained autoencoder is: the decoder half is all decompression needs. */
export interface TrainedModel {
  architecture: Architecture;
  normalisation: Normalisation;
  encoder: WeightTensor[];
  decoder: WeightTensor[];
  history: TrainHistory;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss?: number;
  learningRate: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of samples held out for validation (0 = none; then loss is used for the schedule). */
  validationSplit: number;
  earlyStopping?: { patience: number; minDelta: number };
  reduceLrOnPlateau?: { factor: number; patience: number; minLr: number };
  /** Stop once the reconstruction PSNR on the training set (dB, on the normalised scale) reaches this. */
  targetPsnr?: number;
  timeLimitSeconds?: number;
}

export interface TrainHooks {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}
