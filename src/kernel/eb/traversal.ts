// Prediction orders. Each visits every point of a 3-D view once, predicts it from values the decoder
// already has (with a predictor of the registry in predictors.ts), and hands it to the PointCoder. Per
// block, the encoder picks the cheapest candidate predictor and records the choice in the stream. The
// loops are written out (no per-point closures or allocation): they run once per value on both sides.

import { PointCoder } from './pointcoder';
import { predictAlong, predictLorenzo, PredictorSpec } from './predictors';

/** A 3-D window onto the flat arrays: index = offset + Σ c[e]·strides[e]. */
export interface GridView {
  offset: number;
  dims: [number, number, number];
  strides: [number, number, number];
}

/** A predictor as a traversal uses it: its kernel method and its base (base[i + baseOffset] for point i). */
export interface Candidate {
  spec: PredictorSpec;
  method: number;
  base: Float64Array;
  baseOffset: number;
}

export interface InterpolationPlan {
  /** Order in which the dimensions are interpolated inside each level. */
  order: [number, number, number];
  /** Edge of the blocks that choose their predictor. */
  blockSize: number;
}

const LOG2_TABLE_SIZE = 4096;
const LOG2_TABLE = Float64Array.from({ length: LOG2_TABLE_SIZE }, (_, m) => (m === 0 ? 0 : 1.5 + 2 * Math.log2(m)));
const UNQUANTISABLE_COST = 64;

/** Estimated bits of the index of `residual` at step `step` (1 / `inverseStep`): the encoder's block choice. */
function costOfResidual(residual: number, inverseStep: number): number {
  let m = residual * inverseStep;
  if (m < 0) m = -m;
  if (m < LOG2_TABLE_SIZE - 1) return LOG2_TABLE[(m + 0.5) | 0];
  return m === m && m !== Infinity ? 1.5 + 2 * Math.log2(m) : UNQUANTISABLE_COST;
}

/** 1/step for the cost estimate (step 0: any non-zero residual is costly). */
function inverseOf(step: number): number {
  return step > 0 ? 1 / step : 1e300;
}

/** Bits needed to code a choice among n candidates. */
export function choiceBits(n: number): number {
  return n <= 1 ? 0 : n <= 2 ? 1 : n <= 4 ? 2 : 3;
}

/** Codes the block's candidate (the cheapest by `costs` when encoding), counts it and returns its position. */
function chooseAndRecord(pc: PointCoder, n: number, costs: Float64Array, previous: number, counts: Int32Array): number {
  let best = 0;
  if (pc.encoding) for (let k = 1; k < n; k++) if (costs[k] < costs[best]) best = k;
  const choice = n > 1 ? pc.indices.codeChoice(best, previous, choiceBits(n)) : 0;
  if (choice >= n) throw new RangeError('predictor choice out of range');
  counts[choice]++;
  return choice;
}

// ---------------------------------------------------------------- multilevel interpolation

function topStride(dims: number[]): number {
  const largest = Math.max(...dims);
  let s = 1;
  while (s * 2 < largest) s *= 2;
  return largest > 1 ? s : 0;
}

/** Levels of the multilevel interpolation of a view of these dims (level l has stride 2^l). */
export function interpolationLevels(dims: number[]): number {
  const s = topStride(dims);
  return s === 0 ? 0 : 31 - Math.clz32(s) + 1;
}

function firstAtOrAfter(lo: number, start: number, spacing: number): number {
  return start + Math.max(0, Math.ceil((lo - start) / spacing)) * spacing;
}

/** Scratch space of one traversal: the predictions of every candidate for one block, and a strip's activities. */
class Scratch {
  predictions = new Float64Array(0);
  activities = new Int32Array(0);

  reserve(predictions: number, activities: number): void {
    if (this.predictions.length < predictions) this.predictions = new Float64Array(Math.max(predictions, 2 * this.predictions.length));
    if (this.activities.length < activities) this.activities = new Int32Array(Math.max(activities, 2 * this.activities.length));
  }
}

