// Decoding a .baler: each array slab by slab (decodeArray, used by decompress, the compressor's own
// verification and the report), and decompress() to a data file in the original dtype.
import * as path from 'node:path';
import type { DecompressOptions, DecompressResult, Hooks } from './api';
import type { Architecture, NdArray, Normalisation, WeightTensor } from './types';
import { BalerError, cancellationPoint, namingFile } from './errors';
import { integerMissingOf, maskedFillOf, restoreFills, restoreMissing } from './data/fill';
import { createDataSink, FORMATS, writableFormatOf } from './data/formats';
import { extensionOf } from './data/extensions';
import { checkDiskSpace, leastOutputBytes } from './data/disk-space';
import { notInFile, type ArrayDescription } from './data/source';
import { textColumnsOfRows, textNotWrittenNote } from './data/text-columns';
import { castFloat64, castToDtype, toFloat64 } from './data/dtype';
import { denormalise } from './normalise';
import { decodeLatents } from './model/infer';
import { layerPlan, matchWeights } from './model/architectures';
import { samplesPerRow, samplesToRows } from './model/patches';
import { readChunk, readContainerIndex, readSection, type ContainerIndex } from './codec/container';
import { parseAttributes, type ArrayEntry, type DataHeader, type ModelPart } from './codec/header';
import { checkLayout, rowSize, sectionName, slabCount, slabRowsAt } from './codec/header-check';
import { openFileAccess, type FileAccess, type RandomAccess } from './codec/io';
import { unpackFloats } from './codec/numbers';
import { decodeWeights } from './codec/weights';
import { locateSharedModel, readModelFile } from './codec/model-file';
import { decodeSlabChunk, decodeTask, releaseDecoded, type DecodeSlabTask } from './parallel/slab-tasks';
import { isLosslessTag, slabTag } from './codec/slab';
import { loadLearnedModel } from './learned/store';
import { createSlabRunner, defaultThreads, threadsAllowed, type SlabRunner } from './parallel/pool';
import { inspect } from './inspect';
import { checkOutput, createOutputFolder, defaultOutput, namesFolder, removeCreatedFolder } from './compress/output';
import { SUPPORTED_FOLDER_EXTENSIONS } from './data/extensions';
import { budgetForDecodingThreads, decodedSlabBytes, decodingSlabsAhead, decodingThreads, DEFAULT_MEMORY_BUDGET, fewerThreadsNote } from './memory';
import { constantSlab } from './compress/constant';
import { checkBudget, elementCount } from './data/budget';

/** A .baler opened for reading: its checked index and typed header. */
export interface OpenedBaler {
  file: string;
  access: RandomAccess;
  index: ContainerIndex;
  header: DataHeader;
}

export function openBaler(file: string, access?: RandomAccess): OpenedBaler & { close(): void } {
  const own: FileAccess | undefined = access ? undefined : openFileAccess(file);
  const source = access ?? own!;
  try {
    const index = readContainerIndex(source, file);
    if (index.header.kind !== 'data') throw new BalerError('this is a model file (.balermodel), not compressed data', file, 'EFORMAT');
    checkLayout(index.header, index, file);
    return { file, access: source, index, header: index.header, close: () => own?.close() };
  } catch (err) {
    own?.close();
    throw err;
  }
}

export interface DecodedSlab {
  firstRow: number;
  /** The values as written, in the array's dtype. */
  array: NdArray;
  /** The same values as float64 (exact within ±2^53). */
  values: Float64Array;
}

export interface DecodeOptions {
  modelDir?: string;
  /** Refuse slabs that need more memory than this (bytes; default DEFAULT_MEMORY_BUDGET). */
  memoryBudget?: number;
  /** Only rows [start, end) of the array (only the slabs that hold them are read). */
  rows?: [number, number];
  /** Decodes slabs on worker threads (default: in this thread). */
  runner?: SlabRunner;
  /** Slabs in work at once on the runner's threads, the one being consumed included (default: its threads). */
  slabsAhead?: number;
}

