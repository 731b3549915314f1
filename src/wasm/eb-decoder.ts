// AssemblyScript, compiled by esbuild.mjs to dist/eb-decoder.wasm: the error-bounded decoder's inner loops
// (src/kernel/eb/wasm/decoder-module.ts decides which slabs, wasm/decode.ts walks their views, frames and sweeps). One
// pass per point does what the JavaScript decoder spreads over sweep.ts codeSweep/codeBlock and traversal.ts
// codeByLorenzo, kernels.ts and predictors.ts (their arithmetic, term for term), contexts.ts, rangecoder.ts,
// pointcoder.ts (decodeStrip, code, codeClasses, storeExact), quantizer.ts (recoverAbsolute, recoverPointwise) and
// detmath.ts detExp2, with the same models in the same order, so that every value and the checksum come out
// identical. A predictor choice out of range, or more exact values used than stored, traps: the driver reads a trap
// as a corrupt slab. eb-decoder/range-decoder.ts reads the stream.
//
// Memory (byte offsets handed over by the driver): the stream, the bit models (16 bytes each), the reconstruction
// (f64) and min(|q|, 255) of every point (u8), the exact values (f64) and where the non-finite ones go (i32 pairs), the
// bases the candidates add to (f64) and where each candidate's is, per axis its coordinate list (i32) and geometry
// (sweep.ts setSweepGeometry: before3 u8, right1 i32, right3 i32), and under pw-rel the classes (u8), the values as
// written (f64) and the exact values' log magnitudes (f64).

import { addModels, bucket, choice, ESCAPE, ESCAPE_ACTIVITY, FNV_PRIME, INDEX_MODELS, startModels, zero } from './shared/models';
import { decodeBit, decodeDirect, decodeNonZero, startStream, streamConsumed } from './eb-decoder/range-decoder';
import { absIndex, absIndexAt, activityOf, meanOf, predictAlong, recon, reconIn, setPoints } from './shared/points';
import { baseAt, predictOverBaseAlong, useBase } from './shared/bases';
import { lorenzoActivity, lorenzoReads, predictLorenzo } from './shared/lorenzo';
import { blockEnd, coordinate, hasBefore3, n0, n1, n2, right1Of, right3Of, stride0, stride1, stride2, strideOf } from './shared/geometry';
export { RECIPROCAL_BYTES } from './shared/models';
export { setAxis } from './shared/geometry';
export { setCast, setGrid } from './shared/values';
import { castOf, fromGridUnits, grid, jsRound, toGridUnits } from './shared/values';
import { detExp2 } from './shared/detmath';

/** contexts.ts RUN_BITS: a mask's runs are shorter than 2^30. */
const RUN_BITS: i32 = 30;
/** predictors.ts METHOD_*: how a candidate predicts (the Lorenzo ones: shared/lorenzo.ts). */
const METHOD_LINEAR: u8 = 1;
const METHOD_BASE: u8 = 2;
const METHOD_CUBIC_OVER_BASE: u8 = 3;

// contexts.ts IndexCoder's models after those shared/models.ts adds, in its order.
let symbol = 0, specialKind = 0, runs = 0;
/** pointcoder.ts PointCoder.hash: FNV-1a over every index in coding order. */
export let hash: u32 = 0x811c9dc5;
// The values stored exactly, in coding order, how many and how many used; the special values (non-finite exact
// values, a mask's NaN and ±Inf) patched into the output at the end: their points (i32) and values (f64).
let exactValues: usize = 0;
let exactCount = 0;
let exactUsed = 0;
let patchPoints: usize = 0;
let patchValues: usize = 0;
let patchCount = 0;
// Every value's class (pointcoder.ts CLASS_*), coded before the traversal: under pw-rel (quantizer.ts recoverPointwise)
// or, in the absolute domain, where a slab's special values are a mask of runs (`masked`); whether NaN and ±Inf are
// coded by kind (format 3). pw-rel: the values as written apart from the reconstruction (log2|x|), and per exact value
// the log2 of its magnitude (detmath.ts detLog2, from JavaScript) that the reconstruction takes.
const CLASS_POSITIVE: u8 = 0;
const CLASS_NEGATIVE: u8 = 1;
const CLASS_ZERO: u8 = 2;
const CLASS_SPECIAL: u8 = 3;
let pointwise = false;
let masked = false;
let classes: usize = 0;
let output: usize = 0;
let stands: usize = 0;
let specialKinds = false;
/** Formats 4 to 6: each block's choice, and a special's kind apart from its index, go into the hash (pointcoder.ts). */
let choicesChecked = false;
/** pointcoder.ts CHOICE_TAG. */
const CHOICE_TAG: u32 = 0x2c1b3c6d;
// Each candidate's base (i32 pairs: byte offset, element offset; shared/bases.ts reads the chosen block's).
let bases: usize = 0;
// The configuration's candidates (predictors.ts METHOD_*), how many, and the bits their choice takes.
let methods: usize = 0;
let choices = 1;
let choiceBits = 0;

