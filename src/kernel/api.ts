// The engine's public API. The CLI, the kernel process behind the VS Code extension and notebook cells are
// thin shells over these functions. (Implementations: one module per verb, re-exported by src/kernel/pipeline.ts.)
import type { Architecture, TrainHistory, TrainHooks, TrainProgress } from './types';

export type BackendName = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';
export type ModelType = 'dense' | 'conv';
export type LatentPrecision = 'float32' | 'float16';
export type EntropyCoding = 'zstd' | 'deflate' | 'none';

/** Settings of a training run; also the `train` part of a project config. */
export interface TrainSettings {
  modelType: ModelType;
  /** Latent size per sample; when absent, computed from compressionRatio. */
  latent?: number;
  compressionRatio: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  validationSplit: number;
  earlyStoppingPatience: number;
  lrPlateauPatience: number;
  targetPsnr?: number;
  timeLimitSeconds?: number;
  backend: BackendName;
}

/** Which array of a data file to read (files with several: HDF5, netCDF, Zarr, ROOT, .npz). */
export interface DataSelection {
  /** HDF5/netCDF/Zarr dataset path ('/group/x'), .npz key, or a ROOT tree's table ('events', 'events/Jet'). */
  dataset?: string;
  /** ROOT TTree or RNTuple name. */
  tree?: string;
  /** A value marking missing data that the file does not declare (-9999): read as a declared _FillValue is. */
  missingValue?: number;
  /** Columns to keep: ROOT branches, Parquet or CSV columns (default: every numeric one). */
  columns?: string[];
  /**
   * How a 2-D array is seen: 'image' (one range for a rel bound) or 'table' (a range per column); default: an
   * image when it has no column names and 64 columns or more (types.ts kindOfArray).
   */
  kind?: 'table' | 'image';
}

export interface CompressOptions extends Partial<TrainSettings>, DataSelection {
  /** Output path; default: the input with its extension replaced by `.baler`. */
  output?: string;
  /** Replace an existing output file (never the input). */
  force?: boolean;
  latentPrecision?: LatentPrecision;
  /** Precision of the stored decoder weights (int8: per-channel scales). */
  decoderPrecision?: 'float32' | 'float16' | 'int8';
  entropy?: EntropyCoding;
  /** Embed the decoder (default) or reference a shared model file by content hash. */
  modelFile?: string;
  /** Use this already-trained project model instead of training. */
  trainedModelPath?: string;
  /** Error-bounded mode, e.g. "abs:1e-3", "rel:1e-3", "pw-rel:1e-2". */
  errorBound?: string;
  /** Quality target for the search, e.g. "psnr:40". */
  target?: string;
  /** Search for the smallest file meeting `target` or `errorBound`: 'total' counts the decoder, 'latent' does not.
   *  With `target` or `objective`, `timeLimitSeconds` bounds the whole search (default 60 s). */
  objective?: 'total' | 'latent';
  /** Classical predictors the error-bounded coder may choose from: 'interpolation', 'lorenzo', 'columns' (default: all). */
  predictors?: string[];
  /**
   * How the error-bounded coder sees a 2-D array: 'table' (independent rows, each column predicted down its
   * rows), 'field' (an image or field, predicted in 2-D), 'series' (a signal cut into rows). Default: the
   * smallest, by measuring. It changes how values are predicted, never what the bound means.
   */
  layout?: 'table' | 'field' | 'series' | 'channels';
  /** false: the search tries the error-bounded coder alone, no autoencoder candidates (default true). */
  searchAutoencoders?: boolean;
  /** Memory the operation may use, in bytes (default 512 MiB); larger inputs are streamed slab by slab. */
  memoryBudget?: number;
  /** Threads that code slabs (default: every core); the file written is the same for any number. */
  threads?: number;
  /** Code only part `index` of `count` (0-based) of every array, for `merge` to join (cluster batch jobs). */
  part?: { index: number; count: number };
  /** Learned predictors: 'auto' (try every one that applies and keep the smallest, default), 'none' (the
   *  error-bounded coder and lossless only), or use one: 'basis' (rows/frames), 'columns' (tables), 'shared'
   *  (the one in --model-file). */
  learned?: LearnedChoice;
  /** Train small networks for the cross-column model for this many seconds (default: linear predictors only). */
  learnedNetworkSeconds?: number;
}

export type LearnedChoice = 'auto' | 'none' | 'basis' | 'columns' | 'shared';

export interface DecompressOptions {
  output?: string;
  force?: boolean;
  /** Folder to look for shared model files in (default: beside the .baler file). */
  modelDir?: string;
  /** Memory the operation may use, in bytes (default 512 MiB). */
  memoryBudget?: number;
  /** Threads that decode slabs (default: every core). */
  threads?: number;
  /** Only the array at this path (as compress's `dataset` names it; the leading '/' optional): only its slabs are read. */
  dataset?: string;
  /** Only rows [start, end) of the array (of a file of several, the one `dataset` names): only the slabs holding them are read. */
  rows?: [number, number];
}

