// The encoder's common case in WebAssembly (src/wasm/eb-encoder.ts, built to dist/eb-encoder.wasm by esbuild.mjs): a
// pass by interpolation over values in float32 or float64 (their NaN and ±Inf a mask coded before the traversal:
// src/wasm/eb-encoder/mask.ts; on a grid or not: grid.ts), with no forbidden value, whose candidates are plain cubic
// and linear and those over a model's prediction or a table's column models ('model', 'cubic-over-model', 'columns',
// 'cubic-over-columns'); or a temporal pass (pass.ts codeFrameByFrame) whose candidates are plain cubic and linear and
// those over the previous frame, the model, or the previous frame plus the model's change ('model-delta', written
// frame by frame); or a pass in raster order by Lorenzo differences (traversal.ts codeByLorenzo), plain or over a
// model or columns. JavaScript walks the views, frames, corners and sweeps as the coder does (interpolation.ts),
// computes each column's models (columns.ts) into the module's memory, and hands each sweep to the module (a temporal
// pass's sweeps recorded once per frame shape and placed in the memory once: sweeps.ts); the stream, every value, the
// checksum, the exact values and the counts are the same as runPass's (test/unit/eb-wasm-encoder.test.ts codes every
// case both ways). Any other pass (integer dtypes, pw-rel, a forbidden value), or a machine where the module cannot be
// loaded or have the memory, is coded by runPass.
// BALER_EB_ENCODER=js sends every pass to runPass (to compare). The module keeps its own copy of a pass's values,
// reconstruction, |q| and bases (ENCODER_MODULE_BYTES_PER_VALUE, counted by memory.ts) until the thread turns to
// reading the file back (releaseEncoderModule); encoder-memory.ts lays a pass out in its memory.

import { CAST_FLOAT32, CAST_FLOAT64, ExactWriter } from '../dtype';
import { forEachCorner, forEachSweep, interpolationLevels } from '../interpolation';
import { levelSteps } from '../layout';
import { fromGridUnits } from '../grid';
import type { CodedPoints, EncodedPass, PassInput } from '../pass';
import type { Configuration } from '../configure';
import type { GridView } from '../traversal';
import { predictColumn } from '../columns';
import { METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, METHOD_LORENZO, METHOD_LORENZO_OVER_BASE, PredictorSpec } from '../predictors';
import { newBlock } from '../sweep';
import { choiceBits, frameDims, frameExtent, inverseOf, LOG2_TABLE } from '../traversal';
import { release, slabValues } from '../../parallel/slab-buffers';
import { forgetModule, reserve, wasmApi, WasmMemory, wasmModule } from './module';
import { blockCapacity, bytesPerValue, ENCODER_MODULE_BYTES_PER_VALUE, FramePlan, MemoryPlan, memoryPlan, pointsAreFloat32, SMALL_PASS_BYTES } from './encoder-memory';
import { RecordedSweep, recordSweeps, writeSweeps } from './sweeps';
import { maskRowsOf } from '../mask-rows';

export interface EncoderExports {
  memory: WasmMemory;
  hash: { value: number };
  MODEL_BYTES: { value: number };
  RECIPROCAL_BYTES: { value: number };
  LOG2_TABLE_BYTES: { value: number };
  CANDIDATE_BYTES: { value: number };
  heapBase(): number;
  begin(
    stateAt: number, reciprocalAt: number, log2At: number, originalAt: number, reconAt: number, absIndexAt: number, float32: number, narrow: number,
    scratchAt: number, capacity: number, countsAt: number, streamAt: number,
  ): void;
  setChoices(at: number, count: number, bits: number, checked: boolean): void;
  setTolerance(tolerance: number): void;
  setAxis(e: number, listAt: number, length: number, stride: number, before3At: number, right1At: number, right3At: number): void;
  setGrid(grid: number): void;
  codeMask(size: number, row: number, frame: number): void;
  codeCorner(i: number, from: number, step: number, level: number): void;
  codeLorenzo(offset: number, n0: number, n1: number, n2: number, s0: number, s1: number, s2: number, blockSize: number, step: number, inverseStep: number): void;
  codeSweep(offset: number, level: number, step: number, inverseStep: number, edge: number, d: number, s: number, nd: number, e1: number, e2: number, previous: number): number;
  finish(): number;
}

