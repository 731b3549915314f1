// The engine's public operations: train, compress, decompress, inspect, report, projects.
// Every figure reported is computed from the bytes actually written and read back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  CompressOptions, CompressResult, DecompressOptions, DecompressResult, ErrorFigures, FileInfo, Hooks,
  SizeBreakdown, TrainSettings,
} from './api';
import type { Architecture, Dataset, Normalisation, TrainedModel, TrainHistory, TrainOptions, WeightTensor } from './types';
import { sampleLayout } from './types';
import { BalerError, throwIfAborted } from './errors';
import { assertNotSameFile, readFileChecked, writeFileAtomic } from './fsutil';
import { readDataset, writeDataset, findNonFinite } from './data/dataset';
import { fitMinMax, normalise, denormalise } from './normalise';
import { initBackend } from './model/backend';
import { defaultArchitecture, describeArchitecture } from './model/architectures';
import { trainAutoencoder } from './model/train';
import { encodeSamples, decodeLatents } from './model/infer';
import { encodeContainer, decodeContainer, readContainerHeaderFile } from './codec/container';
import { packFloats, unpackFloats } from './codec/numbers';
import { encodeWeights, decodeWeights, type WeightPrecision } from './codec/weights';
import { locateModelFile, readModelFile, writeModelFile } from './codec/model-file';
import { computeErrors } from './metrics';
import { parseErrorBound } from './eb/bound';
import { encodeErrorBounded, decodeErrorBounded } from './eb/codec';
import { defaultProjectConfig, projectPaths, readProjectConfig, resolveInputPath, type ProjectConfig } from './project';
import { simulateFlowPastObstacle } from './demo/flow';
import { buildReportData, type ReportData } from './report/data';
import { POINTS_SECTION, parseQualityTarget, searchSmallestTotal, tradeoffFromFile, verifySearchBound, type CandidatePayload } from './search';
import { renderReportHtml } from './report/html';

export const VERSION = '0.1.0';
const CREATED_BY = `baler-vscode ${VERSION}`;

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

function log(hooks: Hooks | undefined, line: string): void {
  hooks?.onLog?.(line);
}

// ---------------------------------------------------------------- training

/**
 * Trains an autoencoder on a dataset; the result carries its normalisation and loss history.
 * `file` names the data in the error when the dataset cannot be learned.
 */
