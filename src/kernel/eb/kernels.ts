// Block kernels of the interpolation sweeps (sweep.ts): the predictions of every point of a block by one
// predictor, at the flat indices points[0…] (loop order: x0, then x1, then x2 fastest), direction by direction
// into a Float64Array. A block's rows are short (a 16-point block edge), so the kernels run a whole block per
// call, and along an axis other than 2 a row's geometry is the same for every point: one branch-free loop per
// row and direction. The arithmetic is predictAlong's, term for term, and several directions are summed in the
// order of Block.dirs starting from 0, then divided by their count: the same bits as a point-by-point
// evaluation (a one-direction prediction is the direction's own value, so −0 stays −0).

import type { Block } from './sweep';
import { METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, predictAlong } from './predictors';

/** Neighbours at −3s, −s, +s, +3s; −s, +s, +3s; −3s, −s, +s; −s, +s; anything else (near an axis's end). */
export const STENCIL_CUBIC = 0;
export const STENCIL_NO_LEFT = 1;
export const STENCIL_NO_RIGHT = 2;
export const STENCIL_LINEAR = 3;
export const STENCIL_NEAR = 4;

/** The number of points of the block (a0…b0) × (a1…b1) × (a2…b2). */
export function pointsOf(b: Block): number {
  return (b.b0 - b.a0) * (b.b1 - b.a1) * (b.b2 - b.a2);
}

/** The flat indices of the block's points, in loop order, into points[0…]. */
export function blockPoints(b: Block, offset: number, strides: number[], points: Int32Array): void {
  const { L0, L1, L2 } = b;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const c0 = L0[x0];
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      const rowBase = offset + c0 * st0 + L1[x1] * st1;
      for (let x2 = b.a2; x2 < b.b2; x2++) points[j++] = rowBase + L2[x2] * st2;
    }
  }
}

/** How a direction's value enters a point's prediction: the value (one direction); 0 + value; added; added, then the mean taken. */
const SET = 0;
const FIRST = 1;
const ADD = 2;
const LAST = 3;

/** The running sum of the directions after adding `v` (interpolateBoth's order: 0 + v₀ + v₁ + …, divided by nd). */
function combine(previous: number, v: number, mode: number, nd: number): number {
  return mode === SET ? v : mode === FIRST ? 0 + v : mode === ADD ? previous + v : (previous + v) / nd;
}

function modeOf(m: number, nd: number): number {
  return nd === 1 ? SET : m === 0 ? FIRST : m === nd - 1 ? LAST : ADD;
}

/** No slot: interpolateBlock computes only the other of plain cubic and linear. */
export const NOT_WANTED = -1;

/**
 * The prediction of `method` at every point of the block into out[at + j]: plain cubic and linear together
 * (the other of the two into out[other + j], unless other is NOT_WANTED), the base alone, or cubic over the
 * base; false for any other method (the caller predicts point by point).
 */
export function predictBlock(
  method: number, recon: Float64Array, base: Float64Array, o: number, b: Block, strides: number[], points: Int32Array, out: Float64Array,
  at: number, other: number,
): boolean {
  if (method === METHOD_CUBIC) interpolateBlock(recon, b, strides, points, out, at, other);
  else if (method === METHOD_LINEAR) interpolateBlock(recon, b, strides, points, out, other, at);
  else if (method === METHOD_BASE) {
    const total = pointsOf(b);
    for (let j = 0; j < total; j++) out[at + j] = base[points[j] + o];
  } else if (method === METHOD_CUBIC_OVER_BASE) {
    for (let m = 0; m < b.nd; m++) {
      const e = b.dirs[m];
      overBaseAlong(recon, base, o, b, e, strides[e], points, out, at, modeOf(m, b.nd));
    }
  } else return false;
  return true;
}

/**
 * Plain cubic (into out[cubicAt + j]) and linear (out[linearAt + j]) interpolation of the block's points, from
 * the same neighbours; either slot may be NOT_WANTED (the decoder predicts only the method it reads).
 */
export function interpolateBlock(recon: Float64Array, b: Block, strides: number[], points: Int32Array, out: Float64Array, cubicAt: number, linearAt: number): void {
  const nd = b.nd;
  for (let m = 0; m < nd; m++) {
    const e = b.dirs[m];
    if (e === 2) alongRows(recon, b, strides[2], points, out, cubicAt, linearAt, modeOf(m, nd));
    else acrossRows(recon, b, e, strides[e], points, out, cubicAt, linearAt, modeOf(m, nd));
  }
}

/** Cubic interpolation at point i from the neighbours at ±along and ±3·along that `stencil` (not NEAR) says exist. */
function cubicOf(stencil: number, recon: Float64Array, i: number, along: number, along3: number): number {
  const p = recon[i - along];
  const q = recon[i + along];
  if (stencil === STENCIL_CUBIC) return (-recon[i - along3] + 9 * p + 9 * q - recon[i + along3]) / 16;
  if (stencil === STENCIL_NO_LEFT) return (3 * p + 6 * q - recon[i + along3]) / 8;
  if (stencil === STENCIL_NO_RIGHT) return (-recon[i - along3] + 6 * p + 3 * q) / 8;
  return (p + q) / 2;
}

