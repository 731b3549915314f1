import { BalerError } from '../errors';

/**
 * The bound when none is given: every value within 1e-4 of its column's range (of the array's range for
 * frames). That is below half a step of a 12-bit instrument (1/8192 = 1.2e-4 of its range) and gives a PSNR
 * of at least 80 dB, so the default never costs an analysis its precision; integer data whose range is below
 * 5,000 comes back exact. Looser bounds are one option away (`--error-bound rel:1e-3`).
 */
export const DEFAULT_ERROR_BOUND = 'rel:1e-4';

/**
 * An error bound every decompressed value keeps.
 * - abs:X     |x' − x| ≤ X
 * - rel:X     |x' − x| ≤ X · (max − min) over the finite values of the whole array; on a table
 *             (`kind: 'table'`, rows × cols) each column uses its own range.
 * - pw-rel:X  |x' − x| ≤ X · |x| for every value (zeros stay exactly zero).
 */
export interface ErrorBound {
  kind: 'abs' | 'rel' | 'pw-rel';
  value: number;
}

export function parseErrorBound(text: string, file?: string): ErrorBound {
  if (/^[^,;]*:[^,;]*[,;].*:/.test(text)) {
    throw new BalerError(`bad error bound "${text}": one bound at a time (abs:X, rel:X or pw-rel:X); for the tighter of two, give the one that is tighter on your data`, file);
  }
  const match = /^\s*(abs|rel|pw-rel)\s*:\s*([^\s]+)\s*$/.exec(text);
  if (!match) {
    throw new BalerError(`bad error bound "${text}": expected abs:X, rel:X or pw-rel:X (e.g. rel:1e-3)`, file);
  }
  const kind = match[1] as ErrorBound['kind'];
  const value = Number(match[2]);
  if (!Number.isFinite(value) || value < 0 || match[2].trim() === '') {
    throw new BalerError(`bad error bound "${text}": X must be a finite number ≥ 0`, file);
  }
  if (kind === 'pw-rel' && value >= 1) {
    throw new BalerError(`bad error bound "${text}": pw-rel X must be below 1`, file);
  }
  return { kind, value };
}

/**
 * A bound a user asks for: parseErrorBound's, with a rel fraction of 1 or more refused (from 0.5 on any value may
 * already come back as the middle of the range; rel:2 is most likely 2% meant). Files written are read with
 * parseErrorBound, whatever they hold.
 */
export function parseRequestedBound(text: string, file?: string): ErrorBound {
  const bound = parseErrorBound(text, file);
  if (bound.kind === 'rel' && bound.value >= 1) {
    const percent = bound.value < 100 ? ` (for ${bound.value}% of it, rel:${bound.value / 100})` : '';
    throw new BalerError(`bad error bound "${text.trim()}": rel X is a fraction of the range and must be below 1${percent}`, file);
  }
  return bound;
}

export function formatErrorBound(bound: ErrorBound): string {
  return `${bound.kind}:${bound.value}`;
}

/** max − min over the finite values (0 when there are none). */
export function finiteRange(values: Float64Array, start = 0, count = values.length, stride = 1): number {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0, i = start; k < count; k++, i += stride) {
    const v = values[i];
    if (v - v !== 0) continue; // NaN and ±Infinity are not part of the range
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max >= min)) return 0;
  const range = max - min;
  return Number.isFinite(range) ? range : Number.MAX_VALUE;
}

/**
 * The absolute tolerance of an abs or rel bound: one number for the whole array, or one per column
 * for a table with a rel bound.
 */
export function absoluteTolerances(values: Float64Array, shape: number[], bound: ErrorBound, perColumn: boolean): number[] {
  if (bound.kind === 'abs') return [bound.value];
  if (bound.kind !== 'rel') throw new Error('absoluteTolerances: pw-rel has no absolute tolerance');
  if (!perColumn) return [bound.value * finiteRange(values)];
  const [rows, cols] = shape;
  const tolerances: number[] = [];
  for (let c = 0; c < cols; c++) tolerances.push(bound.value * finiteRange(values, c, rows, cols));
  return tolerances;
}

export interface BoundCheck {
  ok: boolean;
  maxAbsError: number;
  /** max over values of |x' − x| / (allowed error); 0 where both are 0. ≤ 1 when ok. */
  maxRatioToBound: number;
  firstViolation?: number;
}

/**
 * Checks every value against the bound. Non-finite originals must come back identical (NaN as NaN).
 * `perColumn` (tables) makes rel use each column's range, as the codec does.
 */
export function verifyBound(
  original: Float64Array,
  decoded: Float64Array,
  bound: ErrorBound,
  shape: number[] = [original.length],
  perColumn = false,
): BoundCheck {
  if (original.length !== decoded.length) {
    return { ok: false, maxAbsError: Infinity, maxRatioToBound: Infinity, firstViolation: 0 };
  }
  const tolerances = bound.kind === 'pw-rel' ? [] : absoluteTolerances(original, shape, bound, perColumn);
  const cols = tolerances.length > 1 ? shape[1] : 1;
  let maxAbsError = 0;
  let maxRatioToBound = 0;
  let firstViolation: number | undefined;
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    const y = decoded[i];
    let error: number;
    let allowed: number;
    if (!Number.isFinite(x)) {
      error = Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Infinity;
      allowed = 0;
    } else {
      error = Math.abs(y - x);
      if (Number.isNaN(error)) error = Infinity;
      allowed = bound.kind === 'pw-rel' ? bound.value * Math.abs(x) : tolerances[cols > 1 ? i % cols : 0];
    }
    if (error > maxAbsError) maxAbsError = error;
    const ratio = error === 0 ? 0 : allowed === 0 ? Infinity : error / allowed;
    if (ratio > maxRatioToBound) maxRatioToBound = ratio;
    if (error > allowed && firstViolation === undefined) firstViolation = i;
  }
  return { ok: firstViolation === undefined, maxAbsError, maxRatioToBound, firstViolation };
}
