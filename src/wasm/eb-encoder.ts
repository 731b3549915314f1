// AssemblyScript, compiled by esbuild.mjs to dist/eb-encoder.wasm: the error-bounded encoder's interpolation sweeps for
// the common case (src/kernel/eb/wasm/encoder.ts decides which passes that is and drives the views and sweeps): plain
// cubic and linear candidates and those over a base (the base alone, cubic over the base: a model's prediction or a
// table's column models). One pass per block does what the JavaScript encoder spreads over sweep.ts
// codeSweep/predictAndCost/codeBlock, kernels.ts (the predictions, term for term), traversal.ts (the cost estimate and
// the choice), quantizer.ts quantizeAbsolute, pointcoder.ts encodeStrip, contexts.ts and rangecoder.ts, with the same
// models in the same order, so that the stream, every value and the checksum come out identical. A value stored exactly
// (an escape) is handed to JavaScript (encoder.exact), which keeps the exact store. eb-encoder/range-encoder.ts writes
// the stream; eb-encoder/mask.ts codes a masked slab's special values before the traversal (codeMask). codeLorenzo is
// traversal.ts codeByLorenzo's encoder, in raster order.
//
// Memory (byte offsets handed over by the driver: encoder-memory.ts memoryPlan): the bit models (16 bytes each), the
// rates, the cost table, the candidates, each one's count of blocks (i32), per axis its coordinate list (i32) and
// geometry (sweep.ts setSweepGeometry: before3 u8, right1 i32, right3 i32), the originals and reconstruction (f64, or
// f32 in a float32 pass), min(|q|, 255) of every point (u8), the bases (f64; a temporal pass's zero frame, and its
// previous frame is the reconstruction itself), a block's scratch (its points, each distinct prediction's values), and
// last the stream, which grows the memory when it fills it.

import { bucket, choice, ESCAPE, ESCAPE_ACTIVITY, FNV_PRIME, INDEX_MODELS, startModels, zero } from './shared/models';
import { encodeBit, encodeNonZero, finishStream, startStream } from './eb-encoder/range-encoder';
import { addMaskModels, encodeMask, MASK_MODELS } from './eb-encoder/mask';
import { absIndex, absIndexAt, activityOf, meanOf, predictNear, recon, reconAt, reconIn, setPoints, setReconIn } from './shared/points';
import { baseAt, predictOverBaseAlong, useBase } from './shared/bases';
import { lorenzoActivity, lorenzoReads, predictLorenzo } from './shared/lorenzo';
import { blockEnd, coordinate, hasBefore3, n0, n1, n2, right1Of, right3Of, stride0, stride1, stride2, strideOf } from './shared/geometry';
export { RECIPROCAL_BYTES } from './shared/models';
export { setAxis } from './shared/geometry';
export { setGrid } from './shared/values';
import { fromGridUnits, grid, jsRound, toGridUnits } from './shared/values';

const MAX_INDEX: f64 = 1073741824; // 2^30
const LOG2_TABLE_SIZE: i32 = 4096;
const UNQUANTISABLE_COST: f64 = 64;

/** Math.log2 of JavaScript: the cost estimate beyond its table must be the same bits. */
@external("Math", "log2") declare function jsLog2(x: f64): f64;
/** Stores the original at point i exactly (pointcoder.ts storeExact) and returns what predictions read there. */
@external("encoder", "exact") declare function storeExact(i: i32, prediction: f64): f64;

/** pointcoder.ts PointCoder.hash: FNV-1a over every index in coding order. */
export let hash: u32 = 0x811c9dc5;
let log2Table: usize = 0;
let original: usize = 0;
let float32: bool = true;
/** The originals and reconstruction are held as f32 (a float32 pass whose every original is one: half the memory). */
let narrowOriginals: bool = false;
/** The slab's special values (an original not finite) are a mask coded before the traversal (codeMask): no index. */
let masked = false;
/** quantizer.ts Quantizer.tolerance of the view being coded. */
let tolerance: f64 = 0;
/** What quantize accepted: the reconstruction of its index. */
let accepted: f64 = 0;
// A block's scratch: its points (i32), and the most it may hold.
let blockIndices: usize = 0;
let blockCapacity: i32 = 0;
/** predictors.ts METHOD_*: how a candidate predicts. */
const METHOD_CUBIC: i32 = 0;
const METHOD_LINEAR: i32 = 1;
const METHOD_BASE: i32 = 2;
const METHOD_CUBIC_OVER_BASE: i32 = 3;
/**
 * The configuration's candidates, CANDIDATE_BYTES each from `candidates` (i32 each): its METHOD_, where its predictions
 * of a block go (f64; plain cubic candidates share theirs, as do plain linear ones), its base's byte offset and element
 * offset; how many, and the bits their choice takes.
 */
