// The decoder's common cases in WebAssembly (src/wasm/eb-sweeps.ts, built to dist/eb-sweeps.wasm by esbuild.mjs): a slab
// of real float32 or float64 values coded by interpolation, over the whole array or frame by frame (temporal), its
// candidates plain cubic and linear and, over a base (the previous frame, a model's prediction, the previous frame plus
// the model's change), the base alone and cubic over it; no special values. JavaScript walks the views, frames, corners and sweeps as the coder does
// (interpolation.ts, pass.ts) and hands each sweep to the module, which decodes its points about twice as fast as
// runPass; every value and the checksum are the same (test/unit/eb-wasm-sweeps.test.ts decodes every case both ways).
// Any other slab (the pw-rel log domain, the integer path, special values, table columns' models), or a machine where the module cannot be loaded, is decoded by runPass. BALER_EB_DECODER=js sends
// every slab there (to compare the two).

import type { Configuration } from './configure';
import { CAST_FLOAT32, CAST_FLOAT64, ExactReader, ValueType } from './dtype';
import { integerCastRange } from '../data/dtype';
import { forEachCorner, forEachSweep, interpolationLevels } from './interpolation';
import { levelSteps } from './layout';
import type { Plan } from './plan';
import { predictColumn } from './columns';
import { BaseName, METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, METHOD_LORENZO, METHOD_LORENZO_OVER_BASE } from './predictors';
import { newBlock } from './sweep';
import { choiceBits, GridView } from './traversal';
import { slabValues } from '../parallel/slab-buffers';
import { MemoryLayout, reserve, wasmApi, WasmMemory, wasmModule } from './wasm-module';

interface SweepExports {
  memory: WasmMemory;
  hash: { value: number };
  MODEL_BYTES: { value: number };
  RECIPROCAL_BYTES: { value: number };
  heapBase(): number;
  begin(streamAt: number, streamLength: number, stateAt: number, reciprocalAt: number, reconAt: number, absIndexAt: number): void;
  setCast(kind: number, low: number, high: number): void;
  setGrid(grid: number): void;
  consumedExactly(): number;
  setExact(valuesAt: number, count: number, patchesAt: number): void;
  exactLeft(): number;
  patchesMade(): number;
  setBases(at: number): void;
  setChoices(at: number, count: number, bits: number): void;
  setAxis(e: number, listAt: number, length: number, stride: number, before3At: number, right1At: number, right3At: number): void;
  codePoint(i: number, prediction: number, step: number, level: number, activity: number): void;
  codeSweep(offset: number, level: number, step: number, edge: number, d: number, s: number, nd: number, e1: number, e2: number, previous: number): number;
  codeLorenzo(offset: number, n0: number, n1: number, n2: number, s0: number, s1: number, s2: number, blockSize: number, step: number): void;
}

/** Whether decodeSlabSync may use the module (the tests turn it off to decode both ways), and how many slabs it decoded in this thread. */
export const wasmDecoding = { enabled: process.env.BALER_EB_DECODER !== 'js', slabs: 0 };

/** The module, instantiated once per thread; undefined where it is not there or cannot run (runPass decodes then). */
export function sweepModule(): SweepExports | undefined {
  return wasmModule<SweepExports>('eb-sweeps');
}

/** What the slab header and plan say, for the choice of decoder. */
export interface SlabFacts {
  plan: Plan;
  configuration: Configuration;
  specials: boolean;
  usesModel: boolean;
}

/** The candidates' arithmetic the module has, by mode. */
/** src/wasm/eb-sweeps.ts's cast for an integer dtype. */
const CAST_INTEGER = 2;

const INTERPOLATING = [METHOD_CUBIC, METHOD_LINEAR, METHOD_BASE, METHOD_CUBIC_OVER_BASE];
const LORENZO = [METHOD_LORENZO, METHOD_BASE, METHOD_LORENZO_OVER_BASE];

