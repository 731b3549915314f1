// Error figures and per-column statistics of a reconstruction, computed from the values actually read back.
import type { ErrorFigures, SizeBreakdown } from './api';
import { BalerError } from './errors';
import type { DataKind } from './types';
import { finishHash, FNV_PRIME, hashLanes, hashValues } from './value-hash';

/** The column of a table with the lowest PSNR, each column judged against its own range (see columnScale). */
export interface WorstColumn {
  column: number;
  psnr: number;
  /** Its largest absolute error over its own range. */
  maxErrorOverRange: number;
}

/**
 * The range a column's errors are measured against: its own, or for a column of one value (no range of its own)
 * the whole table's, so that 2.5 coming back 2.501 reads as a small error on the table's scale and not as PSNR
 * −∞. Only when the whole table holds one value is nothing left to measure against (0: PSNR −∞ unless exact).
 */
export function columnScale(columnRange: number, tableRange: number): number {
  return columnRange > 0 ? columnRange : tableRange > 0 ? tableRange : 0;
}

/** 20·log10(scale / RMSE): ∞ when exact, −∞ when inexact on a zero scale. */
export function psnrOf(scale: number, rmse: number): number {
  return rmse === 0 ? Infinity : scale > 0 ? 20 * Math.log10(scale / rmse) : -Infinity;
}

export interface ErrorFiguresDetailed extends ErrorFigures {
  /** Tables of two or more columns (an accumulator given `columns`): the worst column. */
  worstColumn?: WorstColumn;
  /** Values compared (finite in the original). */
  compared: number;
  /** Non-finite values of the original (NaN, ±Infinity) the reconstruction does not reproduce exactly. */
  nonFiniteMismatches: number;
}

/** The running sums of an ErrorAccumulator, so that slabs measured apart (in workers) can be merged. */
export interface ErrorState {
  min: number;
  max: number;
  sumSquares: number;
  maxAbs: number;
  maxRel: number;
  compared: number;
  nonFiniteMismatches: number;
  /** Tables of two or more columns: the same sums per column (plain arrays, so that they cross threads). */
  columns?: ColumnSums;
}

interface ColumnSums {
  min: number[];
  max: number[];
  sumSquares: number[];
  maxAbs: number[];
  count: number[];
}

/**
 * RMSE, range-normalised RMSE, PSNR = 20·log10(range / RMSE) (Infinity when exact), max absolute error and
 * max relative error |diff|/|x| over x ≠ 0. Only values finite in the original are compared; a non-finite
 * reconstruction of a finite value is an infinite error. Slabs are added one by one (streaming). Given the
 * number of columns of a table, each column is also judged against its own range (`worstColumn`): a global
 * PSNR hides a small column that lost everything.
 */
export class ErrorAccumulator {
  private min = Infinity;
  private max = -Infinity;
  private sumSquares = 0;
  private maxAbs = 0;
  private maxRel = 0;
  private compared = 0;
  private nonFiniteMismatches = 0;
  private readonly perColumn?: ColumnSums;

  constructor(private readonly columns = 1) {
    if (columns >= 2) {
      const filled = (v: number) => new Array<number>(columns).fill(v);
      this.perColumn = { min: filled(Infinity), max: filled(-Infinity), sumSquares: filled(0), maxAbs: filled(0), count: filled(0) };
    }
  }

  state(): ErrorState {
    const { min, max, sumSquares, maxAbs, maxRel, compared, nonFiniteMismatches, perColumn } = this;
    return { min, max, sumSquares, maxAbs, maxRel, compared, nonFiniteMismatches, ...(perColumn ? { columns: structuredClone(perColumn) } : {}) };
  }

