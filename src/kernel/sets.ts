// Train once, compress many: a learned predictor fitted on a sample of one or several files and written as a
// shared .balermodel (trainPredictor), a set of files compressed against it (compressSet), and the set's
// figures with the shared model counted once and the number of files from which sharing it pays
// (inspectSet). The CLI (`baler train A B… -o m.balermodel`, `baler compress A B… --model-file m.balermodel`,
// `baler info A.baler B.baler…`), the extension's multi-select and notebook cells call these.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName, CompressOptions, CompressResult, FileInfo, Hooks } from './api';
import { BalerError, throwIfAborted } from './errors';
import type { NdArray } from './types';
import { DEFAULT_ERROR_BOUND, parseRequestedBound } from './eb/bound';
import { toFloat64 } from './data/dtype';
import { relativeSize } from './report/format';
import { missingAsNaN } from './data/fill';
import { openInput } from './compress/input';
import { chooseSlabRows, DEFAULT_MEMORY_BUDGET } from './memory';
import { checkOutput, checkOutputs, outputsOf } from './compress/output';
import { StatsAccumulator } from './compress/stats';
import { codingTolerances } from './compress/tolerances';
import { asksForAutoencoder } from './compress/auto';
import { compress } from './compress';
import { encodeEbSlab, type EbGlobals } from './compress/eb-slab';
import { joinRows, readSample, SAMPLE_VALUES, type Sample } from './learned/sample';
import { describeModel, type LearnedModel } from './learned/blob';
import { fitBasis } from './learned/fit-basis';
import { fitColumns } from './learned/fit-columns';
import { MAX_COLUMNS } from './learned/columns';
import { encodeLearnedSlab, learnedSlabBytes } from './learned/slab';
import { writeSharedModel } from './learned/store';
import { inspect, type InspectOptions } from './inspect';
import { compressChoosingModel, sharedUses, type SharedModelChoice } from './set-choice';

export interface TrainPredictorOptions {
  /** The bound the model is fitted for (default: the automatic mode's default bound). */
  errorBound?: string;
  /** Which family to fit ('auto': each that applies, the one that codes the sample smallest). */
  learned?: 'auto' | 'basis' | 'columns';
  /** Seconds for the whole fit (default 60); tables give networks most of it. */
  seconds?: number;
  force?: boolean;
  seed?: number;
  backend?: BackendName;
  /** Memory the sample of all the files may use (default 512 MiB). */
  memoryBudget?: number;
}

export interface TrainPredictorResult {
  output: string;
  family: LearnedModel['family'];
  description: string;
  /** Bytes of the model file: paid once for every file that uses it. */
  modelBytes: number;
  hash: string;
  files: number;
  /** The training sample coded at the bound: by the error-bounded coder alone, and against the model. */
  sampleBytes: { classical: number; learned: number };
  seconds: number;
}

/** Default seconds `train` may spend. */
export const DEFAULT_TRAIN_SECONDS = 60;

