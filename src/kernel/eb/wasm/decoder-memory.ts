// One slab in the decoder module's memory: every array the module reads and writes (the recorded sweeps of each
// view's or frame's dims among them: sweeps.ts), laid out and written before the walk.

import type { Configuration } from '../configure';
import { detLog2 } from '../detmath';
import { choiceBits, frameDims, frameExtent, GridView } from '../traversal';
import { MemoryLayout, reserve } from './module';
import { placeSweeps, RecordedSweep, writeSweeps } from './sweeps';
import { castOf, SlabFacts, DecoderExports } from './decoder-module';

/** What a view is coded as: the view itself, or (temporal) each of its frames, with the dims of the sweeps. */
export function partsOf(view: GridView, configuration: Configuration): { dims: [number, number, number]; parts: GridView[] } {
  if (configuration.mode !== 'temporal') return { dims: view.dims, parts: [view] };
  const dims = frameDims(view);
  return { dims, parts: Array.from({ length: view.dims[0] }, (_, t) => ({ offset: view.offset + t * view.strides[0], dims, strides: view.strides })) };
}

/** A base array in the module's memory: `values` from JavaScript, `at` (its byte offset) for the module. */
export interface BaseArray {
  values: Float64Array;
  at: number;
}

/** One slab's arrays in the module's memory, written and ready for the walk. */
export interface PlacedSlab {
  recon: BaseArray;
  /** The values as written: the reconstruction itself, but in pw-rel's log domain (recon holds log2|x| there). */
  written: Float64Array;
  absIndex: Uint8Array;
  /** The candidates' bases (pass.ts): a model's prediction, the zero frame frame 0 adds to, a frame's model-delta, the table columns' predictions. */
  model: BaseArray; zeroFrame: BaseArray; delta: BaseArray; columns: BaseArray;
  /** Per candidate: its base's byte offset and element offset, set before each view or frame. */
  bases: Int32Array;
  /** Where the special values the output takes are: their points (i32) and values (f64). */
  patchPointsAt: number;
  patchValuesAt: number;
}

/**
 * Lays the slab's arrays out in the module's memory and writes them: the stream, exact values, methods, the bases and
 * every recorded sweep. Undefined when the memory cannot grow to hold them.
 */
export function placeSlab(
  w: DecoderExports, f: SlabFacts, stream: Uint8Array, exactValues: number[], size: number, model: Float64Array | undefined,
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
  const pointwise = f.plan.base.domain === 'pointwise';
  // The absolute domain's special values are a mask (pointcoder.ts codeMask), each patched into the output.
  const masked = f.specials && !pointwise;
  const exactAt = memory.take(8 * exactValues.length);
  const patches = exactValues.length + (masked ? size : 0);
  const patchPointsAt = memory.take(4 * patches);
  const patchValuesAt = memory.take(8 * patches);
  const absIndexAt = memory.take(size);
  const reconAt = memory.take(8 * size);
  const classesAt = memory.take(pointwise || masked ? size : 0);
  const outputAt = memory.take(pointwise ? 8 * size : 0);
  const standsAt = memory.take(pointwise ? 8 * exactValues.length : 0);
  const extent = mode === 'temporal' ? views.reduce((most, view) => Math.max(most, frameExtent(view)), 0) : 0;
  const modelLength = uses.has('model') || uses.has('model-delta') ? size : 0;
  const lengths = { model: modelLength, zeroFrame: uses.has('previous-frame') ? extent : 0, delta: uses.has('model-delta') ? extent : 0, columns: uses.has('columns') ? size : 0 };
  const baseAt = { model: memory.take(8 * lengths.model), zeroFrame: memory.take(8 * lengths.zeroFrame), delta: memory.take(8 * lengths.delta), columns: memory.take(8 * lengths.columns) };
  placeSweeps(memory, sweepsByDims);
  if (!reserve(w.memory, memory.end)) return undefined;
  const buffer = w.memory.buffer;
  new Uint8Array(buffer, streamAt, stream.length).set(stream);
  new Float64Array(buffer, exactAt, exactValues.length).set(exactValues);
  // pw-rel: the log magnitude an exactly stored value's neighbours are predicted from (pointcoder.ts storeExact).
  if (pointwise) new Float64Array(buffer, standsAt, exactValues.length).set(exactValues.map((v) => (v - v === 0 && v !== 0 ? detLog2(Math.abs(v)) : 0)));
  new Uint8Array(buffer, methodsAt, predictors.length).set(predictors.map((p) => p.method));
  writeSweeps(buffer, sweepsByDims);
  const array = (name: keyof typeof lengths): BaseArray => ({ values: new Float64Array(buffer, baseAt[name], lengths[name]), at: baseAt[name] });
  const recon = new Float64Array(buffer, reconAt, size);
  const placed: PlacedSlab = {
    // The reconstruction is left as the last slab left it: every point is decoded before any prediction reads it.
    recon: { values: recon, at: reconAt },
    written: pointwise ? new Float64Array(buffer, outputAt, size) : recon,
    absIndex: new Uint8Array(buffer, absIndexAt, size).fill(0),
    model: array('model'), zeroFrame: filled(array('zeroFrame')), delta: filled(array('delta')), columns: filled(array('columns')),
    bases: new Int32Array(buffer, basesAt, 2 * predictors.length),
    patchPointsAt,
    patchValuesAt,
  };
  // The model's prediction is copied whole; the other bases start at zero.
  if (modelLength > 0) placed.model.values.set(model!);
  w.begin(streamAt, stream.length, stateAt, reciprocalAt, reconAt, absIndexAt);
  const [kind, low, high] = castOf(f.plan.type);
  w.setCast(kind, low, high);
  if (pointwise || masked) w.setClasses(classesAt, f.specials ? 1 : 0);
  if (pointwise) w.setPointwise(outputAt, standsAt);
  w.setExact(exactAt, exactValues.length, patchPointsAt, patchValuesAt);
  w.setChoices(methodsAt, predictors.length, choiceBits(predictors.length), f.plan.base.checked === true);
  w.setBases(basesAt);
  return placed;
}

function filled(base: BaseArray): BaseArray {
  base.values.fill(0);
  return base;
}
