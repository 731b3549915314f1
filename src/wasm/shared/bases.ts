// What both modules read of the base a candidate adds to (predictors.ts METHOD_BASE, METHOD_CUBIC_OVER_BASE; pass.ts
// names the bases): point i's base value is base[i + baseOffset], an f64 array in the memory. The interpolation over
// the base is predictors.ts predictAlongNear's (kernels.ts overBaseAlong's on its stencils), term for term.

import { lagrangeAtZero, reconAt, reconIn } from './points';

let base: usize = 0;
let baseOffset = 0;

/** The base the next predictions read: the f64 array at byte offset `at`, point i at element i + `offset`. */
@inline export function useBase(at: usize, offset: i32): void {
  base = at;
  baseOffset = offset;
}

@inline export function baseAt(i: i32): f64 {
  return load<f64>(base + ((<usize>(i + baseOffset)) << 3));
}

/** Cubic interpolation of (reconstruction − base) along one axis at point i, plus the base there (predictAlong's geometry). */
export function predictOverBase(i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  const along = s * unit;
  const j = i - along;
  const b = reconAt(j) - baseAt(j);
  const offset = baseAt(i);
  if (right1 === 0) return b + offset;
  const k = i + right1 * unit;
  const c = reconAt(k) - baseAt(k);
  let a = 0.0;
  if (before3) a = reconAt(i - 3 * along) - baseAt(i - 3 * along);
  let d = 0.0;
  if (right3 !== 0) d = reconAt(i + right3 * unit) - baseAt(i + right3 * unit);
  if (right1 === s && (right3 === 0 || right3 === 3 * s)) {
    if (before3 && right3 !== 0) return (-a + 9 * b + 9 * c - d) / 16 + offset;
    if (before3) return (-a + 6 * b + 3 * c) / 8 + offset;
    if (right3 !== 0) return (3 * b + 6 * c - d) / 8 + offset;
    return (b + c) / 2 + offset;
  }
  return lagrangeAtZero(before3 ? <f64>(-3 * s) : 0, <f64>(-s), <f64>right1, <f64>right3, a, b, c, d) + offset;
}

/** predictOverBase with the regular stencils inline (kernels.ts overBaseAlong's cases), for the hot loops (the reconstruction held as R). */
@inline export function predictOverBaseAlong<R>(i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  if (right1 !== s || (right3 !== 0 && right3 !== 3 * s)) return predictOverBase(i, unit, s, before3, right1, right3);
  const along = s * unit;
  const offset = baseAt(i);
  const b = reconIn<R>(i - along) - baseAt(i - along);
  const c = reconIn<R>(i + along) - baseAt(i + along);
  if (right3 !== 0) {
    const d = reconIn<R>(i + 3 * along) - baseAt(i + 3 * along);
    return before3 ? (-(reconIn<R>(i - 3 * along) - baseAt(i - 3 * along)) + 9 * b + 9 * c - d) / 16 + offset : (3 * b + 6 * c - d) / 8 + offset;
  }
  return before3 ? (-(reconIn<R>(i - 3 * along) - baseAt(i - 3 * along)) + 6 * b + 3 * c) / 8 + offset : (b + c) / 2 + offset;
}