export async function trainPredictor(inputs: string[], output: string, opts: TrainPredictorOptions = {}, hooks?: Hooks): Promise<TrainPredictorResult> {
  if (inputs.length === 0) throw new BalerError('give at least one data file to train on');
  for (const input of inputs) checkOutput(input, output, opts.force);
  const started = performance.now();
  const seconds = opts.seconds ?? DEFAULT_TRAIN_SECONDS;
  const boundText = opts.errorBound ?? DEFAULT_ERROR_BOUND;
  const bound = parseRequestedBound(boundText);
  if (bound.kind === 'pw-rel') throw new BalerError('a learned predictor needs an abs or rel bound (pw-rel codes in the log domain, where predictions do not apply)');
  if (bound.value === 0) throw new BalerError('a bound of 0 is lossless: there is nothing for a learned predictor to do');
  hooks?.onProgress?.({ phase: 'encode', message: `reading a sample of ${inputs.length} file${inputs.length > 1 ? 's' : ''}` });
  const { sample, kind, totalRows } = await sampleOfFiles(inputs, opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
  const columns = kind === 'table' && sample.shape.length === 2 ? sample.shape[1] : 1;
  const stats = new StatsAccumulator(columns);
  stats.add(sample.values);
  const g: EbGlobals = { bound, tolerances: codingTolerances(bound, stats.result(), sample.array.dtype), dtype: sample.array.dtype, kind };
  const family = opts.learned ?? 'auto';
  const fits: { model: LearnedModel }[] = [];
  const columnsApply = kind === 'table' && columns >= 2 && columns <= MAX_COLUMNS;
  if ((family === 'auto' || family === 'columns') && columnsApply) {
    const fit = await fitColumns(sample.values, sample.rows, columns, g, {
      nets: { seconds: seconds * 0.7, seed: opts.seed, backend: opts.backend, signal: hooks?.signal }, seed: opts.seed,
    });
    hooks?.onLog?.(`${describeModel(fit.model)}: the sample codes to ${fit.sampleBytes} bytes (columns coded alone: ${fit.plainBytes})`);
    fits.push(fit);
  }
  throwIfAborted(hooks?.signal);
  // Rows of a few dozen values cost more in latents than a basis of them can save.
  if (family === 'basis' || (family === 'auto' && (kind === 'frames' || sample.shape.slice(1).reduce((a, b) => a * b, 1) >= 32))) {
    const fit = await fitBasis(sample.values, sample.shape, g, { seed: opts.seed, scale: totalRows / sample.rows });
    if (fit) {
      hooks?.onLog?.(`${describeModel(fit.model)}: the sample codes to ${fit.sampleBytes} bytes`);
      fits.push(fit);
    }
  }
  if (fits.length === 0) {
    throw new BalerError(family === 'columns' ? `the cross-column model needs a table of 2 to ${MAX_COLUMNS} columns` : 'no learned predictor applies to this data (too few rows)');
  }
  // The families compared on the same bytes: the whole sample coded against each model.
  const coded = await Promise.all(fits.map(async (f) => ({ model: f.model, bytes: learnedSlabBytes(await encodeLearnedSlab(f.model, sample.values, sample.shape, g)) })));
  const best = coded.reduce((a, b) => (b.bytes < a.bytes ? b : a));
  const classical = (await encodeEbSlab(sample.values, sample.shape, g)).bytes.length;
  const description = `${describeModel(best.model)}, fitted at ${boundText} on ${inputs.length} file${inputs.length > 1 ? 's' : ''}`;
  const ref = await writeSharedModel(output, best.model, description, opts.force);
  return {
    output, family: best.model.family, description, modelBytes: ref.bytes, hash: ref.hash, files: inputs.length,
    sampleBytes: { classical, learned: best.bytes }, seconds: (performance.now() - started) / 1000,
  };
}

/** A sample spread over the files (the first array of each), which must share their row shape. */
async function sampleOfFiles(inputs: string[], memoryBudget: number): Promise<{ sample: Sample; kind: 'table' | 'frames'; totalRows: number }> {
  const parts: NdArray[] = [];
  let first: { shape: number[]; kind: 'table' | 'frames' } | undefined;
  let totalRows = 0;
  for (const input of inputs) {
    const source = await openInput(input, {}, memoryBudget);
    try {
      const a = source.arrays[0];
      if (first && a.shape.slice(1).join() !== first.shape.slice(1).join()) {
        throw new BalerError(`its rows have shape [${a.shape.slice(1).join(', ')}], the first file's [${first.shape.slice(1).join(', ')}]: one model needs one row shape`, input);
      }
      // Rows of one shape are an image in a file without column names and a table in one with them (types.ts
      // kindOfArray): the model is then fitted as for a table; each file is still coded within its own bound.
      first = first && a.kind !== first.kind ? { ...first, kind: 'table' } : first ?? { shape: a.shape, kind: a.kind };
      totalRows += a.shape[0];
      parts.push((await readSample(a, { maxValues: Math.max(1, Math.floor(SAMPLE_VALUES / inputs.length)), memoryBudget: memoryBudget / inputs.length, rowsPerRead: chooseSlabRows(a, memoryBudget, input) })).array);
    } finally {
      await source.close();
    }
  }
  // Files of different dtypes train on their values as float64.
  const same = parts.every((p) => p.dtype === parts[0].dtype);
  const typed = same ? parts : parts.map((p): NdArray => ({ dtype: 'float64', shape: p.shape, data: toFloat64(p.data).values }));
  const rows = typed.reduce((n, p) => n + p.shape[0], 0);
  const shape = [rows, ...first!.shape.slice(1)];
  const array = joinRows(typed, shape);
  // Each file's values, NaN where an integer array holds its own declared missing value (data/fill.ts).
  const values = new Float64Array(array.data.length);
  let at = 0;
  for (const p of parts) {
    const v = toFloat64(p.data).values;
    missingAsNaN(v, p.missing);
    values.set(v, at);
    at += v.length;
  }
  return { sample: { values, array, rows, shape, whole: false }, kind: first!.kind, totalRows };
}

// ---------------------------------------------------------------------------------------------------------
// Compressing a set, and its figures

export interface SetInfo {
  files: FileInfo[];
  /** Each file's original bytes over its .baler's bytes (a shared model is counted once, for the set). */
  fileRatios: number[];
  /** Bytes of the input files. */
  originalBytes: number;
  /** Every .baler file plus each distinct shared model once. */
  totalBytes: number;
  /** The shared models, each counted once. */
  sharedModels: { hash: string; bytes: number; files: number; breakEvenFiles: number | null; savedPerFile: number }[];
  ratio: number;
  /** When the set was just compressed against an offered shared model: whether it was kept, and why. */
  modelChoice?: SharedModelChoice;
}

/**
 * Compresses each file against one shared model file. When the model file does not exist yet it is trained
 * first on all the files (trainPredictor). In the automatic mode the set keeps the model only when it makes
 * the set's total smaller, its bytes counted once (set-choice.ts); a named predictor (`--learned shared`…)
 * (and an autoencoder) codes each file as asked. Outputs go beside their inputs.
 */
export async function compressSet(
  inputs: string[], opts: CompressOptions & { modelFile: string; trainSeconds?: number }, hooks?: Hooks,
): Promise<{ results: CompressResult[]; set: SetInfo; trained?: TrainPredictorResult }> {
  if (inputs.length === 0) throw new BalerError('give at least one data file to compress');
  const outputs = outputsOf(inputs, opts.output);
  checkOutputs(inputs, outputs, opts.force);
  const trained = fs.existsSync(opts.modelFile)
    ? undefined
    : await trainPredictor(inputs, opts.modelFile, { errorBound: opts.errorBound, seconds: opts.trainSeconds, seed: opts.seed, backend: opts.backend, force: opts.force }, hooks);
  const { trainSeconds: _, ...options } = opts;
  if ((opts.learned ?? 'auto') === 'auto' && !asksForAutoencoder(options)) {
    const { results, choice } = await compressChoosingModel(inputs, outputs, options, hooks);
    noteModelPlace(results, opts.modelFile, hooks);
    return { results, set: { ...(await inspectSet(results.map((r) => r.output), JUST_WRITTEN)), modelChoice: choice }, ...(trained ? { trained } : {}) };
  }
  const results: CompressResult[] = [];
  for (const [i, input] of inputs.entries()) {
    throwIfAborted(hooks?.signal);
    hooks?.onLog?.(`compressing ${input}`);
    // -o FOLDER itself, not NAME.baler in it: a folder to create is made when the first output is written.
    results.push(await compress(input, { ...options, output: opts.output ?? outputs[i] }, hooks));
  }
  noteModelPlace(results, opts.modelFile, hooks);
  return { results, set: await inspectSet(results.map((r) => r.output), JUST_WRITTEN), ...(trained ? { trained } : {}) };
}

/** Files just written and read back: a set's figures need not check them again (and their model is where it was). */
const JUST_WRITTEN = { check: false } as const;

/** Where decompress is to look for the model, when .baler files that use it are not beside it (it looks there). */
function noteModelPlace(results: CompressResult[], modelFile: string, hooks?: Hooks): void {
  const folder = path.dirname(path.resolve(modelFile));
  const away = results.filter((r) => r.info.sizes.decoderShared && path.dirname(path.resolve(r.output)) !== folder);
  if (away.length === 0) return;
  const which = away.length === results.length ? 'the .baler files are' : `${away.length} of the .baler files are`;
  hooks?.onLog?.(`${which} not beside ${modelFile}, which they refer to by its hash: decompress them with --model-dir ${path.dirname(modelFile)}, or put the model beside them`);
}

/** "2.10× smaller" or "1.30× larger": a file's total (decoder counted) against another's. */
export function compareTotals(file: FileInfo, baseline: FileInfo): string {
  return relativeSize(file.sizes.total, baseline.sizes.total);
}

/** The figures of a set of .baler files: totals with each shared model counted once, and its break-even. */
export async function inspectSet(files: string[], opts: Pick<InspectOptions, 'modelDir' | 'check'> = {}): Promise<SetInfo> {
  if (files.length === 0) throw new BalerError('give at least one .baler file');
  // A file named twice (or through a link) would be counted twice in the set's total.
  const seen = new Map<string, string>();
  for (const file of files) {
    const real = fs.existsSync(file) ? fs.realpathSync(file) : path.resolve(file);
    const other = seen.get(real);
    if (other !== undefined) throw new BalerError(`is named twice (also as ${other}): the set would count it twice`, file, 'EOPTION');
    seen.set(real, file);
  }
  const infos: FileInfo[] = [];
  const models = new Map<string, { bytes: number; files: number; saved: number }>();
  let fileBytes = 0;
  for (const file of files) {
    const info = await inspect(file, opts);
    infos.push(info);
    fileBytes += info.sizes.file;
    for (const use of sharedUses(file)) {
      const m = models.get(use.hash) ?? { bytes: use.bytes, files: 0, saved: 0 };
      m.files++;
      m.saved += use.saved;
      models.set(use.hash, m);
    }
  }
  const sharedModels = [...models.entries()].map(([hash, m]) => {
    const savedPerFile = m.saved / m.files;
    return { hash, bytes: m.bytes, files: m.files, savedPerFile, breakEvenFiles: savedPerFile > 0 ? Math.max(1, Math.ceil(m.bytes / savedPerFile)) : null };
  });
  const originalBytes = infos.reduce((n, i) => n + i.sizes.original, 0);
  const totalBytes = fileBytes + sharedModels.reduce((n, m) => n + m.bytes, 0);
  const fileRatios = infos.map((i) => i.sizes.original / Math.max(1, i.sizes.file));
  return { files: infos, fileRatios, originalBytes, totalBytes, sharedModels, ratio: originalBytes / Math.max(1, totalBytes) };
}
