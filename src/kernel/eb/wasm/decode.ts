// Decoding a slab with the decoder module: JavaScript walks its views, frames and corners as the coder does
// (pass.ts runPass, interpolation.ts codeByInterpolation) and hands each sweep or Lorenzo view to the module, with
// the bases it reads set before each (the columns' predictions and a frame's model-delta computed here).

import type { Configuration } from '../configure';
import { predictColumn } from '../columns';
import { ExactReader } from '../dtype';
import { forEachCorner, interpolationLevels } from '../interpolation';
import { levelSteps } from '../layout';
import type { BaseName } from '../predictors';
import type { GridView } from '../traversal';
import { slabValues } from '../../parallel/slab-buffers';
import { wasmApi } from './module';
import { maskRowsOf } from '../mask-rows';
import { SlabFacts, decoderModule, DecoderExports, wasmDecoding } from './decoder-module';
import { BaseArray, partsOf, PlacedSlab, placeSlab } from './decoder-memory';
import { RecordedSweep, recordSweeps } from './sweeps';

export interface WasmDecoded {
  output: Float64Array;
  hash: number;
  consumedExactly: boolean;
  /** Exact values stored but not used (corruption when not 0). */
  exactRemaining: number;
}

/**
 * Decodes the slab's stream (wasmTakes said yes) into a new array of `size` values, as runPass would, or undefined
 * when the module cannot have the memory; the caller checks the checksum, the stream's end and the exact values
 * left. A trap (a choice the slab cannot hold, more exact values than stored) is thrown as a RangeError, which
 * decodeSlabSync reports as corruption like runPass's.
 */
export function decodeInWasm(f: SlabFacts, stream: Uint8Array, exact: Uint8Array, size: number, model?: Float64Array): WasmDecoded | undefined {
  const w = decoderModule()!;
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
    // Every value's class first (pointcoder.ts codeClasses): pw-rel's, or the mask of the absolute domain's special values.
    if (plan.base.domain === 'pointwise') w.codeClasses(size);
    else if (f.specials && plan.base.maskRows) {
      const { row, frame } = maskRowsOf(plan.layout, size);
      w.codeMaskRows(size, row, frame);
    } else if (f.specials) w.codeMask(size);
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
  output.set(placed.written);
  const count = w.patchesMade();
  const points = new Int32Array(w.memory.buffer, placed.patchPointsAt, count);
  const values = new Float64Array(w.memory.buffer, placed.patchValuesAt, count);
  for (let k = 0; k < count; k++) output[points[k]] = values[k];
  wasmDecoding.slabs++;
  return { output, hash: w.hash.value >>> 0, consumedExactly: w.consumedExactly() === 1, exactRemaining: w.exactLeft() + reader.remaining };
}

/** A view by interpolation (interpolation.ts codeByInterpolation), or frame by frame (pass.ts codeFrameByFrame). */
function decodeInterpolated(
  w: DecoderExports, placed: PlacedSlab, configuration: Configuration, view: GridView, stepTolerance: number, onGrid: boolean, sweepsByDims: Map<string, RecordedSweep[]>,
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
