// The encoder's common case in WebAssembly (src/wasm/eb-encoder.ts, built to dist/eb-encoder.wasm by esbuild.mjs): a
// pass by interpolation over real values in float32 or float64, with no special values, grid or forbidden value, whose
// candidates are plain cubic and linear and those over a model's prediction or a table's column models ('model',
// 'cubic-over-model', 'columns', 'cubic-over-columns'). JavaScript walks the views, corners and sweeps as the coder
// does (interpolation.ts), computes each column's models (columns.ts) into the module's memory, and hands each sweep to
// the module; the stream, every value, the checksum, the exact values and the counts are the same as runPass's
// (test/unit/eb-wasm-encoder.test.ts codes every case both ways). Any other pass, or a machine where the module cannot
// be loaded or have the memory, is coded by runPass.
// BALER_EB_ENCODER=js sends every pass to runPass (to compare). The module keeps its own copy of a pass's values,
// reconstruction, |q| and bases (ENCODER_MODULE_BYTES_PER_VALUE, counted by memory.ts) until the thread turns to
// reading the file back (releaseEncoderModule).

import { CAST_FLOAT32, CAST_FLOAT64, ExactWriter } from '../dtype';
import { forEachCorner, forEachSweep, interpolationLevels } from '../interpolation';
import { levelSteps } from '../layout';
import type { CodedPoints, EncodedPass, PassInput } from '../pass';
import { predictColumn } from '../columns';
import { BaseName, MAX_CHOICES, METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, PredictorSpec } from '../predictors';
import { newBlock } from '../sweep';
import { choiceBits, inverseOf, LOG2_TABLE } from '../traversal';
import { release, slabValues } from '../../parallel/slab-buffers';
import { addressSpaceLimit } from '../../address-limit';
import { forgetModule, MemoryLayout, reserve, wasmApi, WasmMemory, wasmModule } from './module';

interface EncoderExports {
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
  setChoices(at: number, count: number, bits: number): void;
  setTolerance(tolerance: number): void;
  setAxis(e: number, listAt: number, length: number, stride: number, before3At: number, right1At: number, right3At: number): void;
  codeCorner(i: number, from: number, step: number, level: number): void;
  codeSweep(offset: number, level: number, step: number, inverseStep: number, edge: number, d: number, s: number, nd: number, e1: number, e2: number, previous: number): number;
  finish(): number;
}

/**
 * The most memory the module takes per value of a pass: the coder's arrays memory.ts counts for each value of a slab
 * being coded. A pass's originals and reconstruction (f64, or f32 in a float32 pass: see pointsAreFloat32), |q| (u8)
 * and a copy of each base its candidates use (f64: a model's prediction, the columns' predictions) must fit in it:
 * plain float32 or float64 passes (9 or 17 bytes) and float32 passes over one base (17) do; float64 passes over a base
 * and passes over a table's column models (wide: predictColumn reads the reconstruction as f64) are coded by runPass.
 * The rest is small (models, tables, a block's scratch) but for the stream, which starts at a quarter byte a value and
 * grows with the bytes coded. The memory stays as large as the largest pass left it, until releaseEncoderModule.
 */
export const ENCODER_MODULE_BYTES_PER_VALUE = 17;

/**
 * Whether encodePass may use the module (the tests turn it off to code both ways), and how many passes it coded in
 * this thread. Not under a virtual memory limit: V8 reserves address space for a module's memory to grow into (4 GiB
 * when it can), and with the decoder's beside it a compress under `ulimit -v` 2 GB ran out of address space.
 */