  merge(s: ErrorState): void {
    this.min = Math.min(this.min, s.min);
    this.max = Math.max(this.max, s.max);
    this.sumSquares += s.sumSquares;
    this.maxAbs = Math.max(this.maxAbs, s.maxAbs);
    this.maxRel = Math.max(this.maxRel, s.maxRel);
    this.compared += s.compared;
    this.nonFiniteMismatches += s.nonFiniteMismatches;
    const c = this.perColumn;
    const o = s.columns;
    if (!c) return;
    if (!o || o.count.length !== this.columns) throw new Error(`merging errors of ${o?.count.length ?? 1} columns into ${this.columns}`);
    for (let k = 0; k < this.columns; k++) {
      c.min[k] = Math.min(c.min[k], o.min[k]);
      c.max[k] = Math.max(c.max[k], o.max[k]);
      c.sumSquares[k] += o.sumSquares[k];
      c.maxAbs[k] = Math.max(c.maxAbs[k], o.maxAbs[k]);
      c.count[k] += o.count[k];
    }
  }

  add(original: Float64Array, reconstructed: Float64Array): void {
    assertSameLength(original, reconstructed);
    if (!this.perColumn && this.addFinite(original, reconstructed, false) !== undefined) return;
    this.addEach(original, reconstructed);
  }

  /** add(), returning hashValues(reconstructed): both in one pass where add() takes its fast path. */
  addAndHash(original: Float64Array, reconstructed: Float64Array): number {
    assertSameLength(original, reconstructed);
    const hash = this.perColumn ? undefined : this.addFinite(original, reconstructed, true);
    if (hash !== undefined) return hash;
    this.addEach(original, reconstructed);
    return hashValues(reconstructed);
  }

  private addEach(original: Float64Array, reconstructed: Float64Array): void {
    // The running figures in locals (fields would be written per value), stored back at the end.
    let { min, max, sumSquares, maxAbs, maxRel, compared, nonFiniteMismatches } = this;
    const c = this.perColumn;
    const columns = this.columns;
    for (let i = 0, k = 0; i < original.length; i++, k = k + 1 === columns ? 0 : k + 1) {
      const x = original[i];
      const y = reconstructed[i];
      if (!(x - x === 0)) {
        if (!Object.is(x, y) && !(x !== x && y !== y)) nonFiniteMismatches++;
        continue;
      }
      compared++;
      if (x < min) min = x;
      if (x > max) max = x;
      const diff = y - y === 0 ? Math.abs(y - x) : Infinity;
      sumSquares += diff * diff;
      if (diff > maxAbs) maxAbs = diff;
      if (x !== 0 && diff / Math.abs(x) > maxRel) maxRel = diff / Math.abs(x);
      if (c) {
        if (x < c.min[k]) c.min[k] = x;
        if (x > c.max[k]) c.max[k] = x;
        c.sumSquares[k] += diff * diff;
        if (diff > c.maxAbs[k]) c.maxAbs[k] = diff;
        c.count[k]++;
      }
    }
    Object.assign(this, { min, max, sumSquares, maxAbs, maxRel, compared, nonFiniteMismatches });
  }

  /**
   * add() for one column where every value on both sides is finite (undefined, and nothing added, where one is not):
   * the same sums in the same order, about twice as fast without a branch per value on finiteness; a division only
   * where the relative error may be the largest yet (diff / |x| > maxRel implies diff ≥ maxRel·|x| as computed).
   * Returns hashValues(reconstructed) when `hashing` (every value finite: no NaN to hash alike), else 0.
   */
  private addFinite(original: Float64Array, reconstructed: Float64Array, hashing: boolean): number | undefined {
    let { min, max, sumSquares, maxAbs, maxRel } = this;
    let finite = 0;
    const words = new Int32Array(reconstructed.buffer, reconstructed.byteOffset, reconstructed.length * 2);
    let [low, high] = hashLanes();
    for (let i = 0, j = 0; i < original.length; i++, j += 2) {
      if (hashing) {
        low = Math.imul(low ^ words[j], FNV_PRIME);
        high = Math.imul(high ^ words[j + 1], FNV_PRIME);
      }
      const x = original[i];
      const y = reconstructed[i];
      finite += x - x + (y - y);
      if (x < min) min = x;
      if (x > max) max = x;
      const diff = Math.abs(y - x);
      sumSquares += diff * diff;
      if (diff > maxAbs) maxAbs = diff;
      const magnitude = Math.abs(x);
      if (diff >= maxRel * magnitude && x !== 0 && diff / magnitude > maxRel) maxRel = diff / magnitude;
    }
    if (finite !== 0) return undefined;
    Object.assign(this, { min, max, sumSquares, maxAbs, maxRel, compared: this.compared + original.length });
    return hashing ? finishHash(low, high) : 0;
  }

