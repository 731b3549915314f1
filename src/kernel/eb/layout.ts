// How a slab's flat values are seen by the traversals: one 3-D view of the whole array (frames, fields,
// 1-D signals), or one 1-D view per column of a table (each column predicted down its rows, with its own
// tolerance under rel). Also the quantisation steps of each view, from its tolerance.

import type { GridView } from './traversal';

export type Kind = 'table' | 'frames';

export interface Layout {
  kind: Kind;
  views: GridView[];
  /** Which of the globals' tolerances each view uses. */
  toleranceIndex: number[];
}

/** The array as 3-D: leading axes merged into the first, a 1-D array as [1, 1, n], 2-D as [1, rows, cols]. */
export function threeDimensional(shape: number[]): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  if (shape.length === 1) return [1, 1, shape[0]];
  if (shape.length === 2) return [1, shape[0], shape[1]];
  const leading = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [leading, shape[shape.length - 2], shape[shape.length - 1]];
}

export function isTableLayout(shape: number[], kind: Kind): boolean {
  return kind === 'table' && shape.length === 2;
}

export function layoutOf(shape: number[], kind: Kind): Layout {
  if (isTableLayout(shape, kind)) {
    const [rows, cols] = shape;
    const views: GridView[] = [];
    for (let c = 0; c < cols; c++) views.push({ offset: c, dims: [1, 1, rows], strides: [0, 0, cols] });
    return { kind, views, toleranceIndex: views.map((_, c) => c) };
  }
  const dims = threeDimensional(shape);
  return { kind, views: [{ offset: 0, dims, strides: [dims[1] * dims[2], dims[2], 1] }], toleranceIndex: [0] };
}

/** Per-view absolute tolerances: one for all views, or (tables) one per column. */
export function viewTolerances(layout: Layout, tolerances: number[]): number[] {
  return layout.toleranceIndex.map((k) => tolerances[tolerances.length === 1 ? 0 : k]);
}

/**
 * The quantisation step of every level 0..levels (the origin uses steps[levels]). Real-valued data:
 * level l uses 2·τ/min(alpha^l, beta); the integer path an odd integer step 2·floor(τ) + 1 at every
 * level, so reconstructions stay integers within floor(τ).
 */
export function levelSteps(stepTolerance: number, integer: boolean, levels: number, alpha: number, beta: number): Float64Array {
  const steps = new Float64Array(levels + 1);
  for (let level = 0; level <= levels; level++) {
    let step: number;
    if (integer) {
      step = 2 * Math.floor(stepTolerance) + 1;
    } else {
      let divisor = 1;
      for (let l = 0; l < level && divisor < beta; l++) divisor *= alpha;
      if (divisor > beta) divisor = beta;
      step = (stepTolerance / divisor) * 2;
    }
    steps[level] = Number.isFinite(step) ? step : Number.MAX_VALUE;
  }
  return steps;
}
