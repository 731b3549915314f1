// Prediction orders. Both visit every point of a 3-D view once, predict it from values the decoder
// already has, and hand it to the PointCoder. Per block, the encoder picks the cheapest predictor
// and records the choice in the stream. The loops are written out (no per-point closures): they
// run once per value in both the encoder and the decoder.

import { PointCoder } from './pointcoder';

/** A 3-D window onto the flat arrays: index = offset + Σ c[e]·strides[e]. */
export interface GridView {
  offset: number;
  dims: [number, number, number];
  strides: [number, number, number];
}

/**
 * 'ae' is the base prediction handed to the traversal (an autoencoder's reconstruction, or in the
 * temporal mode the previous frame); 'cubic-ae' interpolates recon − base and adds the base back.
 * 'model' and 'model-delta' are the temporal mode's further bases (see InterpolationBases), alone
 * or under 'cubic-…' interpolation of the residual likewise.
 */
export type InterpolationPredictor = 'cubic' | 'linear' | 'ae' | 'cubic-ae' | 'model' | 'cubic-model' | 'model-delta' | 'cubic-model-delta';

/** Predictors that need the temporal mode's model bases. */
export const MODEL_PREDICTORS: InterpolationPredictor[] = ['model', 'cubic-model', 'model-delta', 'cubic-model-delta'];

/** The arrays the predictors add to (or predict with alone). */
export interface InterpolationBases {
  /** 'ae' / 'cubic-ae': the autoencoder's reconstruction, or in the temporal mode the previous frame. */
  ae?: Float64Array;
  /** Temporal mode with a model: the model's prediction of the frame. */
  model?: Float64Array;
  /** Temporal mode with a model: the previous frame plus the model's frame-to-frame change. */
  modelDelta?: Float64Array;
}
export type LorenzoPredictor = 'lorenzo' | 'ae' | 'lorenzo-ae';

export interface InterpolationPlan {
  /** Order in which the dimensions are interpolated inside each level. */
  order: [number, number, number];
  /** Level l (stride 2^l) is quantised with tolerance ε / min(alpha^l, beta). */
  alpha: number;
  beta: number;
  predictors: InterpolationPredictor[];
  blockSize: number;
}

export interface ChoiceCounts {
  [predictor: string]: number;
}

/** Step of quantisation at a level: 2ε_l, or an odd integer step for integer data. */
export type StepAt = (level: number) => number;

const CUBIC = 0;
const LINEAR = 1;
const AE = 2;
const CUBIC_AE = 3;
/** Each predictor: how it interpolates, and which base it uses. */
const INTERPOLATION_METHODS: Record<InterpolationPredictor, [number, keyof InterpolationBases | undefined]> = {
  cubic: [CUBIC, undefined],
  linear: [LINEAR, undefined],
  ae: [AE, 'ae'],
  'cubic-ae': [CUBIC_AE, 'ae'],
  model: [AE, 'model'],
  'cubic-model': [CUBIC_AE, 'model'],
  'model-delta': [AE, 'modelDelta'],
  'cubic-model-delta': [CUBIC_AE, 'modelDelta'],
};
const LORENZO = 0;
const LORENZO_AE = 3;
const LORENZO_CODES: Record<LorenzoPredictor, number> = { lorenzo: LORENZO, ae: AE, 'lorenzo-ae': LORENZO_AE };

const LOG2_TABLE_SIZE = 4096;
const LOG2_TABLE = Float64Array.from({ length: LOG2_TABLE_SIZE }, (_, m) => (m === 0 ? 0 : 1.5 + 2 * Math.log2(m)));

/** Estimated bits of the index of `residual` at quantisation step `step` (the encoder's block choice). */
function costOfIndex(residual: number, step: number): number {
  if (!Number.isFinite(residual)) return 64;
  if (step === 0) return residual === 0 ? 0 : 64;
  const m = Math.abs(Math.round(residual / step));
  return m < LOG2_TABLE_SIZE ? LOG2_TABLE[m] : 1.5 + 2 * Math.log2(m);
}

/** Codes the block's predictor (the cheapest by `costs` when encoding) and returns its position. */
function chooseAndRecord(coder: PointCoder, names: string[], counts: ChoiceCounts, costs: Float64Array, previous: number): number {
  let best = 0;
  if (coder.encoding) for (let k = 1; k < names.length; k++) if (costs[k] < costs[best]) best = k;
  // Up to four predictors: the original 2-bit choice code (old streams depend on it); more: 3 bits.
  const choice = names.length > 4 ? coder.codeWideChoice(best, previous) : names.length > 1 ? coder.codeChoice(best, previous) : 0;
  if (choice >= names.length) throw new RangeError('predictor choice out of range');
  counts[names[choice]] = (counts[names[choice]] ?? 0) + 1;
  return choice;
}