/** One block of one sweep: the points c[e] = f[e], f[e] + spacing[e], … below h[e], interpolated along axis d at stride s. */
interface Block {
  d: number;
  s: number;
  f0: number; h0: number; f1: number; h1: number; f2: number; h2: number;
  sp0: number; sp1: number; sp2: number;
}

function countFrom(f: number, h: number, spacing: number): number {
  return f < h ? Math.floor((h - 1 - f) / spacing) + 1 : 0;
}

/**
 * Multilevel interpolation (SZ3-like): level by level from the coarsest stride, and inside a level axis
 * by axis in `plan.order`, every point is interpolated from the already reconstructed points ±s and ±3s
 * along that axis. `steps[l]` is the quantisation step of level l (steps[levels] for the origin).
 */
export function codeByInterpolation(
  pc: PointCoder, view: GridView, plan: InterpolationPlan, steps: Float64Array, candidates: Candidate[], counts: Int32Array,
): void {
  const { dims, offset } = view;
  const levels = interpolationLevels(dims);
  // The origin anchors everything: predicted by the first base among the candidates, else 0.
  const anchor = candidates.find((c) => c.spec.base !== undefined);
  pc.code(offset, anchor ? anchor.base[offset + anchor.baseOffset] : 0, steps[levels], levels, 0);
  const n = candidates.length;
  const costs = new Float64Array(n);
  const scratch = new Scratch();
  const methods = Int32Array.from(candidates, (c) => c.method);
  const bases = candidates.map((c) => c.base);
  const baseOffsets = Int32Array.from(candidates, (c) => c.baseOffset);
  const start = [0, 0, 0];
  const spacing = [0, 0, 0];
  const block: Block = { d: 0, s: 0, f0: 0, h0: 0, f1: 0, h1: 0, f2: 0, h2: 0, sp0: 0, sp1: 0, sp2: 0 };
  let previous = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const s = 2 ** level;
    const step = steps[level];
    const edge = Math.max(plan.blockSize, 4 * s);
    for (let pass = 0; pass < 3; pass++) {
      const d = plan.order[pass];
      if (dims[d] <= s) continue;
      for (let e = 0; e < 3; e++) {
        const done = plan.order.indexOf(e) < pass;
        start[e] = e === d ? s : 0;
        spacing[e] = e === d || !done ? 2 * s : s;
      }
      block.d = d;
      block.s = s;
      block.sp0 = spacing[0];
      block.sp1 = spacing[1];
      block.sp2 = spacing[2];
      for (let lo0 = 0; lo0 < dims[0]; lo0 += edge) {
        block.f0 = firstAtOrAfter(lo0, start[0], spacing[0]);
        block.h0 = Math.min(dims[0], lo0 + edge);
        if (block.f0 >= block.h0) continue;
        for (let lo1 = 0; lo1 < dims[1]; lo1 += edge) {
          block.f1 = firstAtOrAfter(lo1, start[1], spacing[1]);
          block.h1 = Math.min(dims[1], lo1 + edge);
          if (block.f1 >= block.h1) continue;
          for (let lo2 = 0; lo2 < dims[2]; lo2 += edge) {
            block.f2 = firstAtOrAfter(lo2, start[2], spacing[2]);
            block.h2 = Math.min(dims[2], lo2 + edge);
            if (block.f2 >= block.h2) continue;
            const points = countFrom(block.f0, block.h0, block.sp0) * countFrom(block.f1, block.h1, block.sp1) * countFrom(block.f2, block.h2, block.sp2);
            scratch.reserve(n * points, countFrom(block.f2, block.h2, block.sp2));
            const predictions = scratch.predictions;
            if (pc.encoding) predictAndCost(pc.recon, pc.targets, view, block, methods, bases, baseOffsets, predictions, points, costs, inverseOf(step));
            previous = chooseAndRecord(pc, n, costs, previous, counts);
            const c = candidates[previous];
            // The encoder predicted every candidate already; the decoder predicts the chosen one row by row.
            codeBlock(pc, view, block, level, step, predictions, previous * points, scratch.activities, pc.encoding ? undefined : c);
          }
        }
      }
    }
  }
}

