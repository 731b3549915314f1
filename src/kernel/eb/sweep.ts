// The inner loops of the multilevel interpolation (interpolation.ts drives the levels and sweeps): one sweep's
// blocks, each choosing its candidate predictor by the encoder's cost estimate, then coded row by row. The
// geometry of every point along each axis (which neighbours exist) is tabled once per sweep; the block kernels
// (kernels.ts) predict a whole block per call from it.

import type { Edges } from './interpolation';
import { PointCoder } from './pointcoder';
import { METHOD_BASE, METHOD_CUBIC, METHOD_LINEAR, predictAlong } from './predictors';
import { blockPoints, interpolateBlock, NOT_WANTED, predictBlock, STENCIL_CUBIC, STENCIL_LINEAR, STENCIL_NEAR, STENCIL_NO_LEFT, STENCIL_NO_RIGHT } from './kernels';
import { Candidate, chooseAndRecord, costOfResidual, GridView, inverseStepOf } from './traversal';

/** Scratch space of one traversal: every candidate's predictions for one block, its points, and a row's points and activities. */
class Scratch {
  predictions = new Float64Array(0);
  blockPoints = new Int32Array(0);
  activities = new Int32Array(0);
  points = new Int32Array(0);

  reserve(predictions: number, points: number, row: number): void {
    if (this.predictions.length < predictions) this.predictions = new Float64Array(Math.max(predictions, 2 * this.predictions.length));
    if (this.blockPoints.length < points) this.blockPoints = new Int32Array(Math.max(points, 2 * this.blockPoints.length));
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
  /** The same geometry as one of the STENCIL_ codes (kernels.ts), for the block kernels' common cases. */
  stencil: [Uint8Array, Uint8Array, Uint8Array];
  L0: Int32Array; L1: Int32Array; L2: Int32Array;
  a0: number; b0: number; a1: number; b1: number; a2: number; b2: number;
}

/** A block with empty lists and geometry (setSweepGeometry sizes them). */
export function newBlock(): Block {
  return {
    d: 0, s: 0, dirs: new Int32Array(3), nd: 1, previous: 0,
    before3: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
    right1: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
    right3: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
    stencil: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
    L0: new Int32Array(0), L1: new Int32Array(0), L2: new Int32Array(0), a0: 0, b0: 0, a1: 0, b1: 0, a2: 0, b2: 0,
  };
}

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
const sharedBlock: Block = newBlock();
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
        scratch.reserve(n * points, points, rowLength);
        const predictions = scratch.predictions;
        blockPoints(block, view.offset, view.strides, scratch.blockPoints);
        if (pc.encoding) predictAndCost(pc.recon, pc.targets, view, block, methods, bases, baseOffsets, predictions, points, costs, inverseStepOf(pc, step), scratch.blockPoints);
        previous = chooseAndRecord(pc, n, costs, previous, counts);
        // The encoder predicted every candidate already; the decoder predicts the chosen one (nothing in a
        // block predicts from the block itself).
        const at = previous * points;
        if (!pc.encoding) {
          const { method, base, baseOffset } = candidates[previous];
          predictBy(method, base, baseOffset, pc.recon, view, block, scratch.blockPoints, predictions, at);
        }
        codeBlock(pc, view, block, level, step, predictions, at, scratch);
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

/** The estimated bits of the residuals of the block's points under predictions[at…], summed in loop order. */
function costOfBlock(targets: Float64Array, points: Int32Array, total: number, predictions: Float64Array, at: number, inverseStep: number): number {
  let sum = 0;
  for (let j = 0; j < total; j++) sum += costOfResidual(targets[points[j]] - predictions[at + j], inverseStep);
  return sum;
}

/** The block's predictions by one candidate into predictions[at…], by a block kernel or point by point. */
function predictBy(
  method: number, base: Float64Array, baseOffset: number, recon: Float64Array, view: GridView, b: Block, points: Int32Array, predictions: Float64Array, at: number,
): void {
  const strides = view.strides;
  if (predictBlock(method, recon, base, baseOffset, b, strides, points, predictions, at, NOT_WANTED)) return;
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++)
    for (let x1 = b.a1; x1 < b.b1; x1++)
      for (let x2 = b.a2; x2 < b.b2; x2++, j++) predictions[at + j] = predictAt(method, recon, base, baseOffset, points[j], b, strides, x0, x1, x2);
}

/**
 * The encoder's look at a block: every candidate's prediction of every point (into predictions[k·points + j],
 * j in loop order; blockPoints: the points' flat indices) and the estimated bits of the block's indices under
 * each (costs[k]). Plain cubic and linear are predicted in one pass.
 */
