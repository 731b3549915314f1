// How a slab's flat values are seen by the traversals — its layout, chosen per slab by measuring (or by the
// user's --layout) and recorded in the slab:
//   field:  one 3-D view of the whole array (frames, images, fields; a 1-D signal as [1, 1, n]);
//   table:  one 1-D view per column of a 2-D array (independent rows, each column predicted down its rows);
//   series: the whole array as one 1-D signal (a signal cut into rows: row r + 1 continues row r);
//   channels: an array of 3 or more axes whose last is short (an RGB image, xyz of particles) seen with that axis
//             first: channels × rows × columns (each channel an image; its neighbours C values apart).
// Also each view's tolerance and the quantisation steps of each level from it.

import { BalerError } from '../errors';
import type { GridView } from './traversal';

/** What the globals' bound means (rel per column on a 'table'); independent of the layout chosen. */
export type Kind = 'table' | 'frames';

export const LAYOUT_NAMES = ['field', 'table', 'series', 'channels'] as const;

/** The last axis of an array of 3 or more axes is a channels axis (the 'channels' layout applies) up to this long. */
export const MAX_CHANNELS = 4;

/** Whether the 'channels' layout applies: 3 or more axes, the last of 2…MAX_CHANNELS. */
export function hasChannels(shape: number[]): boolean {
  const last = shape[shape.length - 1];
  return shape.length >= 3 && last >= 2 && last <= MAX_CHANNELS;
}
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export interface Layout {
  name: LayoutName;
  views: GridView[];
  /** Which of the globals' tolerances each view uses; -1: the smallest of them (a view across columns). */
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

/** Whether the globals' tolerances are per column: rel on a 2-D array of kind 'table'. */
export function isTableKind(shape: number[], kind: Kind): boolean {
  return kind === 'table' && shape.length === 2;
}

/** The layouts worth trying on a slab of this shape, most likely first; `requested` (the user's) restricts them. */
export function candidateLayouts(shape: number[], kind: Kind, requested?: LayoutName): LayoutName[] {
  const twoD = shape.length === 2;
  if (requested !== undefined) {
    if (!(LAYOUT_NAMES as readonly string[]).includes(requested)) throw new BalerError(`unknown layout '${String(requested)}' (expected ${LAYOUT_NAMES.join(', ')})`);
    if (requested === 'table' && !twoD) throw new BalerError(`the table layout needs a 2-D array, not shape [${shape.join(', ')}]`);
    if (requested === 'channels' && !hasChannels(shape)) {
      throw new BalerError(`the channels layout needs 3 or more axes, the last of 2 to ${MAX_CHANNELS}, not shape [${shape.join(', ')}]`);
    }
    return [requested];
  }
  if (!twoD) return hasChannels(shape) ? ['field', 'channels'] : ['field'];
  // A single row has nothing to predict down its columns.
  if (shape[0] < 2) return ['field', 'series'];
  const layouts: LayoutName[] = kind === 'table' ? ['table', 'field', 'series'] : ['field', 'table', 'series'];
  // A single column is one sequence whichever layout sees it: the three coded it within 3 bytes of each other
  // (129,000 rows of three table columns under pw-rel:1e-3), and a table coded column by column searched each
  // column three times over.
  return shape[1] === 1 ? layouts.slice(0, 1) : layouts;
}

export function layoutOf(shape: number[], name: LayoutName): Layout {
  if (name === 'table') {
    if (shape.length !== 2) throw new RangeError(`the table layout needs a 2-D shape, not [${shape.join(', ')}]`);
    const [rows, cols] = shape;
    const views: GridView[] = [];
    for (let c = 0; c < cols; c++) views.push({ offset: c, dims: [1, 1, rows], strides: [0, 0, cols] });
    return { name, views, toleranceIndex: views.map((_, c) => c) };
  }
  if (name === 'channels') {
    if (!hasChannels(shape)) throw new RangeError(`the channels layout needs a short last axis, not shape [${shape.join(', ')}]`);
    // One view with the channel axis first, as if the array were channels × rows × columns: channel c + 1 is then
    // predicted from channel c (the temporal mode) or between its neighbours (interpolation across channels).
    const channels = shape[shape.length - 1];
    const [leading, rows, columns] = threeDimensional(shape.slice(0, -1));
    const view: GridView = { offset: 0, dims: [channels, leading * rows, columns], strides: [1, columns * channels, channels] };
    return { name, views: [view], toleranceIndex: [-1] };
  }
  if (name === 'series') {
    const size = shape.reduce((a, b) => a * b, 1);
    return { name, views: [{ offset: 0, dims: [1, 1, size], strides: [0, 0, 1] }], toleranceIndex: [-1] };
  }
  const dims = threeDimensional(shape);
  return { name, views: [{ offset: 0, dims, strides: [dims[1] * dims[2], dims[2], 1] }], toleranceIndex: [-1] };
}

/** Per-view absolute tolerances: a table's column its own (or the one for all); a view across columns the smallest. */
export function viewTolerances(layout: Layout, tolerances: number[]): number[] {
  const smallest = tolerances.reduce((a, b) => (b < a ? b : a), Infinity);
  return layout.toleranceIndex.map((k) => (tolerances.length === 1 ? tolerances[0] : k >= 0 ? tolerances[k] : smallest));
}

/**
 * The quantisation step of every level 0..levels (the origin uses steps[levels]): level l is quantised
 * within τ_l = τ/min(alpha^l, beta), real-valued data with step 2·τ_l; on a grid (integers, or multiples
 * of a step: τ then in grid units) with the odd integer step 2·floor(τ_l) + 1, so reconstructions stay on
 * the grid within floor(τ_l).
 */
export function levelSteps(stepTolerance: number, onGrid: boolean, levels: number, alpha: number, beta: number): Float64Array {
  const steps = new Float64Array(levels + 1);
  for (let level = 0; level <= levels; level++) {
    let divisor = 1;
    for (let l = 0; l < level && divisor < beta; l++) divisor *= alpha;
    if (divisor > beta) divisor = beta;
    const tolerance = stepTolerance / divisor;
    const step = onGrid ? 2 * Math.floor(tolerance) + 1 : tolerance * 2;
    steps[level] = Number.isFinite(step) ? step : Number.MAX_VALUE;
  }
  return steps;
}
