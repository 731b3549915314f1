// The inner loops of the multilevel interpolation (interpolation.ts drives the levels and sweeps): one sweep's
// blocks, each choosing its candidate predictor by the encoder's cost estimate, then coded row by row. The
// geometry of every point along each axis (which neighbours exist) is tabled once per sweep, and plain cubic
// and linear interpolation (the common candidates) are predicted together from the same neighbours. (About 440
// lines, one concern: the specialised loops share the scratch and the neighbour tables, and are pinned by byte tests.)

import type { Edges } from './interpolation';
import { PointCoder } from './pointcoder';
import { METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, predictAlong } from './predictors';
import { Candidate, chooseAndRecord, costOfResidual, GridView, inverseOf } from './traversal';

/** Scratch space of one traversal: every candidate's predictions for one block, and a row's points and activities. */
class Scratch {
  predictions = new Float64Array(0);
  activities = new Int32Array(0);
  points = new Int32Array(0);
  /** interpolateBoth's cubic and linear prediction of one point (and its scratch). */
  readonly both = new Float64Array(4);

  reserve(predictions: number, row: number): void {
    if (this.predictions.length < predictions) this.predictions = new Float64Array(Math.max(predictions, 2 * this.predictions.length));
    if (this.activities.length < row) {
      this.activities = new Int32Array(Math.max(row, 2 * this.activities.length));
      this.points = new Int32Array(this.activities.length);
    }
  }
}

/**
 * One block of one sweep: the points (L0[x0], L1[x1], L2[x2]) for x_e in [a_e, b_e), interpolated at stride
 * s along axis d (= dirs[0]) and, when nd > 1, along dirs[1…nd − 1] too, the predictions averaged.
 */
export interface Block {
  d: number;
  s: number;
  dirs: Int32Array;
  nd: number;
  /** The last block's choice. */
  previous: number;
  /**
   * The sweep's geometry along each axis e, by position x in its list L_e (setSweepGeometry): whether the
   * point 3s before exists (before3), how far right the next known points lie (right1, right3; 0: none).
   */
  before3: [Uint8Array, Uint8Array, Uint8Array];
  right1: [Int32Array, Int32Array, Int32Array];
  right3: [Int32Array, Int32Array, Int32Array];
  /** The same geometry as one of the STENCIL_ codes, for interpolateBoth's common cases. */
  stencil: [Uint8Array, Uint8Array, Uint8Array];
  L0: Int32Array; L1: Int32Array; L2: Int32Array;
  a0: number; b0: number; a1: number; b1: number; a2: number; b2: number;
}

/** Neighbours at −3s, −s, +s, +3s; −s, +s, +3s; −3s, −s, +s; −s, +s; anything else (near an axis's end). */
const STENCIL_CUBIC = 0;
const STENCIL_NO_LEFT = 1;
const STENCIL_NO_RIGHT = 2;
const STENCIL_LINEAR = 3;
const STENCIL_NEAR = 4;

/** The end of the run of list[from…] inside the same block of `edge` as list[from]. */
function blockEnd(list: Int32Array, from: number, edge: number): number {
  const limit = (Math.floor(list[from] / edge) + 1) * edge;
  let to = from + 1;
  while (to < list.length && list[to] < limit) to++;
  return to;
}

/** What a traversal works with besides the views: the candidates' arrays, scratch space, the block being coded. */
interface Work {
  costs: Float64Array;
  scratch: Scratch;
  methods: Int32Array;
  bases: Float64Array[];
  baseOffsets: Int32Array;
  block: Block;
}

/**
 * One scratch and block for every traversal (they never nest; each worker thread has its own), and the
 * candidates' arrays once per candidate list: the many small views of a table, and the frames of the
 * temporal mode (a list per frame), allocate nothing each.
 */
const sharedScratch = new Scratch();
const sharedBlock: Block = {
  d: 0, s: 0, dirs: new Int32Array(3), nd: 1, previous: 0,
  before3: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
  right1: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
  right3: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
  stencil: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
  L0: new Int32Array(0), L1: new Int32Array(0), L2: new Int32Array(0), a0: 0, b0: 0, a1: 0, b1: 0, a2: 0, b2: 0,
};
const works = new WeakMap<Candidate[], Work>();