export const CANDIDATE_BYTES: i32 = 16;
let candidates: usize = 0;
let choices = 1;
let choiceBits = 0;
let choicesChecked = false;
/** pointcoder.ts CHOICE_TAG. */
const CHOICE_TAG: u32 = 0x2c1b3c6d;
// The predictions of the plain cubic and linear candidates (0: there is none), and the first candidate over a base
// (-1: none), which predicts the origin and the corners (interpolation.ts codeByInterpolation's anchor).
let cubicOut: usize = 0;
let linearOut: usize = 0;
let anchor = -1;
/** Whether a plain cubic or linear candidate is among them, and the first cubic over a base (-1: none). */
let plainWanted = false;
let firstOverBase = -1;
/** How many blocks chose each candidate (i32 per candidate). */
let counts: usize = 0;

/** Where the driver may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** The bytes the models, the rates and the cost table take (for the driver's layout). */
export const MODEL_BYTES: i32 = (INDEX_MODELS + MASK_MODELS) * 16;
export const LOG2_TABLE_BYTES: i32 = LOG2_TABLE_SIZE * 8;

/**
 * Starts a pass: fresh models and coder, the checksum's seed; the stream from streamAt to the memory's end. The cost
 * table at log2At is the driver's (traversal.ts LOG2_TABLE); originals, reconstruction and |q| are in place.
 */
export function begin(
  stateAt: usize, reciprocalAt: usize, log2At: usize, originalAt: usize, reconAt: usize, absIndexAt: usize, isFloat32: bool, narrow: bool,
  scratchAt: usize, capacity: i32, countsAt: usize, streamAt: usize,
): void {
  startModels(stateAt, reciprocalAt);
  addMaskModels();
  masked = false;
  log2Table = log2At;
  original = originalAt;
  float32 = isFloat32;
  narrowOriginals = narrow;
  setPoints(reconAt, absIndexAt, narrow);
  blockCapacity = capacity;
  blockIndices = scratchAt;
  counts = countsAt;
  for (let k = 0; k < 8; k++) store<i32>(counts + ((<usize>k) << 2), 0);
  startStream(streamAt);
  hash = 0x811c9dc5;
}

/**
 * The configuration's candidates: `count` records of CANDIDATE_BYTES at `at`; `bits`: traversal.ts choiceBits;
 * `checked`: each choice goes into the hash (pointcoder.ts hashChoice, formats 4 to 6).
 */
export function setChoices(at: usize, count: i32, bits: i32, checked: bool): void {
  candidates = at;
  choices = count;
  choiceBits = bits;
  choicesChecked = checked;
  cubicOut = 0;
  linearOut = 0;
  anchor = -1;
  firstOverBase = -1;
  for (let k = 0; k < count; k++) {
    const method = methodOf(k);
    if (method === METHOD_CUBIC) cubicOut = predictionsOf(k);
    else if (method === METHOD_LINEAR) linearOut = predictionsOf(k);
    else if (anchor < 0) anchor = k;
    if (method === METHOD_CUBIC_OVER_BASE && firstOverBase < 0) firstOverBase = k;
  }
  plainWanted = cubicOut !== 0 || linearOut !== 0;
}

@inline function methodOf(k: i32): i32 {
  return load<i32>(candidates + <usize>(k * CANDIDATE_BYTES));
}

@inline function predictionsOf(k: i32): usize {
  return <usize>load<i32>(candidates + <usize>(k * CANDIDATE_BYTES), 4);
}

/** Candidate k's base, for the predictions that follow. */
@inline function useBaseOf(k: i32): void {
  const at = candidates + <usize>(k * CANDIDATE_BYTES);
  useBase(<usize>load<i32>(at, 8), load<i32>(at, 12));
}

/** The tolerance of the view about to be coded. */
export function setTolerance(t: f64): void {
  tolerance = t;
}

/**
 * A masked slab (pointcoder.ts codeClasses in the absolute domain), after setChoices and before any point: its mask as
 * runs over the slab (`row` 0) or row by row (mask-rows.ts maskRowsOf's row and frame), each special value's kind,
 * and the checksum over them; the traversal then takes no index for them.
 */
