// What both modules read of the points coded so far: the reconstruction (f64) and min(|q|, 255) (u8) of each, and the
// interpolation that predicts from them (predictors.ts predictAlong for plain cubic and linear, term for term).

export let recon: usize = 0;
export let absIndex: usize = 0;
/** The reconstruction is held as f32: a float32 slab's, every value of which is one (half the memory). */
let narrow: bool = false;

/** Where the slab's reconstruction (f64, or f32 when `narrowReconstruction`) and |q| are. */
export function setPoints(reconstructionAt: usize, absIndicesAt: usize, narrowReconstruction: bool = false): void {
  recon = reconstructionAt;
  absIndex = absIndicesAt;
  narrow = narrowReconstruction;
}

@inline export function reconAt(i: i32): f64 {
  return narrow ? <f64>load<f32>(recon + ((<usize>i) << 2)) : load<f64>(recon + ((<usize>i) << 3));
}

/**
 * reconAt for a reconstruction held as R (f32 or f64): the hot loops take the width as a type, so that they are compiled
 * once per width and no point tests it.
 */
@inline export function reconIn<R>(i: i32): f64 {
  return <f64>load<R>(recon + ((<usize>i) << alignof<R>()));
}

/** Sets point i's reconstruction, held as R (reconIn): a float32 value where it is f32. */
@inline export function setReconIn<R>(i: i32, value: f64): void {
  store<R>(recon + ((<usize>i) << alignof<R>()), <R>value);
}

@inline export function absIndexAt(i: i32): i32 {
  return <i32>load<u8>(absIndex + <usize>i);
}

function lagrangeWeight(x: f64, a: f64, b: f64, c: f64): f64 {
  let w = 1.0;
  if (a != 0) w *= a / (a - x);
  if (b != 0) w *= b / (b - x);
  if (c != 0) w *= c / (c - x);
  return w;
}

// The last nodes lagrangeAtZero weighed and their weights: the points near an axis's end come in runs of the same
// geometry (a row's, or the same position in each row), whose weights are then the same bits without the divisions.
let lastX0: f64 = NaN, lastX1: f64 = NaN, lastX2: f64 = NaN, lastX3: f64 = NaN;
let weight0: f64 = 0, weight1: f64 = 0, weight2: f64 = 0, weight3: f64 = 0;

/** predictors.ts lagrangeAtZero: the polynomial through (x, value) at 0, for the nodes that are not 0. */
export function lagrangeAtZero(x0: f64, x1: f64, x2: f64, x3: f64, v0: f64, v1: f64, v2: f64, v3: f64): f64 {
  if (!(x0 == lastX0 && x1 == lastX1 && x2 == lastX2 && x3 == lastX3)) {
    weight0 = lagrangeWeight(x0, x1, x2, x3);
    weight1 = lagrangeWeight(x1, x0, x2, x3);
    weight2 = lagrangeWeight(x2, x0, x1, x3);
    weight3 = lagrangeWeight(x3, x0, x1, x2);
    lastX0 = x0;
    lastX1 = x1;
    lastX2 = x2;
    lastX3 = x3;
  }
  let sum = 0.0;
  if (x0 != 0) sum += weight0 * v0;
  if (x1 != 0) sum += weight1 * v1;
  if (x2 != 0) sum += weight2 * v2;
  if (x3 != 0) sum += weight3 * v3;
  return sum;
}

/** kernels.ts combine's mean of nd directions' sum: sum × 0.5 is sum / 2 exactly (both round the same real), without a division. */
@inline export function meanOf(sum: f64, nd: f64): f64 {
  return nd == 2 ? sum * 0.5 : sum / nd;
}

/** predictors.ts predictAlong for plain cubic and linear (no base), the reconstruction held as R. */
@inline export function predictAlong<R>(linear: bool, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  const along = s * unit;
  if (right1 === s) {
    const b = reconIn<R>(i - along);
    const c = reconIn<R>(i + along);
    if (linear) return (b + c) / 2;
    if (right3 === 3 * s) return before3 ? (-reconIn<R>(i - 3 * along) + 9 * b + 9 * c - reconIn<R>(i + 3 * along)) / 16 : (3 * b + 6 * c - reconIn<R>(i + 3 * along)) / 8;
    if (right3 === 0) return before3 ? (-reconIn<R>(i - 3 * along) + 6 * b + 3 * c) / 8 : (b + c) / 2;
  }
  return predictNear(linear, i, unit, s, before3, right1, right3);
}

/** predictors.ts predictAlongNear without a base, where predictAlong leaves it: near an axis's end (its regular stencils never come here). */
export function predictNear(linear: bool, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  const along = s * unit;
  const b = reconAt(i - along);
  if (right1 === 0) return b + 0;
  const c = reconAt(i + right1 * unit);
  if (linear) return (right1 === s ? (b + c) / 2 : (<f64>right1 * b + <f64>s * c) / <f64>(s + right1)) + 0;
  const a = before3 ? reconAt(i - 3 * along) : 0.0;
  const d = right3 !== 0 ? reconAt(i + right3 * unit) : 0.0;
  return lagrangeAtZero(before3 ? <f64>(-3 * s) : 0, <f64>(-s), <f64>right1, <f64>right3, a, b, c, d) + 0;
}

/**
 * sweep.ts codeBlock's context activity of point i, the k-th of its row, in a sweep at stride `along` along axis d
 * (`unit` its stride): |q| of its neighbours along d (the one 2s before, weight 2, once per row along axis 2) and of the
 * previous known point along the other axes (back0/back1/back2: how far back; 0: none). The row's chain is the caller's.
 */
@inline export function activityOf(
  i: i32, k: i32, d: i32, along: i32, unit: i32, before3: bool, right1: i32, back0: i32, back1: i32, back2: i32,
): i32 {
  let activity = absIndexAt(i - along) + (right1 !== 0 ? absIndexAt(i + right1 * unit) : 0);
  if (d === 2) {
    if (k === 0 && before3) activity += 2 * absIndexAt(i - 2 * along);
    if (back0 !== 0) activity += absIndexAt(i - back0);
    if (back1 !== 0) activity += absIndexAt(i - back1);
  } else {
    if (before3) activity += 2 * absIndexAt(i - 2 * along);
    const back = d === 0 ? back1 : back0;
    if (back !== 0) activity += absIndexAt(i - back);
    if (k === 0 && back2 !== 0) activity += absIndexAt(i - back2);
  }
  return activity;
}