export const wasmEncoding = {
  enabled: process.env.BALER_EB_ENCODER !== 'js' && addressSpaceLimit() === undefined,
  passes: 0,
  /** The module's bytes a value a pass may take (the tests raise it to code every case both ways). */
  maxBytesPerValue: ENCODER_MODULE_BYTES_PER_VALUE,
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
  return configuration.mode === 'interpolation'
    && configuration.predictors.every((p) => takesPredictor(p, input))
    && input.domain === 'absolute'
    && (input.type.cast === CAST_FLOAT32 || input.type.cast === CAST_FLOAT64)
    && input.grids.every((grid) => grid === 0)
    && input.specials !== true
    && (input.forbidden === undefined || Number.isNaN(input.forbidden))
    && wasmEncoding.enabled && encoderModule() !== undefined;
}

/**
 * Whether the module predicts as `p` does in this pass: plain cubic or linear, or the base alone or cubic over it, for a
 * model the pass has or a table's column models (runPass throws for a base the pass lacks).
 */
function takesPredictor(p: PredictorSpec, input: PassInput): boolean {
  if (p.base === undefined) return p.method === METHOD_CUBIC || p.method === METHOD_LINEAR;
  if (p.method !== METHOD_BASE && p.method !== METHOD_CUBIC_OVER_BASE) return false;
  if (p.base === 'model') return input.model !== undefined && input.model.length === input.size;
  if (p.base === 'columns') return input.layout.name === 'table' && input.columnModels?.length === input.layout.views.length;
  return false;
}

/** The bases the module copies: each one the candidates add to, once. */
const COPIED_BASES: BaseName[] = ['model', 'columns'];

/** What the module leaves: the reconstruction, the stream, the exact store and the checksum, as a PointCoder gives them. */
class ModuleCoding implements CodedPoints {
  constructor(
    private readonly output: Float64Array,
    private readonly stream: Uint8Array,
    private readonly exact: ExactWriter,
    readonly hash: number,
    /** Non-finite values stored exactly: patched into the output at the end (their reconstruction is a finite stand-in). */
    private readonly specials: { index: number; value: number }[],
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
    return this.output;
  }

  release(keepOutput: boolean): void {
    if (!keepOutput) release(this.output);
  }
}

/** Byte offsets of one pass's arrays in the module's memory; the stream last, which the module grows the memory for. */
interface MemoryPlan {
  state: number; reciprocal: number; log2: number; candidates: number; counts: number;
  /** Per axis: its list, before3, right1, right3. */
  axes: { list: number; before3: number; right1: number; right3: number }[];
  original: number; recon: number; absIndex: number;
  /** Each base the candidates use (COPIED_BASES), by name. */
  bases: Map<BaseName, number>;
  /** A block's points; then per candidate, where its predictions go (plain cubic candidates share theirs, as do linear ones). */
  scratch: number; predictions: number[];
  stream: number;
  end: number;
}

/** The module's bytes per value of a pass: its points (width bytes each, twice), |q|, and each base once. */
function bytesPerValue(width: number, predictors: PredictorSpec[]): number {
  return 2 * width + 1 + 8 * COPIED_BASES.filter((name) => predictors.some((p) => p.base === name)).length;
}

/**
 * Whether a pass may hold its originals and reconstruction as f32: a float32 pass (every value it reconstructs or
 * stores exactly is one) whose every original is a finite one, not over column models (predictColumn reads f64).
 */
function pointsAreFloat32(input: PassInput, original: Float64Array): boolean {
  if (input.type.cast !== CAST_FLOAT32 || input.configuration.predictors.some((p) => p.base === 'columns')) return false;
  for (let i = 0; i < original.length; i++) {
    // A non-finite value's reconstruction is a stand-in (a prediction, in f64) until the end: wide.
    const x = original[i];
    if (!(Math.fround(x) === x && x - x === 0)) return false;
  }
  return true;
}

