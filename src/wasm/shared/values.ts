// How a value is written (quantizer.ts recoverAbsolute/castOf, data/dtype.ts castOne, data/float16.ts) and the view's
// grid (grid.ts), with JavaScript's rounding (which the encoder's quantiser uses too).

import { powerOfTwo } from './detmath';

export const CAST_FLOAT32 = 1;
export const CAST_INTEGER = 2;
export const CAST_FLOAT16 = 3;
export const CAST_BOOL = 4;
let cast = CAST_FLOAT32;
let low: f64 = 0;
let high: f64 = 0;
/** The view's grid: 0 for real values, 1 for integers, else the step of a decimal (> 0) or 1/its count (< 0). */
export let grid: f64 = 0;

/** How values are written: `kind` CAST_FLOAT64 (0), CAST_FLOAT32, CAST_INTEGER (rounded into [lowest, highest]), CAST_FLOAT16 or CAST_BOOL. */
export function setCast(kind: i32, lowest: f64, highest: f64): void {
  cast = kind;
  low = lowest;
  high = highest;
}

/** The grid of the next view's points. */
export function setGrid(viewGrid: f64): void {
  grid = viewGrid;
}

/** JavaScript's Math.round: halves toward +∞ (f64.nearest rounds them to even). */
@inline export function jsRound(x: f64): f64 {
  const up = Math.ceil(x);
  return up - 0.5 > x ? up - 1 : up;
}

/** grid.ts toGridUnits and fromGridUnits. */
@inline export function toGridUnits(x: f64): f64 {
  return grid == 1 ? x : grid > 0 ? x / grid : x * -grid;
}
@inline export function fromGridUnits(r: f64): f64 {
  return grid == 1 ? r : grid > 0 ? r * grid : r / -grid;
}

/** quantizer.ts castOf: the value as written in the dtype (data/dtype.ts castOne). */
@inline export function castOf(value: f64): f64 {
  if (cast === CAST_FLOAT32) return <f64><f32>value;
  if (cast === CAST_INTEGER) return value != value ? 0 : Math.min(high, Math.max(low, jsRound(value))) + 0;
  if (cast === CAST_FLOAT16) return float16Of(value);
  if (cast === CAST_BOOL) return value != value || jsRound(value) != 0 ? 1 : 0;
  return value;
}

/** data/float16.ts roundToFloat16: the nearest float16 (ties to even), through float32 bits rounded to odd. */
function float16Of(value: f64): f64 {
  const rounded = <f32>value;
  let bits = reinterpret<u32>(rounded);
  // Rounded to odd where inexact, so that the second rounding gives what rounding the float64 value would.
  if (<f64>rounded != value && isFinite(rounded) && (bits & 1) === 0) bits = Math.abs(<f64>rounded) > Math.abs(value) ? bits - 1 : bits + 1;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = <i32>((bits >>> 23) & 0xff);
  const mantissa = bits & 0x7fffff;
  let half: u32;
  if (exponent === 0xff) half = sign | 0x7c00 | (mantissa ? 0x200 : 0);
  else if (exponent - 127 > 15) half = sign | 0x7c00;
  else if (exponent - 127 >= -14) half = sign | roundHalfEven((<u32>(exponent - 127 + 15) << 10) | (mantissa >> 13), mantissa & 0x1fff, 0x1000);
  else if (exponent - 127 < -25) half = sign;
  else {
    const full = mantissa | 0x800000;
    const shift = <u32>(-(exponent - 127) - 1);
    half = sign | roundHalfEven(full >> shift, full & ((1 << shift) - 1), 1 << (shift - 1));
  }
  return float16Value(half);
}

/** data/float16.ts roundHalfEven. */
@inline function roundHalfEven(kept: u32, rest: u32, halfway: u32): u32 {
  return rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept;
}

/** data/float16.ts float16BitsToNumber. */
function float16Value(h: u32): f64 {
  const sign: f64 = h & 0x8000 ? -1 : 1;
  const exponent = <i32>((h >> 10) & 0x1f);
  const fraction = <f64>(h & 0x3ff);
  if (exponent === 0) return sign * fraction * powerOfTwo(-24);
  if (exponent === 0x1f) return fraction != 0 ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * powerOfTwo(exponent - 15);
}