/** Whether encodePass may use the module (the tests turn it off to code both ways), and how many passes it coded in this thread. */
export const wasmEncoding = {
  enabled: process.env.BALER_EB_ENCODER !== 'js',
  passes: 0,
  /** The module's bytes a value a pass may take (the tests raise it to code every case both ways). */
  maxBytesPerValue: ENCODER_MODULE_BYTES_PER_VALUE,
  /** A pass whose copy is at most this large may take more bytes a value (encoder-memory.ts SMALL_PASS_BYTES). */
  smallPassBytes: SMALL_PASS_BYTES,
};

/** The pass's escapes (the module calls back for each): stores the value exactly and returns what predictions read there. */
const noPass = (): number => {
  throw new Error('no pass is being coded');
};
let storeExact: (i: number, prediction: number) => number = noPass;
const imports = { Math: { log2: Math.log2 }, encoder: { exact: (i: number, prediction: number) => storeExact(i, prediction) } };

/** The module, instantiated once per thread; undefined where it is not there or cannot run (runPass codes then). */
export function encoderModule(): EncoderExports | undefined {
  return wasmModule<EncoderExports>('eb-encoder', imports);
}

/**
 * Gives the module's memory back (it holds the largest pass coded in this thread): a thread that turns to reading
 * the file back decodes beside the slabs of that step, within the same budget.
 */
export function releaseEncoderModule(): void {
  forgetModule('eb-encoder');
}

/** Whether the module codes this pass: the case it implements. */
export function wasmEncodes(input: PassInput): boolean {
  const { configuration } = input;
  return (configuration.mode === 'interpolation' || configuration.mode === 'temporal' || configuration.mode === 'lorenzo')
    && configuration.predictors.every((p) => takesPredictor(p, input))
    && input.domain === 'absolute'
    && (input.type.cast === CAST_FLOAT32 || input.type.cast === CAST_FLOAT64)
    && (input.forbidden === undefined || Number.isNaN(input.forbidden))
    && wasmEncoding.enabled && encoderModule() !== undefined;
}

/**
 * Whether the module predicts as `p` does in this pass: plain cubic or linear, or the base alone or cubic over it, for a
 * model the pass has or a table's column models, or in a temporal pass the previous frame, the model, or the previous
 * frame plus the model's change since it (runPass throws for a base the pass lacks). A temporal pass over the model
 * copies it (25 bytes a value): only a small one fits the module (encoder-memory.ts).
 */
function takesPredictor(p: PredictorSpec, input: PassInput): boolean {
  const lorenzo = input.configuration.mode === 'lorenzo';
  if (p.base === undefined) return lorenzo ? p.method === METHOD_LORENZO : p.method === METHOD_CUBIC || p.method === METHOD_LINEAR;
  if (p.method !== METHOD_BASE && p.method !== (lorenzo ? METHOD_LORENZO_OVER_BASE : METHOD_CUBIC_OVER_BASE)) return false;
  const hasModel = input.model !== undefined && input.model.length === input.size;
  if (input.configuration.mode === 'temporal') return p.base === 'previous-frame' || ((p.base === 'model' || p.base === 'model-delta') && hasModel);
  if (p.base === 'model') return hasModel;
  if (p.base === 'columns') return input.layout.name === 'table' && input.columnModels?.length === input.layout.views.length;
  return false;
}

/** What the module leaves: the reconstruction, the stream, the exact store and the checksum, as a PointCoder gives them. */
class ModuleCoding implements CodedPoints {
  constructor(
    private readonly output: Float64Array,
    private readonly stream: Uint8Array,
    private readonly exact: ExactWriter,
    readonly hash: number,
    /** Non-finite values stored exactly: patched into the output at the end (their reconstruction is a finite stand-in). */
    private readonly specials: { index: number; value: number }[],
    /** A masked pass's originals: its special values (NaN, ±Inf) too. */
    private readonly masked: Float64Array | undefined,
  ) {}