/** Whether the module implements every candidate of the configuration: their arithmetic, over the bases it knows. */
function candidatesKnown(configuration: Configuration): boolean {
  const { mode } = configuration;
  const methods = mode === 'lorenzo' ? LORENZO : INTERPOLATING;
  const bases: (BaseName | undefined)[] = mode === 'temporal' ? [undefined, 'model', 'previous-frame', 'model-delta'] : [undefined, 'model', 'columns'];
  return configuration.predictors.every((p) => (p.modes as readonly string[]).includes(mode) && methods.includes(p.method) && bases.includes(p.base));
}

/** The cast the module writes values with (quantizer.ts castOf): [its kind, the integer range]; undefined for float16 and bool. */
function castOf(type: ValueType): [number, number, number] | undefined {
  if (type.cast === CAST_FLOAT32 || type.cast === CAST_FLOAT64) return [type.cast, 0, 0];
  const range = integerCastRange(type.dtype);
  return range && type.dtype !== 'bool' ? [CAST_INTEGER, range[0], range[1]] : undefined;
}

/** Whether the module decodes this slab: the cases it implements, and nothing it would have to leave to JavaScript half-way. */
export function wasmTakes(f: SlabFacts): boolean {
  const { plan, configuration } = f;
  return candidatesKnown(configuration)
    && plan.base.domain === 'absolute'
    && castOf(plan.type) !== undefined
    && !f.specials
    && wasmDecoding.enabled && sweepModule() !== undefined;
}

export interface WasmDecoded {
  output: Float64Array;
  hash: number;
  consumedExactly: boolean;
  /** Exact values stored but not used (corruption when not 0). */
  exactRemaining: number;
}

/** One sweep as forEachSweep set it up, its lists and geometry copied. */
interface RecordedSweep {
  level: number; edge: number; d: number; s: number; nd: number; e1: number; e2: number;
  /** Per axis: its list and its geometry (sweep.ts Block). */
  lists: Int32Array[]; before3: Uint8Array[]; right1: Int32Array[]; right3: Int32Array[];
  /** Per axis, once placed in the module's memory: where the four arrays are. */
  at: { list: number; before3: number; right1: number; right3: number }[];
}

/** The sweeps of a view (or frame) of these dims, in coding order. */
function recordSweeps(dims: [number, number, number], configuration: Configuration): RecordedSweep[] {
  const block = newBlock();
  const sweeps: RecordedSweep[] = [];
  forEachSweep(dims, configuration, block, (level, edge) => {
    const lists = [block.L0, block.L1, block.L2];
    const { dirs, nd } = block;
    sweeps.push({
      level, edge, d: block.d, s: block.s, nd, e1: nd > 1 ? dirs[1] : 0, e2: nd > 2 ? dirs[2] : 0,
      lists: lists.map((l) => l.slice()),
      before3: lists.map((l, e) => block.before3[e].slice(0, l.length)),
      right1: lists.map((l, e) => block.right1[e].slice(0, l.length)),
      right3: lists.map((l, e) => block.right3[e].slice(0, l.length)),
      at: [],
    });
  });
  return sweeps;
}

/** What a view is coded as: the view itself, or (temporal) each of its frames, with the dims of the sweeps. */
function partsOf(view: GridView, configuration: Configuration): { dims: [number, number, number]; parts: GridView[] } {
  if (configuration.mode !== 'temporal') return { dims: view.dims, parts: [view] };
  const [frames, height, width] = view.dims;
  const dims: [number, number, number] = [1, height, width];
  return { dims, parts: Array.from({ length: frames }, (_, t) => ({ offset: view.offset + t * view.strides[0], dims, strides: view.strides })) };
}

/** A base array in the module's memory: `values` from JavaScript, `at` (its byte offset) for the module. */
interface BaseArray {
  values: Float64Array;
  at: number;
}

