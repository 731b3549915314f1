// The work of coding one slab, as a plain function of plain data: run in the main thread or in a worker (the
// same code either way, so the bytes do not depend on the number of threads).
import type { NdArray } from '../types';
import { castToDtype, toFloat64 } from '../data/dtype';
import { BalerError, namingFile } from '../errors';
import { decodeLosslessSlab, encodeLosslessSlab, isLosslessTag, slabTag, tagged, TAG_EB, TAG_EB_COLUMNS, TAG_LOSSLESS_COLUMNS } from '../codec/slab';
import { decodeEbSlab, type EbGlobals, type EbSlabOptions } from '../compress/eb-slab';
import { summariseSlab, type SlabSummary } from '../compress/slab-summary';
import { columnsOf } from '../metrics';
import type { LearnedModel } from '../learned/blob';
import { codeLearnedSlab } from '../learned/slab-task';
import { decodeLearnedSlab } from '../learned/slab';
import { decodeEbColumns } from '../compress/eb-columns';
import { encodeErrorBoundedChunk, oneValue, type ChunkChoice } from '../compress/eb-chunk';
import { exactCoding, integerCandidate, losslessCandidate, losslessMayBeat } from './lossless-floor';
import { BufferPool, float64From } from './buffer-pool';
import { acceptSpares, release, slabBuffer } from './slab-buffers';
import { missingAsNaN, reachesMissing } from '../data/fill';
import { exactViews } from '../eb/grid';
import { releaseEncoderModule } from '../eb/wasm/encoder';
import { decodeLosslessColumns, encodeLosslessColumns, losslessColumnsCandidate } from '../compress/lossless-columns';
import { valueType } from '../eb/dtype';
import { Quantizer } from '../eb/quantizer';

export interface EbSlabTask {
  task: 'eb';
  array: NdArray;
  firstRow: number;
  globals: EbGlobals;
  predictors?: string[];
  /** The layout the user asked for (eb/layout.ts); default: measured per slab. */
  layout?: EbSlabOptions['layout'];
  file: string;
  /** An earlier slab's choice to reuse without searching (see error-bounded.ts). */
  reuse?: ChunkChoice;
  /**
   * The floor also tries the coder's integer path on a slab whose finite values are all integers (pw-rel only: a
   * slab on grids of 1 is that path, eb/plan.ts).
   */
  tryIntegerCoder?: boolean;
  /** A pw-rel table's integer columns, kept exact (compress/eb-chunk.ts). */
  exactColumns?: boolean[];
}

export interface LosslessSlabTask {
  task: 'lossless';
  array: NdArray;
  kind: 'table' | 'frames';
  /** Also try the error-bounded coder's integer path at tolerance 0 (integer-valued data within ±2^53). */
  tryIntegerCoder: boolean;
  /** Its searching slab's choice for the integer path, to reuse without searching (compress/shared-search.ts). */
  reuse?: ChunkChoice;
}

/** Decoding one slab's `data` chunk (an autoencoder's prediction is made in the main thread: not here). */
export interface DecodeSlabTask {
  task: 'decode';
  chunk: Uint8Array;
  shape: number[];
  dtype: NdArray['dtype'];
  /** The array's error-bounded settings (lossless arrays: abs 0). */
  globals: EbGlobals;
  file: string;
  /** A slab coded against a learned predictor: the model (it travels with each task) and the slab's latents. */
  learned?: { model: LearnedModel; latents?: Uint8Array };
  /** Buffers of slabs decoded earlier, for the worker to decode into (slab-buffers.ts spares()). */
  spares?: ArrayBuffer[];
}

/** A slab coded against a learned predictor (learned/slab-task.ts); the model travels with each task. */
export interface LearnedSlabTask {
  task: 'learned';
  array: NdArray;
  firstRow: number;
  globals: EbGlobals;
  model: LearnedModel;
  file: string;
}

/**
 * The sample a plan is chosen on, coded by the error-bounded coder alone (learned/choose.ts): on a worker while
 * the main thread fits the learned predictors. No floor, no summary: the estimate itself.
 */
export interface SampleTask {
  task: 'sample';
  /** The sample's values, float64 (NaN where an integer array holds its missing value). */
  array: NdArray;
  globals: EbGlobals;
  coder?: Pick<EbSlabOptions, 'predictors' | 'layout'>;
}

/** The sample's coding: its chunk and what it decodes to. */
export interface CodedSample {
  chunk: Uint8Array;
  reconstruction: Float64Array;
  /** The configuration the coder chose (none for a sample of one value). */
  choice?: ChunkChoice;
}

export type SlabTask = EbSlabTask | LosslessSlabTask | LearnedSlabTask;
export type WorkerTask = SlabTask | DecodeSlabTask | SampleTask;

