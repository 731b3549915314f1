// Checks a decoded array against its original on every element, in the stored dtype, and counts what breaks the
// bound (a finding the benchmark reports, never a crash); the whole-range and per-column absolute tolerances the
// peers suite gives every compressor; and splitting a table into columns and joining the decoded columns back.
import type { StoredArray } from './datasets';

export interface ElementCheck {
  elements: number;
  /** Elements whose error exceeds their tolerance (a non-finite value that did not come back identical counts). */
  violations: number;
  /** Flat index of the first violation; -1 when none. */
  firstViolation: number;
  maxAbsError: number;
  /** max over elements of |decoded − original| / tolerance (0 where both are 0; Infinity where the tolerance is 0). */
  maxErrorOverBound: number;
  /** 20·log10(range / RMSE) over the finite values; Infinity when lossless. */
  psnr: number;
}

/** max − min over the finite values of a strided lane (0 when there are none): the range of a rel bound. */
export function finiteRange(values: ArrayLike<number>, start = 0, count = values.length, stride = 1): number {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0, i = start; k < count; k++, i += stride) {
    const v = values[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max >= min ? max - min : 0;
}

/** Whole-range bound ε: one absolute tolerance ε·(max − min) for the whole array. */
export function wholeRangeTolerance(values: ArrayLike<number>, epsilon: number): number {
  return epsilon * finiteRange(values);
}

/** Per-column bound ε on a rows × cols table: ε·(max − min) of each column. */
export function columnTolerances(values: ArrayLike<number>, rows: number, cols: number, epsilon: number): number[] {
  return Array.from({ length: cols }, (_, c) => epsilon * finiteRange(values, c, rows, cols));
}

/**
 * Every element of `decoded` against `original` (same dtype, C order). `tolerances` holds one absolute tolerance
 * for the whole array, or one per column of a table (element i belongs to column i mod tolerances.length).
 */
export function checkElements(original: ArrayLike<number>, decoded: ArrayLike<number>, tolerances: number[]): ElementCheck {
  const n = original.length;
  if (decoded.length !== n) {
    return { elements: n, violations: n, firstViolation: 0, maxAbsError: Infinity, maxErrorOverBound: Infinity, psnr: -Infinity };
  }
  const cols = tolerances.length;
  let violations = 0;
  let firstViolation = -1;
  let maxAbsError = 0;
  let maxErrorOverBound = 0;
  let squares = 0;
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const x = original[i];
    const y = decoded[i];
    let error: number;
    let allowed: number;
    if (Number.isFinite(x)) {
      error = Math.abs(y - x);
      if (Number.isNaN(error)) error = Infinity;
      allowed = cols === 1 ? tolerances[0] : tolerances[i % cols];
      squares += error * error;
      finite++;
    } else {
      error = Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Infinity;
      allowed = 0;
    }
    if (error > maxAbsError) maxAbsError = error;
    if (error > 0) {
      const ratio = allowed === 0 ? Infinity : error / allowed;
      if (ratio > maxErrorOverBound) maxErrorOverBound = ratio;
    }
    if (error > allowed) {
      violations++;
      if (firstViolation < 0) firstViolation = i;
    }
  }
  const rmse = finite ? Math.sqrt(squares / finite) : 0;
  const range = finiteRange(original);
  const psnr = rmse === 0 ? Infinity : 20 * Math.log10(range / rmse);
  return { elements: n, violations, firstViolation, maxAbsError, maxErrorOverBound, psnr };
}

/** Column `c` of a rows × cols table, as its own contiguous array of the same dtype. */
export function columnOf<T extends StoredArray>(values: T, rows: number, cols: number, c: number): T {
  const out = new (values.constructor as new (n: number) => T)(rows);
  for (let r = 0; r < rows; r++) out[r] = values[r * cols + c];
  return out;
}

/** The table whose columns are `columns` (each `rows` long), in C order, in the dtype of the first. */
export function joinColumns<T extends StoredArray>(columns: T[], rows: number): T {
  const cols = columns.length;
  const out = new (columns[0].constructor as new (n: number) => T)(rows * cols);
  columns.forEach((column, c) => {
    if (column.length !== rows) throw new Error(`column ${c} has ${column.length} values, expected ${rows}`);
    for (let r = 0; r < rows; r++) out[r * cols + c] = column[r];
  });
  return out;
}