/** One slab's arrays in the module's memory, written and ready for the walk. */
interface PlacedSlab {
  recon: BaseArray;
  absIndex: Uint8Array;
  /** The candidates' bases (pass.ts): a model's prediction, the zero frame frame 0 adds to, a frame's model-delta, the table columns' predictions. */
  model: BaseArray; zeroFrame: BaseArray; delta: BaseArray; columns: BaseArray;
  /** Per candidate: its base's byte offset and element offset, set before each view or frame. */
  bases: Int32Array;
  patchesAt: number;
}

/**
 * Lays the slab's arrays out in the module's memory and writes them: the stream, exact values, methods, the bases and
 * every recorded sweep. Undefined when the memory cannot grow to hold them.
 */
function placeSlab(
  w: SweepExports, f: SlabFacts, stream: Uint8Array, exactValues: number[], size: number, model: Float64Array | undefined,
  views: GridView[], sweepsByDims: Map<string, RecordedSweep[]>,
): PlacedSlab | undefined {
  const { predictors, mode } = f.configuration;
  const uses = new Set(predictors.map((p) => p.base));
  const memory = new MemoryLayout(w.heapBase());
  const streamAt = memory.take(stream.length);
  const stateAt = memory.take(w.MODEL_BYTES.value);
  const reciprocalAt = memory.take(w.RECIPROCAL_BYTES.value);
  const methodsAt = memory.take(8);
  const basesAt = memory.take(8 * predictors.length);
  const exactAt = memory.take(8 * exactValues.length);
  const patchesAt = memory.take(8 * exactValues.length);
  const absIndexAt = memory.take(size);
  const reconAt = memory.take(8 * size);
  const extent = mode === 'temporal' ? views.reduce((most, view) => Math.max(most, frameExtent(view)), 0) : 0;
  const modelLength = uses.has('model') || uses.has('model-delta') ? size : 0;
  const lengths = { model: modelLength, zeroFrame: uses.has('previous-frame') ? extent : 0, delta: uses.has('model-delta') ? extent : 0, columns: uses.has('columns') ? size : 0 };
  const baseAt = { model: memory.take(8 * lengths.model), zeroFrame: memory.take(8 * lengths.zeroFrame), delta: memory.take(8 * lengths.delta), columns: memory.take(8 * lengths.columns) };
  for (const sweeps of sweepsByDims.values()) {
    for (const sweep of sweeps) {
      sweep.at = sweep.lists.map((list) => ({ list: memory.take(4 * list.length), before3: memory.take(list.length), right1: memory.take(4 * list.length), right3: memory.take(4 * list.length) }));
    }
  }
  if (!reserve(w.memory, memory.end)) return undefined;
  const buffer = w.memory.buffer;
  new Uint8Array(buffer, streamAt, stream.length).set(stream);
  new Float64Array(buffer, exactAt, exactValues.length).set(exactValues);
  new Uint8Array(buffer, methodsAt, predictors.length).set(predictors.map((p) => p.method));
  for (const sweeps of sweepsByDims.values()) {
    for (const sweep of sweeps) {
      sweep.at.forEach((a, e) => {
        new Int32Array(buffer, a.list, sweep.lists[e].length).set(sweep.lists[e]);
        new Uint8Array(buffer, a.before3, sweep.lists[e].length).set(sweep.before3[e]);
        new Int32Array(buffer, a.right1, sweep.lists[e].length).set(sweep.right1[e]);
        new Int32Array(buffer, a.right3, sweep.lists[e].length).set(sweep.right3[e]);
      });
    }
  }
  const array = (name: keyof typeof lengths): BaseArray => ({ values: new Float64Array(buffer, baseAt[name], lengths[name]).fill(0), at: baseAt[name] });
  const placed: PlacedSlab = {
    // The reconstruction is left as the last slab left it: every point is decoded before any prediction reads it.
    recon: { values: new Float64Array(buffer, reconAt, size), at: reconAt },
    absIndex: new Uint8Array(buffer, absIndexAt, size).fill(0),
    model: array('model'), zeroFrame: array('zeroFrame'), delta: array('delta'), columns: array('columns'),
    bases: new Int32Array(buffer, basesAt, 2 * predictors.length),
    patchesAt,
  };
  if (modelLength > 0) placed.model.values.set(model!);
  w.begin(streamAt, stream.length, stateAt, reciprocalAt, reconAt, absIndexAt);
  const [kind, low, high] = castOf(f.plan.type)!;
  w.setCast(kind, low, high);
  w.setExact(exactAt, exactValues.length, patchesAt);
  w.setChoices(methodsAt, predictors.length, choiceBits(predictors.length));
  w.setBases(basesAt);
  return placed;
}