export function workFor(candidates: Candidate[]): Work {
  let work = works.get(candidates);
  if (!work) {
    work = {
      costs: new Float64Array(candidates.length),
      scratch: sharedScratch,
      methods: Int32Array.from(candidates, (c) => c.method),
      bases: candidates.map((c) => c.base),
      baseOffsets: Int32Array.from(candidates, (c) => c.baseOffset),
      block: sharedBlock,
    };
    works.set(candidates, work);
  }
  return work;
}

/** The blocks of one sweep, each choosing its candidate (block.previous: the last choice, for the next sweep's context). */
export function codeSweep(
  pc: PointCoder, view: GridView, block: Block, edge: number, level: number, step: number, candidates: Candidate[],
  methods: Int32Array, bases: Float64Array[], baseOffsets: Int32Array, costs: Float64Array, scratch: Scratch, counts: Int32Array, previousChoice: number,
): void {
  const n = candidates.length;
  let previous = previousChoice;
      for (let a0 = 0; a0 < block.L0.length; a0 = block.b0) {
        block.a0 = a0;
        block.b0 = blockEnd(block.L0, a0, edge);
        for (let a1 = 0; a1 < block.L1.length; a1 = block.b1) {
          block.a1 = a1;
          block.b1 = blockEnd(block.L1, a1, edge);
          for (let a2 = 0; a2 < block.L2.length; a2 = block.b2) {
            block.a2 = a2;
            block.b2 = blockEnd(block.L2, a2, edge);
            const rowLength = block.b2 - block.a2;
            const points = (block.b0 - block.a0) * (block.b1 - block.a1) * rowLength;
            scratch.reserve(n * points, rowLength);
            const predictions = scratch.predictions;
            if (pc.encoding) predictAndCost(pc.recon, pc.targets, view, block, methods, bases, baseOffsets, predictions, points, costs, inverseOf(step), scratch.both);
            previous = chooseAndRecord(pc, n, costs, previous, counts);
            // The encoder predicted every candidate already; the decoder predicts the chosen one row by row.
            codeBlock(pc, view, block, level, step, predictions, previous * points, scratch, pc.encoding ? undefined : candidates[previous]);
          }
        }
      }
  block.previous = previous;
}

/**
 * How far right of coordinate c (on an axis whose last index is `last`) the nearest known point lies at
 * stride s: s, or nearer the last point, 0 when there is none (open edges).
 */
function rightOf(c: number, s: number, last: number, edges: Edges): number {
  return c + s <= last ? s : edges === 'anchored' ? last - c : 0;
}

/** The next known point after right1 (0: none): 3s, or the last point when it lies between. */
function right3Of(c: number, s: number, last: number, right1: number, edges: Edges): number {
  if (right1 !== s) return 0;
  if (c + 3 * s <= last) return 3 * s;
  return edges === 'anchored' && c + s < last ? last - c : 0;
}

/** The sweep's geometry tables (Block.before3/right1/right3) for its lists L0, L1, L2 at stride block.s. */
export function setSweepGeometry(b: Block, dims: [number, number, number], edges: Edges): void {
  const s = b.s;
  const lists = [b.L0, b.L1, b.L2];
  for (let e = 0; e < 3; e++) {
    const list = lists[e];
    if (b.right1[e].length < list.length) {
      const size = Math.max(list.length, 2 * b.right1[e].length);
      b.before3[e] = new Uint8Array(size);
      b.right1[e] = new Int32Array(size);
      b.right3[e] = new Int32Array(size);
      b.stencil[e] = new Uint8Array(size);
    }
    const last = dims[e] - 1;
    const before3 = b.before3[e], right1 = b.right1[e], right3 = b.right3[e], stencil = b.stencil[e];
    for (let x = 0; x < list.length; x++) {
      const c = list[x];
      const r1 = rightOf(c, s, last, edges);
      const r3 = right3Of(c, s, last, r1, edges);
      const left = c >= 3 * s;
      before3[x] = left ? 1 : 0;
      right1[x] = r1;
      right3[x] = r3;
      if (r1 !== s || (r3 !== 0 && r3 !== 3 * s)) stencil[x] = STENCIL_NEAR;
      else if (r3 !== 0) stencil[x] = left ? STENCIL_CUBIC : STENCIL_NO_LEFT;
      else stencil[x] = left ? STENCIL_NO_RIGHT : STENCIL_LINEAR;
    }
  }
}