export function codeMask(size: i32, row: i32, frame: i32): void {
  masked = true;
  hash = encodeMask(original, narrowOriginals, size, row, frame, choicesChecked, hash);
}

/** Ends the stream (rangecoder.ts finish) and returns its length; its bytes start where begin() put them. */
export function finish(): i32 {
  return finishStream();
}

// ---------------------------------------------------------------- the quantiser and the point coder

@inline function accepts(x: f64, r: f64): bool {
  const out = float32 ? <f64><f32>r : r;
  // A tolerance of 0 is lossless: the same bits (the sign of zero kept; x is finite here).
  const ok = tolerance == 0 ? reinterpret<u64>(out) == reinterpret<u64>(x) : Math.abs(out - x) <= tolerance;
  if (ok) accepted = out;
  return ok;
}

/**
 * The largest |x − p| whose index is 0 whatever the division rounds: 0.49 step, so |x − p| / step stays under 0.5 in
 * floating point (0.49 step is exact to 2^-53 relative for a normal step); −1 (none) for a step too small or not finite.
 */
@inline function zeroBoundOf(step: f64): f64 {
  return step >= 1e-300 && step < Infinity ? 0.49 * step : -1;
}

/**
 * quantizer.ts quantizeAbsolute for values in a float dtype, nothing forbidden: an index (its value in `accepted`) or
 * ESCAPE. Off a grid, within zeroBound (zeroBoundOf(step)) the index is 0 for certain and the value tried, p + 0 × step,
 * is p itself (p is never −0), so most points skip the division and the rounding; the rest run quantizeAbsolute's steps.
 */
@inline function quantize(x: f64, prediction: f64, step: f64, zeroBound: f64): i32 {
  if (grid != 0) return x - x == 0 ? quantizeOnGrid(x, prediction, step) : ESCAPE;
  const p = prediction + 0;
  if (Math.abs(x - p) <= zeroBound && accepts(x, p)) return 0;
  if (!(x - x == 0)) return ESCAPE;
  const t = step == 0 ? 0 : (x - p) / step;
  if (!(t < MAX_INDEX && t > -MAX_INDEX)) return ESCAPE;
  const q = jsRound(t);
  if (accepts(x, p + q * step)) return <i32>q;
  return nextIndex(x, p, t, q, step);
}

/** quantizeAbsolute's second try: the cast or float rounding pushed the nearest index just outside the bound. */
function nextIndex(x: f64, p: f64, t: f64, q: f64, step: f64): i32 {
  if (step == 0) return ESCAPE;
  const other = t > q ? q + 1 : q - 1;
  if (accepts(x, p + other * step)) return <i32>other;
  return ESCAPE;
}

/** quantizeAbsolute on the view's grid (grid.ts): the prediction rounded to whole units of it, the step counted in them. */
function quantizeOnGrid(x: f64, prediction: f64, step: f64): i32 {
  const p = jsRound(toGridUnits(prediction)) + 0;
  const t = step == 0 ? 0 : (toGridUnits(x) - p) / step;
  if (!(t < MAX_INDEX && t > -MAX_INDEX)) return ESCAPE;
  const q = jsRound(t);
  if (accepts(x, fromGridUnits(p + q * step))) return <i32>q;
  if (step == 0) return ESCAPE;
  const other = t > q ? q + 1 : q - 1;
  if (accepts(x, fromGridUnits(p + other * step))) return <i32>other;
  return ESCAPE;
}

/**
 * One point (pointcoder.ts code / encodeStrip): its index coded in `context`; returns min(|q|, 255) (ESCAPE_ACTIVITY for
 * an escape). R: how the pass holds its points (f32 or f64: narrowOriginals), as in every function below that takes it.
 */
@inline function encodePoint<R>(i: i32, prediction: f64, step: f64, zeroBound: f64, context: i32): i32 {
  const x = originalOf<R>(i);
  if (masked && !(x - x == 0)) return knownPoint<R>(i, prediction);
  const q = quantize(x, prediction, step, zeroBound);
  if (q === 0) {
    encodeBit(zero + context, 0);
    setReconIn<R>(i, accepted);
    store<u8>(absIndex + <usize>i, 0);
    hash = hash * FNV_PRIME;
    return 0;
  }
  encodeNonZero(q, context);
  if (q === ESCAPE) {
    setReconIn<R>(i, storeExact(i, prediction));
    store<u8>(absIndex + <usize>i, <u8>ESCAPE_ACTIVITY);
    hash = (hash ^ 0x5bd1e995) * FNV_PRIME;
    return ESCAPE_ACTIVITY;
  }
  setReconIn<R>(i, accepted);
  const m = q < 0 ? -q : q;
  const clamped = m > 255 ? 255 : m;
  store<u8>(absIndex + <usize>i, <u8>clamped);
  hash = (hash ^ <u32>q) * FNV_PRIME;
  return clamped;
}

