// The quantiser: turns a value and its prediction into an index (or decides the value must be stored
// exactly) and turns an index back into the value. It is the only place that decides whether a value is
// within its bound, and it decides on the value as written in the output dtype (after the cast), so
// what the decoder returns keeps the bound in the file's own dtype.
//
// Two domains: 'absolute' (abs and rel bounds: the value itself, within `tolerance`; on a grid — integers,
// or the multiples of a step — predictions are rounded to whole grid units and steps are odd numbers of
// units, see grid.ts) and 'pointwise' (pw-rel: log2|x|, the sign kept apart, every value within bound·|x|).

import { detExp2 } from './detmath';
import { castOne } from '../data/dtype';
import type { DType } from '../types';
import { CAST_FLOAT32, CAST_FLOAT64, ValueType } from './dtype';
import { fromGridUnits, toGridUnits } from './grid';

/** The index meaning "stored exactly". */
export const ESCAPE = 0x7fffffff;
/** Indices at or beyond this magnitude are not quantised: the value is stored exactly. */
export const MAX_INDEX = 2 ** 30;

export type Domain = 'absolute' | 'pointwise';

export class Quantizer {
  /** Absolute domain: the largest error allowed (set per view). 0 means lossless, sign of zero included. */
  tolerance = 0;
  /** Absolute domain: the grid the view is coded on (set per view; 1 for integers, −10^d for decimals: grid.ts), or 0 for real values. */
  grid = 0;
  /** Absolute domain, encoder: a reconstruction never accepted (an integer array's missing value; NaN: none). */
  forbidden = NaN;
  /** After quantize/recover/exact: the value in the coding domain, which later predictions read... */
  recon = 0;
  /** ...and the value as written in the output dtype. */
  output = 0;
  /** How values are cast to the output dtype (dtype.ts: CAST_FLOAT64, CAST_FLOAT32 or CAST_OTHER). */
  readonly cast: number;
  private readonly dtype: DType;
  /** Lossless means bit for bit in a float dtype (the sign of zero kept); an integer dtype has no −0. */
  private readonly signedZero: boolean;

  constructor(
    type: ValueType,
    readonly domain: Domain,
    /** Pointwise domain: the relative bound X of pw-rel:X. */
    readonly pointwiseBound = 0,
  ) {
    this.cast = type.cast;
    this.dtype = type.dtype;
    this.signedZero = !type.integer;
  }

  /** Whether `out` is `x` exactly, as the dtype can tell (NaN is never stored this way: it escapes). */
  same(out: number, x: number): boolean {
    return this.signedZero ? Object.is(out, x) : out === x;
  }

  /** The value as written in the output dtype. */
  castOf(value: number): number {
    const cast = this.cast;
    if (cast === CAST_FLOAT64) return value;
    if (cast === CAST_FLOAT32) return Math.fround(value);
    const v = castOne(value, this.dtype);
    return this.signedZero ? v : v + 0; // + 0: no −0 in an integer dtype
  }

  /** The prediction the index counts from, in grid units on a grid (rounded); −0 made +0, so that index 0 gives +0. */
  anchor(prediction: number): number {
    const grid = this.grid;
    return (grid === 0 ? prediction : Math.round(toGridUnits(prediction, grid))) + 0;
  }

  /** The value of anchor + q·step (in grid units on a grid), before the cast. */
  private valueAt(anchor: number, q: number, step: number): number {
    return fromGridUnits(anchor + q * step, this.grid);
  }

  /**
   * Absolute domain, encoder: the index of original x against `prediction` at quantisation step `step`
   * (0: only the prediction itself; in grid units on a grid), or ESCAPE. On success recon/output hold
   * the reconstruction.
   */
  quantizeAbsolute(x: number, prediction: number, step: number): number {
    if (!(x - x === 0)) return ESCAPE; // NaN and ±Inf are stored exactly
    const p = this.anchor(prediction);
    const t = step === 0 ? 0 : (toGridUnits(x, this.grid) - p) / step;
    if (!(t < MAX_INDEX && t > -MAX_INDEX)) return ESCAPE; // also a non-finite prediction
    const q = Math.round(t);
    if (this.acceptsAbsolute(x, this.valueAt(p, q, step))) return q;
    if (step === 0) return ESCAPE;
    // The cast or float rounding can push the nearest index just outside the bound; a neighbour may fit.
    const other = t > q ? q + 1 : q - 1;
    if (this.acceptsAbsolute(x, this.valueAt(p, other, step))) return other;
    return ESCAPE;
  }

  /** Sets recon/output for index q (absolute domain), exactly as the encoder's acceptance computed them. */
  recoverAbsolute(prediction: number, q: number, step: number): void {
    const out = this.castOf(this.valueAt(this.anchor(prediction), q, step));
    this.output = out;
    this.recon = out - out === 0 ? out : 0; // a non-finite output (only from corrupt data) must not spread
  }

  private acceptsAbsolute(x: number, r: number): boolean {
    const out = this.castOf(r);
    const ok = (this.tolerance === 0 ? this.same(out, x) : Math.abs(out - x) <= this.tolerance) && out !== this.forbidden;
    if (ok) {
      this.output = out;
      this.recon = out;
    }
    return ok;
  }

  /**
   * Pointwise domain, encoder: the index of y = log2|x| against `prediction` at step `step`; the sign is
   * `negative`. Acceptance on the output sign·2^r after the cast, against bound·|x|.
   */
  quantizePointwise(x: number, y: number, negative: boolean, prediction: number, step: number): number {
    if (!(y - y === 0)) return ESCAPE;
    const t = step === 0 ? 0 : (y - prediction) / step;
    if (!(t < MAX_INDEX && t > -MAX_INDEX)) return ESCAPE; // also a non-finite prediction
    const q = Math.round(t);
    if (this.acceptsPointwise(x, negative, prediction + q * step)) return q;
    if (step === 0) return ESCAPE;
    const other = t > q ? q + 1 : q - 1;
    if (this.acceptsPointwise(x, negative, prediction + other * step)) return other;
    return ESCAPE;
  }

  recoverPointwise(negative: boolean, prediction: number, q: number, step: number): void {
    const r = prediction + q * step;
    this.recon = r - r === 0 ? r : 0;
    this.output = this.pointwiseOutput(negative, r);
  }

  private acceptsPointwise(x: number, negative: boolean, r: number): boolean {
    const out = this.pointwiseOutput(negative, r);
    const bound = this.pointwiseBound;
    const ok = bound === 0 ? this.same(out, x) : Math.abs(out - x) <= bound * Math.abs(x);
    if (ok) {
      this.recon = r;
      this.output = out;
    }
    return ok;
  }

  private pointwiseOutput(negative: boolean, r: number): number {
    const magnitude = detExp2(r);
    return this.castOf(negative ? -magnitude : magnitude);
  }

  /** Sets recon/output for a value stored exactly: the value itself, and a finite stand-in for predictions. */
  exact(value: number, prediction: number, logMagnitude: number): void {
    this.output = value;
    const stand = this.domain === 'pointwise' ? logMagnitude : value;
    this.recon = stand - stand === 0 ? stand : prediction - prediction === 0 ? prediction : 0;
  }
}
