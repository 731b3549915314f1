// The multilevel interpolation traversal (SZ3-like, with QoZ's per-level tolerance schedules): level by level
// from the coarsest stride, every point interpolated from points already reconstructed along one axis, or
// along every axis it lies between ('all' directions: the predictions averaged). Each axis's last point is
// coded with the corners ('anchored' edges), so nothing near an axis's end is extrapolated.

import { PointCoder } from './pointcoder';
import { Block, codeSweep, setSweepGeometry, workFor } from './sweep';
import { Candidate, GridView } from './traversal';

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
  const levels = interpolationLevels(view.dims, plan.edges);
  const anchor = candidates.find((c) => c.spec.base !== undefined);
  const cornerStep = steps[levels];
  forEachCorner(view, plan.order, plan.edges, (i, from) => {
    if (from < 0) pc.code(i, anchor ? anchor.base[i + anchor.baseOffset] : 0, cornerStep, levels, 0);
    else {
      const prediction = anchor ? pc.recon[from] - anchor.base[from + anchor.baseOffset] + anchor.base[i + anchor.baseOffset] : pc.recon[from];
      pc.code(i, prediction, cornerStep, levels, 2 * pc.absIndex[from]);
    }
  });
  const { costs, scratch, methods, bases, baseOffsets, block } = workFor(candidates);
  forEachSweep(view.dims, plan, block, (level, edge) => {
    codeSweep(pc, view, block, edge, level, steps[level], candidates, methods, bases, baseOffsets, costs, scratch, counts, block.previous);
  });
}

/**
 * Walks the sweeps of a view of these dims in coding order: for each, sets block's axis d, stride s, directions
 * (dirs, nd), lists L0–L2 and geometry, then calls visit(level, edge) (edge: the blocks' edge there). block.previous
 * starts at 0 and is the visitor's to carry from one sweep to the next.
 */
export function forEachSweep(dims: [number, number, number], plan: InterpolationPlan, block: Block, visit: (level: number, edge: number) => void): void {
  const { edges } = plan;
  const levels = interpolationLevels(dims, edges);
  const lists: Int32Array[] = [block.L0, block.L1, block.L2];
  block.previous = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const s = 2 ** level;
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
        setSweepGeometry(block, dims, edges);
        visit(level, edge);
      }
    }
  }
}

/** Every subset of `axes`, smallest first (the empty one first). */
function subsetsBySize(axes: number[]): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << axes.length; mask++) subsets.push(axes.filter((_, k) => (mask >> k) & 1));
  return subsets.sort((a, b) => a.length - b.length);
}

/**
 * The points coded before the sweeps, in coding order: the origin (visit(offset, −1): predicted by the base, else 0)
 * and then, with anchored edges, the corners: axis by axis in `order`, the points whose coordinate along it is its
 * last, the others 0 or their last (those axes already done), each predicted from the point `from` at 0 along the
 * axis (visit(i, from)).
 */
export function forEachCorner(view: GridView, order: [number, number, number], edges: Edges, visit: (i: number, from: number) => void): void {
  const { dims, offset, strides } = view;
  visit(offset, -1);
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
          visit(i, i - last * strides[d]);
        }
    known[d] = [0, last];
  }
}