/**
 * A decoded slab. Its arrays may be lent by the thread's slab buffers: whoever holds it last gives them back with
 * releaseDecoded() once nothing reads them (or leaves them to the garbage collector).
 */
export interface DecodedChunk {
  values: Float64Array;
  /** The values as written in the dtype: for float64 the same array as `values` (not a copy). */
  array: NdArray;
}

/** Decoded values as written in `dtype`: float64 values are already, and are used as they are (a copy cost a pass over the slab). */
function asWritten(values: Float64Array, dtype: NdArray['dtype']): NdArray['data'] {
  return dtype === 'float64' ? values : castToDtype(values, dtype, slabBuffer);
}

/** Gives a decoded slab's arrays back for the next slabs (slab-buffers.ts): nothing may read them afterwards. */
export function releaseDecoded(slab: DecodedChunk): void {
  release(slab.values, slab.array.data);
}

export interface CodedSlab {
  /** The tagged chunk of the `data` section. */
  chunk: Uint8Array;
  /** The chunk of the `latents` section (a learned basis; empty when the slab is stored losslessly). */
  latents?: Uint8Array;
  summary: SlabSummary;
  /** 'coded': the error-bounded coding; 'lossless': smaller than it; 'kept-exact': the coder could not keep the bound. */
  outcome: 'coded' | 'lossless' | 'kept-exact';
  /** The error-bounded coder's choice for this slab, for later slabs to reuse (none for a slab of one value: eb-chunk.ts). */
  choice?: ChunkChoice;
  /**
   * The size of the slab's zstd coding when the floor coded it (a coded slab: it was larger). Not its integer path's:
   * the floor's (pw-rel at 0) is not the lossless mode's (abs 0, with the columns predictor too), which the
   * whole-array floor codes itself (plan-coder.ts firstSlabLossless).
   */
  losslessBytes?: number;
}

export async function runSlabTask(task: SlabTask): Promise<CodedSlab> {
  // The coder reports what it refuses without knowing the file: named here, as a decoding error is.
  if (task.task === 'learned') return namingFile(task.file, () => codeLearnedSlab(task));
  return task.task === 'eb' ? namingFile(task.file, () => codeErrorBounded(task)) : codeLossless(task);
}

/** Any task a worker runs. */
export async function runWorkerTask(task: WorkerTask): Promise<CodedSlab | DecodedChunk | CodedSample> {
  if (task.task === 'sample') return codeSample(task);
  return task.task === 'decode' ? decodeTask(task) : runSlabTask(task);
}

/** The buffers a task's result travels back in (transferred, not copied). */
export function resultBuffers(result: CodedSlab | DecodedChunk | CodedSample): ArrayBuffer[] {
  if ('reconstruction' in result) return [result.chunk.buffer, result.reconstruction.buffer] as ArrayBuffer[];
  return ('chunk' in result ? [result.chunk.buffer] : [result.values.buffer, result.array.data.buffer]) as ArrayBuffer[];
}

async function codeSample(task: SampleTask): Promise<CodedSample> {
  const coded = await encodeErrorBoundedChunk(task.array.data as Float64Array, task.array.shape, task.globals, task.coder);
  // Its own copy: the coder's array is this thread's to reuse (slab-buffers.ts), and the result leaves the thread.
  const reconstruction = coded.reconstruction.slice();
  release(coded.reconstruction);
  return { chunk: coded.chunk, reconstruction, ...(coded.choice ? { choice: coded.choice } : {}) };
}

/** A slab decoded to the values as written, against its learned predictor when it has one and is not lossless. */
export async function decodeTask(t: DecodeSlabTask): Promise<DecodedChunk> {
  acceptSpares(t.spares);
  releaseEncoderModule();
  if (t.learned && !isLosslessTag(slabTag(t.chunk, t.file))) {
    const { model, latents } = t.learned;
    const values = await namingFile(t.file, () => decodeLearnedSlab(model, t.chunk, latents, t.shape, t.globals, t.file));
    return { values, array: { dtype: t.dtype, shape: t.shape, data: asWritten(values, t.dtype) } };
  }
  return decodeSlabChunk(t.chunk, t.shape, t.dtype, t.globals, undefined, t.file);
}