  get exactCount(): number {
    return this.exact.count;
  }

  finishStream(): Uint8Array {
    return this.stream;
  }

  exactBytes(): Uint8Array {
    return this.exact.finish();
  }

  finishOutput(): Float64Array {
    for (const { index, value } of this.specials) this.output[index] = value;
    this.specials.length = 0;
    if (this.masked) writeSpecials(this.masked, this.output);
    return this.output;
  }

  release(keepOutput: boolean): void {
    if (!keepOutput) release(this.output);
  }
}

/** A masked pass's special values into its output, as pointcoder.ts special() gives them (any NaN as NaN). */
function writeSpecials(original: Float64Array, output: Float64Array): void {
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    if (x - x !== 0) output[i] = x === x ? x : NaN;
  }
}

/**
 * Codes the pass (wasmEncodes said yes) as runPass would, or undefined when the module cannot have the memory or its
 * stream cannot grow (runPass codes it then). A value the dtype cannot hold throws as runPass's exact store throws.
 */
export function encodeInWasm(input: PassInput, original: Float64Array): EncodedPass | undefined {
  const w = encoderModule()!;
  const { size, layout, configuration } = input;
  const views = layout.views;
  const temporal = configuration.mode === 'temporal';
  const longest = [1, 1, 1];
  if (!temporal) for (const view of views) for (let e = 0; e < 3; e++) longest[e] = Math.max(longest[e], view.dims[e] + 1);
  // Temporal: each frame shape's sweeps, recorded once (sweeps.ts, as the decoder's are), and the zero frame.
  const sweepsByDims = new Map<string, RecordedSweep[]>();
  let frames: FramePlan | undefined;
  if (temporal) {
    let extent = 0;
    for (const view of views) {
      if (view.dims.some((n) => n === 0)) continue;
      const dims = frameDims(view);
      if (!sweepsByDims.has(String(dims))) sweepsByDims.set(String(dims), recordSweeps(dims, configuration));
      extent = Math.max(extent, frameExtent(view));
    }
    frames = { extent, sweeps: sweepsByDims };
  }
  const capacity = blockCapacity(configuration.blockSize, size);
  const { predictors } = configuration;
  const narrow = pointsAreFloat32(input, original);
  const Points = narrow ? Float32Array : Float64Array;
  const copyBytes = bytesPerValue(Points.BYTES_PER_ELEMENT, predictors);
  if (copyBytes > wasmEncoding.maxBytesPerValue && copyBytes * size > wasmEncoding.smallPassBytes) return undefined;
  const m = memoryPlan(w, size, Points.BYTES_PER_ELEMENT, longest, capacity, predictors, frames);
  if (!reserve(w.memory, m.end)) return undefined;
  let buffer = w.memory.buffer;
  new Float64Array(buffer, m.log2, LOG2_TABLE.length).set(LOG2_TABLE);
  new Points(buffer, m.original, size).set(original);
  new Points(buffer, m.recon, size).fill(0);
  new Uint8Array(buffer, m.absIndex, size).fill(0);
  const model = m.bases.get('model');
  if (model !== undefined) new Float64Array(buffer, model, size).set(input.model!);
  const columns = m.bases.get('columns');
  if (columns !== undefined) new Float64Array(buffer, columns, size).fill(0);
  if (m.zeroFrame !== 0) new Float64Array(buffer, m.zeroFrame, frames!.extent).fill(0);
  if (m.modelDelta !== 0) new Float64Array(buffer, m.modelDelta, frames!.extent).fill(0);
  writeSweeps(buffer, sweepsByDims);
  const record = w.CANDIDATE_BYTES.value / 4;
  const table = new Int32Array(buffer, m.candidates, record * predictors.length);
  predictors.forEach((p, k) => table.set([p.method, m.predictions[k], p.base === undefined ? 0 : m.bases.get(p.base)!, 0], record * k));
  const exact = new ExactWriter(input.type);
  const specials: { index: number; value: number }[] = [];
  storeExact = (i, prediction) => {
    const value = exact.push(original[i], i);
    if (value - value === 0) return value;
    specials.push({ index: i, value });
    return prediction - prediction === 0 ? prediction : 0;
  };
  let length: number;
  try {
    w.begin(m.state, m.reciprocal, m.log2, m.original, m.recon, m.absIndex, input.type.cast === CAST_FLOAT32 ? 1 : 0, narrow ? 1 : 0, m.scratch, capacity, m.counts, m.stream);
    w.setChoices(m.candidates, predictors.length, choiceBits(predictors.length), input.checked === true);
    if (input.specials) {
      const rows = input.maskRows ? maskRowsOf(layout, size) : { row: 0, frame: 0 };
      w.codeMask(size, rows.row, rows.frame);
    }
    const block = newBlock();
    views.forEach((view, v) => {
      if (view.dims.some((n) => n === 0)) return;
      // A column's model reads the columns before it, already reconstructed (pass.ts runPass); the stream may have grown the memory.
      if (columns !== undefined) {
        const memory = w.memory.buffer;
        predictColumn(input.columnModels![v], new Float64Array(memory, m.recon, size), view.dims[2], views.length, v, new Float64Array(memory, columns, size));
      }
      w.setTolerance(input.tolerances[v]);
      const grid = input.grids[v];
      w.setGrid(grid);
      if (configuration.mode === 'lorenzo') {
        const step = levelSteps(input.stepTolerances[v], grid !== 0, 0, 1, 1)[0];
        const [n0, n1, n2] = view.dims;
        const [s0, s1, s2] = view.strides;
        w.codeLorenzo(view.offset, n0, n1, n2, s0, s1, s2, configuration.blockSize, step, inverseOf(fromGridUnits(step, grid)));
        return;
      }
      if (temporal) {
        codeFrames(w, m, view, configuration, input.stepTolerances[v], grid, sweepsByDims.get(String(frameDims(view)))!, input.model);
        return;
      }
      const levels = interpolationLevels(view.dims, configuration.edges);
      const steps = levelSteps(input.stepTolerances[v], grid !== 0, levels, configuration.alpha, configuration.beta);
      forEachCorner(view, configuration.order, configuration.edges, (i, from) => w.codeCorner(i, from, steps[levels], levels));
      forEachSweep(view.dims, configuration, block, (level, edge) => {
        // The stream may have grown the memory in the last sweep: a fresh view of it.
        const memory = w.memory.buffer;
        const lists = [block.L0, block.L1, block.L2];
        for (let e = 0; e < 3; e++) {
          const n = lists[e].length;
          const a = m.axes[e];
          new Int32Array(memory, a.list, n).set(lists[e]);
          new Uint8Array(memory, a.before3, n).set(block.before3[e].subarray(0, n));
          new Int32Array(memory, a.right1, n).set(block.right1[e].subarray(0, n));
          new Int32Array(memory, a.right3, n).set(block.right3[e].subarray(0, n));
          w.setAxis(e, a.list, n, view.strides[e], a.before3, a.right1, a.right3);
        }
        const { dirs, nd } = block;
        const step = steps[level];
        block.previous = w.codeSweep(view.offset, level, step, inverseOf(fromGridUnits(step, grid)), edge, block.d, block.s, nd, nd > 1 ? dirs[1] : 0, nd > 2 ? dirs[2] : 0, block.previous);
      });
    });
    length = w.finish();
  } catch (error) {
    // A block larger than the scratch, or a stream the memory cannot hold: JavaScript codes this pass.
    if (error instanceof wasmApi.RuntimeError) return undefined;
    throw error;
  } finally {
    storeExact = noPass;
  }
  buffer = w.memory.buffer;
  const stream = new Uint8Array(buffer, m.stream, length).slice();
  const output = slabValues(size);
  output.set(new Points(buffer, m.recon, size));
  const counts = new Int32Array(predictors.length);
  counts.set(new Int32Array(buffer, m.counts, predictors.length));
  wasmEncoding.passes++;
  return { pc: new ModuleCoding(output, stream, exact, w.hash.value >>> 0, specials, input.specials ? original : undefined), counts };
}