function predictAndCost(
  recon: Float64Array, targets: Float64Array, view: GridView, b: Block, methods: Int32Array, bases: Float64Array[], baseOffsets: Int32Array,
  predictions: Float64Array, points: number, costs: Float64Array, inverseStep: number, blockPoints: Int32Array,
): void {
  const n = methods.length;
  let cubic = n;
  let linear = n;
  for (let k = 0; k < n; k++) {
    if (methods[k] === METHOD_CUBIC && cubic === n) cubic = k;
    else if (methods[k] === METHOD_LINEAR && linear === n) linear = k;
  }
  if (cubic < n || linear < n) {
    interpolateBlock(recon, b, view.strides, blockPoints, predictions, cubic < n ? cubic * points : NOT_WANTED, linear < n ? linear * points : NOT_WANTED);
  }
  // One candidate needs no estimate (chooseAndRecord compares none).
  if (n === 1) {
    if (cubic === n && linear === n) predictBy(methods[0], bases[0], baseOffsets[0], recon, view, b, blockPoints, predictions, 0);
    return;
  }
  if (cubic < n && linear < n) costsOfTwo(targets, blockPoints, points, predictions, cubic * points, linear * points, inverseStep, costs, cubic, linear);
  for (let k = 0; k < n; k++) {
    if (k === cubic && linear < n) continue;
    if (k === linear && cubic < n) continue;
    const at = k * points;
    if (k !== cubic && k !== linear) predictBy(methods[k], bases[k], baseOffsets[k], recon, view, b, blockPoints, predictions, at);
    costs[k] = costOfBlock(targets, blockPoints, points, predictions, at, inverseStep);
  }
}

/** costOfBlock of two candidates' predictions (at a and at b) in one pass, each summed in loop order, into costs[ka] and costs[kb]. */
function costsOfTwo(
  targets: Float64Array, points: Int32Array, total: number, predictions: Float64Array, a: number, b: number, inverseStep: number,
  costs: Float64Array, ka: number, kb: number,
): void {
  let sumA = 0;
  let sumB = 0;
  for (let j = 0; j < total; j++) {
    const x = targets[points[j]];
    sumA += costOfResidual(x - predictions[a + j], inverseStep);
    sumB += costOfResidual(x - predictions[b + j], inverseStep);
  }
  costs[ka] = sumA;
  costs[kb] = sumB;
}

/**
 * Codes the block row by row (a row: its points along axis 2, one call of the PointCoder), its points at
 * scratch.blockPoints and its predictions at predictions[at…], both in loop order. Context activity: |q| of the
 * neighbours on both sides along d and of the one 2s before (weight 2), and of the previous known point
 * along each other axis; the row's own previous point is added by the PointCoder.
 */
function codeBlock(pc: PointCoder, view: GridView, b: Block, level: number, step: number, predictions: Float64Array, at: number, scratch: Scratch): void {
  const { strides } = view;
  const { d, s, L0, L1, L2 } = b;
  const unit = strides[d];
  const along = unit * s;
  const before3d = b.before3[d];
  const right1d = b.right1[d];
  const absIndex = pc.absIndex;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  const { activities, points, blockPoints } = scratch;
  // Along axis 2 the row's previous point is the −2s neighbour (weight 2); across it, the sweep's previous point.
  const chainWeight = d === 2 ? 2 : 1;
  const rowLength = b.b2 - b.a2;
  // Across axis 2, the previous known point along it of each row's first point (0: none).
  const hasBack2 = b.a2 > 0;
  const back2 = hasBack2 ? (L2[b.a2] - L2[b.a2 - 1]) * st2 : 0;
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const back0 = x0 > 0 ? (L0[x0] - L0[x0 - 1]) * st0 : 0;
    for (let x1 = b.a1; x1 < b.b1; x1++, j += rowLength) {
      const back1 = x1 > 0 ? (L1[x1] - L1[x1 - 1]) * st1 : 0;
      if (d === 2) {
        for (let x2 = b.a2, k = 0; x2 < b.b2; x2++, k++) {
          const i = blockPoints[j + k];
          const right1 = right1d[x2];
          let activity = absIndex[i - along] + (right1 !== 0 ? absIndex[i + right1 * unit] : 0);
          if (k === 0 && before3d[x2] === 1) activity += 2 * absIndex[i - 2 * along];
          if (back0 !== 0) activity += absIndex[i - back0];
          if (back1 !== 0) activity += absIndex[i - back1];
          activities[k] = activity;
          points[k] = i;
        }
      } else {
        // Along axis 0 or 1 the geometry is the row's: the same neighbours for every point.
        const xd = d === 0 ? x0 : x1;
        const right1 = right1d[xd];
        const right = right1 * unit;
        const twoBefore = before3d[xd] === 1;
        const back = d === 0 ? back1 : back0;
        for (let k = 0; k < rowLength; k++) {
          const i = blockPoints[j + k];
          let activity = absIndex[i - along] + (right1 !== 0 ? absIndex[i + right] : 0);
          if (twoBefore) activity += 2 * absIndex[i - 2 * along];
          if (back !== 0) activity += absIndex[i - back];
          activities[k] = activity;
          points[k] = i;
        }
        if (hasBack2) activities[0] += absIndex[points[0] - back2];
      }
      pc.codeStrip(points, rowLength, predictions, at + j, activities, chainWeight, step, level);
    }
  }
}