/**
 * The prediction of `method` at point i = (L0[x0], L1[x1], L2[x2]): along the sweep's axis, or the mean along
 * each of its directions.
 */
function predictAt(
  method: number, recon: Float64Array, base: Float64Array, baseOffset: number, i: number, b: Block, strides: number[], x0: number, x1: number, x2: number,
): number {
  if (method === METHOD_BASE) return base[i + baseOffset];
  const s = b.s;
  const nd = b.nd;
  if (nd === 1) {
    const d = b.d;
    const x = d === 0 ? x0 : d === 1 ? x1 : x2;
    return predictAlong(method, recon, base, baseOffset, i, strides[d], s, b.before3[d][x] === 1, b.right1[d][x], b.right3[d][x]);
  }
  let sum = 0;
  for (let m = 0; m < nd; m++) {
    const e = b.dirs[m];
    const x = e === 0 ? x0 : e === 1 ? x1 : x2;
    sum += predictAlong(method, recon, base, baseOffset, i, strides[e], s, b.before3[e][x] === 1, b.right1[e][x], b.right3[e][x]);
  }
  return sum / nd;
}

/**
 * predictAt for plain cubic and linear interpolation (no base) at once, from the same neighbours: into
 * both[0] (cubic) and both[1] (linear). The same arithmetic as predictAlong, term for term.
 */
function interpolateBoth(recon: Float64Array, i: number, b: Block, strides: number[], x0: number, x1: number, x2: number, both: Float64Array): void {
  const s = b.s;
  const nd = b.nd;
  const dirs = b.dirs;
  const stencils = b.stencil;
  let cubic = 0;
  let linear = 0;
  for (let m = 0; m < nd; m++) {
    const e = dirs[m];
    const x = e === 0 ? x0 : e === 1 ? x1 : x2;
    const unit = strides[e];
    const stencil = stencils[e][x];
    let c3 = 0;
    let c1 = 0;
    if (stencil !== STENCIL_NEAR) {
      const along = s * unit;
      const p = recon[i - along];
      const q = recon[i + along];
      c1 = (p + q) / 2;
      if (stencil === STENCIL_CUBIC) c3 = (-recon[i - 3 * along] + 9 * p + 9 * q - recon[i + 3 * along]) / 16;
      else if (stencil === STENCIL_NO_LEFT) c3 = (3 * p + 6 * q - recon[i + 3 * along]) / 8;
      else if (stencil === STENCIL_NO_RIGHT) c3 = (-recon[i - 3 * along] + 6 * p + 3 * q) / 8;
      else c3 = (p + q) / 2;
    } else {
      const before3 = b.before3[e][x] === 1;
      const right1 = b.right1[e][x];
      const right3 = b.right3[e][x];
      // Through the typed array: a call's result mixed into these sums would box every number of the loop.
      both[2] = predictAlong(METHOD_CUBIC, recon, recon, 0, i, unit, s, before3, right1, right3);
      both[3] = predictAlong(METHOD_LINEAR, recon, recon, 0, i, unit, s, before3, right1, right3);
      c3 = both[2];
      c1 = both[3];
    }
    // One direction: the prediction itself (0 + −0 would be +0); several: their mean.
    if (nd === 1) {
      cubic = c3;
      linear = c1;
    } else {
      cubic += c3;
      linear += c1;
    }
  }
  both[0] = nd === 1 ? cubic : cubic / nd;
  both[1] = nd === 1 ? linear : linear / nd;
}

/**
 * predictAt for cubic interpolation over a base (of recon − base, plus the base at i), into both[3] (both[0] and
 * both[1] keep interpolateBoth's); the same arithmetic as predictAlong's, term for term.
 */