  private worstColumn(): WorstColumn | undefined {
    const c = this.perColumn;
    if (!c) return undefined;
    let worst: WorstColumn | undefined;
    for (let k = 0; k < this.columns; k++) {
      if (c.count[k] === 0) continue;
      const range = columnScale(c.max[k] - c.min[k], this.max - this.min);
      const psnr = psnrOf(range, Math.sqrt(c.sumSquares[k] / c.count[k]));
      const maxErrorOverRange = c.maxAbs[k] === 0 ? 0 : range > 0 ? c.maxAbs[k] / range : Infinity;
      if (!worst || psnr < worst.psnr) worst = { column: k, psnr, maxErrorOverRange };
    }
    return worst;
  }

  result(): ErrorFiguresDetailed {
    const { compared } = this;
    const range = compared > 0 ? this.max - this.min : 0;
    const rmse = compared > 0 ? Math.sqrt(this.sumSquares / compared) : 0;
    const worstColumn = this.worstColumn();
    return {
      rmse,
      nrmse: rmse === 0 ? 0 : rmse / range,
      psnr: psnrOf(range, rmse),
      maxAbsError: this.maxAbs,
      maxRelError: this.maxRel,
      range,
      compared,
      nonFiniteMismatches: this.nonFiniteMismatches,
      ...(worstColumn ? { worstColumn } : {}),
    };
  }
}

/** Columns a table's rows have (each judged on its own range), 1 for frames and single columns. */
export function columnsOf(shape: number[], kind: DataKind): number {
  return kind === 'table' && shape.length === 2 ? shape[1] : 1;
}

export function computeErrors(original: Float64Array, reconstructed: Float64Array, columns = 1): ErrorFiguresDetailed {
  const acc = new ErrorAccumulator(columns);
  acc.add(original, reconstructed);
  return acc.result();
}

export interface Histogram {
  /** Left edge of the first bin and right edge of the last. */
  lo: number;
  hi: number;
  counts: number[];
  /** Values below lo / at or above hi. */
  underflow: number;
  overflow: number;
  /** Values not counted: non-finite, or (relative differences) an original value of zero. */
  skipped: number;
}

export interface ColumnStatistics {
  name: string;
  /** Range of the finite original values. */
  min: number;
  max: number;
  rmse: number;
  maxAbs: number;
  /** reconstructed − original */
  residuals: Histogram;
  /** (reconstructed − original) / original, over original ≠ 0 */
  relativeDifferences: Histogram;
}

export const HISTOGRAM_BINS = 100;
/** At most this many values per column are sorted to find robust histogram limits. */
const QUANTILE_SAMPLE = 20_000;

/**
 * Statistics per table column, or one entry for frame data (all values together). Histograms use
 * HISTOGRAM_BINS bins over robust limits (residuals: 0.1 %–99.9 % quantiles, relative differences: 1 %–99 %,
 * widened), with under/overflow counts, so that counts + underflow + overflow + skipped = number of values.
 */