/** Where the driver may start placing its arrays. */
export function heapBase(): usize {
  return __heap_base;
}

/** The bytes the models take (for the driver's layout). */
export const MODEL_BYTES: i32 = (INDEX_MODELS + 64 + 4 + 2 * RUN_BITS) * 16;

/** Starts a slab: the stream at [streamAt, streamAt + streamLength), fresh models, the checksum's seed. */
export function begin(streamAt: usize, streamLength: usize, stateAt: usize, reciprocalAt: usize, reconAt: usize, absIndexAt: usize): void {
  startModels(stateAt, reciprocalAt);
  setPoints(reconAt, absIndexAt);
  symbol = addModels(64);
  specialKind = addModels(4);
  runs = addModels(2 * RUN_BITS);
  pointwise = false;
  masked = false;
  startStream(streamAt, streamLength);
  hash = 0x811c9dc5;
  exactCount = 0;
  exactUsed = 0;
  patchCount = 0;
}

/** The slab's exact values (`count` f64 at `valuesAt`, in coding order), and room for a patch per special value. */
export function setExact(valuesAt: usize, count: i32, patchPointsAt: usize, patchValuesAt: usize): void {
  exactValues = valuesAt;
  exactCount = count;
  patchPoints = patchPointsAt;
  patchValues = patchValuesAt;
}

/** Exact values not used (corruption when not 0 at the end). */
export function exactLeft(): i32 {
  return exactCount - exactUsed;
}

/** How many special values the output takes at the patches' points. */
export function patchesMade(): i32 {
  return patchCount;
}

/** The slab's values have classes (u8 at `classesAt`): pw-rel's, or a mask's; `withSpecialKinds`: format 3. */
export function setClasses(classesAt: usize, withSpecialKinds: bool): void {
  masked = true;
  classes = classesAt;
  specialKinds = withSpecialKinds;
}

/** The slab is in pw-rel's log domain: its output (f64) and exact values' log magnitudes (f64) at these offsets. */
export function setPointwise(outputAt: usize, standsAt: usize): void {
  pointwise = true;
  masked = false;
  output = outputAt;
  stands = standsAt;
}

/** A special value for the output at point i. */
function patch(i: i32, value: f64): void {
  store<i32>(patchPoints + ((<usize>patchCount) << 2), i);
  store<f64>(patchValues + ((<usize>patchCount) << 3), value);
  patchCount++;
}

/** Where each candidate's base is for the next sweeps: pairs (byte offset of an f64 array, element offset) at `at`. */
export function setBases(at: usize): void {
  bases = at;
}

/** Whether the decoder read exactly the stream's bytes (rangecoder.ts consumedExactly). */
export function consumedExactly(): bool {
  return streamConsumed();
}

/** The configuration's candidates: `count` bytes at `at`, each its predictors.ts METHOD_; `bits`: traversal.ts choiceBits. */
export function setChoices(at: usize, count: i32, bits: i32, checked: bool): void {
  methods = at;
  choices = count;
  choiceBits = bits;
  choicesChecked = checked;
}

/**
 * A value stored exactly (pointcoder.ts storeExact): the next exact value, or where it is not finite, the prediction
 * (0 if that is not finite either) as what its neighbours are predicted from, and the value patched into the output.
 */
function takeExact(i: i32, prediction: f64): i32 {
  if (exactUsed >= exactCount) unreachable();
  const v = load<f64>(exactValues + ((<usize>exactUsed) << 3));
  store<u8>(absIndex + <usize>i, <u8>ESCAPE_ACTIVITY);
  hash = (hash ^ 0x5bd1e995) * FNV_PRIME;
  if (pointwise) {
    store<f64>(recon + ((<usize>i) << 3), load<f64>(stands + ((<usize>exactUsed) << 3)));
    store<f64>(output + ((<usize>i) << 3), v);
    exactUsed++;
    return ESCAPE_ACTIVITY;
  }
  const finite = v - v == 0;
  store<f64>(recon + ((<usize>i) << 3), finite ? v : prediction - prediction == 0 ? prediction : 0);
  if (!finite) patch(i, v);
  exactUsed++;
  return ESCAPE_ACTIVITY;
}