/** A special value of a masked slab (pointcoder.ts code()): no index; its neighbours are predicted from its prediction. */
function knownPoint<R>(i: i32, prediction: f64): i32 {
  setReconIn<R>(i, prediction - prediction == 0 ? prediction : 0);
  store<u8>(absIndex + <usize>i, 0);
  return 0;
}

/**
 * A point outside the sweeps (interpolation.ts forEachCorner): the origin (from < 0), predicted by the anchor's base or
 * 0, or a corner, predicted by point `from` (over the anchor's base, when there is one).
 */
export function codeCorner(i: i32, from: i32, step: f64, level: i32): void {
  let prediction: f64;
  if (anchor < 0) prediction = from < 0 ? 0 : reconAt(from);
  else {
    useBaseOf(anchor);
    prediction = from < 0 ? baseAt(i) : reconAt(from) - baseAt(from) + baseAt(i);
  }
  const activity = from < 0 ? 0 : 2 * absIndexAt(from);
  const context = (level < 4 ? level : 3) * 16 + bucket(activity);
  if (narrowOriginals) encodePoint<f32>(i, prediction, step, zeroBoundOf(step), context);
  else encodePoint<f64>(i, prediction, step, zeroBoundOf(step), context);
}

// ---------------------------------------------------------------- the predictions (the decoder's, eb-decoder.ts, and kernels.ts's)

// How direction m of nd adds its value v to a point's prediction (kernels.ts combine's modes): v alone (nd 1), 0 + v
// (the first: −0 becomes 0), + v, and the last + v divided by nd. Each is its own loop below (the role a constant
// there), so that no point asks which.
const ALONE: i32 = 0;
const FIRST: i32 = 1;
const MORE: i32 = 2;
const LAST: i32 = 3;

@inline function roleOf(m: i32, nd: i32): i32 {
  return nd === 1 ? ALONE : m === 0 ? FIRST : m < nd - 1 ? MORE : LAST;
}

@inline function combine(role: i32, at: usize, v: f64, nd: f64): void {
  if (role === ALONE) store<f64>(at, v);
  else if (role === FIRST) store<f64>(at, 0 + v);
  else if (role === MORE) store<f64>(at, load<f64>(at) + v);
  else store<f64>(at, meanOf(load<f64>(at) + v, nd));
}

@inline function pointOf(j: i32): i32 {
  return load<i32>(blockIndices + ((<usize>j) << 2));
}

/** Plain cubic's and linear's predictAlong at point i (block position j), those the candidates use, from the same neighbours. */
@inline function predictBoth<R>(role: i32, nd: f64, j: i32, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): void {
  const cubicAt = cubicOut + ((<usize>j) << 3);
  const linearAt = linearOut + ((<usize>j) << 3);
  if (right1 === s) {
    const along = s * unit;
    const b = reconIn<R>(i - along);
    const c = reconIn<R>(i + along);
    if (linearOut !== 0) combine(role, linearAt, (b + c) / 2, nd);
    if (cubicOut !== 0) {
      let v: f64;
      if (right3 === 3 * s) v = before3 ? (-reconIn<R>(i - 3 * along) + 9 * b + 9 * c - reconIn<R>(i + 3 * along)) / 16 : (3 * b + 6 * c - reconIn<R>(i + 3 * along)) / 8;
      else if (right3 === 0) v = before3 ? (-reconIn<R>(i - 3 * along) + 6 * b + 3 * c) / 8 : (b + c) / 2;
      else v = predictNear(false, i, unit, s, before3, right1, right3);
      combine(role, cubicAt, v, nd);
    }
  } else {
    if (cubicOut !== 0) combine(role, cubicAt, predictNear(false, i, unit, s, before3, right1, right3), nd);
    if (linearOut !== 0) combine(role, linearAt, predictNear(true, i, unit, s, before3, right1, right3), nd);
  }
}

/**
 * Point i's (block position j) predictions along one direction: plain cubic and linear (`plain`), and cubic over the
 * base in use into `out` (`overBase`).
 */