export function columnStatistics(
  original: Float64Array,
  reconstructed: Float64Array,
  shape: number[],
  kind: DataKind,
  names: string[],
): ColumnStatistics[] {
  assertSameLength(original, reconstructed);
  const width = kind === 'table' ? shape[1] ?? 1 : 1;
  if (original.length % width !== 0) {
    throw new BalerError(`column statistics: ${original.length} values do not fill columns of width ${width}`);
  }
  const rows = original.length / width;
  const stats: ColumnStatistics[] = [];
  for (let c = 0; c < width; c++) {
    const x = new Float64Array(rows);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      x[r] = original[r * width + c];
      y[r] = reconstructed[r * width + c];
    }
    const name = names[c] ?? (kind === 'table' ? `column ${c}` : 'all values');
    stats.push(statisticsOfColumn(name, x, y));
  }
  return stats;
}

function statisticsOfColumn(name: string, x: Float64Array, y: Float64Array): ColumnStatistics {
  const errors = computeErrors(x, y);
  let min = Infinity, max = -Infinity;
  for (const v of x) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const residuals = new Float64Array(x.length);
  const relative = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    residuals[i] = y[i] - x[i];
    relative[i] = x[i] === 0 ? NaN : (y[i] - x[i]) / x[i];
  }
  return {
    name,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
    rmse: errors.rmse,
    maxAbs: errors.maxAbsError,
    residuals: histogram(residuals),
    // Relative differences have heavy tails (originals near zero): cut wider tails off into under/overflow.
    relativeDifferences: histogram(relative, HISTOGRAM_BINS, 0.01),
  };
}

/**
 * Histogram of the finite values over robust limits (the tail and 1 − tail quantiles, widened by half their
 * span, never beyond the data); non-finite values are counted as skipped.
 */
export function histogram(values: Float64Array, bins = HISTOGRAM_BINS, tail = 0.001): Histogram {
  const [lo, hi] = robustLimits(values, tail, bins);
  const counts = new Array<number>(bins).fill(0);
  let underflow = 0, overflow = 0, skipped = 0;
  const scale = bins / (hi - lo);
  for (const v of values) {
    if (!Number.isFinite(v)) { skipped++; continue; }
    if (v < lo) { underflow++; continue; }
    if (v >= hi) {
      // The largest value sits on the right edge when the limits are its exact range.
      if (v === hi) counts[bins - 1]++;
      else overflow++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  return { lo, hi, counts, underflow, overflow, skipped };
}

function robustLimits(values: Float64Array, tail: number, bins: number): [number, number] {
  const sample = finiteSample(values);
  if (sample.length === 0) return [-1, 1];
  sample.sort();
  const quantile = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * (sample.length - 1)))];
  const qLo = quantile(tail), qHi = quantile(1 - tail);
  const span = qHi - qLo;
  let lo = Math.max(sample[0], qLo - 0.5 * span);
  let hi = Math.min(sample[sample.length - 1], qHi + 0.5 * span);
  if (sample.length < values.length) {
    // The extremes of a subsample are not the extremes of the data: keep the widened quantiles.
    lo = qLo - 0.5 * span;
    hi = qHi + 0.5 * span;
  }
  // A (nearly) single-valued distribution gets a visible width instead of bins split by rounding noise.
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(hi - lo > 1e-6 * magnitude)) {
    const centre = (lo + hi) / 2;
    const binWidth = (2 * (magnitude * 0.01 || 1e-12)) / bins;
    // The centre in the middle of a bin, not on an edge where rounding noise would split it.
    const first = centre - (Math.floor(bins / 2) + 0.5) * binWidth;
    return [first, first + bins * binWidth];
  }
  return [lo, hi];
}

function finiteSample(values: Float64Array): Float64Array {
  const stride = Math.max(1, Math.floor(values.length / QUANTILE_SAMPLE));
  const out = new Float64Array(Math.ceil(values.length / stride));
  let n = 0;
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i])) out[n++] = values[i];
  return out.subarray(0, n);
}

function assertSameLength(a: Float64Array, b: Float64Array): void {
  if (a.length !== b.length) {
    throw new BalerError(`cannot compare: the original has ${a.length} values, the reconstruction ${b.length}`);
  }
}