/** One point (pointcoder.ts decodeStrip): its index in `context`, its value, |q| and the checksum. */
@inline function decodePoint(i: i32, prediction: f64, step: f64, context: i32): i32 {
  if (pointwise) return decodePointwise(i, prediction, step, context);
  if (masked && load<u8>(classes + <usize>i) === CLASS_SPECIAL) return knownPoint(i, prediction);
  const q = decodeBit(zero + context) === 0 ? 0 : decodeNonZero(context);
  if (q === ESCAPE) return takeExact(i, prediction);
  const out = castOf(grid == 0 ? prediction + 0 + <f64>q * step : fromGridUnits(jsRound(toGridUnits(prediction)) + 0 + <f64>q * step));
  store<f64>(recon + ((<usize>i) << 3), out - out == 0 ? out : 0);
  const m = q < 0 ? -q : q;
  const clamped = m > 255 ? 255 : m;
  store<u8>(absIndex + <usize>i, <u8>clamped);
  hash = (hash ^ <u32>q) * FNV_PRIME;
  return clamped;
}

/** A point its class made known (zero, special): no index; its neighbours are predicted from its prediction. */
function knownPoint(i: i32, prediction: f64): i32 {
  store<f64>(recon + ((<usize>i) << 3), prediction - prediction == 0 ? prediction : 0);
  store<u8>(absIndex + <usize>i, 0);
  return 0;
}

/** pointcoder.ts code() in the log domain: a point of a known class (zero, special) takes no index. */
function decodePointwise(i: i32, prediction: f64, step: f64, context: i32): i32 {
  const c = load<u8>(classes + <usize>i);
  if (c >= CLASS_ZERO) return knownPoint(i, prediction);
  const q = decodeBit(zero + context) === 0 ? 0 : decodeNonZero(context);
  if (q === ESCAPE) return takeExact(i, prediction);
  const r = prediction + <f64>q * step;
  store<f64>(recon + ((<usize>i) << 3), r - r == 0 ? r : 0);
  const magnitudeOfValue = detExp2(r);
  store<f64>(output + ((<usize>i) << 3), castOf(c === CLASS_NEGATIVE ? -magnitudeOfValue : magnitudeOfValue));
  const m = q < 0 ? -q : q;
  const clamped = m > 255 ? 255 : m;
  store<u8>(absIndex + <usize>i, <u8>clamped);
  hash = (hash ^ <u32>q) * FNV_PRIME;
  return clamped;
}

/** contexts.ts codeSymbol (decoder): a symbol of `bits` bits with the adaptive models of `group`. */
function decodeSymbol(bits: i32, group: i32): i32 {
  let node = 1;
  for (let b = bits - 1; b >= 0; b--) node = node * 2 + decodeBit(symbol + ((group * 16 + node) & 63));
  return node - (1 << bits);
}

/** The next exact value (pointcoder.ts takeExact). */
function nextExact(): f64 {
  if (exactUsed >= exactCount) unreachable();
  const v = load<f64>(exactValues + ((<usize>exactUsed) << 3));
  exactUsed++;
  return v;
}

/** pointcoder.ts special: a special value, by kind (format 3) or from the exact store. */
function specialValue(i: i32): f64 {
  if (!specialKinds) return nextExact();
  const high = decodeBit(specialKind + 1);
  const kind = high * 2 + decodeBit(specialKind + 2 + high);
  hash = choicesChecked ? (((hash ^ <u32>i) * FNV_PRIME) ^ <u32>kind) * FNV_PRIME : (hash ^ <u32>(i + kind * 0x40000000)) * FNV_PRIME;
  if (kind === 1) return NaN;
  if (kind === 2) return Infinity;
  return kind === 3 ? -Infinity : nextExact();
}

/** pointcoder.ts codeClasses (pw-rel, decoder): every value's class before the traversal; a special value is known then. */
export function codeClasses(size: i32): void {
  let previous = 0;
  for (let i = 0; i < size; i++) {
    const c = decodeSymbol(2, previous);
    store<u8>(classes + <usize>i, <u8>c);
    store<f64>(output + ((<usize>i) << 3), c === CLASS_SPECIAL ? specialValue(i) : 0);
    previous = c;
  }
}

/** contexts.ts codeRun (decoder): a run length of `group`, Elias gamma coded. */
function decodeRun(group: i32): i32 {
  const base = runs + group * RUN_BITS;
  let top = 0;
  while (decodeBit(base + top) === 1) {
    if (++top >= RUN_BITS) unreachable();
  }
  return (1 << top) + decodeDirect(top) - 1;
}