// ---------------------------------------------------------------- multilevel interpolation

/**
 * Interpolation along one axis at index i from the points ±along and ±3·along (which exist as
 * the flags say). CUBIC_AE interpolates the field recon − base and adds the base back.
 */
function interpolate(kind: number, recon: Float64Array, base: Float64Array | undefined, i: number, along: number, before3: boolean, after1: boolean, after3: boolean): number {
  if (kind === AE) return base![i];
  if (kind === CUBIC_AE) return interpolateResidual(recon, base!, i, along, before3, after1, after3) + base![i];
  const b = recon[i - along];
  if (!after1) return b;
  const c = recon[i + along];
  if (kind === LINEAR) return (b + c) / 2;
  if (before3 && after3) return (-recon[i - 3 * along] + 9 * b + 9 * c - recon[i + 3 * along]) / 16;
  if (before3) return (-recon[i - 3 * along] + 6 * b + 3 * c) / 8;
  if (after3) return (3 * b + 6 * c - recon[i + 3 * along]) / 8;
  return (b + c) / 2;
}

function interpolateResidual(recon: Float64Array, ae: Float64Array, i: number, along: number, before3: boolean, after1: boolean, after3: boolean): number {
  const j = i - along;
  const b = recon[j] - ae[j];
  if (!after1) return b;
  const k = i + along;
  const c = recon[k] - ae[k];
  const jj = i - 3 * along;
  const kk = i + 3 * along;
  if (before3 && after3) return (-(recon[jj] - ae[jj]) + 9 * b + 9 * c - (recon[kk] - ae[kk])) / 16;
  if (before3) return (-(recon[jj] - ae[jj]) + 6 * b + 3 * c) / 8;
  if (after3) return (3 * b + 6 * c - (recon[kk] - ae[kk])) / 8;
  return (b + c) / 2;
}

function topStride(dims: number[]): number {
  const largest = Math.max(...dims);
  let s = 1;
  while (s * 2 < largest) s *= 2;
  return largest > 1 ? s : 0;
}

export function interpolationLevels(dims: number[]): number {
  const s = topStride(dims);
  return s === 0 ? 0 : 31 - Math.clz32(s) + 1;
}

/** One sweep of a level: the points with coordinate start[e] + k·spacing[e], interpolated along axis d. */
interface Sweep {
  d: number;
  s: number;
  level: number;
  step: number;
  start: [number, number, number];
  spacing: [number, number, number];
  /** Index distance between neighbours along d. */
  along: number;
  /** For each axis e ≠ d: the index distance to the previous point of the sweep along e. */
  back: [number, number, number];
}

function firstAtOrAfter(lo: number, start: number, spacing: number): number {
  return start + Math.max(0, Math.ceil((lo - start) / spacing)) * spacing;
}

