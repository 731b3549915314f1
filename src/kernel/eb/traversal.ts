// Prediction orders. Both visit every point of a 3-D view once, predict it from values the decoder
// already has, and hand it to the PointCoder. Per block, the encoder picks the cheapest predictor
// and records the choice in the stream.

import { PointCoder } from './pointcoder';

/** A 3-D window onto the flat arrays: index = offset + Σ c[e]·strides[e]. */
export interface GridView {
  offset: number;
  dims: [number, number, number];
  strides: [number, number, number];
}

export type InterpolationPredictor = 'cubic' | 'linear' | 'ae' | 'cubic-ae';
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

interface Candidates {
  names: string[];
  counts: ChoiceCounts;
  previous: number;
}

function costOfIndex(residual: number, step: number): number {
  if (!Number.isFinite(residual)) return 64;
  if (step === 0) return residual === 0 ? 0 : 64;
  const m = Math.abs(Math.round(residual / step));
  return m === 0 ? 0 : 1.5 + 2 * Math.log2(m);
}

function chooseAndRecord(coder: PointCoder, candidates: Candidates, costs: number[]): number {
  let best = 0;
  if (coder.encoding) for (let k = 1; k < costs.length; k++) if (costs[k] < costs[best]) best = k;
  const choice = candidates.names.length > 1 ? coder.codeChoice(best, candidates.previous) : 0;
  if (choice >= candidates.names.length) throw new RangeError('predictor choice out of range');
  candidates.previous = choice;
  const name = candidates.names[choice];
  candidates.counts[name] = (candidates.counts[name] ?? 0) + 1;
  return choice;
}

// ---------------------------------------------------------------- multilevel interpolation

