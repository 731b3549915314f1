// detmath.ts detExp2, operation for operation (pw-rel's log domain is decoded with it on every machine alike).

const LN2: f64 = 0.6931471805599453;

/** 2^n for an integer n in [-1022, 1023], exactly (detmath.ts powerOfTwo). */
@inline export function powerOfTwo(n: i32): f64 {
  return reinterpret<f64>((<u64>(n + 1023)) << 52);
}

/** detmath.ts detExp2: 2^y from + − × ÷ only, as every machine computes it. */
export function detExp2(y: f64): f64 {
  if (y > 1024) return Infinity;
  if (y < -1200) return 0;
  let n = Math.floor(y);
  let f = y - n;
  if (f > 0.5) {
    f -= 1;
    n += 1;
  }
  const z = f * LN2;
  let term = 1.0;
  let sum = 1.0;
  for (let k = 1; k <= 20; k++) {
    term = (term * z) / <f64>k;
    const next = sum + term;
    if (next == sum) break;
    sum = next;
  }
  const e = <i32>n;
  if (e > 1023) return sum * powerOfTwo(1023) * powerOfTwo(e - 1023);
  if (e < -1022) return sum * powerOfTwo(-1022) * powerOfTwo(max(e + 1022, -1022));
  return sum * powerOfTwo(e);
}