@inline function predictPoint<R>(role: i32, plain: bool, overBase: bool, out: usize, nd: f64, j: i32, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): void {
  if (plain) predictBoth<R>(role, nd, j, i, unit, s, before3, right1, right3);
  if (overBase) combine(role, out + ((<usize>j) << 3), predictOverBaseAlong<R>(i, unit, s, before3, right1, right3), nd);
}

/**
 * The interior of a row along an axis other than 2 (every point with its neighbours at −3s, −s, +s and +3s: by far
 * the most common), positions j to end: predictBoth's and predictOverBaseAlong's cubic stencil, term for term, from
 * the same reads of the reconstruction.
 */
@inline function interiorRow<R>(role: i32, plain: bool, overBase: bool, out: usize, nd: f64, j: i32, end: i32, along: i32): void {
  const cubic = cubicOut, linear = linearOut;
  for (; j < end; j++) {
    const i = pointOf(j);
    const a = reconIn<R>(i - 3 * along);
    const b = reconIn<R>(i - along);
    const c = reconIn<R>(i + along);
    const d = reconIn<R>(i + 3 * along);
    if (plain) {
      if (linear !== 0) combine(role, linear + ((<usize>j) << 3), (b + c) / 2, nd);
      if (cubic !== 0) combine(role, cubic + ((<usize>j) << 3), (-a + 9 * b + 9 * c - d) / 16, nd);
    }
    if (overBase) {
      const offset = baseAt(i);
      const bOver = b - baseAt(i - along);
      const cOver = c - baseAt(i + along);
      const dOver = d - baseAt(i + 3 * along);
      combine(role, out + ((<usize>j) << 3), (-(a - baseAt(i - 3 * along)) + 9 * bOver + 9 * cOver - dOver) / 16 + offset, nd);
    }
  }
}

/** The block's predictions along axis e, in `role` (kernels.ts interpolateBlock, and overBaseAlong into `out`). */
@inline function interpolateDirection<R>(role: i32, plain: bool, overBase: bool, out: usize, nd: f64, e: i32, s: i32, a0: i32, b0: i32, a1: i32, b1: i32, a2: i32, b2: i32): void {
  const unit = strideOf(e);
  const rowLength = b2 - a2;
  let j = 0;
  for (let x0 = a0; x0 < b0; x0++) {
    for (let x1 = a1; x1 < b1; x1++) {
      if (e === 2) {
        for (let x2 = a2; x2 < b2; x2++, j++) predictPoint<R>(role, plain, overBase, out, nd, j, pointOf(j), unit, s, hasBefore3(2, x2), right1Of(2, x2), right3Of(2, x2));
        continue;
      }
      // Along axis 0 or 1 the geometry is the row's.
      const x = e === 0 ? x0 : x1;
      const before3 = hasBefore3(e, x), right1 = right1Of(e, x), right3 = right3Of(e, x);
      if (before3 && right1 === s && right3 === 3 * s) interiorRow<R>(role, plain, overBase, out, nd, j, j + rowLength, s * unit);
      else for (let k = j; k < j + rowLength; k++) predictPoint<R>(role, plain, overBase, out, nd, k, pointOf(k), unit, s, before3, right1, right3);
      j += rowLength;
    }
  }
}

/** interpolateDirection with `role` a constant in each call (one loop per role, each for what is wanted). */
@inline function interpolateAs<R>(role: i32, plain: bool, overBase: bool, out: usize, nd: f64, e: i32, s: i32, a0: i32, b0: i32, a1: i32, b1: i32, a2: i32, b2: i32): void {
  if (role === ALONE) interpolateDirection<R>(ALONE, plain, overBase, out, nd, e, s, a0, b0, a1, b1, a2, b2);
  else if (role === FIRST) interpolateDirection<R>(FIRST, plain, overBase, out, nd, e, s, a0, b0, a1, b1, a2, b2);
  else if (role === MORE) interpolateDirection<R>(MORE, plain, overBase, out, nd, e, s, a0, b0, a1, b1, a2, b2);
  else interpolateDirection<R>(LAST, plain, overBase, out, nd, e, s, a0, b0, a1, b1, a2, b2);
}

/**
 * The block's interpolated predictions, direction by direction, each point's in loop order: plain cubic and linear
 * (`plain`: kernels.ts interpolateBlock) and cubic over the base in use into `out` (`overBase`: overBaseAlong), in one
 * pass when both.
 */
