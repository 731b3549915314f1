// The grid a view's values lie on: integers (grid 1), the multiples of a fixed step — an ADC's volts per
// count, values stored as float64 of counts × step — the decimals of d digits that a text file (CSV) held, or
// none (0). On a grid the coder counts in grid units (quantizer.ts): losslessly the counts themselves, within a
// bound an odd number of units per step, which never spends bits on precision the data does not have, and
// values come back on the grid (7.5673, not 7.567301953).
//
// A decimal grid is held as −10^d: its values are k / 10^d, correctly rounded, which is what reading the text
// '7.5673' gives; k × 0.0001 is often another float (3 × 0.1 is 0.30000000000000004), so no step finds it.

import type { GridView } from './traversal';

/** Values the step is looked for on (spread over the view). */
const SAMPLE = 4096;
/** Counts beyond this are not exact in float64 arithmetic. */
const MAX_COUNT = 2 ** 52;
/** Divisors of the smallest gap tried as the step (the sample may hold no two neighbouring counts). */
const GAP_DIVISORS = [1, 2, 3, 4, 5, 8, 10];
/** Values off the grid a view may have (they are stored exactly) and still be coded on it. */
const MAX_OFF_GRID = 1 / 1000;
/** The most decimal digits a decimal grid has (10^d exact in float64, counts of real data well below 2^52). */
export const MAX_GRID_DECIMALS = 15;
/**
 * A decimal grid is this many roundoffs of the largest value or coarser: every float32 is the cast of some decimal
 * of 9 digits, and a double printed in full (repr) of one of 15, so finer decimals are no grid the data has, only
 * the dtype's own spacing; 2^7 still takes a float32 of 5 decimals near 1, and a float64 of 12 near 10.
 */
const DECIMAL_ROUNDOFFS = 2 ** 7;

/** The grid of the decimals of `digits` digits. */
export function decimalGrid(digits: number): number {
  return -(10 ** digits);
}

/** The digits of a decimal grid (0 for any other grid). */
export function decimalsOf(grid: number): number {
  return grid < 0 ? Math.round(Math.log10(-grid)) : 0;
}

/** x in units of the grid (a whole number when x lies on it). */
export function toGridUnits(x: number, grid: number): number {
  return grid === 0 || grid === 1 ? x : grid > 0 ? x / grid : x * -grid;
}

/** The value of r units of the grid (r whole). */
export function fromGridUnits(r: number, grid: number): number {
  return grid === 0 || grid === 1 ? r : grid > 0 ? r * grid : r / -grid;
}

type Cast = (value: number) => number;

/** Whether every finite value of the view is an integer. */
export function integerValued(values: Float64Array, view: GridView): boolean {
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
        const v = values[i];
        if (v - v === 0 && Math.floor(v) !== v) return false;
      }
  return true;
}

