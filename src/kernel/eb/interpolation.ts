// The multilevel interpolation traversal (SZ3-like, with QoZ's per-level tolerance schedules): level by level
// from the coarsest stride, every point interpolated from points already reconstructed along one axis, or
// along every axis it lies between ('all' directions: the predictions averaged). Each axis's last point is
// coded with the corners ('anchored' edges), so nothing near an axis's end is extrapolated.

import { PointCoder } from './pointcoder';
import { METHOD_BASE, predictAlong } from './predictors';
import { Candidate, chooseAndRecord, costOfResidual, GridView, inverseOf } from './traversal';

export interface InterpolationPlan {
  /** Order in which the dimensions are interpolated inside each level. */
  order: [number, number, number];
  /**
   * 'anchored': each axis's last point is coded with the corners, so every point has neighbours on both
   * sides (smooth data); 'open': points past the last multiple of the stride copy their left neighbour
   * (data whose edges are walls of another regime).
   */
  edges: Edges;
  /**
   * 'all': inside a level, points are coded by how many of the axes already done there they lie between
   * (none first), and each is interpolated along all of those and the pass's own axis, the predictions
   * averaged; 'one': along the pass's axis alone.
   */
  directions: Directions;
  /** Edge of the blocks that choose their predictor. */
  blockSize: number;
}

export type Edges = 'anchored' | 'open';
export type Directions = 'one' | 'all';

/** The stride of the coarsest level: the smallest power of two whose double reaches the longest axis's last point (anchored) or its end. */
function topStride(dims: number[], edges: Edges): number {
  const reach = Math.max(...dims) - (edges === 'anchored' ? 1 : 0);
  if (reach <= 1) return 0;
  let s = 1;
  while (s * 2 < reach) s *= 2;
  return s;
}

/** Levels of the multilevel interpolation of a view of these dims (level l has stride 2^l). */
export function interpolationLevels(dims: number[], edges: Edges): number {
  const s = topStride(dims, edges);
  return s === 0 ? 0 : 31 - Math.clz32(s) + 1;
}

/**
 * The coordinates along one axis (of n points) at the level of stride s. The axis's last point n − 1 is
 * known from the start (coded with the corners), so every point a level interpolates has a neighbour on
 * both sides: nothing is extrapolated, whatever the axis's length.
 */
interface AxisLevel {
  /** Odd multiples of s below n − 1: the points this level interpolates along the axis. */
  fresh: Int32Array;
  /** Multiples of s below n − 1, then n − 1: known once this level's pass along the axis is done. */
  done: Int32Array;
  /** Multiples of 2s below n − 1, then n − 1: known before this level. */
  before: Int32Array;
}

/** first, first + spacing, … below `end`, then `end` itself when `withEnd`. */
function progression(first: number, spacing: number, end: number, withEnd: boolean): Int32Array {
  const count = first < end ? Math.floor((end - 1 - first) / spacing) + 1 : 0;
  const out = new Int32Array(count + (withEnd ? 1 : 0));
  for (let k = 0; k < count; k++) out[k] = first + k * spacing;
  if (withEnd) out[count] = end;
  return out;
}

function axisLevel(n: number, s: number, edges: Edges): AxisLevel {
  if (edges === 'open') return { fresh: progression(s, 2 * s, n, false), done: progression(0, s, n, false), before: progression(0, 2 * s, n, false) };
  const last = n - 1;
  // An axis of one point: 0 is its last point too.
  return { fresh: progression(s, 2 * s, last, false), done: progression(0, s, last, true), before: progression(0, 2 * s, last, true) };
}