/** A slab's `data` chunk (tagged, see codec/slab.ts) decoded to the values as written, float64 and in the dtype. */
export async function decodeSlabChunk(
  chunk: Uint8Array, shape: number[], dtype: NdArray['dtype'], globals: EbGlobals, prediction: Float64Array | undefined, file: string,
): Promise<DecodedChunk> {
  const tag = slabTag(chunk, file);
  if (tag === TAG_EB || tag === TAG_EB_COLUMNS || tag === TAG_LOSSLESS_COLUMNS) {
    const body = chunk.subarray(1);
    const values = await namingFile(file, () => (tag === TAG_EB ? decodeEbSlab(body, shape, globals, prediction, file)
      : tag === TAG_EB_COLUMNS ? decodeEbColumns(body, shape, globals, file) : decodeLosslessColumns(body, dtype, shape, file)));
    return { values, array: { dtype, shape, data: asWritten(values, dtype) } };
  }
  const array = await decodeLosslessSlab(chunk, dtype, shape, file);
  return { values: toFloat64(array.data).values, array };
}

/** The buffers of a task's own data (the pool's copies): they go to the worker with the task and come back with its result. */
export function taskBuffers(task: WorkerTask): ArrayBuffer[] {
  if (task.task !== 'decode') return [task.array.data.buffer as ArrayBuffer];
  const latents = task.learned?.latents;
  return [...new Set([task.chunk.buffer, ...(latents ? [latents.buffer] : [])])] as ArrayBuffer[];
}

/** The slab's values as float64 (NaN where an integer array holds its missing value): its own array when it is float64 already (a task owns its array). */
function valuesOf(array: NdArray): Float64Array {
  if (array.data instanceof Float64Array) return array.data;
  const values = toFloat64(array.data).values;
  missingAsNaN(values, array.missing);
  return values;
}

/**
 * Float64 copies of the slabs coded in this thread, reused from one task to the next: each task takes its own
 * (tasks of one thread may overlap at their awaits) and gives it back when it is done, its result holding no view of it.
 */
const valueBuffers = new BufferPool(2);

/** `work` with the slab's values as float64 (valuesOf), in a reused buffer when they are a copy. */
export async function withValues<R>(array: NdArray, work: (values: Float64Array) => Promise<R>): Promise<R> {
  const d = array.data;
  if (d instanceof Float64Array || d instanceof BigInt64Array || d instanceof BigUint64Array) return work(valuesOf(array));
  const values = float64From(d, valueBuffers);
  missingAsNaN(values, array.missing);
  try {
    return await work(values);
  } finally {
    valueBuffers.give(values.buffer as ArrayBuffer);
  }
}

function codeErrorBounded(task: EbSlabTask): Promise<CodedSlab> {
  return withValues(task.array, (values) => codeErrorBoundedValues(task, values));
}

async function codeErrorBoundedValues(task: EbSlabTask, values: Float64Array): Promise<CodedSlab> {
  const columns = columnsOf(task.array.shape, task.globals.kind);
  let eb: Awaited<ReturnType<typeof encodeErrorBoundedChunk>>;
  try {
    // The coder checks every value as written itself; the compressor checks the whole file again when read back.
    eb = await encodeErrorBoundedChunk(values, task.array.shape, task.globals, { predictors: task.predictors, layout: task.layout, reuse: task.reuse, exactColumns: task.exactColumns });
    if (reachesMissing(eb.reconstruction, task.array.missing)) throw new MissingReached(task.array.missing!);
  } catch (err) {
    // A slab the coder could not keep within the bound (it should never happen) is stored losslessly instead.
    if (!brokeItsBound(err)) throw err;
    return { chunk: await encodeLosslessSlab(task.array), summary: summariseSlab(values, values, columns), outcome: 'kept-exact' };
  }
  const { choice } = eb;
  try {
    const lossless = await losslessCandidate(task.array, eb.chunk.length);
    const integer = task.tryIntegerCoder ? await integerCandidate(task, values, eb.reconstruction, lossless.smaller?.length ?? eb.chunk.length) : undefined;
    const smaller = integer ?? lossless.smaller;
    if (smaller) return { chunk: smaller, summary: summariseSlab(values, values, columns), outcome: 'lossless', choice };
    return { chunk: eb.chunk, summary: summariseSlab(values, eb.reconstruction, columns), outcome: 'coded', choice, losslessBytes: lossless.bytes };
  } finally {
    release(eb.reconstruction); // summarised: it serves the next slab
  }
}

/** A real value of an integer array would come back as its declared missing value: the slab is stored losslessly. */
export class MissingReached extends Error {
  constructor(missing: number) {
    super(`a real value would come back as the declared missing value ${missing}`);
  }
}

/** The coder's own check found a value outside the bound as written (it should never happen), or MissingReached. */
export function brokeItsBound(err: unknown): boolean {
  return err instanceof MissingReached || (!(err instanceof BalerError) && /broke its bound/.test((err as Error)?.message ?? ''));
}

function codeLossless(task: LosslessSlabTask): Promise<CodedSlab> {
  return withValues(task.array, (values) => codeLosslessValues(task, values));
}