export function codeByInterpolation(
  coder: PointCoder,
  view: GridView,
  plan: InterpolationPlan,
  stepAt: StepAt,
  bases: InterpolationBases,
  counts: ChoiceCounts,
): void {
  const { dims, strides, offset } = view;
  const levels = interpolationLevels(dims);
  const ae = bases.ae;
  // The origin anchors everything: predicted by the autoencoder's value (the previous frame), or 0.
  coder.code(offset, ae && plan.predictors.includes('ae') ? ae[offset] : 0, stepAt(levels), levels, 0);
  const kinds = Int32Array.from(plan.predictors, (p) => INTERPOLATION_METHODS[p][0]);
  const baseOf = plan.predictors.map((p) => {
    const name = INTERPOLATION_METHODS[p][1];
    const base = name && bases[name];
    if (name && !base) throw new RangeError(`predictor '${p}' has no prediction to use`);
    return base || undefined;
  });
  const costs = new Float64Array(kinds.length);
  let previous = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const s = 2 ** level;
    const step = stepAt(level);
    const edge = Math.max(plan.blockSize, 4 * s);
    for (let pass = 0; pass < 3; pass++) {
      const d = plan.order[pass];
      if (dims[d] <= s) continue;
      const sweep: Sweep = { d, s, level, step, start: [0, 0, 0], spacing: [0, 0, 0], along: strides[d] * s, back: [0, 0, 0] };
      for (let e = 0; e < 3; e++) {
        const done = plan.order.indexOf(e) < pass;
        sweep.start[e] = e === d ? s : 0;
        sweep.spacing[e] = e === d || !done ? 2 * s : s;
        sweep.back[e] = e === d ? 0 : sweep.spacing[e] * strides[e];
      }
      const { start, spacing } = sweep;
      for (let lo0 = 0; lo0 < dims[0]; lo0 += edge) {
        const f0 = firstAtOrAfter(lo0, start[0], spacing[0]);
        const h0 = Math.min(dims[0], lo0 + edge);
        if (f0 >= h0) continue;
        for (let lo1 = 0; lo1 < dims[1]; lo1 += edge) {
          const f1 = firstAtOrAfter(lo1, start[1], spacing[1]);
          const h1 = Math.min(dims[1], lo1 + edge);
          if (f1 >= h1) continue;
          for (let lo2 = 0; lo2 < dims[2]; lo2 += edge) {
            const f2 = firstAtOrAfter(lo2, start[2], spacing[2]);
            const h2 = Math.min(dims[2], lo2 + edge);
            if (f2 >= h2) continue;
            const block = [f0, h0, f1, h1, f2, h2];
            costs.fill(0);
            if (coder.encoding && kinds.length > 1) blockCosts(coder, view, sweep, block, kinds, baseOf, costs);
            previous = chooseAndRecord(coder, plan.predictors, counts, costs, previous);
            codeBlock(coder, view, sweep, block, kinds[previous], baseOf[previous]);
          }
        }
      }
    }
  }
}

/** Adds to costs[k] the estimated bits of every point of the block under predictor kinds[k] on base baseOf[k]. */
function blockCosts(coder: PointCoder, view: GridView, sweep: Sweep, block: number[], kinds: Int32Array, baseOf: (Float64Array | undefined)[], costs: Float64Array): void {
  const { offset, strides, dims } = view;
  const { d, s, along, step, spacing } = sweep;
  const [f0, h0, f1, h1, f2, h2] = block;
  const nd = dims[d];
  const recon = coder.recon;
  const targets = coder.targets;
  for (let c0 = f0; c0 < h0; c0 += spacing[0])
    for (let c1 = f1; c1 < h1; c1 += spacing[1]) {
      const rowBase = offset + c0 * strides[0] + c1 * strides[1];
      for (let c2 = f2; c2 < h2; c2 += spacing[2]) {
        const i = rowBase + c2 * strides[2];
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s;
        const after1 = cd + s < nd;
        const after3 = cd + 3 * s < nd;
        const x = targets[i];
        for (let k = 0; k < kinds.length; k++) costs[k] += costOfIndex(x - interpolate(kinds[k], recon, baseOf[k], i, along, before3, after1, after3), step);
      }
    }
}

function codeBlock(coder: PointCoder, view: GridView, sweep: Sweep, block: number[], kind: number, base: Float64Array | undefined): void {
  const { offset, strides, dims } = view;
  const { d, s, along, step, spacing, back, level } = sweep;
  const [f0, h0, f1, h1, f2, h2] = block;
  const nd = dims[d];
  const recon = coder.recon;
  const absIndex = coder.absIndex;
  const [sp0, sp1, sp2] = spacing;
  const [back0, back1, back2] = back;
  for (let c0 = f0; c0 < h0; c0 += sp0)
    for (let c1 = f1; c1 < h1; c1 += sp1) {
      const rowBase = offset + c0 * strides[0] + c1 * strides[1];
      for (let c2 = f2; c2 < h2; c2 += sp2) {
        const i = rowBase + c2 * strides[2];
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s;
        const after1 = cd + s < nd;
        let activity = absIndex[i - along] + (after1 ? absIndex[i + along] : 0);
        if (before3) activity += 2 * absIndex[i - 2 * along];
        // Neighbours across the other axes feed the context too.
        if (d !== 0 && c0 >= sp0) activity += absIndex[i - back0];
        if (d !== 1 && c1 >= sp1) activity += absIndex[i - back1];
        if (d !== 2 && c2 >= sp2) activity += absIndex[i - back2];
        coder.code(i, interpolate(kind, recon, base, i, along, before3, after1, cd + 3 * s < nd), step, level, activity);
      }
    }
}

