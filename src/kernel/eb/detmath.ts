// log2 and 2^x from + − × ÷ only, so that pw-rel encoding and decoding agree on every machine
// (Math.log2/Math.pow may differ in the last bit between JavaScript engines).

const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;
const scratch = new DataView(new ArrayBuffer(8));

/** 2^n for n in [-1022, 1023] at [n + 1022], exactly (the exponent field set, a zero mantissa). */
const POWERS_OF_TWO = Float64Array.from({ length: 2046 }, (_, i) => {
  scratch.setUint32(0, (i + 1) * 0x100000);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
});

/** 2^n for an integer n in [-1022, 1023], exactly. */
function powerOfTwo(n: number): number {
  return POWERS_OF_TWO[n + 1022];
}

/** log2(v) for a finite v > 0, accurate to a few ulps. */
export function detLog2(v: number): number {
  let shift = 0;
  if (v < 2.2250738585072014e-308) {
    v *= 18446744073709551616; // 2^64: brings subnormals into the normal range, exactly
    shift = -64;
  }
  scratch.setFloat64(0, v);
  const high = scratch.getUint32(0);
  let exponent = ((high >>> 20) & 0x7ff) - 1023;
  scratch.setUint32(0, (high & 0x800fffff) | 0x3ff00000);
  let mantissa = scratch.getFloat64(0); // in [1, 2)
  if (mantissa > SQRT2) {
    mantissa /= 2;
    exponent += 1;
  }
  const t = (mantissa - 1) / (mantissa + 1);
  const t2 = t * t;
  let sum = 0;
  for (let k = 21; k >= 1; k -= 2) sum = sum * t2 + 1 / k;
  return exponent + shift + (2 * t * sum) / LN2;
}

/**
 * 2^y for a finite y; Infinity above the float64 range, 0 far below it. The slab format defines it with all 20
 * terms of the series summed (`everyTerm`, for the tests that hold the early stop to it).
 */
export function detExp2(y: number, everyTerm = false): number {
  if (y > 1024) return Infinity;
  if (y < -1200) return 0;
  let n = Math.floor(y);
  let f = y - n;
  if (f > 0.5) {
    f -= 1;
    n += 1;
  }
  const z = f * LN2;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 20; k++) {
    term = (term * z) / k;
    // Once a term leaves the sum as it is, every later one does too (|z| < 0.35, so each term is under half
    // the one before, and under half a spacing of the sum on either side): stopping gives the same bits.
    const next = sum + term;
    if (next === sum && !everyTerm) break;
    sum = next;
  }
  if (n > 1023) return sum * powerOfTwo(1023) * powerOfTwo(n - 1023);
  if (n < -1022) return sum * powerOfTwo(-1022) * powerOfTwo(Math.max(n + 1022, -1022));
  return sum * powerOfTwo(n);
}
