// The one table of command options: names, value types, help and validation for both the `baler` CLI
// (src/cli/main.ts) and `%baler` lines in notebook cells (src/kernel/cell.ts). A bad value is refused while
// the line is parsed, with one line naming the option (`--epochs -5`: "must be a whole number ≥ 1").
import type { CompressOptions, DecompressOptions } from '../api';
import { BACKEND_NAMES } from '../backends';
import { parseRequestedBound } from '../eb/bound';
import { parsePart } from '../pipeline';

/** Thrown by a parser with the reason; the command-line layer names the option and the value. */
export class OptionValueError extends Error {}

export interface OptionSpec {
  /** Commander flags, e.g. '--epochs <n>' or '-o, --output <file>'. */
  flags: string;
  help: string;
  /** Turns the text into the value, or throws OptionValueError with the reason. */
  parse?: (text: string) => unknown;
  choices?: readonly string[];
  /** The engine option this one sets (absent: the command uses the value itself). */
  engine?: keyof CompressOptions;
}

const PREDICTORS = ['interpolation', 'lorenzo', 'columns'] as const;

function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isInteger(n) || n < min) throw new OptionValueError(`must be a whole number ≥ ${min}`);
    return n;
  };
}

function finiteNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new OptionValueError('must be a finite number (e.g. -9999)');
  return n;
}

function positiveNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new OptionValueError('must be a number above 0');
  return n;
}

function errorBound(text: string): string {
  try {
    parseRequestedBound(text);
  } catch (err) {
    throw new OptionValueError((err as Error).message);
  }
  return text.trim();
}

/** A memory budget: a number of MiB, or with a K, M, G or T suffix (512M, 2G); at least 1M. */
function memorySize(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new OptionValueError('expected a size: a number of MiB, or with K, M, G or T (e.g. 512M, 2G)');
  const scale: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  const bytes = Number(m[1]) * scale[m[2].toLowerCase()];
  if (!(bytes >= 2 ** 20)) throw new OptionValueError('must be at least 1M: the coder needs room for a slab and its buffers');
  return Math.floor(bytes);
}

function part(text: string): { index: number; count: number } {
  try {
    return parsePart(text);
  } catch (err) {
    throw new OptionValueError((err as Error).message);
  }
}

/** `A:B` → rows A to B−1 (A may be left out for 0). */
function rowRange(text: string): [number, number] {
  const m = /^\s*(\d*)\s*:\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[1] || 0) >= Number(m[2])) throw new OptionValueError('must be A:B with A < B (rows A to B−1)');
  return [Number(m[1] || 0), Number(m[2])];
}

function predictorList(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const unknown = names.find((n) => !(PREDICTORS as readonly string[]).includes(n));
  if (names.length === 0 || unknown !== undefined) throw new OptionValueError(`takes a comma-separated list of ${PREDICTORS.join(', ')}`);
  return names;
}

function columnList(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  if (names.length === 0) throw new OptionValueError('takes a comma-separated list of column names');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new OptionValueError(`names '${twice}' twice: each column is kept once`);
  return names;
}