// ---------------------------------------------------------------- Lorenzo

/** 3-D Lorenzo prediction at i from `values` minus `base` (when given), plus base[i]. */
function lorenzo(values: Float64Array, base: Float64Array | undefined, i: number, a0: boolean, a1: boolean, a2: boolean, st0: number, st1: number, st2: number): number {
  if (base === undefined) {
    let p = 0;
    if (a2) p += values[i - st2];
    if (a1) p += values[i - st1];
    if (a0) p += values[i - st0];
    if (a1 && a2) p -= values[i - st1 - st2];
    if (a0 && a2) p -= values[i - st0 - st2];
    if (a0 && a1) p -= values[i - st0 - st1];
    if (a0 && a1 && a2) p += values[i - st0 - st1 - st2];
    return p;
  }
  let p = base[i];
  let j: number;
  if (a2) p += values[(j = i - st2)] - base[j];
  if (a1) p += values[(j = i - st1)] - base[j];
  if (a0) p += values[(j = i - st0)] - base[j];
  if (a1 && a2) p -= values[(j = i - st1 - st2)] - base[j];
  if (a0 && a2) p -= values[(j = i - st0 - st2)] - base[j];
  if (a0 && a1) p -= values[(j = i - st0 - st1)] - base[j];
  if (a0 && a1 && a2) p += values[(j = i - st0 - st1 - st2)] - base[j];
  return p;
}

function lorenzoPrediction(kind: number, values: Float64Array, ae: Float64Array | undefined, i: number, a0: boolean, a1: boolean, a2: boolean, st0: number, st1: number, st2: number): number {
  if (kind === AE) return ae![i];
  return lorenzo(values, kind === LORENZO_AE ? ae : undefined, i, a0, a1, a2, st0, st1, st2);
}

export function codeByLorenzo(
  coder: PointCoder,
  view: GridView,
  predictors: LorenzoPredictor[],
  blockSize: number,
  step: number,
  ae: Float64Array | undefined,
  counts: ChoiceCounts,
  originalForCosts?: Float64Array,
): void {
  const { dims, strides, offset } = view;
  const [st0, st1, st2] = strides;
  const kinds = Int32Array.from(predictors, (p) => LORENZO_CODES[p]);
  if (!ae && predictors.some((p) => p !== 'lorenzo')) throw new RangeError('an autoencoder predictor has no prediction to use');
  const costs = new Float64Array(kinds.length);
  const recon = coder.recon;
  const absIndex = coder.absIndex;
  let previous = 0;
  for (let lo0 = 0; lo0 < dims[0]; lo0 += blockSize)
    for (let lo1 = 0; lo1 < dims[1]; lo1 += blockSize)
      for (let lo2 = 0; lo2 < dims[2]; lo2 += blockSize) {
        const h0 = Math.min(dims[0], lo0 + blockSize);
        const h1 = Math.min(dims[1], lo1 + blockSize);
        const h2 = Math.min(dims[2], lo2 + blockSize);
        costs.fill(0);
        if (coder.encoding && kinds.length > 1) {
          // Estimated on the originals (the block's reconstruction does not exist yet).
          const x = originalForCosts!;
          for (let c0 = lo0; c0 < h0; c0++)
            for (let c1 = lo1; c1 < h1; c1++)
              for (let c2 = lo2; c2 < h2; c2++) {
                const i = offset + c0 * st0 + c1 * st1 + c2 * st2;
                for (let k = 0; k < kinds.length; k++)
                  costs[k] += costOfIndex(x[i] - lorenzoPrediction(kinds[k], x, ae, i, c0 > 0, c1 > 0, c2 > 0, st0, st1, st2), step);
              }
        }
        previous = chooseAndRecord(coder, predictors, counts, costs, previous);
        const kind = kinds[previous];
        for (let c0 = lo0; c0 < h0; c0++)
          for (let c1 = lo1; c1 < h1; c1++)
            for (let c2 = lo2; c2 < h2; c2++) {
              const i = offset + c0 * st0 + c1 * st1 + c2 * st2;
              let activity = 0;
              if (c2 > 0) activity += 2 * absIndex[i - st2];
              if (c1 > 0) activity += absIndex[i - st1];
              if (c0 > 0) activity += absIndex[i - st0];
              coder.code(i, lorenzoPrediction(kind, recon, ae, i, c0 > 0, c1 > 0, c2 > 0, st0, st1, st2), step, 0, activity);
            }
      }
}