function interpolateBlock<R>(plain: bool, overBase: bool, out: usize, s: i32, nd: i32, d: i32, e1: i32, e2: i32, a0: i32, b0: i32, a1: i32, b1: i32, a2: i32, b2: i32): void {
  const count = <f64>nd;
  for (let m = 0; m < nd; m++) {
    const e = m === 0 ? d : m === 1 ? e1 : e2;
    const role = roleOf(m, nd);
    if (!overBase) interpolateAs<R>(role, true, false, 0, count, e, s, a0, b0, a1, b1, a2, b2);
    else if (!plain) interpolateAs<R>(role, false, true, out, count, e, s, a0, b0, a1, b1, a2, b2);
    else interpolateAs<R>(role, true, true, out, count, e, s, a0, b0, a1, b1, a2, b2);
  }
}

/** traversal.ts costOfResidual's magnitude: |residual| in steps. */
@inline function magnitudeOf(residual: f64, inverseStep: f64): f64 {
  return Math.abs(residual * inverseStep);
}

/** Whether costOf reads magnitude m's cost from the table (NaN is not). */
@inline function inTable(m: f64): bool {
  return m < <f64>(LOG2_TABLE_SIZE - 1);
}

/**
 * The table's cost of magnitude m (inTable): at m + 0.5 truncated, which is floored and added to 2^52 to become that
 * float's low bits (no conversion to an integer, which checks its range).
 */
@inline function tableCost(m: f64): f64 {
  return load<f64>(log2Table + ((<usize><u32>reinterpret<u64>(Math.floor(m + 0.5) + 4503599627370496.0)) << 3));
}

/** traversal.ts costOfResidual: the estimated bits of the index of `residual`. */
function costOf(residual: f64, inverseStep: f64): f64 {
  const m = magnitudeOf(residual, inverseStep);
  if (inTable(m)) return tableCost(m);
  return m == m && m != Infinity ? 1.5 + 2 * jsLog2(m) : UNQUANTISABLE_COST;
}

/** Point i's original: f32 where the pass holds them so (encoder.ts pointsAreFloat32). */
@inline function originalOf<R>(i: i32): f64 {
  return <f64>load<R>(original + ((<usize>i) << alignof<R>()));
}

@inline function originalAt<R>(j: i32): f64 {
  return originalOf<R>(load<i32>(blockIndices + ((<usize>j) << 2)));
}

/**
 * Candidate k's estimated cost of the block (traversal.ts chooseAndRecord): its points' costs summed in loop order. The
 * points the table covers are summed in a loop without a call (which would keep the sum in memory), until one is not.
 */
@inline function blockCost<R>(k: i32, total: i32, inverseStep: f64): f64 {
  const predictions = predictionsOf(k);
  let cost = 0.0;
  let j = 0;
  for (; j < total; j++) {
    const m = magnitudeOf(originalAt<R>(j) - load<f64>(predictions + ((<usize>j) << 3)), inverseStep);
    if (!inTable(m)) break;
    cost += tableCost(m);
  }
  for (; j < total; j++) cost += costOf(originalAt<R>(j) - load<f64>(predictions + ((<usize>j) << 3)), inverseStep);
  return cost;
}

/**
 * Every candidate's predictions of the block's points into its scratch, in loop order (sweep.ts predictAndCost); then
 * the cheapest candidate by the cost estimate on the originals (traversal.ts chooseAndRecord: the first strictly
 * smallest, each sum in loop order).
 */
function predictAndChoose<R>(offset: i32, s: i32, nd: i32, d: i32, e1: i32, e2: i32, a0: i32, b0: i32, a1: i32, b1: i32, a2: i32, b2: i32, inverseStep: f64): i32 {
  const total = (b0 - a0) * (b1 - a1) * (b2 - a2);
  if (total > blockCapacity) unreachable();
  let j = 0;
  for (let x0 = a0; x0 < b0; x0++) {
    for (let x1 = a1; x1 < b1; x1++) {
      const rowBase = offset + coordinate(0, x0) * stride0 + coordinate(1, x1) * stride1;
      for (let x2 = a2; x2 < b2; x2++, j++) store<i32>(blockIndices + ((<usize>j) << 2), rowBase + coordinate(2, x2) * stride2);
    }
  }
  // The first candidate over a base is interpolated with plain cubic and linear, from the same reads.
  const fused = plainWanted ? firstOverBase : -1;
  if (fused >= 0) useBaseOf(fused);
  if (plainWanted) interpolateBlock<R>(true, fused >= 0, fused >= 0 ? predictionsOf(fused) : 0, s, nd, d, e1, e2, a0, b0, a1, b1, a2, b2);
  for (let k = 0; k < choices; k++) {
    const method = methodOf(k);
    if (method < METHOD_BASE || k === fused) continue;
    useBaseOf(k);
    const out = predictionsOf(k);
    if (method === METHOD_CUBIC_OVER_BASE) interpolateBlock<R>(false, true, out, s, nd, d, e1, e2, a0, b0, a1, b1, a2, b2);
    else for (j = 0; j < total; j++) store<f64>(out + ((<usize>j) << 3), baseAt(load<i32>(blockIndices + ((<usize>j) << 2))));
  }
  if (choices === 1) return 0;
  let best = 0;
  let bestCost = blockCost<R>(0, total, inverseStep);
  for (let k = 1; k < choices; k++) {
    const cost = blockCost<R>(k, total, inverseStep);
    if (cost < bestCost) {
      best = k;
      bestCost = cost;
    }
  }
  return best;
}