function memoryPlan(w: EncoderExports, size: number, width: number, longest: number[], capacity: number, predictors: PredictorSpec[]): MemoryPlan {
  const memory = new MemoryLayout(w.heapBase());
  const state = memory.take(w.MODEL_BYTES.value);
  const reciprocal = memory.take(w.RECIPROCAL_BYTES.value);
  const log2 = memory.take(w.LOG2_TABLE_BYTES.value);
  const candidates = memory.take(w.CANDIDATE_BYTES.value * predictors.length);
  // The module counts up to MAX_CHOICES candidates.
  const counts = memory.take(4 * MAX_CHOICES);
  const axes = longest.map((n) => ({ list: memory.take(4 * n), before3: memory.take(n), right1: memory.take(4 * n), right3: memory.take(4 * n) }));
  const original = memory.take(width * size);
  const recon = memory.take(width * size);
  const absIndex = memory.take(size);
  const bases = new Map<BaseName, number>();
  for (const name of COPIED_BASES) if (predictors.some((p) => p.base === name)) bases.set(name, memory.take(8 * size));
  const scratch = memory.take(4 * capacity);
  const slots = new Map<string, number>();
  const predictions = predictors.map((p, k) => {
    const key = p.base === undefined ? `method ${p.method}` : `candidate ${k}`;
    if (!slots.has(key)) slots.set(key, memory.take(8 * capacity));
    return slots.get(key)!;
  });
  const stream = memory.take(Math.max(1 << 12, size >> 2));
  return { state, reciprocal, log2, candidates, counts, axes, original, recon, absIndex, bases, scratch, predictions, stream, end: memory.end };
}

/**
 * The most points a block of the configuration holds: an edge of max(blockSize, 4s) holds at most max(blockSize, 4)
 * points at stride s along an axis, and the axis's last point (coordinates are at least s apart).
 */
function blockCapacity(blockSize: number, size: number): number {
  const along = Math.max(Math.ceil(blockSize), 4) + 2;
  return Math.min(size, along * along * along);
}

/**
 * Codes the pass (wasmEncodes said yes) as runPass would, or undefined when the module cannot have the memory or its
 * stream cannot grow (runPass codes it then). A value the dtype cannot hold throws as runPass's exact store throws.
 */
export function encodeInWasm(input: PassInput, original: Float64Array): EncodedPass | undefined {
  const w = encoderModule()!;
  const { size, layout, configuration } = input;
  const views = layout.views;
  const longest = [1, 1, 1];
  for (const view of views) for (let e = 0; e < 3; e++) longest[e] = Math.max(longest[e], view.dims[e] + 1);
  const capacity = blockCapacity(configuration.blockSize, size);
  const { predictors } = configuration;
  const narrow = pointsAreFloat32(input, original);
  const Points = narrow ? Float32Array : Float64Array;
  if (bytesPerValue(Points.BYTES_PER_ELEMENT, predictors) > wasmEncoding.maxBytesPerValue) return undefined;
  const m = memoryPlan(w, size, Points.BYTES_PER_ELEMENT, longest, capacity, predictors);
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
    w.setChoices(m.candidates, predictors.length, choiceBits(predictors.length));
    const block = newBlock();
    views.forEach((view, v) => {
      if (view.dims.some((n) => n === 0)) return;
      // A column's model reads the columns before it, already reconstructed (pass.ts runPass); the stream may have grown the memory.
      if (columns !== undefined) {
        const memory = w.memory.buffer;
        predictColumn(input.columnModels![v], new Float64Array(memory, m.recon, size), view.dims[2], views.length, v, new Float64Array(memory, columns, size));
      }
      w.setTolerance(input.tolerances[v]);
      const levels = interpolationLevels(view.dims, configuration.edges);
      const steps = levelSteps(input.stepTolerances[v], false, levels, configuration.alpha, configuration.beta);
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
        block.previous = w.codeSweep(view.offset, level, step, inverseOf(step), edge, block.d, block.s, nd, nd > 1 ? dirs[1] : 0, nd > 2 ? dirs[2] : 0, block.previous);
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
  return { pc: new ModuleCoding(output, stream, exact, w.hash.value >>> 0, specials), counts };
}