/** mask-rows.ts codeMaskRuns (decoder, formats 3 and 5: over the whole slab): the mask of the whole slab as runs. */
export function codeMask(size: i32): void {
  codeMaskRuns(0, size);
}

/**
 * mask-rows.ts codeMaskRuns (decoder): values start to end as runs, finite and special in turn from a run of finite
 * values that may be empty; each special's kind, and the value patched into the output.
 */
function codeMaskRuns(start: i32, end: i32): void {
  let special = false;
  for (let i = start; i < end; special = !special) {
    const first = i === start && !special;
    const run = decodeRun(special ? 1 : 0) + (first ? 0 : 1);
    if (run > end - i) unreachable();
    for (const stop = i + run; i < stop; i++) setMask(i, special);
  }
}

/**
 * mask-rows.ts codeMaskRows (decoder, format 6): the mask row by row of `row` values, each row as the one before it
 * (0), as the same row `frame` values back (1), or as runs within it (2), the symbol in the context of the previous one.
 */
export function codeMaskRows(size: i32, row: i32, frame: i32): void {
  let previous = 2;
  for (let start = 0; start < size; start += row) {
    const end = start + row;
    const how = decodeSymbol(2, previous);
    previous = how;
    if (how === 2) codeMaskRuns(start, end);
    else {
      const from = how === 0 ? start - row : how === 1 && frame > row ? start - frame : -1;
      if (from < 0) unreachable();
      for (let i = start; i < end; i++) setMask(i, load<u8>(classes + <usize>(from + i - start)) === CLASS_SPECIAL);
    }
  }
}

@inline function setMask(i: i32, special: bool): void {
  store<u8>(classes + <usize>i, special ? CLASS_SPECIAL : CLASS_POSITIVE);
  if (special) patch(i, specialValue(i));
}

/** One point outside the sweeps (the origin and the corners): pointcoder.ts code(). */
export function codePoint(i: i32, prediction: f64, step: f64, level: i32, activity: i32): void {
  decodePoint(i, prediction, step, (level < 4 ? level : 3) * 16 + bucket(activity));
}

/** One direction's prediction by a candidate that interpolates (plain cubic or linear, or cubic over the base); the decoder's reconstruction is f64. */
@inline function predictDirection(method: u8, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  return method === METHOD_CUBIC_OVER_BASE ? predictOverBaseAlong<f64>(i, unit, s, before3, right1, right3) : predictAlong<f64>(method === METHOD_LINEAR, i, unit, s, before3, right1, right3);
}

/** traversal.ts chooseAndRecord (decoder): the block's candidate down a binary tree, in the context of the previous choice. */
function decodeChoice(previous: i32): i32 {
  const base = choice + (previous & 7) * 8;
  let node = 1;
  for (let b = choiceBits - 1; b >= 0; b--) node = node * 2 + decodeBit(base + node);
  const chosen = node - (1 << choiceBits);
  if (chosen >= choices) unreachable();
  if (choicesChecked && choices > 1) hash = (hash ^ (CHOICE_TAG ^ <u32>chosen)) * FNV_PRIME;
  return chosen;
}

/**
 * One sweep (sweep.ts codeSweep and codeBlock, decoder) of the view at `offset`: interpolated at stride s along axis d
 * and, when nd > 1, along e1 (and e2) too, the predictions averaged; returns the last block's choice.
 */
