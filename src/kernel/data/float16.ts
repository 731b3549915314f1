// IEEE 754 half precision <-> single precision, bit exact (Node 20 has no Math.f16round / Float16Array).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decodes one half-precision bit pattern. */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Encodes one number as half precision, rounding to nearest, ties to even. NaN keeps its sign. */
export function numberToFloat16Bits(value: number): number {
  const bits = float32BitsRoundedToOdd(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00; // overflow → infinity
  if (unbiased >= -14) {
    // normal half: keep 10 of the 23 mantissa bits
    const half = ((unbiased + 15) << 10) | (mantissa >> 13);
    return sign | roundHalfEven(half, mantissa & 0x1fff, 0x1000);
  }
  if (unbiased < -25) return sign; // below half the smallest subnormal → ±0
  // subnormal half: value = m × 2^-24 with the implicit leading 1 made explicit
  const full = mantissa | 0x800000;
  const shift = -unbiased - 1; // 14..24
  const half = full >> shift;
  const rest = full & ((1 << shift) - 1);
  return sign | roundHalfEven(half, rest, 1 << (shift - 1));
}

/**
 * float32 bits of `value`, rounded to odd when inexact: with 13 spare bits this makes the second rounding
 * (to float16) give the same result as rounding the float64 value directly (no double-rounding error).
 */
function float32BitsRoundedToOdd(value: number): number {
  f32[0] = value;
  const rounded = f32[0];
  const bits = u32[0];
  if (rounded === value || !Number.isFinite(rounded) || (bits & 1) === 1) return bits;
  return Math.abs(rounded) > Math.abs(value) ? bits - 1 : bits + 1;
}

/** Rounds `kept` up by one ulp when the dropped bits `rest` exceed half (`halfway`), or tie and odd. */
function roundHalfEven(kept: number, rest: number, halfway: number): number {
  if (rest > halfway || (rest === halfway && (kept & 1) === 1)) return kept + 1; // a carry into the exponent is correct
  return kept;
}

export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToNumber(bits[i]);
  return out;
}

export function float32ToFloat16Bits(values: Float32Array | Float64Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToFloat16Bits(values[i]);
  return out;
}

/** The float16 value nearest to `value` (what storing it as float16 and reading it back gives). */
export function roundToFloat16(value: number): number {
  return float16BitsToNumber(numberToFloat16Bits(value));
}