/**
 * Frame t's 'model-delta' base (pass.ts codeFrameByFrame): the previous frame's reconstruction plus the model's change
 * since it, or the model itself in the first frame, at m.modelDelta by the frame's local index. `memory`: the module's.
 */
function writeModelDelta(memory: Float64Array, m: MemoryPlan, view: GridView, t: number, model: Float64Array): void {
  const [, height, width] = view.dims;
  const [frameStride, rowStride, columnStride] = view.strides;
  const start = view.offset + t * frameStride;
  const delta = m.modelDelta / 8;
  const recon = m.recon / 8;
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      const local = r * rowStride + c * columnStride;
      const i = start + local;
      memory[delta + local] = t > 0 ? memory[recon + i - frameStride] + (model[i] - model[i - frameStride]) : model[i];
    }
}

/**
 * A temporal view frame by frame (pass.ts codeFrameByFrame): each frame's previous-frame base set in the candidate
 * table (the reconstruction one frame back; frame 0's, the zero frame), its corners, and its recorded sweeps.
 */
function codeFrames(
  w: EncoderExports, m: MemoryPlan, view: GridView, configuration: Configuration, stepTolerance: number, grid: number, sweeps: RecordedSweep[],
  model: Float64Array | undefined,
): void {
  const { predictors, order, edges } = configuration;
  const dims = frameDims(view);
  const frameStride = view.strides[0];
  const levels = interpolationLevels(dims, edges);
  const steps = levelSteps(stepTolerance, grid !== 0, levels, configuration.alpha, configuration.beta);
  // The cost estimate's residuals are in the values' units, the steps in the grid's (traversal.ts inverseStepOf).
  const inverses = steps.map((step) => inverseOf(fromGridUnits(step, grid)));
  const cornerStep = steps[levels];
  const record = w.CANDIDATE_BYTES.value / 4;
  const overPrevious = predictors.flatMap((p, k) => (p.base === 'previous-frame' ? [k] : []));
  const overDelta = predictors.flatMap((p, k) => (p.base === 'model-delta' ? [k] : []));
  for (let t = 0; t < view.dims[0]; t++) {
    const start = view.offset + t * frameStride;
    if (overDelta.length > 0) writeModelDelta(new Float64Array(w.memory.buffer), m, view, t, model!);
    if (overPrevious.length > 0 || overDelta.length > 0) {
      // The stream may have grown the memory: a fresh view of the table.
      const table = new Int32Array(w.memory.buffer, m.candidates, record * predictors.length);
      for (const k of overPrevious) {
        table[record * k + 2] = t > 0 ? m.recon : m.zeroFrame;
        table[record * k + 3] = t > 0 ? -frameStride : -start;
      }
      for (const k of overDelta) {
        table[record * k + 2] = m.modelDelta;
        table[record * k + 3] = -start;
      }
    }
    const frame: GridView = { offset: start, dims, strides: view.strides };
    forEachCorner(frame, order, edges, (i, from) => w.codeCorner(i, from, cornerStep, levels));
    let previous = 0;
    for (const sweep of sweeps) {
      for (let e = 0; e < 3; e++) {
        const a = sweep.at[e];
        w.setAxis(e, a.list, sweep.lists[e].length, view.strides[e], a.before3, a.right1, a.right3);
      }
      previous = w.codeSweep(start, sweep.level, steps[sweep.level], inverses[sweep.level], sweep.edge, sweep.d, sweep.s, sweep.nd, sweep.e1, sweep.e2, previous);
    }
  }
}
