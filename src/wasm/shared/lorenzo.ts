// predictors.ts predictLorenzo, term for term: 3-D Lorenzo differences of the values lorenzoReads names (the
// reconstruction, or the encoder's originals for its cost estimate), over the base in use (bases.ts) unless plain.

import { baseAt } from './bases';
import { absIndexAt } from './points';

/** predictors.ts METHOD_BASE and METHOD_LORENZO (METHOD_LORENZO_OVER_BASE is the rest). */
const METHOD_BASE: i32 = 2;
const METHOD_LORENZO: i32 = 4;

let values: usize = 0;
let narrow = false;

/** The values the next predictions read: f64 at `at`, or f32 where `narrowValues`. */
export function lorenzoReads(at: usize, narrowValues: bool): void {
  values = at;
  narrow = narrowValues;
}

@inline function valueAt(i: i32): f64 {
  return narrow ? <f64>load<f32>(values + ((<usize>i) << 2)) : load<f64>(values + ((<usize>i) << 3));
}

/** Point i's prediction (a0–a2: whether the point before exists along each axis, s0–s2 the strides). */
@inline export function predictLorenzo(method: i32, i: i32, a0: bool, a1: bool, a2: bool, s0: i32, s1: i32, s2: i32): f64 {
  if (method === METHOD_BASE) return baseAt(i);
  if (method === METHOD_LORENZO) {
    let p = 0.0;
    if (a2) p += valueAt(i - s2);
    if (a1) p += valueAt(i - s1);
    if (a0) p += valueAt(i - s0);
    if (a1 && a2) p -= valueAt(i - s1 - s2);
    if (a0 && a2) p -= valueAt(i - s0 - s2);
    if (a0 && a1) p -= valueAt(i - s0 - s1);
    if (a0 && a1 && a2) p += valueAt(i - s0 - s1 - s2);
    return p;
  }
  let p = baseAt(i);
  if (a2) p += valueAt(i - s2) - baseAt(i - s2);
  if (a1) p += valueAt(i - s1) - baseAt(i - s1);
  if (a0) p += valueAt(i - s0) - baseAt(i - s0);
  if (a1 && a2) p -= valueAt(i - s1 - s2) - baseAt(i - s1 - s2);
  if (a0 && a2) p -= valueAt(i - s0 - s2) - baseAt(i - s0 - s2);
  if (a0 && a1) p -= valueAt(i - s0 - s1) - baseAt(i - s0 - s1);
  if (a0 && a1 && a2) p += valueAt(i - s0 - s1 - s2) - baseAt(i - s0 - s1 - s2);
  return p;
}

/** traversal.ts codeByLorenzo's context activity of point i at (c0, c1, c2): |q| of the point before it along each axis, the last one's twice. */
@inline export function lorenzoActivity(i: i32, c0: i32, c1: i32, c2: i32, s0: i32, s1: i32, s2: i32): i32 {
  let activity = 0;
  if (c2 > 0) activity += 2 * absIndexAt(i - s2);
  if (c1 > 0) activity += absIndexAt(i - s1);
  if (c0 > 0) activity += absIndexAt(i - s0);
  return activity;
}