/**
 * The encoder's look at a block: every candidate's prediction of every point (into predictions[k·points + j],
 * j in loop order) and the estimated bits of the block's indices under each (costs[k]), in one sweep.
 */
function predictAndCost(
  recon: Float64Array, targets: Float64Array, view: GridView, b: Block, methods: Int32Array, bases: Float64Array[], baseOffsets: Int32Array,
  predictions: Float64Array, points: number, costs: Float64Array, inverseStep: number,
): void {
  const { offset, strides, dims } = view;
  const { d, s } = b;
  const along = strides[d] * s;
  const nd = dims[d];
  const n = methods.length;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  costs.fill(0);
  let j = 0;
  for (let c0 = b.f0; c0 < b.h0; c0 += b.sp0)
    for (let c1 = b.f1; c1 < b.h1; c1 += b.sp1) {
      const rowBase = offset + c0 * st0 + c1 * st1;
      for (let c2 = b.f2; c2 < b.h2; c2 += b.sp2, j++) {
        const i = rowBase + c2 * st2;
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s, after1 = cd + s < nd, after3 = cd + 3 * s < nd;
        const x = targets[i];
        for (let k = 0; k < n; k++) {
          const prediction = predictAlong(methods[k], recon, bases[k], baseOffsets[k], i, along, before3, after1, after3);
          predictions[k * points + j] = prediction;
          costs[k] += costOfResidual(x - prediction, inverseStep);
        }
      }
    }
}

/**
 * Codes the block row by row (a row: the points along axis 2, a strip for the PointCoder), its predictions
 * at predictions[at…] in loop order, or made here by `predictor` when given. Context activity: |q| of the
 * neighbours ±s and −2s along d (weight 2), and of the previous point of the sweep along each other axis;
 * the strip's own previous point is added by the PointCoder.
 */
function codeBlock(
  pc: PointCoder, view: GridView, b: Block, level: number, step: number, predictions: Float64Array, at: number, activities: Int32Array,
  predictor?: Candidate,
): void {
  const { offset, strides, dims } = view;
  const { d, s, sp0, sp1, sp2 } = b;
  const along = strides[d] * s;
  const nd = dims[d];
  const absIndex = pc.absIndex;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  const back0 = sp0 * st0;
  const back1 = sp1 * st1;
  const back2 = sp2 * st2;
  const rowLength = countFrom(b.f2, b.h2, sp2);
  // Along axis 2 the strip's previous point is the −2s neighbour (weight 2); across it, the sweep's previous point.
  const chainWeight = d === 2 ? 2 : 1;
  const recon = pc.recon;
  const method = predictor ? predictor.method : -1;
  const base = predictor ? predictor.base : recon;
  const baseOffset = predictor ? predictor.baseOffset : 0;
  let j = at;
  for (let c0 = b.f0; c0 < b.h0; c0 += sp0)
    for (let c1 = b.f1; c1 < b.h1; c1 += sp1) {
      const rowBase = offset + c0 * st0 + c1 * st1;
      for (let k = 0, c2 = b.f2; k < rowLength; k++, c2 += sp2) {
        const i = rowBase + c2 * st2;
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s;
        const after1 = cd + s < nd;
        if (method >= 0) predictions[j + k] = predictAlong(method, recon, base, baseOffset, i, along, before3, after1, cd + 3 * s < nd);
        let activity = absIndex[i - along] + (after1 ? absIndex[i + along] : 0);
        if (before3 && (d !== 2 || k === 0)) activity += 2 * absIndex[i - 2 * along];
        if (d !== 0 && c0 >= sp0) activity += absIndex[i - back0];
        if (d !== 1 && c1 >= sp1) activity += absIndex[i - back1];
        if (d !== 2 && k === 0 && c2 >= sp2) activity += absIndex[i - back2];
        activities[k] = activity;
      }
      pc.codeStrip(rowBase + b.f2 * st2, back2, rowLength, predictions, j, activities, chainWeight, step, level);
      j += rowLength;
    }
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
  const inverseStep = inverseOf(step);
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