export async function trainModel(ds: Dataset, settings: TrainSettings, hooks?: Hooks, file?: string): Promise<TrainedModel> {
  assertTrainable(ds, file);
  const backend = await initBackend(settings.backend);
  log(hooks, `backend: ${backend.active}${backend.warning ? ` (${backend.warning})` : ''}`);
  const { count, width } = sampleLayout(ds);
  const normalisation = fitMinMax(ds);
  const samples = normalise(ds.values, width, normalisation);
  const architecture = defaultArchitecture(ds.kind, ds.shape, {
    modelType: settings.modelType,
    latent: settings.latent,
    compressionRatio: settings.compressionRatio,
  });
  log(hooks, `model: ${describeArchitecture(architecture)}`);
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

function assertTrainable(ds: Dataset, file?: string): void {
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

// ---------------------------------------------------------------- compress

function defaultOutput(input: string, ext: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, parsed.name + ext);
}

function checkOutput(input: string, output: string, force?: boolean): void {
  assertNotSameFile(input, output);
  if (!force && fs.existsSync(output)) {
    throw new BalerError('output file exists (choose another path with -o, or pass --force)', output, 'EEXIST');
  }
}

/** Trains (unless a model is given) and compresses one data file into a self-contained .baler. */
export async function compress(input: string, opts: CompressOptions = {}, hooks?: Hooks): Promise<CompressResult> {
  const output = opts.output ?? defaultOutput(input, '.baler');
  checkOutput(input, output, opts.force);
  const ds = readDataset(input);
  const originalFile = fs.statSync(input).size;
  const payload = isSearch(opts)
    ? await searchPayload(ds, opts, hooks, input, originalFile)
    : opts.errorBound
      ? await errorBoundedPayload(ds, opts, hooks, input)
      : await autoencoderPayload(ds, opts, hooks, input);
  throwIfAborted(hooks?.signal);

  hooks?.onProgress?.({ phase: 'write', message: `writing ${output}` });
  const bytes = await encodeContainer(completeHeader(payload, ds, input, originalFile), payload.sections);
  writeFileAtomic(output, bytes, { overwrite: opts.force });

  hooks?.onProgress?.({ phase: 'verify', message: 'reading the file back' });
  try {
    const readBack = await reconstruct(output, { modelDir: payload.modelDir });
    if (!sameValues(readBack.values, payload.reconstruction)) {
      throw new BalerError('verification failed: the file written does not decode to the values measured', output);
    }
    if (payload.verify) payload.verify(readBack.values);
  } catch (err) {
    fs.rmSync(output, { force: true });
    throw err;
  }
  return { output, info: await inspect(output) };
}

interface Payload extends CandidatePayload {
  modelDir?: string;
  verify?: (decoded: Float64Array) => void;
}

/** The header a .baler gets: the mode's fields, then where it came from and the errors measured. */
function completeHeader(payload: CandidatePayload, ds: Dataset, input: string, originalFile: number): Record<string, unknown> {
  return {
    ...payload.header,
    createdBy: CREATED_BY,
    source: { name: path.basename(input), bytes: originalFile },
    dataset: { kind: ds.kind, shape: ds.shape, dtype: ds.dtype, names: ds.names },
    errors: computeErrors(ds.values, payload.reconstruction),
  };
}

function isSearch(opts: CompressOptions): boolean {
  return opts.target !== undefined || opts.objective !== undefined;
}

/** `--target psnr:DB`, or `--error-bound B --objective total|latent`: the smallest file that meets it. */
async function searchPayload(ds: Dataset, opts: CompressOptions, hooks: Hooks | undefined, input: string, originalFile: number): Promise<Payload> {
  if (opts.target !== undefined && opts.errorBound !== undefined) {
    throw new BalerError('give either --target or --error-bound, not both', input);
  }
  if (opts.target === undefined && opts.errorBound === undefined) {
    throw new BalerError('--objective needs a quality to meet: --target psnr:DB or --error-bound B', input);
  }
  if (opts.trainedModelPath || opts.modelFile) {
    throw new BalerError('the search trains its own light decoders: --trained-model and --model-file do not apply with --target/--objective', input);
  }
  const outcome = await searchSmallestTotal(ds, {
    target: opts.target,
    errorBound: opts.errorBound,
    objective: opts.objective,
    timeLimitSeconds: opts.timeLimitSeconds,
    noAutoencoder: opts.searchAutoencoders === false,
    predictors: opts.predictors,
    seed: opts.seed,
    backend: opts.backend,
  }, {
    measureTotal: async (p) => (await encodeContainer(completeHeader(p, ds, input, originalFile), p.sections)).length,
    hooks,
    file: input,
  });
  const errorBound = outcome.payload.header.errorBound as string | undefined;
  const checkBound = errorBound ? boundChecker(ds, errorBound, input) : undefined;
  const target = opts.target;
  return {
    ...outcome.payload,
    header: { ...outcome.payload.header, search: outcome.record },
    sections: [...outcome.payload.sections, outcome.pointsSection],
    verify: (decoded) => {
      checkBound?.(decoded);
      if (target) psnrChecker(ds, target, input)(decoded);
    },
  };
}

function psnrChecker(ds: Dataset, target: string, input: string): (decoded: Float64Array) => void {
  const wanted = parseQualityTarget(target, input).value;
  return (decoded) => {
    const psnr = computeErrors(ds.values, decoded).psnr;
    if (!(psnr >= wanted)) throw new BalerError(`verification failed: PSNR ${psnr.toFixed(2)} dB is below the target ${wanted} dB`, input);
  };
}

/** Checks decoded values against the bound with the column layout the error-bounded coder used. */
function boundChecker(ds: Dataset, errorBound: string, input: string): (decoded: Float64Array) => void {
  return (decoded) => {
    const v = verifySearchBound(ds.values, decoded, errorBound, ds.shape, ds.kind);
    if (!v.ok) throw new BalerError(`error bound violated at index ${v.firstViolation} (max error ${v.maxAbsError})`, input);
  };
}

async function autoencoderPayload(ds: Dataset, opts: CompressOptions, hooks: Hooks | undefined, input: string): Promise<Payload> {
  if (opts.trainedModelPath) assertTrainable(ds, input);
  const model = opts.trainedModelPath
    ? await loadTrainedModel(opts.trainedModelPath, ds)
    : await trainModel(ds, { ...DEFAULT_TRAIN_SETTINGS, ...definedOnly(opts) }, hooks, input);
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
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function entropyCoding(e: CompressOptions['entropy']): 'raw' | 'zstd' | 'deflate' {
  return e === 'none' ? 'raw' : e ?? 'zstd';
}

function summariseHistory(model: TrainedModel): Record<string, unknown> {
  const h = model.history;
  return { epochs: h.epochs, seconds: h.seconds, finalLoss: h.loss[h.loss.length - 1], stoppedBecause: h.stoppedBecause, backend: h.backend };
}

/** Writes (or reuses, when identical) the shared decoder-only model file; the .baler records its hash. */
async function sharedDecoderFile(
  file: string, model: TrainedModel, precision: WeightPrecision, decoderBytes: Uint8Array, force?: boolean,
): Promise<{ hash: string; bytes: number }> {
  const header = { architecture: model.architecture, normalisation: model.normalisation };
  if (fs.existsSync(file)) {
    const existing = await readModelFile(file);
    const same = JSON.stringify(existing.header.architecture) === JSON.stringify(model.architecture) &&
      sameBytes(encodeWeights(existing.decoder, precision), decoderBytes);
    if (same) return { hash: existing.hash, bytes: existing.bytes };
    if (!force) throw new BalerError('a different model file exists here (pass --force to replace it, or choose another --model-file path)', file, 'EEXIST');
  }
  return writeModelFile(file, { header, decoder: model.decoder, decoderPrecision: precision }, { overwrite: force });
}

async function errorBoundedPayload(ds: Dataset, opts: CompressOptions, hooks: Hooks | undefined, input: string): Promise<Payload> {
  const bound = parseErrorBound(opts.errorBound!);
  hooks?.onProgress?.({ phase: 'encode', message: `error-bounded coding (${opts.errorBound})` });
  const encoded = await namingFile(input, () => encodeErrorBounded(ds.values, ds.shape, bound, { kind: ds.kind, predictors: opts.predictors }));
  // The coder's sections ('eb.*') are range-coded already: stored raw, with the container's checksums.
  const sections = encoded.sections.map((s) => ({ name: s.name, data: s.data, coding: 'raw' as const }));
  // The values the decoder will produce; compress() checks them again against the file read back.
  const reconstruction = encoded.reconstruction;
  const check = boundChecker(ds, opts.errorBound!, input);
  check(reconstruction);
  return {
    header: { mode: 'error-bounded', errorBound: opts.errorBound, eb: encoded.header },
    sections,
    reconstruction,
    verify: check,
  };
}

// ---------------------------------------------------------------- decompress

interface Reconstruction {
  values: Float64Array;
  header: Record<string, unknown>;
  sections: Map<string, Uint8Array>;
}

function decodeToOriginalScale(
  arch: TrainedModel['architecture'], decoder: TrainedModel['decoder'], latents: Float32Array, count: number, width: number,
  norm: Normalisation,
): Float64Array {
  return denormalise(decodeLatents(arch, decoder, latents, count), width, norm);
}

/** Decodes a .baler into float64 values on the original scale. */
export async function reconstruct(file: string, opts: { modelDir?: string } = {}): Promise<Reconstruction> {
  const container = await decodeContainer(readFileChecked(file), file);
  const header = container.header as Record<string, any>;
  const { count, width } = sampleLayout({ kind: header.dataset.kind, shape: header.dataset.shape });
  if (header.mode === 'error-bounded') {
    const sections = new Map<string, Uint8Array>();
    for (const [name, data] of container.sections) if (name.startsWith('eb.')) sections.set(name, data);
    // Residuals coded against an autoencoder's reconstruction: rebuild that prediction first.
    const prediction = header.model
      ? await modelReconstruction(header, container.sections, count, width, file, opts.modelDir)
      : undefined;
    const values = await namingFile(file, () => decodeErrorBounded(header.eb, sections, prediction));
    return { values, header, sections: container.sections };
  }
  if (header.mode !== 'autoencoder') throw new BalerError(`unknown compression mode '${header.mode}'`, file);
  return { values: await modelReconstruction(header, container.sections, count, width, file, opts.modelDir), header, sections: container.sections };
}

async function modelReconstruction(
  header: Record<string, any>, sections: Map<string, Uint8Array>, count: number, width: number, file: string, modelDir?: string,
): Promise<Float64Array> {
  if (!header.model?.architecture || !header.latents) throw new BalerError('corrupted: the model description is missing', file);
  const latentBytes = requireSection(sections, 'latents', file);
  const latents = unpackFloats(latentBytes, header.latents.precision, header.latents.count * header.latents.size, file);
  const decoder = header.model.decoder?.shared
    ? await findSharedDecoder(file, header.model.decoder.shared, modelDir)
    : decodeWeights(requireSection(sections, 'decoder', file), file);
  return decodeToOriginalScale(header.model.architecture, decoder, latents, count, width, header.model.normalisation);
}

/** Runs engine work that reports bad data without knowing its file, naming the file in its errors. */
async function namingFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BalerError && !err.file) throw new BalerError(err.message, file, err.code);
    throw err;
  }
}