/** The slabs of array k in order (those holding `opts.rows`, trimmed to them). */
export async function* decodeArray(f: OpenedBaler, k: number, opts: DecodeOptions = {}): AsyncGenerator<DecodedSlab> {
  const a = f.header.arrays[k];
  checkSlabMemory(a, opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET, f.file);
  const [start, end] = checkedRows(opts.rows, a.shape[0], f.file);
  const section = (role: string) => f.index.sections.find((s) => s.name === sectionName(k, role))!;
  const c = a.codec;
  const model = c.mode === 'autoencoder' ? c.model : c.mode === 'error-bounded' ? c.prediction : undefined;
  const decoder = model ? await loadDecoder(f, k, model, opts.modelDir) : undefined;
  const learned = c.mode === 'error-bounded' && c.learned ? await loadLearnedModel(f, k, c.learned, a.shape, opts.modelDir) : undefined;
  const globals = c.mode === 'error-bounded'
    ? { bound: c.bound, tolerances: c.tolerances, dtype: a.dtype, kind: a.kind }
    : { bound: { kind: 'abs' as const, value: 0 }, tolerances: [0], dtype: a.dtype, kind: a.kind };
  const runner = opts.runner;
  const missing = integerMissingOf(a.dtype, parseAttributes(a.attributes));
  const decodeSlab = async (j: number): Promise<DecodedSlab> => {
    const slab = await decodeStored(j);
    restoreMissing(slab.values, slab.array.data, missing);
    return slab;
  };
  const decodeStored = async (j: number): Promise<DecodedSlab> => {
    const rows = slabRowsAt(a, j);
    const shape = [rows, ...a.shape.slice(1)];
    const firstRow = j * a.slabRows;
    if (c.mode === 'constant') {
      const array = constantSlab(c.value, a.dtype, shape, f.file);
      return { firstRow, array, values: toFloat64(array.data).values };
    }
    const prediction = model ? await predictSlab(f, section('latents'), j, rows, a, model, decoder!) : undefined;
    if (c.mode === 'autoencoder') {
      const values = castFloat64(prediction!, a.dtype);
      return { firstRow, values, array: { dtype: a.dtype, shape, data: castToDtype(values, a.dtype) } };
    }
    const chunk = await readChunk(f.access, section('data'), j, f.file);
    const tag = slabTag(chunk, f.file);
    // Coded against a learned predictor (a lossless slab, the floor, decodes as any other): the model goes with the task.
    const latents = learned?.family === 'basis' && !isLosslessTag(tag) ? await readChunk(f.access, section('latents'), j, f.file) : undefined;
    const task: DecodeSlabTask = { task: 'decode', chunk, shape, dtype: a.dtype, globals, file: f.file, ...(learned ? { learned: { model: learned, latents } } : {}) };
    const decoded = prediction ? await decodeSlabChunk(chunk, shape, a.dtype, globals, prediction, f.file) : runner ? await runner.decode(task) : await decodeTask(task);
    return { firstRow, ...decoded };
  };
  const first = Math.floor(start / a.slabRows);
  const last = Math.ceil(end / a.slabRows);
  const ahead: Promise<DecodedSlab>[] = [];
  const concurrency = runner && !model ? (opts.slabsAhead ?? runner.threads) : 1;
  for (let j = first; j < last || ahead.length > 0; j++) {
    if (j < last) {
      const next = decodeSlab(j);
      next.catch(() => {}); // awaited in order below
      ahead.push(next);
      if (ahead.length < concurrency && j + 1 < last) continue;
    }
    yield trimRows(await ahead.shift()!, start, end, rowSize(a));
  }
}

function checkedRows(rows: [number, number] | undefined, total: number, file: string): [number, number] {
  if (!rows) return [0, total];
  const [start, end] = rows;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end > start && end <= total)) {
    throw new BalerError(`rows ${start}:${end} are not within the array's ${total} rows`, file, 'EROWS');
  }
  return [start, end];
}

/** The slab cut to rows [start, end) of the array. */
function trimRows(slab: DecodedSlab, start: number, end: number, width: number): DecodedSlab {
  const rows = slab.array.shape[0];
  const from = Math.max(start, slab.firstRow);
  const to = Math.min(end, slab.firstRow + rows);
  if (from === slab.firstRow && to === slab.firstRow + rows) return slab;
  const a = (from - slab.firstRow) * width;
  const b = (to - slab.firstRow) * width;
  const shape = [to - from, ...slab.array.shape.slice(1)];
  return { firstRow: from, values: slab.values.slice(a, b), array: { ...slab.array, shape, data: slab.array.data.slice(a, b) as NdArray['data'] } };
}