/**
 * Decodes the slab's stream (wasmTakes said yes) into a new array of `size` values, as runPass would, or undefined
 * when the module cannot have the memory; the caller checks the checksum, the stream's end and the exact values
 * left. A trap (a choice the slab cannot hold, more exact values than stored) is thrown as a RangeError, which
 * decodeSlabSync reports as corruption like runPass's.
 */
export function decodeInWasm(f: SlabFacts, stream: Uint8Array, exact: Uint8Array, size: number, model?: Float64Array): WasmDecoded | undefined {
  const w = sweepModule()!;
  const { plan, configuration } = f;
  const exactValues: number[] = [];
  const reader = new ExactReader(exact, plan.type);
  while (reader.remaining >= 1) exactValues.push(reader.next());
  const sweepsByDims = new Map<string, RecordedSweep[]>();
  const viewNumbers = plan.layout.views.flatMap((view, v) => (view.dims.some((n) => n === 0) ? [] : [v]));
  if (configuration.mode !== 'lorenzo') {
    for (const v of viewNumbers) {
      const { dims } = partsOf(plan.layout.views[v], configuration);
      if (!sweepsByDims.has(String(dims))) sweepsByDims.set(String(dims), recordSweeps(dims, configuration));
    }
  }
  const placed = placeSlab(w, f, stream, exactValues, size, model, viewNumbers.map((v) => plan.layout.views[v]), sweepsByDims);
  if (!placed) return undefined;
  try {
    for (const v of viewNumbers) {
      const view = plan.layout.views[v];
      // A column's model reads the columns before it, already reconstructed (pass.ts runPass).
      if (plan.base.columnModels && placed.columns.values.length > 0) predictColumn(plan.base.columnModels[v], placed.recon.values, view.dims[2], plan.layout.views.length, v, placed.columns.values);
      const grid = plan.base.grids[v];
      w.setGrid(grid);
      if (configuration.mode === 'lorenzo') {
        setBases(placed, configuration, view, 0);
        const [n0, n1, n2] = view.dims;
        const [s0, s1, s2] = view.strides;
        w.codeLorenzo(view.offset, n0, n1, n2, s0, s1, s2, configuration.blockSize, levelSteps(plan.base.stepTolerances[v], grid !== 0, 0, 1, 1)[0]);
      } else {
        decodeInterpolated(w, placed, configuration, view, plan.base.stepTolerances[v], grid !== 0, sweepsByDims);
      }
    }
  } catch (error) {
    if (error instanceof wasmApi.RuntimeError) throw new RangeError(`the stream decodes to a choice or exact value the slab does not hold (${error.message})`);
    throw error;
  }
  const output = slabValues(size);
  output.set(placed.recon.values);
  const patches = new Int32Array(w.memory.buffer, placed.patchesAt, 2 * w.patchesMade());
  for (let k = 0; k < patches.length; k += 2) output[patches[k]] = exactValues[patches[k + 1]];
  wasmDecoding.slabs++;
  return { output, hash: w.hash.value >>> 0, consumedExactly: w.consumedExactly() === 1, exactRemaining: w.exactLeft() + reader.remaining };
}