function interpolateOverBase(
  recon: Float64Array, base: Float64Array, o: number, i: number, b: Block, strides: number[], x0: number, x1: number, x2: number, both: Float64Array,
): void {
  const s = b.s;
  const nd = b.nd;
  const dirs = b.dirs;
  const stencils = b.stencil;
  const offset = base[i + o];
  let sum = 0;
  for (let m = 0; m < nd; m++) {
    const e = dirs[m];
    const x = e === 0 ? x0 : e === 1 ? x1 : x2;
    const unit = strides[e];
    const stencil = stencils[e][x];
    let c3 = 0;
    if (stencil !== STENCIL_NEAR) {
      const along = s * unit;
      const p = recon[i - along] - base[i - along + o];
      const q = recon[i + along] - base[i + along + o];
      if (stencil === STENCIL_CUBIC) c3 = (-(recon[i - 3 * along] - base[i - 3 * along + o]) + 9 * p + 9 * q - (recon[i + 3 * along] - base[i + 3 * along + o])) / 16 + offset;
      else if (stencil === STENCIL_NO_LEFT) c3 = (3 * p + 6 * q - (recon[i + 3 * along] - base[i + 3 * along + o])) / 8 + offset;
      else if (stencil === STENCIL_NO_RIGHT) c3 = (-(recon[i - 3 * along] - base[i - 3 * along + o]) + 6 * p + 3 * q) / 8 + offset;
      else c3 = (p + q) / 2 + offset;
    } else {
      both[2] = predictAlong(METHOD_CUBIC_OVER_BASE, recon, base, o, i, unit, s, b.before3[e][x] === 1, b.right1[e][x], b.right3[e][x]);
      c3 = both[2];
    }
    if (nd === 1) sum = c3;
    else sum += c3;
  }
  both[3] = nd === 1 ? sum : sum / nd;
}

/** Whether any candidate is plain cubic or linear interpolation (interpolateBoth predicts them). */
function anyPlain(methods: Int32Array): boolean {
  for (let k = 0; k < methods.length; k++) if (methods[k] === METHOD_CUBIC || methods[k] === METHOD_LINEAR) return true;
  return false;
}

/**
 * The encoder's look at a block: every candidate's prediction of every point (into predictions[k·points + j],
 * j in loop order) and the estimated bits of the block's indices under each (costs[k]), in one sweep.
 */
function predictAndCost(
  recon: Float64Array, targets: Float64Array, view: GridView, b: Block, methods: Int32Array, bases: Float64Array[], baseOffsets: Int32Array,
  predictions: Float64Array, points: number, costs: Float64Array, inverseStep: number, both: Float64Array,
): void {
  const { offset, strides } = view;
  const { L0, L1, L2 } = b;
  const n = methods.length;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  if (n === 2 && methods[0] === METHOD_CUBIC && methods[1] === METHOD_LINEAR) {
    predictAndCostCubicLinear(recon, targets, view, b, predictions, points, costs, inverseStep, both);
    return;
  }
  const plain = anyPlain(methods);
  costs.fill(0);
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const c0 = L0[x0];
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      const rowBase = offset + c0 * st0 + L1[x1] * st1;
      for (let x2 = b.a2; x2 < b.b2; x2++, j++) {
        const i = rowBase + L2[x2] * st2;
        const x = targets[i];
        if (plain) interpolateBoth(recon, i, b, strides, x0, x1, x2, both);
        for (let k = 0; k < n; k++) {
          const method = methods[k];
          let prediction = 0;
          if (method === METHOD_CUBIC) prediction = both[0];
          else if (method === METHOD_LINEAR) prediction = both[1];
          else if (method === METHOD_BASE) prediction = bases[k][i + baseOffsets[k]];
          else if (method === METHOD_CUBIC_OVER_BASE) {
            interpolateOverBase(recon, bases[k], baseOffsets[k], i, b, strides, x0, x1, x2, both);
            prediction = both[3];
          } else {
            both[2] = predictAt(method, recon, bases[k], baseOffsets[k], i, b, strides, x0, x1, x2); // unboxed via the array
            prediction = both[2];
          }
          predictions[k * points + j] = prediction;
          costs[k] += costOfResidual(x - prediction, inverseStep);
        }
      }
    }
  }
}

