// Prediction orders: what every traversal shares (views, candidates, the encoder's per-block cost estimate
// and the recorded choice), and the Lorenzo traversal; the multilevel interpolation is interpolation.ts.
// Each visits every point of a 3-D view once, predicts it from values the decoder already has (with a
// predictor of the registry in predictors.ts), and hands it to the PointCoder. Per block, the encoder
// picks the cheapest candidate predictor and records the choice in the stream. The loops are written out
// (no per-point closures or allocation): they run once per value on both sides.

import { PointCoder } from './pointcoder';
import { predictLorenzo, PredictorSpec } from './predictors';
import { fromGridUnits } from './grid';

/** A 3-D window onto the flat arrays: index = offset + Σ c[e]·strides[e]. */
export interface GridView {
  offset: number;
  dims: [number, number, number];
  strides: [number, number, number];
}

/** A frame of a temporal view (pass.ts codeFrameByFrame codes its views frame by frame): [1, height, width]. */
export function frameDims(view: GridView): [number, number, number] {
  return [1, view.dims[1], view.dims[2]];
}

/** Values from a frame's first point to its last: the length of an array that holds one frame of the view. */
export function frameExtent(view: GridView): number {
  const [, height, width] = view.dims;
  return (height - 1) * view.strides[1] + (width - 1) * view.strides[2] + 1;
}

/** A predictor as a traversal uses it: its kernel method and its base (base[i + baseOffset] for point i). */
export interface Candidate {
  spec: PredictorSpec;
  method: number;
  base: Float64Array;
  baseOffset: number;
}

export const LOG2_TABLE_SIZE = 4096;
export const LOG2_TABLE = Float64Array.from({ length: LOG2_TABLE_SIZE }, (_, m) => (m === 0 ? 0 : 1.5 + 2 * Math.log2(m)));
const UNQUANTISABLE_COST = 64;

/** Estimated bits of the index of `residual` at step `step` (1 / `inverseStep`): the encoder's block choice. */
export function costOfResidual(residual: number, inverseStep: number): number {
  // Math.abs, not a branch: a residual's sign is a coin toss, and a mispredicted branch per point cost more than the lookup.
  const m = Math.abs(residual * inverseStep);
  if (m < LOG2_TABLE_SIZE - 1) return LOG2_TABLE[(m + 0.5) | 0];
  return m === m && m !== Infinity ? 1.5 + 2 * Math.log2(m) : UNQUANTISABLE_COST;
}

/** 1/step for the cost estimate (step 0: any non-zero residual is costly). */
export function inverseOf(step: number): number {
  return step > 0 ? 1 / step : 1e300;
}

/**
 * 1/step for estimates of residuals of the originals: on a grid the step counts grid units, the residuals do not
 * (a step of 399 units of 0.0001 is 0.0399: taken as 399, every cost was near 0, and blocks chose their
 * predictor blindly).
 */
export function inverseStepOf(pc: PointCoder, step: number): number {
  return inverseOf(fromGridUnits(step, pc.quantizer.grid));
}

/** Bits needed to code a choice among n candidates. */
export function choiceBits(n: number): number {
  return n <= 1 ? 0 : n <= 2 ? 1 : n <= 4 ? 2 : 3;
}

/** Codes the block's candidate (the cheapest by `costs` when encoding), counts it and returns its position. */
export function chooseAndRecord(pc: PointCoder, n: number, costs: Float64Array, previous: number, counts: Int32Array): number {
  let best = 0;
  if (pc.encoding) for (let k = 1; k < n; k++) if (costs[k] < costs[best]) best = k;
  const choice = n > 1 ? pc.indices.codeChoice(best, previous, choiceBits(n)) : 0;
  if (choice >= n) throw new RangeError('predictor choice out of range');
  if (n > 1) pc.hashChoice(choice);
  counts[choice]++;
  return choice;
}

// ---------------------------------------------------------------- Lorenzo

/** Raster-order Lorenzo differences in blocks of blockSize³, each block choosing its candidate. */
export function codeByLorenzo(pc: PointCoder, view: GridView, blockSize: number, step: number, candidates: Candidate[], counts: Int32Array): void {
  const { dims, strides, offset } = view;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  const n = candidates.length;
  const costs = new Float64Array(n);
  const recon = pc.recon;
  const absIndex = pc.absIndex;
  const inverseStep = inverseStepOf(pc, step);
  let previous = 0;
  for (let lo0 = 0; lo0 < dims[0]; lo0 += blockSize)
    for (let lo1 = 0; lo1 < dims[1]; lo1 += blockSize)
      for (let lo2 = 0; lo2 < dims[2]; lo2 += blockSize) {
        const h0 = Math.min(dims[0], lo0 + blockSize);
        const h1 = Math.min(dims[1], lo1 + blockSize);
        const h2 = Math.min(dims[2], lo2 + blockSize);
        if (pc.encoding && n > 1) {
          // Estimated on the originals (the block's reconstruction does not exist yet).
          costs.fill(0);
          const x = pc.targets;
          for (let c0 = lo0; c0 < h0; c0++)
            for (let c1 = lo1; c1 < h1; c1++)
              for (let c2 = lo2; c2 < h2; c2++) {
                const i = offset + c0 * st0 + c1 * st1 + c2 * st2;
                for (let k = 0; k < n; k++) {
                  const c = candidates[k];
                  const prediction = predictLorenzo(c.method, x, c.base, c.baseOffset, i, c0 > 0, c1 > 0, c2 > 0, st0, st1, st2);
                  costs[k] += costOfResidual(x[i] - prediction, inverseStep);
                }
              }
        }
        previous = chooseAndRecord(pc, n, costs, previous, counts);
        const { method, base, baseOffset } = candidates[previous];
        for (let c0 = lo0; c0 < h0; c0++)
          for (let c1 = lo1; c1 < h1; c1++)
            for (let c2 = lo2; c2 < h2; c2++) {
              const i = offset + c0 * st0 + c1 * st1 + c2 * st2;
              let activity = 0;
              if (c2 > 0) activity += 2 * absIndex[i - st2];
              if (c1 > 0) activity += absIndex[i - st1];
              if (c0 > 0) activity += absIndex[i - st0];
              pc.code(i, predictLorenzo(method, recon, base, baseOffset, i, c0 > 0, c1 > 0, c2 > 0, st0, st1, st2), step, 0, activity);
            }
      }
}