export const OPTIONS = {
  ratio: { flags: '--ratio <n>', help: 'compression ratio that sets the latent size (values per sample / latent)', parse: positiveNumber, engine: 'compressionRatio' },
  latent: { flags: '--latent <n>', help: 'latent size per sample (overrides --ratio)', parse: wholeNumber(1), engine: 'latent' },
  model: { flags: '--model <type>', help: 'autoencoder type', choices: ['dense', 'conv'], engine: 'modelType' },
  epochs: { flags: '--epochs <n>', help: 'training epochs', parse: wholeNumber(1), engine: 'epochs' },
  batchSize: { flags: '--batch-size <n>', help: 'training batch size', parse: wholeNumber(1), engine: 'batchSize' },
  lr: { flags: '--lr <x>', help: 'Adam learning rate', parse: positiveNumber, engine: 'learningRate' },
  seed: { flags: '--seed <n>', help: 'random seed (runs are repeatable)', parse: wholeNumber(0), engine: 'seed' },
  targetPsnr: { flags: '--target-psnr <db>', help: 'stop training once this PSNR (dB) is reached', parse: positiveNumber, engine: 'targetPsnr' },
  timeLimit: { flags: '--time-limit <s>', help: 'stop training after this many seconds (with --target/--objective: the whole search; default 60)', parse: positiveNumber, engine: 'timeLimitSeconds' },
  backend: { flags: '--backend <name>', help: 'compute backend', choices: BACKEND_NAMES, engine: 'backend' },
  output: { flags: '-o, --output <file>', help: 'file to write (compressing several files or --files-from: the folder their .baler files go to)', engine: 'output' },
  force: { flags: '--force', help: 'replace an existing output (never the input)', engine: 'force' },
  errorBound: { flags: '--error-bound <bound>', help: 'guarantee every value within abs:X, rel:X (fraction of range) or pw-rel:X; abs:0 stores every value exactly (lossless)', parse: errorBound, engine: 'errorBound' },
  target: { flags: '--target <quality>', help: 'search for the smallest total (decoder counted) reaching this quality, e.g. psnr:40', engine: 'target' },
  objective: { flags: '--objective <what>', help: 'with --error-bound: search for the smallest total (decoder counted) or latent-only size', choices: ['total', 'latent'], engine: 'objective' },
  predictor: { flags: '--predictor <names>', help: `classical predictors the error-bounded coder may use, comma-separated: ${PREDICTORS.join(', ')}`, parse: predictorList, engine: 'predictors' },
  layout: { flags: '--layout <layout>', help: 'how the error-bounded coder sees the data: a 2-D array as table (independent rows), field (an image) or series (a signal cut into rows); an array whose last axis is 2 to 4 long (RGB) as field or channels (each channel an image); default: the smallest, measured', choices: ['table', 'field', 'series', 'channels'], engine: 'layout' },
  kind: { flags: '--kind <kind>', help: 'how a 2-D array is seen: image (one range for a rel bound; the default without column names from 64 columns) or table (a range per column)', choices: ['table', 'image'], engine: 'kind' },
  searchAutoencoders: { flags: '--no-search-autoencoders', help: 'with --target/--objective: try the error-bounded coder alone', engine: 'searchAutoencoders' },
  latentPrecision: { flags: '--latent-precision <p>', help: 'precision of stored latents', choices: ['float32', 'float16'], engine: 'latentPrecision' },
  decoderPrecision: { flags: '--decoder-precision <p>', help: 'precision of stored decoder weights', choices: ['float32', 'float16', 'int8'], engine: 'decoderPrecision' },
  entropy: { flags: '--entropy <coder>', help: 'entropy coder for sections', choices: ['zstd', 'deflate', 'none'], engine: 'entropy' },
  modelFile: { flags: '--model-file <file>', help: 'a shared model referenced by hash: a learned predictor from `baler train` (trained on the files first when it does not exist), or an autoencoder\'s decoder', engine: 'modelFile' },
  learned: { flags: '--learned <which>', help: 'learned predictors: try each and keep the smallest (auto), none, or use basis (frames, rows), columns (tables) or shared (--model-file)', choices: ['auto', 'none', 'basis', 'columns', 'shared'], engine: 'learned' },
  learnedNetworks: { flags: '--learned-networks <s>', help: 'train small networks for the cross-column model of tables for this many seconds', parse: positiveNumber, engine: 'learnedNetworkSeconds' },
  trainedModel: { flags: '--trained-model <file>', help: 'use a trained .balermodel instead of training', engine: 'trainedModelPath' },
  part: { flags: '--part <i/n>', help: 'code only part I of N (0-based) of the file, for `baler merge` (cluster job arrays), with the error-bounded coder alone (as --learned none); -o may name a folder', parse: part, engine: 'part' },
  filesFrom: { flags: '--files-from <list>', help: 'compress every file listed (one per line) into the folder given by -o; with --part, only files I, I+N, …' },
  threads: { flags: '--threads <n>', help: 'threads that code or decode slabs (default: every core); the output is the same for any number', parse: wholeNumber(1), engine: 'threads' },
  memory: { flags: '--memory <size>', help: 'memory budget, e.g. 512M or 2G (default 512M); larger inputs are streamed', parse: memorySize, engine: 'memoryBudget' },
  rows: { flags: '--rows <a:b>', help: 'only rows (frames) A to B−1, reading only the slabs that hold them', parse: rowRange },
  dataset: { flags: '--dataset <path>', help: 'the array to read: HDF5/netCDF/Zarr dataset path (/group/x), .npz key, ROOT table (events/Jet)', engine: 'dataset' },
  tree: { flags: '--tree <name>', help: 'ROOT TTree or RNTuple to read (default: every one)', engine: 'tree' },
  missingValue: { flags: '--missing-value <x>', help: 'a value that marks missing data (e.g. -9999), as a declared _FillValue: kept exact and left out of the range a rel bound is of', parse: finiteNumber, engine: 'missingValue' },
  columns: { flags: '--columns <names>', help: 'comma-separated columns to keep (ROOT branches, Parquet and CSV columns; default: every numeric one)', parse: columnList, engine: 'columns' },
  json: { flags: '--json', help: 'print the result as JSON' },
  modelDir: { flags: '--model-dir <dir>', help: 'where to find a shared model file' },
  original: { flags: '--original <file>', help: 'the original data (default: the source file beside the .baler)' },
  project: { flags: '--project <names...>', help: 'use the project workspaces/WORKSPACE/PROJECT' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export const TRAINING_OPTIONS = ['ratio', 'latent', 'model', 'epochs', 'batchSize', 'lr', 'seed', 'targetPsnr', 'timeLimit', 'backend'] as const satisfies readonly OptionName[];

/** The options of each command; the CLI and `%baler` lines build their commands from these lists. */
export const COMMAND_OPTIONS = {
  train: [...TRAINING_OPTIONS, 'project', 'output', 'force', 'errorBound', 'learned'],
  compress: [...TRAINING_OPTIONS, 'project', 'output', 'force', 'errorBound', 'target', 'objective', 'predictor', 'layout', 'kind', 'searchAutoencoders', 'learned', 'learnedNetworks',
    'latentPrecision', 'decoderPrecision', 'entropy', 'modelFile', 'trainedModel', 'part', 'filesFrom', 'threads', 'memory', 'dataset', 'tree', 'columns', 'missingValue', 'json'],
  decompress: ['project', 'output', 'modelDir', 'force', 'memory', 'threads', 'rows', 'dataset'],
  merge: ['output', 'force', 'json'],
  info: ['project', 'modelDir', 'json'],
  plot: ['project', 'original', 'output', 'force', 'dataset'],
} as const satisfies Record<string, readonly OptionName[]>;

/** Parsed option values (commander's camelCase keys) → the engine options they set. */
export function engineOptions(values: Record<string, unknown>, names: readonly OptionName[]): CompressOptions {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    const value = values[name];
    if (!spec.engine || value === undefined) continue;
    // --no-search-autoencoders: commander's default is true; only an explicit `false` is an option.
    if (name === 'searchAutoencoders' && value !== false) continue;
    out[spec.engine] = value;
  }
  return out as CompressOptions;
}

/** The engine's options of a decompress command line (the CLI's and `%baler` lines'), from its parsed options. */
export function decompressOptions(o: Omit<DecompressOptions, 'memoryBudget'> & { memory?: number }): DecompressOptions {
  const { output, force, modelDir, memory, threads, rows, dataset } = o;
  return { output, force, modelDir, memoryBudget: memory, threads, rows, dataset };
}