function requireSection(sections: Map<string, Uint8Array>, name: string, file: string): Uint8Array {
  const s = sections.get(name);
  if (!s) throw new BalerError(`corrupted: section '${name}' is missing`, file);
  return s;
}

async function findSharedDecoder(file: string, shared: { hash: string; fileName: string }, modelDir?: string): Promise<WeightTensor[]> {
  const dirs = [modelDir, path.dirname(path.resolve(file))].filter((d): d is string => !!d);
  const modelFile = locateModelFile(shared, dirs, file);
  return (await readModelFile(modelFile, shared.hash)).decoder;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Decompresses a .baler into .npz/.npy/.csv (by the output's extension) with the original dtype. */
export async function decompress(input: string, opts: DecompressOptions = {}, hooks?: Hooks): Promise<DecompressResult> {
  if (path.extname(input) !== '.baler') throw new BalerError('not a .baler file (expected the .baler extension)', input);
  const output = opts.output ?? defaultOutput(input, '.decompressed.npz');
  checkOutput(input, output, opts.force);
  hooks?.onProgress?.({ phase: 'decode', message: `decoding ${input}` });
  const { values, header } = await reconstruct(input, opts);
  const d = (header as any).dataset;
  writeDataset(output, { kind: d.kind, shape: d.shape, dtype: d.dtype, names: d.names, values }, { overwrite: opts.force });
  return { output, info: await inspect(input) };
}

// ---------------------------------------------------------------- inspect

/** Sizes, ratios and error figures of a .baler, from its header alone (no decoding). */
export async function inspect(file: string): Promise<FileInfo> {
  const { header, layout, headerBytes, totalBytes, version } = readContainerHeaderFile(file);
  const h = header as Record<string, any>;
  const sizeOf = (pred: (name: string) => boolean) => layout.filter((s) => pred(s.name)).reduce((a, s) => a + s.storedBytes, 0);
  const sharedDecoder = h.model?.decoder?.shared?.bytes ?? 0;
  const count = h.dataset.shape.reduce((a: number, b: number) => a * b, 1);
  const sizes: SizeBreakdown = {
    originalFile: h.source.bytes,
    originalFloat32: count * 4,
    latents: sizeOf((n) => n === 'latents'),
    decoder: sizeOf((n) => n === 'decoder') + sharedDecoder,
    residuals: sizeOf((n) => n.startsWith('eb.')),
    // The search's record of the points it tried is metadata, like the header.
    header: headerBytes + sizeOf((n) => n === POINTS_SECTION),
    total: totalBytes + sharedDecoder,
    file: totalBytes,
    decoderShared: sharedDecoder > 0,
  };
  const latentOnlyBytes = Math.max(1, sizes.latents + sizes.residuals);
  return {
    file,
    formatVersion: version,
    kind: h.dataset.kind,
    shape: h.dataset.shape,
    dtype: h.dataset.dtype,
    names: h.dataset.names,
    mode: h.mode,
    errorBound: h.errorBound,
    architecture: h.model?.architecture,
    latentPrecision: h.latents?.precision,
    entropy: layout[0]?.coding === 'raw' ? 'none' : (layout[0]?.coding as FileInfo['entropy']),
    sizes,
    ratios: {
      total: sizes.originalFile / sizes.total,
      latentOnly: sizes.originalFile / latentOnlyBytes,
      totalVsFloat32: sizes.originalFloat32 / sizes.total,
      latentOnlyVsFloat32: sizes.originalFloat32 / latentOnlyBytes,
    },
    errors: h.errors as ErrorFigures,
    history: undefined,
    createdBy: h.createdBy,
    ...(h.search && typeof h.search.points === 'number'
      ? { search: { target: h.search.target, objective: h.search.objective, seconds: h.search.seconds, pointsTried: h.search.points } }
      : {}),
  };
}

// ---------------------------------------------------------------- models on disk

async function loadTrainedModel(file: string, ds: Dataset): Promise<TrainedModel> {
  const m = await readModelFile(file);
  if (!m.encoder) throw new BalerError('this model file holds only a decoder; compressing needs the encoder too', file);
  const architecture = m.header.architecture as Architecture;
  const { width } = sampleLayout(ds);
  if (architecture.type === 'dense' ? architecture.inputSize !== width : architecture.height * architecture.width !== width) {
    throw new BalerError(`model expects ${describeArchitecture(architecture)} but the data has ${width} values per sample`, file);
  }
  return {
    architecture,
    normalisation: m.header.normalisation as Normalisation,
    encoder: m.encoder,
    decoder: m.decoder,
    history: (m.header.history as TrainHistory) ?? { loss: [], valLoss: [], learningRate: [], epochs: 0, seconds: 0, stoppedBecause: 'epochs', backend: '' },
  };
}

async function saveTrainedModel(file: string, model: TrainedModel): Promise<void> {
  const header = { architecture: model.architecture, normalisation: model.normalisation, history: model.history };
  await writeModelFile(file, { header, decoder: model.decoder, encoder: model.encoder }, { overwrite: true });
}

// ---------------------------------------------------------------- report

/** Everything the HTML report and the dashboard show, from a .baler and its original data file. */
export async function buildReport(balerFile: string, originalFile?: string, historyFile?: string): Promise<ReportData> {
  const { values, header, sections } = await reconstruct(balerFile);
  const h = header as Record<string, any>;
  const originalPath = originalFile ?? path.join(path.dirname(path.resolve(balerFile)), h.source.name);
  if (!fs.existsSync(originalPath)) {
    throw new BalerError(`the original data '${h.source.name}' is needed for residual plots; pass it with --original`, balerFile);
  }
  const original = readDataset(originalPath);
  const history = historyFile && fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')) : undefined;
  return buildReportData({
    title: path.basename(balerFile), original, reconstructed: values, info: await inspect(balerFile), history, tradeoff: tradeoffFromFile(sections),
  });
}

export async function writeReport(balerFile: string, output: string, opts: { original?: string; history?: string; force?: boolean } = {}): Promise<string> {
  const data = await buildReport(balerFile, opts.original, opts.history);
  writeFileAtomic(output, renderReportHtml(data), { overwrite: opts.force ?? true });
  return output;
}

// ---------------------------------------------------------------- projects

/** Creates workspaces/WS/{data,PROJECT/{config,output/...}} with a default config and example data. */
export async function newProject(workspace: string, project: string, root = process.cwd()): Promise<string> {
  const p = projectPaths(workspace, project, root);
  if (fs.existsSync(p.config)) throw new BalerError('project already exists', p.config, 'EEXIST');
  for (const dir of [path.dirname(p.config), p.dataDir, p.training, path.dirname(p.compressed), path.dirname(p.decompressed), path.dirname(p.plotting)]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const config = defaultProjectConfig(project);
  const dataFile = path.resolve(p.projectDir, config.inputPath);
  if (!fs.existsSync(dataFile)) writeDataset(dataFile, simulateFlowPastObstacle({ seed: 1 }), {});
  writeFileAtomic(p.config, JSON.stringify(config, null, 2) + '\n');
  return p.config;
}

function loadProject(workspace: string, project: string, root?: string): { paths: ReturnType<typeof projectPaths>; config: ProjectConfig; input: string } {
  const paths = projectPaths(workspace, project, root);
  const config = readProjectConfig(paths.config);
  return { paths, config, input: resolveInputPath(paths, config) };
}

export async function trainProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<{ modelFile: string; model: TrainedModel }> {
  const { paths, config, input } = loadProject(workspace, project, root);
  const model = await trainModel(readDataset(input), config, hooks, input);
  fs.mkdirSync(paths.training, { recursive: true });
  await saveTrainedModel(paths.model, model);
  writeFileAtomic(paths.history, JSON.stringify(model.history) + '\n', { overwrite: true });
  return { modelFile: paths.model, model };
}

export async function compressProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<CompressResult> {
  const { paths, config, input } = loadProject(workspace, project, root);
  if (!config.errorBound && !fs.existsSync(paths.model)) {
    throw new BalerError('no trained model yet: run `baler train --project WORKSPACE PROJECT` first', paths.model);
  }
  fs.mkdirSync(path.dirname(paths.compressed), { recursive: true });
  return compress(input, {
    ...config,
    output: paths.compressed,
    force: true,
    trainedModelPath: config.errorBound ? undefined : paths.model,
    modelFile: config.decoder === 'shared' ? path.join(path.dirname(paths.compressed), 'decoder.balermodel') : undefined,
  }, hooks);
}

export async function decompressProject(workspace: string, project: string, hooks?: Hooks, root?: string): Promise<DecompressResult> {
  const { paths } = loadProject(workspace, project, root);
  fs.mkdirSync(path.dirname(paths.decompressed), { recursive: true });
  return decompress(paths.compressed, { output: paths.decompressed, force: true }, hooks);
}

export async function plotProject(workspace: string, project: string, root?: string): Promise<string> {
  const { paths, input } = loadProject(workspace, project, root);
  fs.mkdirSync(path.dirname(paths.plotting), { recursive: true });
  return writeReport(paths.compressed, paths.plotting, { original: input, history: paths.history, force: true });
}

export function projectCompressedFile(workspace: string, project: string, root?: string): string {
  return projectPaths(workspace, project, root).compressed;
}

/** Trains on a data file and saves the model (encoder + decoder) for `compress --trained-model`. */
export async function trainFile(input: string, output: string, settings: Partial<TrainSettings> & { force?: boolean }, hooks?: Hooks): Promise<string> {
  checkOutput(input, output, settings.force);
  const model = await trainModel(readDataset(input), { ...DEFAULT_TRAIN_SETTINGS, ...definedOnly(settings) }, hooks, input);
  await saveTrainedModel(output, model);
  return output;
}