/** Scratch space of one traversal: every candidate's predictions for one block, and a row's points and activities. */
class Scratch {
  predictions = new Float64Array(0);
  activities = new Int32Array(0);
  points = new Int32Array(0);

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
interface Block {
  d: number;
  s: number;
  dirs: Int32Array;
  nd: number;
  /** The last block's choice. */
  previous: number;
  /** The current point's geometry along each direction (setGeometry): stride, before3, right1, right3. */
  units: Int32Array;
  before3: Uint8Array;
  right1: Int32Array;
  right3: Int32Array;
  L0: Int32Array; L1: Int32Array; L2: Int32Array;
  a0: number; b0: number; a1: number; b1: number; a2: number; b2: number;
}

/** The end of the run of list[from…] inside the same block of `edge` as list[from]. */
function blockEnd(list: Int32Array, from: number, edge: number): number {
  const limit = (Math.floor(list[from] / edge) + 1) * edge;
  let to = from + 1;
  while (to < list.length && list[to] < limit) to++;
  return to;
}

/**
 * Multilevel interpolation (SZ3-like): the origin, then the corners (the last point of each axis), then level
 * by level from the coarsest stride, and inside a level axis by axis in `plan.order`, every point is
 * interpolated from the already reconstructed points ±s and ±3s along that axis (nearer the axis's last
 * point, from the points there are). `steps[l]` is the quantisation step of level l (steps[levels] for
 * the origin and the corners).
 */
export function codeByInterpolation(
  pc: PointCoder, view: GridView, plan: InterpolationPlan, steps: Float64Array, candidates: Candidate[], counts: Int32Array,
): void {
  const { dims } = view;
  const { edges } = plan;
  const levels = interpolationLevels(dims, edges);
  const anchor = candidates.find((c) => c.spec.base !== undefined);
  codeCorners(pc, view, plan.order, edges, steps[levels], levels, anchor);
  const { costs, scratch, methods, bases, baseOffsets, block } = workFor(candidates);
  const lists: Int32Array[] = [block.L0, block.L1, block.L2];
  let previous = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const s = 2 ** level;
    const step = steps[level];
    const edge = Math.max(plan.blockSize, 4 * s);
    const axes = dims.map((n) => axisLevel(n, s, edges));
    for (let pass = 0; pass < 3; pass++) {
      const d = plan.order[pass];
      if (axes[d].fresh.length === 0) continue;
      const done = plan.order.slice(0, pass).filter((e) => axes[e].fresh.length > 0);
      // 'all': one sweep per choice of before/fresh on each axis already done, fewest fresh first, so
      // that a point's neighbours along those axes are known; 'one': a single sweep over done points.
      const sweeps = plan.directions === 'all' ? subsetsBySize(done) : [undefined];
      for (const freshAxes of sweeps) {
        block.nd = 1;
        block.dirs[0] = d;
        for (let e = 0; e < 3; e++) {
          if (e === d) lists[e] = axes[e].fresh;
          else if (plan.order.indexOf(e) >= pass) lists[e] = axes[e].before;
          else if (!freshAxes) lists[e] = axes[e].done;
          else if (freshAxes.includes(e)) {
            lists[e] = axes[e].fresh;
            block.dirs[block.nd++] = e;
          } else lists[e] = axes[e].before;
        }
        if (lists[0].length === 0 || lists[1].length === 0 || lists[2].length === 0) continue;
        block.d = d;
        block.s = s;
        block.L0 = lists[0];
        block.L1 = lists[1];
        block.L2 = lists[2];
        codeSweep(pc, view, block, edges, edge, level, step, candidates, methods, bases, baseOffsets, costs, scratch, counts, previous);
        previous = block.previous;
      }
    }
  }
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

/** One Work per candidate list, so that the many small views of a table allocate nothing each. */
const works = new WeakMap<Candidate[], Work>();

function workFor(candidates: Candidate[]): Work {
  let work = works.get(candidates);
  if (!work) {
    work = {
      costs: new Float64Array(candidates.length),
      scratch: new Scratch(),
      methods: Int32Array.from(candidates, (c) => c.method),
      bases: candidates.map((c) => c.base),
      baseOffsets: Int32Array.from(candidates, (c) => c.baseOffset),
      block: {
        d: 0, s: 0, dirs: new Int32Array(3), nd: 1, previous: 0,
        units: new Int32Array(3), before3: new Uint8Array(3), right1: new Int32Array(3), right3: new Int32Array(3),
        L0: new Int32Array(0), L1: new Int32Array(0), L2: new Int32Array(0), a0: 0, b0: 0, a1: 0, b1: 0, a2: 0, b2: 0,
      },
    };
    works.set(candidates, work);
  }
  return work;
}

/** Every subset of `axes`, smallest first (the empty one first). */
function subsetsBySize(axes: number[]): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << axes.length; mask++) subsets.push(axes.filter((_, k) => (mask >> k) & 1));
  return subsets.sort((a, b) => a.length - b.length);
}