/** contexts.ts codeChoice: the block's candidate down a binary tree, in the context of the previous choice. */
function encodeChoice(chosen: i32, previous: i32): void {
  if (choicesChecked) hash = (hash ^ (CHOICE_TAG ^ <u32>chosen)) * FNV_PRIME;
  const base = choice + (previous & 7) * 8;
  let node = 1;
  for (let b = choiceBits - 1; b >= 0; b--) {
    const bit = (chosen >> b) & 1;
    encodeBit(base + node, bit);
    node = node * 2 + bit;
  }
}

/**
 * One sweep (sweep.ts codeSweep, encoder) of the view at `offset`: interpolated at stride s along axis d and, when
 * nd > 1, along e1 (and e2) too, the predictions averaged; returns the last block's choice.
 */
export function codeSweep(offset: i32, level: i32, step: f64, inverseStep: f64, edge: i32, d: i32, s: i32, nd: i32, e1: i32, e2: i32, previousChoice: i32): i32 {
  return narrowOriginals
    ? sweep<f32>(offset, level, step, inverseStep, edge, d, s, nd, e1, e2, previousChoice)
    : sweep<f64>(offset, level, step, inverseStep, edge, d, s, nd, e1, e2, previousChoice);
}

/** codeSweep for points held as R. */
function sweep<R>(offset: i32, level: i32, step: f64, inverseStep: f64, edge: i32, d: i32, s: i32, nd: i32, e1: i32, e2: i32, previousChoice: i32): i32 {
  let previous = previousChoice;
  const levelPart = (level < 4 ? level : 3) * 16;
  const unit = strideOf(d);
  const along = unit * s;
  const chainWeight = d === 2 ? 2 : 1;
  const zeroBound = zeroBoundOf(step);
  for (let a0 = 0; a0 < n0;) {
    const b0 = blockEnd(0, a0, edge, n0);
    for (let a1 = 0; a1 < n1;) {
      const b1 = blockEnd(1, a1, edge, n1);
      for (let a2 = 0; a2 < n2;) {
        const b2 = blockEnd(2, a2, edge, n2);
        const chosen = predictAndChoose<R>(offset, s, nd, d, e1, e2, a0, b0, a1, b1, a2, b2, inverseStep);
        if (choices > 1) encodeChoice(chosen, previous);
        previous = chosen;
        const countAt = counts + ((<usize>chosen) << 2);
        store<i32>(countAt, load<i32>(countAt) + 1);
        const predictions = predictionsOf(chosen);
        const back2 = a2 > 0 ? (coordinate(2, a2) - coordinate(2, a2 - 1)) * stride2 : 0;
        let j = 0;
        for (let x0 = a0; x0 < b0; x0++) {
          const back0 = x0 > 0 ? (coordinate(0, x0) - coordinate(0, x0 - 1)) * stride0 : 0;
          for (let x1 = a1; x1 < b1; x1++) {
            const back1 = x1 > 0 ? (coordinate(1, x1) - coordinate(1, x1 - 1)) * stride1 : 0;
            // Along axis 0 or 1 the geometry is the row's: read once per row (along axis 2, per point).
            const xd = d === 0 ? x0 : x1;
            const dBefore3 = d !== 2 && hasBefore3(d, xd), dRight1 = d !== 2 ? right1Of(d, xd) : 0;
            let previousAbs = 0;
            for (let x2 = a2, k = 0; x2 < b2; x2++, k++, j++) {
              const i = load<i32>(blockIndices + ((<usize>j) << 2));
              const before3 = d === 2 ? hasBefore3(2, x2) : dBefore3;
              const right1 = d === 2 ? right1Of(2, x2) : dRight1;
              // The context: sweep.ts codeBlock's activity and the strip's chain.
              let activity = activityOf(i, k, d, along, unit, before3, right1, back0, back1, back2);
              if (k > 0) activity += chainWeight * previousAbs;
              previousAbs = encodePoint<R>(i, load<f64>(predictions + ((<usize>j) << 3)), step, zeroBound, levelPart + bucket(activity));
            }
          }
        }
        a2 = b2;
      }
      a1 = b1;
    }
    a0 = b0;
  }
  return previous;
}