export function codeSweep(offset: i32, level: i32, step: f64, edge: i32, d: i32, s: i32, nd: i32, e1: i32, e2: i32, previousChoice: i32): i32 {
  let previous = previousChoice;
  const levelPart = (level < 4 ? level : 3) * 16;
  const unit = strideOf(d);
  const along = unit * s;
  const chainWeight = d === 2 ? 2 : 1;
  for (let a0 = 0; a0 < n0;) {
    const b0 = blockEnd(0, a0, edge, n0);
    for (let a1 = 0; a1 < n1;) {
      const b1 = blockEnd(1, a1, edge, n1);
      for (let a2 = 0; a2 < n2;) {
        const b2 = blockEnd(2, a2, edge, n2);
        previous = decodeChoice(previous);
        const method = load<u8>(methods + <usize>previous);
        useBase(<usize>load<i32>(bases + ((<usize>previous) << 3)), load<i32>(bases + ((<usize>previous) << 3), 4));
        const back2 = a2 > 0 ? (coordinate(2, a2) - coordinate(2, a2 - 1)) * stride2 : 0;
        for (let x0 = a0; x0 < b0; x0++) {
          const back0 = x0 > 0 ? (coordinate(0, x0) - coordinate(0, x0 - 1)) * stride0 : 0;
          for (let x1 = a1; x1 < b1; x1++) {
            const back1 = x1 > 0 ? (coordinate(1, x1) - coordinate(1, x1 - 1)) * stride1 : 0;
            const rowBase = offset + coordinate(0, x0) * stride0 + coordinate(1, x1) * stride1;
            // The geometry along axes 0 and 1 is the row's: read once per row (along axis 2, per point).
            const xd = d === 0 ? x0 : x1;
            const x1st = e1 === 0 ? x0 : x1;
            const x2nd = e2 === 0 ? x0 : x1;
            const dBefore3 = d !== 2 && hasBefore3(d, xd), dRight1 = d !== 2 ? right1Of(d, xd) : 0, dRight3 = d !== 2 ? right3Of(d, xd) : 0;
            const row1 = nd > 1 && e1 !== 2, row2 = nd > 2 && e2 !== 2;
            const before3First = row1 && hasBefore3(e1, x1st), right1First = row1 ? right1Of(e1, x1st) : 0, right3First = row1 ? right3Of(e1, x1st) : 0;
            const before3Second = row2 && hasBefore3(e2, x2nd), right1Second = row2 ? right1Of(e2, x2nd) : 0, right3Second = row2 ? right3Of(e2, x2nd) : 0;
            const unitFirst = strideOf(e1), unitSecond = strideOf(e2);
            let previousAbs = 0;
            for (let x2 = a2, k = 0; x2 < b2; x2++, k++) {
              const i = rowBase + coordinate(2, x2) * stride2;
              const before3 = d === 2 ? hasBefore3(2, x2) : dBefore3;
              const right1 = d === 2 ? right1Of(2, x2) : dRight1;
              const right3 = d === 2 ? right3Of(2, x2) : dRight3;
              // The prediction: the base, or along each direction, summed from 0 and divided by their count (kernels.ts combine).
              let p: f64;
              if (method === METHOD_BASE) p = baseAt(i);
              else {
                p = predictDirection(method, i, unit, s, before3, right1, right3);
                if (nd > 1) {
                  p = 0 + p + (row1
                    ? predictDirection(method, i, unitFirst, s, before3First, right1First, right3First)
                    : predictDirection(method, i, stride2, s, hasBefore3(2, x2), right1Of(2, x2), right3Of(2, x2)));
                  if (nd > 2) {
                    p = p + (row2
                      ? predictDirection(method, i, unitSecond, s, before3Second, right1Second, right3Second)
                      : predictDirection(method, i, stride2, s, hasBefore3(2, x2), right1Of(2, x2), right3Of(2, x2)));
                  }
                  p = meanOf(p, <f64>nd);
                }
              }
              // The context: sweep.ts codeBlock's activity and the strip's chain.
              let activity = activityOf(i, k, d, along, unit, before3, right1, back0, back1, back2);
              if (k > 0) activity += chainWeight * previousAbs;
              previousAbs = decodePoint(i, p, step, levelPart + bucket(activity));
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

/** traversal.ts codeByLorenzo (decoder): the view at `offset` in raster order, in blocks of blockSize³ that each choose their candidate. */
export function codeLorenzo(offset: i32, n0: i32, n1: i32, n2: i32, s0: i32, s1: i32, s2: i32, blockSize: i32, step: f64): void {
  lorenzoReads(recon, false);
  let previous = 0;
  for (let lo0 = 0; lo0 < n0; lo0 += blockSize)
    for (let lo1 = 0; lo1 < n1; lo1 += blockSize)
      for (let lo2 = 0; lo2 < n2; lo2 += blockSize) {
        const h0 = min(n0, lo0 + blockSize), h1 = min(n1, lo1 + blockSize), h2 = min(n2, lo2 + blockSize);
        previous = decodeChoice(previous);
        const method = load<u8>(methods + <usize>previous);
        useBase(<usize>load<i32>(bases + ((<usize>previous) << 3)), load<i32>(bases + ((<usize>previous) << 3), 4));
        for (let c0 = lo0; c0 < h0; c0++)
          for (let c1 = lo1; c1 < h1; c1++)
            for (let c2 = lo2; c2 < h2; c2++) {
              const i = offset + c0 * s0 + c1 * s1 + c2 * s2;
              decodePoint(i, predictLorenzo(<i32>method, i, c0 > 0, c1 > 0, c2 > 0, s0, s1, s2), step, bucket(lorenzoActivity(i, c0, c1, c2, s0, s1, s2)));
            }
      }
}