/** Along axis e ≠ 2, whose geometry each row shares (its position in L_e). */
function acrossRows(
  recon: Float64Array, b: Block, e: number, unit: number, points: Int32Array, out: Float64Array, cubicAt: number, linearAt: number, mode: number,
): void {
  const s = b.s;
  const nd = b.nd;
  const along = s * unit;
  const along3 = 3 * along;
  const stencils = b.stencil[e];
  const rowLength = b.b2 - b.a2;
  const cubic = cubicAt !== NOT_WANTED;
  const linear = linearAt !== NOT_WANTED;
  let first = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    for (let x1 = b.a1; x1 < b.b1; x1++, first += rowLength) {
      const x = e === 0 ? x0 : x1;
      const stencil = stencils[x];
      const end = first + rowLength;
      if (stencil === STENCIL_NEAR) {
        for (let k = first; k < end; k++) nearPoint(recon, b, e, x, unit, points[k], out, cubicAt, linearAt, k, mode);
        continue;
      }
      if (cubic && linear) {
        // The encoder's case: both in one pass over the block's points.
        for (let k = first; k < end; k++) {
          const i = points[k];
          out[cubicAt + k] = combine(out[cubicAt + k], cubicOf(stencil, recon, i, along, along3), mode, nd);
          out[linearAt + k] = combine(out[linearAt + k], (recon[i - along] + recon[i + along]) / 2, mode, nd);
        }
      } else if (cubic) {
        for (let k = first; k < end; k++) out[cubicAt + k] = combine(out[cubicAt + k], cubicOf(stencil, recon, points[k], along, along3), mode, nd);
      } else if (linear) {
        for (let k = first; k < end; k++) out[linearAt + k] = combine(out[linearAt + k], (recon[points[k] - along] + recon[points[k] + along]) / 2, mode, nd);
      }
    }
  }
}

/** Along axis 2, the rows' own (the geometry changes along a row near the ends). */
function alongRows(
  recon: Float64Array, b: Block, unit: number, points: Int32Array, out: Float64Array, cubicAt: number, linearAt: number, mode: number,
): void {
  const s = b.s;
  const nd = b.nd;
  const along = s * unit;
  const along3 = 3 * along;
  const stencils = b.stencil[2];
  const a2 = b.a2;
  const b2 = b.b2;
  const total = pointsOf(b);
  const cubic = cubicAt !== NOT_WANTED;
  const linear = linearAt !== NOT_WANTED;
  for (let k = 0, x = a2; k < total; k++) {
    const i = points[k];
    const stencil = stencils[x];
    if (stencil === STENCIL_NEAR) {
      // Apart: a call's result mixed into this loop's numbers would box every one of them.
      nearPoint(recon, b, 2, x, unit, i, out, cubicAt, linearAt, k, mode);
    } else {
      if (cubic) out[cubicAt + k] = combine(out[cubicAt + k], cubicOf(stencil, recon, i, along, along3), mode, nd);
      if (linear) out[linearAt + k] = combine(out[linearAt + k], (recon[i - along] + recon[i + along]) / 2, mode, nd);
    }
    x = x + 1 === b2 ? a2 : x + 1;
  }
}

/** Cubic interpolation of recon − base along axis e, plus the base at the point. */
function overBaseAlong(
  recon: Float64Array, base: Float64Array, o: number, b: Block, e: number, unit: number, points: Int32Array, out: Float64Array, at: number, mode: number,
): void {
  const s = b.s;
  const nd = b.nd;
  const along = s * unit;
  const along3 = 3 * along;
  const stencils = b.stencil[e];
  let k = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      for (let x2 = b.a2; x2 < b.b2; x2++, k++) {
        const i = points[k];
        const x = e === 0 ? x0 : e === 1 ? x1 : x2;
        const stencil = stencils[x];
        if (stencil === STENCIL_NEAR) {
          nearPointOverBase(recon, base, o, b, e, x, unit, i, out, at + k, mode);
          continue;
        }
        const offset = base[i + o];
        const p = recon[i - along] - base[i - along + o];
        const q = recon[i + along] - base[i + along + o];
        let v = 0;
        if (stencil === STENCIL_CUBIC) v = (-(recon[i - along3] - base[i - along3 + o]) + 9 * p + 9 * q - (recon[i + along3] - base[i + along3 + o])) / 16 + offset;
        else if (stencil === STENCIL_NO_LEFT) v = (3 * p + 6 * q - (recon[i + along3] - base[i + along3 + o])) / 8 + offset;
        else if (stencil === STENCIL_NO_RIGHT) v = (-(recon[i - along3] - base[i - along3 + o]) + 6 * p + 3 * q) / 8 + offset;
        else v = (p + q) / 2 + offset;
        out[at + k] = combine(out[at + k], v, mode, nd);
      }
    }
  }
}

/** Plain cubic and linear at point i near an axis's end (position x in L_e), combined into out[cubicAt + k] and out[linearAt + k] (each unless NOT_WANTED). */
function nearPoint(
  recon: Float64Array, b: Block, e: number, x: number, unit: number, i: number, out: Float64Array, cubicAt: number, linearAt: number, k: number, mode: number,
): void {
  const before3 = b.before3[e][x] === 1, right1 = b.right1[e][x], right3 = b.right3[e][x];
  if (cubicAt !== NOT_WANTED) out[cubicAt + k] = combine(out[cubicAt + k], predictAlong(METHOD_CUBIC, recon, recon, 0, i, unit, b.s, before3, right1, right3), mode, b.nd);
  if (linearAt !== NOT_WANTED) out[linearAt + k] = combine(out[linearAt + k], predictAlong(METHOD_LINEAR, recon, recon, 0, i, unit, b.s, before3, right1, right3), mode, b.nd);
}

/** Cubic over the base at point i near an axis's end, combined into out[j]. */
function nearPointOverBase(
  recon: Float64Array, base: Float64Array, o: number, b: Block, e: number, x: number, unit: number, i: number, out: Float64Array, j: number, mode: number,
): void {
  const v = predictAlong(METHOD_CUBIC_OVER_BASE, recon, base, o, i, unit, b.s, b.before3[e][x] === 1, b.right1[e][x], b.right3[e][x]);
  out[j] = combine(out[j], v, mode, b.nd);
}