/**
 * traversal.ts codeByLorenzo (encoder): the view at `offset` in raster order, in blocks of blockSize³, each choosing
 * its candidate by the cost estimate on the originals (the first strictly smallest, each sum in raster order).
 */
export function codeLorenzo(offset: i32, n0: i32, n1: i32, n2: i32, s0: i32, s1: i32, s2: i32, blockSize: i32, step: f64, inverseStep: f64): void {
  if (narrowOriginals) lorenzo<f32>(offset, n0, n1, n2, s0, s1, s2, blockSize, step, inverseStep);
  else lorenzo<f64>(offset, n0, n1, n2, s0, s1, s2, blockSize, step, inverseStep);
}

/** codeLorenzo for points held as R. */
function lorenzo<R>(offset: i32, n0: i32, n1: i32, n2: i32, s0: i32, s1: i32, s2: i32, blockSize: i32, step: f64, inverseStep: f64): void {
  const zeroBound = zeroBoundOf(step);
  let previous = 0;
  for (let lo0 = 0; lo0 < n0; lo0 += blockSize)
    for (let lo1 = 0; lo1 < n1; lo1 += blockSize)
      for (let lo2 = 0; lo2 < n2; lo2 += blockSize) {
        const h0 = min(n0, lo0 + blockSize), h1 = min(n1, lo1 + blockSize), h2 = min(n2, lo2 + blockSize);
        let chosen = 0;
        if (choices > 1) {
          // The first strictly smallest estimate, on the originals (their Lorenzo predictions from the originals too).
          lorenzoReads(original, narrowOriginals);
          let bestCost = lorenzoCost<R>(0, offset, lo0, h0, lo1, h1, lo2, h2, s0, s1, s2, inverseStep);
          for (let k = 1; k < choices; k++) {
            const cost = lorenzoCost<R>(k, offset, lo0, h0, lo1, h1, lo2, h2, s0, s1, s2, inverseStep);
            if (cost < bestCost) {
              chosen = k;
              bestCost = cost;
            }
          }
          encodeChoice(chosen, previous);
        }
        previous = chosen;
        const countAt = counts + ((<usize>chosen) << 2);
        store<i32>(countAt, load<i32>(countAt) + 1);
        const method = methodOf(chosen);
        useBaseOf(chosen);
        lorenzoReads(recon, narrowOriginals);
        for (let c0 = lo0; c0 < h0; c0++)
          for (let c1 = lo1; c1 < h1; c1++)
            for (let c2 = lo2; c2 < h2; c2++) {
              const i = offset + c0 * s0 + c1 * s1 + c2 * s2;
              const context = bucket(lorenzoActivity(i, c0, c1, c2, s0, s1, s2));
              encodePoint<R>(i, predictLorenzo(method, i, c0 > 0, c1 > 0, c2 > 0, s0, s1, s2), step, zeroBound, context);
            }
      }
}

/** Candidate k's estimated cost of a Lorenzo block (traversal.ts codeByLorenzo): its points' costs summed in raster order. */
function lorenzoCost<R>(k: i32, offset: i32, lo0: i32, h0: i32, lo1: i32, h1: i32, lo2: i32, h2: i32, s0: i32, s1: i32, s2: i32, inverseStep: f64): f64 {
  useBaseOf(k);
  const method = methodOf(k);
  let cost = 0.0;
  for (let c0 = lo0; c0 < h0; c0++)
    for (let c1 = lo1; c1 < h1; c1++)
      for (let c2 = lo2; c2 < h2; c2++) {
        const i = offset + c0 * s0 + c1 * s1 + c2 * s2;
        cost += costOf(originalOf<R>(i) - predictLorenzo(method, i, c0 > 0, c1 > 0, c2 > 0, s0, s1, s2), inverseStep);
      }
  return cost;
}