/** Memory decoding one slab of the array takes (checkSlabMemory refuses it past the budget). */
function slabMemory(a: ArrayEntry): number {
  return decodedSlabBytes(a.slabRows * rowSize(a), a.dtype);
}

function checkSlabMemory(a: ArrayEntry, budget: number, file: string): void {
  const need = slabMemory(a);
  if (need > budget) {
    throw new BalerError(`a slab of this file needs ${formatMiB(need)} of memory, more than the budget of ${formatMiB(budget)} (raise it with --memory)`, file, 'ETOOLARGE');
  }
}

function formatMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 24 ? 1 : 0)} MiB`;
}

async function loadDecoder(f: OpenedBaler, k: number, model: ModelPart, modelDir?: string): Promise<WeightTensor[]> {
  const section = f.index.sections.find((s) => s.name === sectionName(k, 'decoder'));
  const weights = model.shared
    ? await findSharedDecoder(f.file, model.shared, modelDir)
    : decodeWeights(await readSection(f.access, section!, f.file), f.file);
  try {
    matchWeights(layerPlan(model.architecture).decoder, weights);
  } catch (err) {
    throw new BalerError(`corrupted: the decoder does not fit the architecture in the header (${(err as Error).message})`, f.file, 'ECORRUPT');
  }
  return weights;
}

async function predictSlab(
  f: OpenedBaler, latentsSection: ContainerIndex['sections'][number], j: number, rows: number, a: ArrayEntry, model: ModelPart, decoder: WeightTensor[],
): Promise<Float64Array> {
  const bytes = await readChunk(f.access, latentsSection, j, f.file);
  const latents = unpackFloats(bytes, model.latentPrecision, rows * model.latentSize, f.file);
  return namingFile(f.file, async () => decodeToOriginalScale(model.architecture, decoder, latents, rows, a.shape.slice(1), model.normalisation));
}

/** Rows (count × the values of rowShape) on the original scale from their latents (a model on tiles decodes every tile). */
export function decodeToOriginalScale(
  arch: Architecture, decoder: WeightTensor[], latents: Float32Array, count: number, rowShape: number[], norm: Normalisation,
): Float64Array {
  const samples = decodeLatents(arch, decoder, latents, count * samplesPerRow(arch, rowShape));
  return denormalise(samplesToRows(arch, samples, count, rowShape), rowShape.reduce((x, y) => x * y, 1), norm);
}

async function findSharedDecoder(file: string, shared: { hash: string; fileName: string }, modelDir?: string): Promise<WeightTensor[]> {
  const modelFile = locateSharedModel(shared, file, modelDir);
  return (await readModelFile(modelFile, shared.hash)).decoder;
}

export interface Reconstruction {
  /** The array's values as written, float64. */
  values: Float64Array;
  /** Which of the file's arrays they are. */
  arrayIndex: number;
  header: DataHeader;
  /** The search's record of points, when the file has one. */
  points?: Uint8Array;
}

/**
 * Decodes the first array of a .baler whole (report, benchmarks); refused, before anything is allocated, when its
 * float64 values need more than the memory budget (as the report's reading of the original is).
 */
/**
 * One array of a file decoded whole: the one at `dataset` (its path), else the largest (a file's first array is
 * often a small coordinate, such as a netCDF file's time axis).
 */
export async function reconstruct(file: string, opts: DecodeOptions & { dataset?: string } = {}): Promise<Reconstruction> {
  const f = openBaler(file);
  try {
    const arrayIndex = opts.dataset !== undefined ? arrayAt(f.header, opts.dataset, file) : largestArray(f.header);
    const a = f.header.arrays[arrayIndex];
    const count = elementCount(a.shape, file);
    checkBudget(count * 8, opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET, `decoding the array${a.path ? ` '${a.path}'` : ''} (${a.shape.join(' × ')}) whole as float64`, file);
    const values = new Float64Array(count);
    for await (const slab of decodeArray(f, arrayIndex, opts)) values.set(slab.values, slab.firstRow * rowSize(a));
    const pointsSection = f.index.sections.find((s) => s.name === 'search.points');
    const points = pointsSection ? await readSection(f.access, pointsSection, file) : undefined;
    return { values, arrayIndex, header: f.header, ...(points ? { points } : {}) };
  } finally {
    f.close();
  }
}

function largestArray(header: DataHeader): number {
  let largest = 0;
  const size = (shape: number[]) => shape.reduce((n, d) => n * d, 1);
  header.arrays.forEach((a, k) => { if (size(a.shape) > size(header.arrays[largest].shape)) largest = k; });
  return largest;
}

/** The index of the array at `dataset` (its path, with or without the leading '/'), as compress --dataset names it. */
function arrayAt(header: DataHeader, dataset: string, file: string): number {
  const norm = (p: string) => p.replace(/^\/+/, '');
  const k = header.arrays.findIndex((a) => norm(a.path) === norm(dataset));
  if (k < 0) throw notInFile('array', dataset, header.arrays.length === 1 ? [header.arrays[0].path] : header.arrays.map((a) => a.path || '(the array)'), file);
  return k;
}

/**
 * The default output of decompress: NAME.decompressed with the source's own extension when its format can be
 * written and can hold the arrays written (one array for .npy/.csv/.parquet/.tif/.nii), else .h5 for several arrays, .npz for one.
 */
export function defaultDecompressedOutput(input: string, header: DataHeader, arraysWritten = header.arrays.length): string {
  const sourceExt = extensionOf(header.source.name);
  const format = FORMATS.find((f) => f.extensions.includes(sourceExt));
  const single = ['npy', 'csv', 'parquet', 'tiff', 'nifti'];
  const fits = format?.writable && (arraysWritten === 1 || !single.includes(format.format));
  return defaultOutput(input, `.decompressed${fits ? sourceExt : arraysWritten > 1 ? '.h5' : '.npz'}`);
}

/** The arrays decompress writes: the one --dataset names, else all. */
function chosenArrays(header: DataHeader, opts: Pick<DecompressOptions, 'dataset'>, input: string): number[] {
  return opts.dataset !== undefined ? [arrayAt(header, opts.dataset, input)] : header.arrays.map((_, k) => k);
}

/** Where decompress writes `input`: -o, or NAME.decompressed.EXT in the folder -o names (`folder`), or beside it. */
export function plannedOutput(input: string, header: DataHeader, opts: Pick<DecompressOptions, 'output' | 'dataset'>): { output: string; folder?: string } {
  const byDefault = defaultDecompressedOutput(input, header, chosenArrays(header, opts, input).length);
  if (opts.output === undefined) return { output: byDefault };
  if (!namesOutputFolder(opts.output)) return { output: opts.output };
  return { output: path.join(opts.output, path.basename(byDefault)), folder: opts.output };
}

/**
 * Whether -o names a folder to decompress into (NAME.decompressed.EXT in it): a path ending in a separator, or a folder
 * that exists and is not itself an output (a Zarr store is a folder written whole).
 */
export function namesOutputFolder(output: string): boolean {
  if (output.endsWith('/') || output.endsWith(path.sep)) return true;
  return namesFolder(output) && !SUPPORTED_FOLDER_EXTENSIONS.includes(path.extname(output).toLowerCase());
}

/**
 * Decompresses a .baler into a data file (its format by the output's extension; by default in kind) with every
 * array in its original dtype, or only the one `opts.dataset` names (only its chunks are decoded).
 */
export async function decompress(input: string, opts: DecompressOptions = {}, hooks?: Hooks): Promise<DecompressResult> {
  if (path.extname(input) !== '.baler') throw new BalerError('not a .baler file (expected the .baler extension)', input);
  const f = openBaler(input);
  let runner: SlabRunner | undefined;
  let output = '';
  let folder: string | undefined;
  let createdFolder: string | undefined;
  let descriptions: ArrayDescription[] = [];
  try {
    const chosen = chosenArrays(f.header, opts, input);
    if (opts.rows && chosen.length > 1) throw new BalerError('--rows needs one array: this file holds several, name one with --dataset', input, 'EROWS');
    const rows = opts.rows ? checkedRows(opts.rows, f.header.arrays[chosen[0]].shape[0], input) : undefined;
    ({ output, folder } = plannedOutput(input, f.header, opts));
    checkOutput(input, output, opts.force);
    const format = writableFormatOf(output);
    descriptions = chosen.map((k) => describe(f.header.arrays[k], rows));
    const textLeftOut = textNotWrittenNote(descriptions, format);
    if (textLeftOut) hooks?.onLog?.(`${output}: ${textLeftOut}`);
    createdFolder = folder !== undefined ? createOutputFolder(folder) : undefined;
    checkDiskSpace(output, leastOutputBytes(format, descriptions));
    const decoding = decodingPlan(chosen.map((k) => f.header.arrays[k]), input, opts, hooks);
    runner = decoding.runner;
    hooks?.onProgress?.({ phase: 'decode', message: `decoding ${input}` });
    const sink = await createDataSink(output, format, descriptions, parseAttributes(f.header.source.attributes), { overwrite: opts.force, protect: input });
    try {
      const allValues = descriptions.reduce((n, a) => n + a.shape.reduce((x, y) => x * y, 1), 0);
      let valuesDone = 0;
      for (const [i, k] of chosen.entries()) {
        const fill = maskedFillOf(parseAttributes(f.header.arrays[k].attributes));
        for await (const slab of decodeArray(f, k, { ...opts, ...decoding, rows })) {
          await cancellationPoint(hooks?.signal);
          if (fill !== undefined) restoreFills(slab.array.data, fill);
          await sink.writeSlab(i, slab.array);
          valuesDone += slab.values.length;
          releaseDecoded(slab); // written: its buffers serve the next slabs
          hooks?.onProgress?.({ phase: 'decode', message: `decoding ${input}`, fraction: valuesDone / Math.max(1, allValues) });
        }
      }
      await sink.finish();
    } catch (err) {
      await sink.abort();
      throw err;
    }
  } catch (err) {
    removeCreatedFolder(opts.output, createdFolder);
    throw err;
  } finally {
    await runner?.close();
    f.close();
  }
  const written = descriptions.map(({ path: arrayPath, shape, dtype }) => ({ path: arrayPath, shape, dtype }));
  return { output, written, info: await inspect(input, { check: false }) };
}

/** The threads that decode these arrays, and the slabs in work at once, as the memory budget allows. */
function decodingPlan(arrays: ArrayEntry[], input: string, opts: DecompressOptions, hooks?: Hooks): { runner: SlabRunner; slabsAhead: number } {
  const slabs = arrays.reduce((n, a) => n + slabCount(a), 0);
  // Workers only pay when there are several slabs to decode, and as many as the budget holds at once.
  const asked = Math.min(threadsAllowed(opts.threads ?? defaultThreads(), (line) => hooks?.onLog?.(`${input}: ${line}`)), slabs);
  const sizes = arrays.map((a) => ({ values: a.slabRows * rowSize(a), dtype: a.dtype }));
  const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const threads = decodingThreads(sizes, budget, asked);
  // Where the budget holds not even one slab, decoding refuses it (checkSlabMemory), naming what it needs.
  if (threads < asked && arrays.every((a) => slabMemory(a) <= budget)) {
    hooks?.onLog?.(`${input}: ${fewerThreadsNote('decoding', threads, asked, budget, { budget: budgetForDecodingThreads(sizes, asked), threads: asked })}`);
  }
  return { runner: createSlabRunner(threads), slabsAhead: decodingSlabsAhead(sizes, budget, threads) };
}

/** An array of the header as the formats' sinks take it (its rows cut to `rows`). */
function describe(a: ArrayEntry, rows?: [number, number]): ArrayDescription {
  const shape = [rows ? rows[1] - rows[0] : a.shape[0], ...a.shape.slice(1)];
  const exact = a.codec.mode === 'lossless' || a.codec.mode === 'constant' ? { exact: true } : {};
  const attributes = a.attributes && rows ? textColumnsOfRows(parseAttributes(a.attributes), a.shape[0], ...rows) : a.attributes ? parseAttributes(a.attributes) : undefined;
  return { path: a.path, dtype: a.dtype, shape, kind: a.kind, names: [...a.names], ...exact, ...(attributes ? { attributes } : {}) };
}