/** A view by interpolation (interpolation.ts codeByInterpolation), or frame by frame (pass.ts codeFrameByFrame). */
function decodeInterpolated(
  w: SweepExports, placed: PlacedSlab, configuration: Configuration, view: GridView, stepTolerance: number, onGrid: boolean, sweepsByDims: Map<string, RecordedSweep[]>,
): void {
  const { predictors } = configuration;
  const { dims, parts } = partsOf(view, configuration);
  const sweeps = sweepsByDims.get(String(dims))!;
  const levels = interpolationLevels(dims, configuration.edges);
  const steps = levelSteps(stepTolerance, onGrid, levels, configuration.alpha, configuration.beta);
  const anchor = predictors.findIndex((p) => p.base !== undefined);
  const { recon, absIndex } = placed;
  parts.forEach((part, t) => {
    if (predictors.some((p) => p.base === 'model-delta')) frameDelta(placed.delta.values, recon.values, placed.model.values, part, t > 0 ? view.strides[0] : 0);
    setBases(placed, configuration, part, t > 0 ? view.strides[0] : 0);
    const first = anchor < 0 ? undefined : baseOf(placed, predictors[anchor].base!, part, t > 0 ? view.strides[0] : 0);
    const baseValue = (i: number): number => first!.array.values[i + first!.offset];
    forEachCorner(part, configuration.order, configuration.edges, (i, from) => {
      const prediction = from < 0 ? (first ? baseValue(i) : 0) : first ? recon.values[from] - baseValue(from) + baseValue(i) : recon.values[from];
      w.codePoint(i, prediction, steps[levels], levels, from < 0 ? 0 : 2 * absIndex[from]);
    });
    let previous = 0;
    for (const sweep of sweeps) {
      sweep.at.forEach((a, e) => w.setAxis(e, a.list, sweep.lists[e].length, part.strides[e], a.before3, a.right1, a.right3));
      previous = w.codeSweep(part.offset, sweep.level, steps[sweep.level], sweep.edge, sweep.d, sweep.s, sweep.nd, sweep.e1, sweep.e2, previous);
    }
  });
}

/**
 * pass.ts's base `name` for the view or frame `part`: point i's base value is array.values[i + offset]. The previous
 * frame is the reconstruction one frame back (`frameStride`; 0 for the first frame, whose base is the zero frame).
 */
function baseOf(placed: PlacedSlab, name: BaseName, part: GridView, frameStride: number): { array: BaseArray; offset: number } {
  if (name === 'model') return { array: placed.model, offset: 0 };
  if (name === 'columns') return { array: placed.columns, offset: 0 };
  if (name === 'model-delta') return { array: placed.delta, offset: -part.offset };
  return frameStride > 0 ? { array: placed.recon, offset: -frameStride } : { array: placed.zeroFrame, offset: -part.offset };
}

/** Each candidate's base for the next blocks, in the table the module reads. */
function setBases(placed: PlacedSlab, configuration: Configuration, part: GridView, frameStride: number): void {
  configuration.predictors.forEach((p, k) => {
    const base = p.base === undefined ? undefined : baseOf(placed, p.base, part, frameStride);
    placed.bases[2 * k] = base ? base.array.at : 0;
    placed.bases[2 * k + 1] = base ? base.offset : 0;
  });
}

/** pass.ts codeFrameByFrame's model-delta base of a frame: the frame before plus the model's change since (frame 0: the model). */
function frameDelta(delta: Float64Array, recon: Float64Array, model: Float64Array, frame: GridView, frameStride: number): void {
  const [, height, width] = frame.dims;
  const [, rowStride, columnStride] = frame.strides;
  for (let r = 0; r < height; r++)
    for (let c = 0; c < width; c++) {
      const local = r * rowStride + c * columnStride;
      const i = frame.offset + local;
      delta[local] = frameStride > 0 ? recon[i - frameStride] + (model[i] - model[i - frameStride]) : model[i];
    }
}

/** Values from a frame's first point to its last (pass.ts codeFrameByFrame's zero frame). */
function frameExtent(view: GridView): number {
  const [, height, width] = view.dims;
  return (height - 1) * view.strides[1] + (width - 1) * view.strides[2] + 1;
}