/** predictAndCost for the candidates [cubic, linear] (the interpolation mode's), their costs summed in locals. */
function predictAndCostCubicLinear(
  recon: Float64Array, targets: Float64Array, view: GridView, b: Block, predictions: Float64Array, points: number, costs: Float64Array,
  inverseStep: number, both: Float64Array,
): void {
  const { offset, strides } = view;
  const { L0, L1, L2 } = b;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  let cubicCost = 0;
  let linearCost = 0;
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const c0 = L0[x0];
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      const rowBase = offset + c0 * st0 + L1[x1] * st1;
      for (let x2 = b.a2; x2 < b.b2; x2++, j++) {
        const i = rowBase + L2[x2] * st2;
        const x = targets[i];
        interpolateBoth(recon, i, b, strides, x0, x1, x2, both);
        const cubic = both[0];
        const linear = both[1];
        predictions[j] = cubic;
        predictions[points + j] = linear;
        cubicCost += costOfResidual(x - cubic, inverseStep);
        linearCost += costOfResidual(x - linear, inverseStep);
      }
    }
  }
  costs[0] = cubicCost;
  costs[1] = linearCost;
}

/**
 * Codes the block row by row (a row: its points along axis 2, one call of the PointCoder), its predictions
 * at predictions[at…] in loop order, or made here by `predictor` when given. Context activity: |q| of the
 * neighbours on both sides along d and of the one 2s before (weight 2), and of the previous known point
 * along each other axis; the row's own previous point is added by the PointCoder.
 */
function codeBlock(
  pc: PointCoder, view: GridView, b: Block, level: number, step: number, predictions: Float64Array, at: number, scratch: Scratch,
  predictor?: Candidate,
): void {
  const { offset, strides } = view;
  const { d, s, L0, L1, L2 } = b;
  const unit = strides[d];
  const along = unit * s;
  const before3d = b.before3[d];
  const right1d = b.right1[d];
  const absIndex = pc.absIndex;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  const { activities, points, both } = scratch;
  // Along axis 2 the row's previous point is the −2s neighbour (weight 2); across it, the sweep's previous point.
  const chainWeight = d === 2 ? 2 : 1;
  const recon = pc.recon;
  const method = predictor ? predictor.method : -1;
  const plain = method === METHOD_CUBIC || method === METHOD_LINEAR;
  const chosen = method === METHOD_CUBIC ? 0 : 1;
  const single = plain && b.nd === 1;
  const base = predictor ? predictor.base : recon;
  const baseOffset = predictor ? predictor.baseOffset : 0;
  let j = at;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const c0 = L0[x0];
    const back0 = x0 > 0 ? (c0 - L0[x0 - 1]) * st0 : 0;
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      const c1 = L1[x1];
      const back1 = x1 > 0 ? (c1 - L1[x1 - 1]) * st1 : 0;
      const rowBase = offset + c0 * st0 + c1 * st1;
      for (let x2 = b.a2, k = 0; x2 < b.b2; x2++, k++) {
        const i = rowBase + L2[x2] * st2;
        const xd = d === 0 ? x0 : d === 1 ? x1 : x2;
        // One direction: predictAlong inlined here (the decoder needs one method, not both).
        if (single) predictions[j + k] = predictAlong(method, recon, base, baseOffset, i, unit, s, before3d[xd] === 1, right1d[xd], b.right3[d][xd]);
        else if (plain) {
          interpolateBoth(recon, i, b, strides, x0, x1, x2, both);
          predictions[j + k] = both[chosen];
        } else if (method === METHOD_CUBIC_OVER_BASE) {
          interpolateOverBase(recon, base, baseOffset, i, b, strides, x0, x1, x2, both);
          predictions[j + k] = both[3];
        } else if (method >= 0) predictions[j + k] = predictAt(method, recon, base, baseOffset, i, b, strides, x0, x1, x2);
        const right1 = right1d[xd];
        let activity = absIndex[i - along] + (right1 !== 0 ? absIndex[i + right1 * unit] : 0);
        if (before3d[xd] === 1 && (d !== 2 || k === 0)) activity += 2 * absIndex[i - 2 * along];
        if (d !== 0 && back0 !== 0) activity += absIndex[i - back0];
        if (d !== 1 && back1 !== 0) activity += absIndex[i - back1];
        if (d !== 2 && k === 0 && x2 > 0) activity += absIndex[i - (L2[x2] - L2[x2 - 1]) * st2];
        activities[k] = activity;
        points[k] = i;
      }
      const rowLength = b.b2 - b.a2;
      pc.codeStrip(points, rowLength, predictions, j, activities, chainWeight, step, level);
      j += rowLength;
    }
  }
}