function interpolate(
  kind: InterpolationPredictor,
  recon: Float64Array,
  ae: Float64Array | undefined,
  i: number,
  step: number,
  hasBefore3: boolean,
  hasAfter1: boolean,
  hasAfter3: boolean,
): number {
  if (kind === 'ae') return ae![i];
  // 'cubic-ae' interpolates the field recon − ae and adds ae back.
  const base = kind === 'cubic-ae' ? ae! : undefined;
  const at = (j: number): number => (base ? recon[j] - base[j] : recon[j]);
  const b = at(i - step);
  let p: number;
  if (!hasAfter1) p = b;
  else {
    const c = at(i + step);
    if (kind === 'linear') p = (b + c) / 2;
    else if (hasBefore3 && hasAfter3) p = (-at(i - 3 * step) + 9 * b + 9 * c - at(i + 3 * step)) / 16;
    else if (hasBefore3) p = (-at(i - 3 * step) + 6 * b + 3 * c) / 8;
    else if (hasAfter3) p = (3 * b + 6 * c - at(i + 3 * step)) / 8;
    else p = (b + c) / 2;
  }
  return base ? p + base[i] : p;
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

export function codeByInterpolation(
  coder: PointCoder,
  view: GridView,
  plan: InterpolationPlan,
  stepAt: StepAt,
  ae: Float64Array | undefined,
  counts: ChoiceCounts,
): void {
  const { dims, strides, offset } = view;
  const recon = coder.recon;
  const absIndex = coder.absIndex;
  const candidates: Candidates = { names: plan.predictors, counts, previous: 0 };
  const levels = interpolationLevels(dims);
  // The origin anchors everything: predicted by the autoencoder's value, or 0.
  coder.code(offset, ae && plan.predictors.includes('ae') ? ae[offset] : 0, stepAt(levels), levels, 0);

  const costs = new Array<number>(plan.predictors.length).fill(0);
  const start = [0, 0, 0];
  const spacing = [0, 0, 0];
  for (let level = levels - 1; level >= 0; level--) {
    const s = 2 ** level;
    const step = stepAt(level);
    const edge = Math.max(plan.blockSize, 4 * s);
    for (let pass = 0; pass < 3; pass++) {
      const d = plan.order[pass];
      if (dims[d] <= s) continue;
      for (let e = 0; e < 3; e++) {
        const done = plan.order.indexOf(e) < pass;
        start[e] = e === d ? s : 0;
        spacing[e] = e === d ? 2 * s : done ? s : 2 * s;
      }
      const along = strides[d] * s;
      const nd = dims[d];
      const visitBlock = (lo: number[], hi: number[], fn: (i: number, c: number[]) => void): void => {
        const c = [0, 0, 0];
        const first = (e: number): number => start[e] + Math.max(0, Math.ceil((lo[e] - start[e]) / spacing[e])) * spacing[e];
        for (c[0] = first(0); c[0] < hi[0]; c[0] += spacing[0])
          for (c[1] = first(1); c[1] < hi[1]; c[1] += spacing[1])
            for (c[2] = first(2); c[2] < hi[2]; c[2] += spacing[2])
              fn(offset + c[0] * strides[0] + c[1] * strides[1] + c[2] * strides[2], c);
      };
      const predictAt = (kind: InterpolationPredictor, i: number, c: number[]): number => {
        const cd = c[d];
        return interpolate(kind, recon, ae, i, along, cd >= 3 * s, cd + s < nd, cd + 3 * s < nd);
      };
      const lo = [0, 0, 0];
      const hi = [0, 0, 0];
      for (lo[0] = 0; lo[0] < dims[0]; lo[0] += edge)
        for (lo[1] = 0; lo[1] < dims[1]; lo[1] += edge)
          for (lo[2] = 0; lo[2] < dims[2]; lo[2] += edge) {
            for (let e = 0; e < 3; e++) hi[e] = Math.min(dims[e], lo[e] + edge);
            let any = false;
            costs.fill(0);
            visitBlock(lo, hi, (i, c) => {
              any = true;
              if (!coder.encoding || plan.predictors.length === 1) return;
              const x = coder.targetAt(i);
              for (let k = 0; k < plan.predictors.length; k++) costs[k] += costOfIndex(x - predictAt(plan.predictors[k], i, c), step);
            });
            if (!any) continue;
            const kind = plan.predictors[chooseAndRecord(coder, candidates, costs)];
            visitBlock(lo, hi, (i, c) => {
              const cd = c[d];
              let activity = absIndex[i - along] + (cd + s < nd ? absIndex[i + along] : 0);
              if (cd >= 3 * s) activity += 2 * absIndex[i - 2 * along];
              for (let e = 0; e < 3; e++) {
                if (e === d || c[e] < spacing[e]) continue;
                activity += absIndex[i - spacing[e] * strides[e]];
              }
              coder.code(i, predictAt(kind, i, c), step, level, activity);
            });
          }
    }
  }
}

// ---------------------------------------------------------------- Lorenzo

function lorenzo(recon: Float64Array, i: number, c: number[], st: number[]): number {
  const a0 = c[0] > 0;
  const a1 = c[1] > 0;
  const a2 = c[2] > 0;
  let p = 0;
  if (a2) p += recon[i - st[2]];
  if (a1) p += recon[i - st[1]];
  if (a0) p += recon[i - st[0]];
  if (a1 && a2) p -= recon[i - st[1] - st[2]];
  if (a0 && a2) p -= recon[i - st[0] - st[2]];
  if (a0 && a1) p -= recon[i - st[0] - st[1]];
  if (a0 && a1 && a2) p += recon[i - st[0] - st[1] - st[2]];
  return p;
}

function lorenzoPrediction(kind: LorenzoPredictor, values: Float64Array, ae: Float64Array | undefined, i: number, c: number[], st: number[]): number {
  if (kind === 'lorenzo') return lorenzo(values, i, c, st);
  if (kind === 'ae') return ae![i];
  // Lorenzo on the autoencoder's residual field.
  const residual = (j: number): number => values[j] - ae![j];
  const a0 = c[0] > 0;
  const a1 = c[1] > 0;
  const a2 = c[2] > 0;
  let p = ae![i];
  if (a2) p += residual(i - st[2]);
  if (a1) p += residual(i - st[1]);
  if (a0) p += residual(i - st[0]);
  if (a1 && a2) p -= residual(i - st[1] - st[2]);
  if (a0 && a2) p -= residual(i - st[0] - st[2]);
  if (a0 && a1) p -= residual(i - st[0] - st[1]);
  if (a0 && a1 && a2) p += residual(i - st[0] - st[1] - st[2]);
  return p;
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
  const { dims, strides: st, offset } = view;
  const candidates: Candidates = { names: predictors, counts, previous: 0 };
  const costs = new Array<number>(predictors.length).fill(0);
  const c = [0, 0, 0];
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  const absIndex = coder.absIndex;
  for (lo[0] = 0; lo[0] < dims[0]; lo[0] += blockSize)
    for (lo[1] = 0; lo[1] < dims[1]; lo[1] += blockSize)
      for (lo[2] = 0; lo[2] < dims[2]; lo[2] += blockSize) {
        for (let e = 0; e < 3; e++) hi[e] = Math.min(dims[e], lo[e] + blockSize);
        costs.fill(0);
        if (coder.encoding && predictors.length > 1) {
          // Estimated on the originals (the block's reconstruction does not exist yet).
          for (c[0] = lo[0]; c[0] < hi[0]; c[0]++)
            for (c[1] = lo[1]; c[1] < hi[1]; c[1]++)
              for (c[2] = lo[2]; c[2] < hi[2]; c[2]++) {
                const i = offset + c[0] * st[0] + c[1] * st[1] + c[2] * st[2];
                for (let k = 0; k < predictors.length; k++)
                  costs[k] += costOfIndex(originalForCosts![i] - lorenzoPrediction(predictors[k], originalForCosts!, ae, i, c, st), step);
              }
        }
        const kind = predictors[chooseAndRecord(coder, candidates, costs)];
        for (c[0] = lo[0]; c[0] < hi[0]; c[0]++)
          for (c[1] = lo[1]; c[1] < hi[1]; c[1]++)
            for (c[2] = lo[2]; c[2] < hi[2]; c[2]++) {
              const i = offset + c[0] * st[0] + c[1] * st[1] + c[2] * st[2];
              let activity = 0;
              if (c[2] > 0) activity += 2 * absIndex[i - st[2]];
              if (c[1] > 0) activity += absIndex[i - st[1]];
              if (c[0] > 0) activity += absIndex[i - st[0]];
              coder.code(i, lorenzoPrediction(kind, coder.recon, ae, i, c, st), step, 0, activity);
            }
      }
}