/**
 * The smaller of zstd of the slab's bytes and, with tryIntegerCoder or on decimals, the coder's integer path (zstd on a tie). The
 * path is coded first: where a quick look puts zstd far above it (losslessMayBeat), zstd (-9 or -19, plain and
 * byte-shuffled: most of the time of a slab the path wins) is not coded.
 */
async function codeLosslessValues(task: LosslessSlabTask, values: Float64Array): Promise<CodedSlab> {
  const summary = summariseSlab(values, values, columnsOf(task.array.shape, task.kind));
  const exact = exactViewsOf(task.array, values, task.kind);
  let integer: IntegerPath | undefined;
  if (task.tryIntegerCoder || exact.every(Boolean)) {
    integer = await losslessIntegerPath(task, values);
    if (integer && !(await losslessMayBeat(task.array, integer.chunk.length))) return { chunk: integer.chunk, summary, outcome: 'lossless', choice: integer.choice };
  }
  const zstd = await encodeLosslessSlab(task.array);
  let chunk = integer && integer.chunk.length < zstd.length ? integer.chunk : zstd;
  // Columns of integers or decimals beside others: each column in its own smallest exact coding.
  if (!integer && exact.some(Boolean) && losslessColumnsCandidate(task.array, task.kind)) {
    const columns = tagged(TAG_LOSSLESS_COLUMNS, await encodeLosslessColumns(task.array, values, exact));
    if (columns.length < chunk.length) chunk = columns;
  }
  return { chunk, summary, outcome: 'lossless', choice: integer?.choice };
}

/** Which views of a slab (a table's columns, or the whole slab) the coder at tolerance 0 codes exactly (eb/grid.ts). */
function exactViewsOf(array: NdArray, values: Float64Array, kind: 'table' | 'frames'): boolean[] {
  // 64-bit integers may lie beyond what float64 holds: the integer path is theirs only where the stats say it may be.
  if (array.dtype === 'int64' || array.dtype === 'uint64') return [false];
  const type = valueType(array.dtype);
  const quantizer = new Quantizer(type, 'absolute');
  return exactViews(values, array.shape, kind === 'table', (v) => quantizer.castOf(v), type.roundoff);
}

/**
 * A slab coding with its searching slab's configuration at more than REUSE_DRIFT times that slab's bytes per value
 * (or less than 1/REUSE_DRIFT of them) searches too, and keeps the smaller: its values changed character, and
 * another configuration may suit them better. etopo5's elevations as int16, whose polar slab is coded best as a
 * series and the others as a field, came out 1.85–2.0 and 0.48 times off: without the search 8.6% larger, with it
 * the same bytes for 5% more CPU. An int32 table (a walk, counts, a ramp) whose search chose other predictors on 4
 * of its 28 slabs came out 1.11–1.12 times off there, and at most 1.014 elsewhere (0.9% larger at a drift of 1.15).
 * The slabs of 16-bit counts, a camera stack and a quantised field stayed within 1.2% of theirs: the same bytes
 * for 25% less CPU.
 */
const REUSE_DRIFT = 1.05;

interface IntegerPath {
  chunk: Uint8Array;
  /** What a slab after this one reuses (a searching slab's, of more than one value). */
  choice?: ChunkChoice;
}

/** The coder's integer path at tolerance 0 (undefined where it is not exact): with the choice reused, or searched. */
async function losslessIntegerPath(task: LosslessSlabTask, values: Float64Array): Promise<IntegerPath | undefined> {
  const zero: EbGlobals = { bound: { kind: 'abs', value: 0 }, tolerances: [0], dtype: task.array.dtype, kind: task.kind };
  const { shape } = task.array;
  const reused = task.reuse?.configuration !== undefined && task.reuse.bytesPerValue !== undefined ? task.reuse : undefined;
  const coded = await exactCoding(values, shape, zero, reused?.configuration);
  if (reused) {
    const drift = coded ? coded.bytes.length / values.length / reused.bytesPerValue! : Infinity;
    if (drift <= REUSE_DRIFT && drift >= 1 / REUSE_DRIFT) return coded && { chunk: tagged(TAG_EB, coded.bytes) };
    const searched = await exactCoding(values, shape, zero);
    const smaller = coded && (!searched || coded.bytes.length <= searched.bytes.length) ? coded : searched;
    return smaller && { chunk: tagged(TAG_EB, smaller.bytes) };
  }
  if (!coded) return undefined;
  const choice = oneValue(values) ? undefined : { configuration: coded.configuration, bytesPerValue: coded.bytes.length / values.length };
  return { chunk: tagged(TAG_EB, coded.bytes), ...(choice ? { choice } : {}) };
}