export interface SizeBreakdown {
  /** Bytes of the input file on disk. */
  originalFile: number;
  /**
   * What every ratio and percentage is of: originalFile or, where the .baler holds only some of the file's arrays
   * (FileInfo.source.leftOut), the values of those it holds in their own dtype (one array of a 50 MB file is not
   * compressed 60× by being stored alone).
   */
  original: number;
  /** Bytes of the values as float32 (the usual reference for ratios of scientific data). */
  originalFloat32: number;
  latents: number;
  decoder: number;
  residuals: number;
  header: number;
  /** Everything needed to decompress: the .baler file plus a referenced model file, if any. */
  total: number;
  /** Bytes of the .baler file itself. */
  file: number;
  decoderShared: boolean;
}

export interface ErrorFigures {
  rmse: number;
  nrmse: number;
  /** The headline PSNR: of a table of two or more columns, its worst column's (as a FileInfo states it; see psnrWhole). */
  psnr: number;
  /** Of a table of two or more columns (FileInfo only): the PSNR of the whole table on its overall range, which
   *  hides a bad column; `rmse`, `nrmse` and `range` are of the whole table too. */
  psnrWhole?: number;
  maxAbsError: number;
  maxRelError: number;
  range: number;
  /** Tables of two or more columns: the column with the lowest PSNR, each judged against its own range
   *  (a global PSNR hides a small column that lost everything). */
  worstColumn?: { column: number; psnr: number; maxErrorOverRange: number };
}

/** One array of a .baler (a file holds one, or several from a multi-dataset source). */
export interface ArrayInfo {
  /** Where the array lived in its source file ('' for single-array formats). */
  path: string;
  kind: 'table' | 'frames';
  shape: number[];
  dtype: string;
  names: string[];
  /** A table's columns of text (a CSV file's labels, timestamps), kept exactly beside the numbers. */
  textColumns?: string[];
  /** A table's columns coded within a tolerance of 0 under a bound: its integer columns, and any of one value. */
  exactColumns?: string[];
  mode: CompressionMode;
  errorBound?: string;
  /** The range a rel bound on one range (frames, images) is of, when not `errors.range`: a part of a file
   *  compressed in parts is coded within the whole array's range, its errors measured on its own rows. */
  boundRange?: number;
  /** The value the source declares for missing data (_FillValue, missing_value): each comes back as it, outside the errors. */
  missingValue?: number;
  /** The learned predictor the error-bounded coder coded against, if any. */
  learned?: LearnedInfo;
  errors: ErrorFigures;
}

export interface LearnedInfo {
  /** 'basis': a learned basis of rows/frames; 'columns': a cross-column model of a table. */
  family: 'basis' | 'columns';
  /** The model lives in a shared .balermodel (its bytes are counted in `sizes.decoder` and `sizes.total`). */
  shared: boolean;
  /** This array's size coded by the error-bounded coder alone, estimated on a sample at compression. */
  baselineBytes: number;
}

export type CompressionMode = 'autoencoder' | 'error-bounded' | 'lossless' | 'constant';

/** What `info` shows of a .baler: the first array's layout, mode and errors (every file has at least one array;
 *  `arrays` lists them all), and the sizes and ratios of the whole file. */
export interface FileInfo extends Omit<ArrayInfo, 'path'> {
  file: string;
  formatVersion: number;
  /** Present when every chunk's checksum was checked against its stored bytes (`info`, the viewers). */
  checked?: { chunks: number; bytes: number };
  architecture?: Architecture;
  latentPrecision?: LatentPrecision;
  /** How the stored bytes are entropy-coded, e.g. 'adaptive range coder + zstd' (absent: nothing but the header). */
  entropy?: string;
  /** Sizes of the whole file (all arrays). */
  sizes: SizeBreakdown;
  /** original / total and original / latents, against the file and against the float32 content. */
  ratios: { total: number; latentOnly: number; totalVsFloat32: number; latentOnlyVsFloat32: number };
  history?: TrainHistory;
  createdBy: string;
  /**
   * The source file's name and format; how many of its arrays or columns this file does not hold, and which part
   * of it this is (compress --part): the ratios are then of what it holds (SizeBreakdown.original).
   */
  source?: { name: string; format: string; leftOut?: number; part?: { index: number; count: number } };
  arrays?: ArrayInfo[];
  /** Present when the file was chosen by a search (`--target` / `--objective`). */
  search?: { target: string; objective: 'total' | 'latent'; pointsTried: number; seconds?: number };
}

export interface CompressResult {
  output: string;
  info: FileInfo;
}

/** An array as decompress wrote it. */
export interface WrittenArray {
  /** Its path in the .baler ('' for a single-array source). */
  path: string;
  shape: number[];
  dtype: string;
}

export interface DecompressResult {
  output: string;
  /** What the output holds: every array of the .baler, or the one `dataset` names, cut to `rows`. */
  written: WrittenArray[];
  /** The .baler's own info (every array it holds, and its sizes), not the output's. */
  info: FileInfo;
}

export type Progress =
  | ({ phase: 'train' } & TrainProgress)
  | { phase: 'encode' | 'write' | 'verify' | 'decode' | 'search'; message: string; fraction?: number };

export interface Hooks {
  onProgress?: (p: Progress) => void;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

export type { TrainHooks };