/** The flat index of the k-th point of the view (in order). */
function indexOf(view: GridView, k: number): number {
  const [, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  const c = k % n2;
  const rest = (k - c) / n2;
  const b = rest % n1;
  return view.offset + ((rest - b) / n1) * s0 + b * s1 + c * s2;
}

/** Up to SAMPLE finite values of the view, spread evenly over it. */
function sampleOf(values: Float64Array, view: GridView): number[] {
  const count = view.dims[0] * view.dims[1] * view.dims[2];
  const every = Math.max(1, Math.floor(count / SAMPLE));
  const out: number[] = [];
  for (let k = 0; k < count; k += every) {
    const v = values[indexOf(view, k)];
    if (v - v === 0) out.push(v);
  }
  return out;
}

/** Whether v is exactly the cast of a whole number k of units of the grid. */
function onGrid(v: number, grid: number, cast: Cast): boolean {
  const k = Math.round(toGridUnits(v, grid));
  return k < MAX_COUNT && k > -MAX_COUNT && cast(fromGridUnits(k, grid)) === v;
}

/**
 * The grid every finite value of the view lies on (all but a thousandth of them): 1 for integer-valued views; a
 * step from the gaps between distinct values of a sample — the smallest gap that recurs (a stray value off the
 * grid makes odd gaps), else the smallest — or a small fraction of it, at the fewest significant digits that
 * fit (0.005, not 0.004999999999999893); else the decimals of the fewest digits, coarser than the dtype's own
 * spacing (`roundoff`, the cast's unit roundoff); 0 when there is no grid.
 */
export function detectGrid(values: Float64Array, view: GridView, cast: Cast, roundoff: number): number {
  if (integerValued(values, view)) return 1;
  const sample = sampleOf(values, view).sort((a, b) => a - b);
  const step = stepGrid(values, view, sample, cast);
  return step > 0 ? step : decimalGridOf(values, view, sample, cast, roundoff);
}

/**
 * For each view of a slab — a table's columns, or the whole slab — whether the coder at tolerance 0 codes it
 * exactly in few bits: integers, or decimals of at most MAX_GRID_DECIMALS digits (what a text file held).
 */
export function exactViews(values: Float64Array, shape: number[], table: boolean, cast: Cast, roundoff: number): boolean[] {
  const columns = table && shape.length === 2 ? shape[1] : 1;
  const rows = values.length / columns;
  return Array.from({ length: columns }, (_, c) => {
    const view: GridView = { offset: c, dims: [1, 1, rows], strides: [0, 0, columns] };
    return integerValued(values, view) || decimalGridOf(values, view, sampleOf(values, view), cast, roundoff) !== 0;
  });
}

/** The decimals of the fewest digits that (nearly) every value is, or 0. */
function decimalGridOf(values: Float64Array, view: GridView, sample: number[], cast: Cast, roundoff: number): number {
  if (sample.length === 0) return 0;
  const allowed = Math.floor(sample.length * MAX_OFF_GRID);
  const largest = Math.max(Math.abs(sample[0]), Math.abs(sample[sample.length - 1]));
  const finest = Math.min(MAX_GRID_DECIMALS, Math.floor(-Math.log10(DECIMAL_ROUNDOFFS * largest * roundoff)));
  for (let digits = 1; digits <= finest; digits++) {
    const grid = decimalGrid(digits);
    let off = 0;
    for (let k = 0; k < sample.length && off <= allowed; k++) if (!onGrid(sample[k], grid, cast)) off++;
    if (off <= allowed) return fits(values, view, grid, cast) ? grid : 0;
  }
  return 0;
}

/** The step of the grid of multiples of one step (the fewest digits), or 0. */
function stepGrid(values: Float64Array, view: GridView, sample: number[], cast: Cast): number {
  const gaps: number[] = [];
  for (let k = 1; k < sample.length; k++) if (sample[k] > sample[k - 1]) gaps.push(sample[k] - sample[k - 1]);
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  let best = 0;
  for (const gap of [recurringGap(gaps), gaps[0]]) {
    if (!(gap > best)) continue;
    const step = stepFrom(gap, sample, cast);
    if (step > best && fits(values, view, step, cast)) best = step;
  }
  return best;
}

/** The smallest gap seen at least three times (within a part in a million), or 0. */
function recurringGap(sortedGaps: number[]): number {
  for (let k = 0; k + 2 < sortedGaps.length; k++) {
    if (sortedGaps[k + 2] - sortedGaps[k] <= sortedGaps[k] * 1e-6) return sortedGaps[k];
  }
  return 0;
}

/** The step, the gap or a small fraction of it at the fewest digits, that (nearly) every sampled value lies on; 0 if none. */
function stepFrom(gap: number, sample: number[], cast: Cast): number {
  const allowed = Math.floor(sample.length * MAX_OFF_GRID);
  for (const divisor of GAP_DIVISORS) {
    const rough = gap / divisor;
    for (let digits = 1; digits <= 17; digits++) {
      const step = Number(rough.toPrecision(digits));
      if (!(step > 0) || Math.abs(step - rough) > rough * 1e-3) continue;
      let off = 0;
      for (let k = 0; k < sample.length && off <= allowed; k++) if (!onGrid(sample[k], step, cast)) off++;
      if (off <= allowed) return step;
    }
  }
  return 0;
}

function fits(values: Float64Array, view: GridView, step: number, cast: Cast): boolean {
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  const allowed = n0 * n1 * n2 * MAX_OFF_GRID;
  let off = 0;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
        const v = values[i];
        if (v - v === 0 && !onGrid(v, step, cast) && ++off > allowed) return false;
      }
  return true;
}

/**
 * How much finer than the real values' steps the grid's may be and still be taken: its values then come back on
 * it (a CSV's counter column as whole numbers, not 0.99999802734) for at most log2(1/(1 − 0.03)) = 0.044 bits
 * more per value, and far less where most indices are 0. A bound of 50 units codes 99 units a step, not 99.998;
 * every bound from 17 units up keeps the grid. Measured: a uint16 stack as float32 at abs:12.8 (25 units a step,
 * not 25.6) 1.3% larger, a ROOT file 0.02%, a camera image as float32 at abs:49.7 1.2%; 20 other arrays the same.
 */
const GRID_MARGIN = 0.03;

/**
 * Whether coding on the grid (odd steps of whole units, errors within floor(τ/grid) units) is about as coarse
 * as coding the real values (steps of 2·τ', within GRID_MARGIN), where τ is the tolerance and τ' the tolerance the
 * real steps derive from: always when lossless or below half a unit, never when the bound spans 2^30 units.
 */
export function gridPays(grid: number, tolerance: number, stepTolerance: number): boolean {
  if (!gridFits(grid, tolerance)) return false;
  return tolerance === 0 || 2 * Math.floor(gridUnits(grid, tolerance)) + 1 >= (1 - GRID_MARGIN) * 2 * toGridUnits(stepTolerance, grid);
}

/** Whether values can be coded on the grid at all: there is one, and the bound spans fewer than 2^30 of its units. */
export function gridFits(grid: number, tolerance: number): boolean {
  return grid !== 0 && Number.isFinite(grid) && (tolerance === 0 || gridUnits(grid, tolerance) < 2 ** 30);
}

/** The tolerance in grid units the steps derive from: a hair below τ/grid when the division may round up. */
export function gridUnits(grid: number, tolerance: number): number {
  return grid === 1 ? tolerance : toGridUnits(tolerance, grid) * (1 - 2 ** -40);
}