/** The blocks of one sweep, each choosing its candidate (block.previous: the last choice, for the next sweep's context). */
function codeSweep(
  pc: PointCoder, view: GridView, block: Block, edges: Edges, edge: number, level: number, step: number, candidates: Candidate[],
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
            if (pc.encoding) predictAndCost(pc.recon, pc.targets, view, block, edges, methods, bases, baseOffsets, predictions, points, costs, inverseOf(step));
            previous = chooseAndRecord(pc, n, costs, previous, counts);
            // The encoder predicted every candidate already; the decoder predicts the chosen one row by row.
            codeBlock(pc, view, block, edges, level, step, predictions, previous * points, scratch, pc.encoding ? undefined : candidates[previous]);
          }
        }
      }
  block.previous = previous;
}

/**
 * The origin (predicted by the base, else 0) and then, with anchored edges, the corners: axis by axis in
 * `order`, the points whose coordinate along it is its last, the others 0 or their last (those axes
 * already done), each predicted by the point at 0 along the axis (its difference from the base, when
 * there is one).
 */
function codeCorners(pc: PointCoder, view: GridView, order: [number, number, number], edges: Edges, step: number, level: number, anchor: Candidate | undefined): void {
  const { dims, offset, strides } = view;
  pc.code(offset, anchor ? anchor.base[offset + anchor.baseOffset] : 0, step, level, 0);
  if (edges === 'open') return;
  const known: number[][] = [[0], [0], [0]];
  for (const d of order) {
    const last = dims[d] - 1;
    if (last <= 0) continue;
    const [k0, k1, k2] = known.map((list, e) => (e === d ? [last] : list));
    for (const c0 of k0)
      for (const c1 of k1)
        for (const c2 of k2) {
          const i = offset + c0 * strides[0] + c1 * strides[1] + c2 * strides[2];
          const from = i - last * strides[d];
          const prediction = anchor ? pc.recon[from] - anchor.base[from + anchor.baseOffset] + anchor.base[i + anchor.baseOffset] : pc.recon[from];
          pc.code(i, prediction, step, level, 2 * pc.absIndex[from]);
        }
    known[d] = [0, last];
  }
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

/**
 * The encoder's look at a block: every candidate's prediction of every point (into predictions[k·points + j],
 * j in loop order) and the estimated bits of the block's indices under each (costs[k]), in one sweep.
 */
function predictAndCost(
  recon: Float64Array, targets: Float64Array, view: GridView, b: Block, edges: Edges, methods: Int32Array, bases: Float64Array[], baseOffsets: Int32Array,
  predictions: Float64Array, points: number, costs: Float64Array, inverseStep: number,
): void {
  const { offset, strides, dims } = view;
  const { d, s, L0, L1, L2 } = b;
  const unit = strides[d];
  const last = dims[d] - 1;
  const n = methods.length;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  costs.fill(0);
  let j = 0;
  for (let x0 = b.a0; x0 < b.b0; x0++) {
    const c0 = L0[x0];
    for (let x1 = b.a1; x1 < b.b1; x1++) {
      const c1 = L1[x1];
      const rowBase = offset + c0 * st0 + c1 * st1;
      for (let x2 = b.a2; x2 < b.b2; x2++, j++) {
        const c2 = L2[x2];
        const i = rowBase + c2 * st2;
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s;
        const right1 = rightOf(cd, s, last, edges);
        const right3 = right3Of(cd, s, last, right1, edges);
        const x = targets[i];
        if (b.nd > 1) setGeometry(b, c0, c1, c2, view, edges);
        for (let k = 0; k < n; k++) {
          const prediction = b.nd === 1
            ? predictAlong(methods[k], recon, bases[k], baseOffsets[k], i, unit, s, before3, right1, right3)
            : predictAcross(methods[k], recon, bases[k], baseOffsets[k], i, b);
          predictions[k * points + j] = prediction;
          costs[k] += costOfResidual(x - prediction, inverseStep);
        }
      }
    }
  }
}

/** The geometry of point (c0, c1, c2) along each of the block's directions, into the block's arrays. */
function setGeometry(b: Block, c0: number, c1: number, c2: number, view: GridView, edges: Edges): void {
  const s = b.s;
  for (let m = 0; m < b.nd; m++) {
    const e = b.dirs[m];
    const c = e === 0 ? c0 : e === 1 ? c1 : c2;
    const last = view.dims[e] - 1;
    const right1 = rightOf(c, s, last, edges);
    b.units[m] = view.strides[e];
    b.before3[m] = c >= 3 * s ? 1 : 0;
    b.right1[m] = right1;
    b.right3[m] = right3Of(c, s, last, right1, edges);
  }
}

/** The mean of the interpolations at point i along each of the block's directions (geometry set by setGeometry). */
function predictAcross(method: number, recon: Float64Array, base: Float64Array, baseOffset: number, i: number, b: Block): number {
  if (method === METHOD_BASE) return base[i + baseOffset];
  const s = b.s;
  let sum = 0;
  for (let m = 0; m < b.nd; m++) sum += predictAlong(method, recon, base, baseOffset, i, b.units[m], s, b.before3[m] === 1, b.right1[m], b.right3[m]);
  return sum / b.nd;
}

/**
 * Codes the block row by row (a row: its points along axis 2, one call of the PointCoder), its predictions
 * at predictions[at…] in loop order, or made here by `predictor` when given. Context activity: |q| of the
 * neighbours on both sides along d and of the one 2s before (weight 2), and of the previous known point
 * along each other axis; the row's own previous point is added by the PointCoder.
 */
function codeBlock(
  pc: PointCoder, view: GridView, b: Block, edges: Edges, level: number, step: number, predictions: Float64Array, at: number, scratch: Scratch,
  predictor?: Candidate,
): void {
  const { offset, strides, dims } = view;
  const { d, s, L0, L1, L2 } = b;
  const unit = strides[d];
  const along = unit * s;
  const last = dims[d] - 1;
  const absIndex = pc.absIndex;
  const st0 = strides[0], st1 = strides[1], st2 = strides[2];
  const { activities, points } = scratch;
  // Along axis 2 the row's previous point is the −2s neighbour (weight 2); across it, the sweep's previous point.
  const chainWeight = d === 2 ? 2 : 1;
  const recon = pc.recon;
  const method = predictor ? predictor.method : -1;
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
        const c2 = L2[x2];
        const i = rowBase + c2 * st2;
        const cd = d === 0 ? c0 : d === 1 ? c1 : c2;
        const before3 = cd >= 3 * s;
        const right1 = rightOf(cd, s, last, edges);
        if (method >= 0) {
          if (b.nd === 1) predictions[j + k] = predictAlong(method, recon, base, baseOffset, i, unit, s, before3, right1, right3Of(cd, s, last, right1, edges));
          else {
            setGeometry(b, c0, c1, c2, view, edges);
            predictions[j + k] = predictAcross(method, recon, base, baseOffset, i, b);
          }
        }
        let activity = absIndex[i - along] + (right1 !== 0 ? absIndex[i + right1 * unit] : 0);
        if (before3 && (d !== 2 || k === 0)) activity += 2 * absIndex[i - 2 * along];
        if (d !== 0 && back0 !== 0) activity += absIndex[i - back0];
        if (d !== 1 && back1 !== 0) activity += absIndex[i - back1];
        if (d !== 2 && k === 0 && x2 > 0) activity += absIndex[i - (c2 - L2[x2 - 1]) * st2];
        activities[k] = activity;
        points[k] = i;
      }
      const rowLength = b.b2 - b.a2;
      pc.codeStrip(points, rowLength, predictions, j, activities, chainWeight, step, level);
      j += rowLength;
    }
  }
}

