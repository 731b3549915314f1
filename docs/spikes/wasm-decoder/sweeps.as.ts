// Spike: the eb decoder's interpolation sweeps (sweep.ts + kernels + pointcoder decodeStrip + contexts) in one
// wasm loop, for a float32 field in the absolute domain (no specials, no escapes, no model); the driver (JS) walks
// the levels and sweeps and hands each sweep's lists and geometry over.
const TOP: u32 = 1 << 24;
const PROB_MIN: i32 = 31;
const PROB_MAX: i32 = 65536 - 31;
const ESCAPE: i32 = 0x7fffffff;
const FNV: u32 = 16777619;
const NEAR: u8 = 4;
let range: u32 = 0xffffffff;
let code: u32 = 0;
let pos: usize = 0;
let end: usize = 0;
let state: usize = 0;
let recip: usize = 0;
let used: i32 = 0;
let zero = 0, escape = 0, sign = 0, magnitude = 0, mantissaTop = 0, mantissaSecond = 0, choice = 0;
export let hash: u32 = 0x811c9dc5;
// Arrays (byte offsets): recon f64, absIndex u8, lists L0/L1/L2 i32, geometry per axis: before3 u8, right1 i32, right3 i32, stencil u8.
let recon: usize = 0, absIndex: usize = 0;
let L0: usize = 0, L1: usize = 0, L2: usize = 0;
let n0 = 0, n1 = 0, n2 = 0;
let geo: usize = 0; // per axis e: before3 at geo + e*GEO, right1 at +1024, right3 at +1024+4096, stencil at +1024+8192
const GEO: usize = 16384;
let st0 = 0, st1 = 0, st2 = 0;

function add(n: i32, fastLimit: i32 = 16, slowLimit: i32 = 128): i32 {
  const first = used;
  for (let m = first; m < first + n; m++) {
    const k = state + ((<usize>m) << 4);
    store<i32>(k, 32768); store<i32>(k + 4, 32768); store<i32>(k + 8, 0); store<i32>(k + 12, fastLimit | (slowLimit << 16));
  }
  used += n;
  return first;
}
@inline function nextByte(): u32 { if (pos < end) return <u32>load<u8>(pos++); pos++; return 0; }

export function init(streamPtr: usize, streamLen: usize, statePtr: usize, recipPtr: usize, reconPtr: usize, absPtr: usize, listPtr: usize, geoPtr: usize, s0: i32, s1: i32, s2: i32): void {
  state = statePtr; recip = recipPtr; used = 0; recon = reconPtr; absIndex = absPtr; geo = geoPtr;
  L0 = listPtr; L1 = listPtr + 4096 * 4; L2 = listPtr + 8192 * 4;
  st0 = s0; st1 = s1; st2 = s2;
  for (let d = 0; d <= 1024; d++) store<i32>(recip + ((<usize>d) << 2), d === 0 ? 0 : <i32>Math.round(16384.0 / <f64>d));
  zero = add(64); escape = add(4, 16, 256); sign = add(4); magnitude = add(64 * 32); mantissaTop = add(4 * 32); mantissaSecond = add(64); choice = add(64, 8, 32);
  pos = streamPtr; end = streamPtr + streamLen; range = 0xffffffff; code = 0; hash = 0x811c9dc5;
  for (let i = 0; i < 4; i++) code = (code << 8) | nextByte();
}
export function setLists(a: i32, b: i32, c: i32): void { n0 = a; n1 = b; n2 = c; }

@inline function adapt(m: i32, bit: i32): void {
  const k = state + ((<usize>m) << 4);
  const target = bit === 0 ? 65536 : 0;
  const count = load<i32>(k + 8);
  const limits = load<i32>(k + 12);
  const fastLimit = limits & 0xffff;
  const slowLimit = limits >>> 16;
  const n = count + 2;
  const fast = load<i32>(k);
  const slow = load<i32>(k + 4);
  store<i32>(k, fast + ((target - fast) * load<i32>(recip + ((<usize>(n < fastLimit ? n : fastLimit)) << 2)) >> 14));
  store<i32>(k + 4, slow + ((target - slow) * load<i32>(recip + ((<usize>(n < slowLimit ? n : slowLimit)) << 2)) >> 14));
  if (count < slowLimit) store<i32>(k + 8, count + 1);
}
@inline function decodeBit(m: i32): i32 {
  const k = state + ((<usize>m) << 4);
  let p = (load<i32>(k) + load<i32>(k + 4)) >> 1;
  p = p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p;
  const bound: u32 = (range >>> 16) * <u32>p;
  let bit = 0;
  if (code < bound) { range = bound; } else { code -= bound; range -= bound; bit = 1; }
  while (range < TOP) { range <<= 8; code = (code << 8) | nextByte(); }
  adapt(m, bit);
  return bit;
}
function decodeDirect(bitCount: i32): i32 {
  let value = 0;
  for (let b = 0; b < bitCount; b++) {
    const half = range >>> 1;
    let bit = 0;
    if (code < half) range = half; else { code -= half; range -= half; bit = 1; }
    while (range < TOP) { range <<= 8; code = (code << 8) | nextByte(); }
    value = value * 2 + bit;
  }
  return value;
}
function decodeNonZero(context: i32): i32 {
  const level = context >> 4;
  if (decodeBit(escape + level) === 1) return ESCAPE;
  const negative = decodeBit(sign + level);
  const magnitudeBase = magnitude + context * 32;
  let b = 0;
  while (b < 30 && decodeBit(magnitudeBase + b) === 1) b++;
  let value = 1;
  if (b >= 1) value = value * 2 + decodeBit(mantissaTop + level * 32 + b);
  if (b >= 2) value = value * 2 + decodeBit(mantissaSecond + b * 2 + (value & 1));
  if (b >= 3) value = value * (1 << (b - 2)) + decodeDirect(b - 2);
  return negative ? -value : value;
}
@inline function bucket(activity: i32): i32 {
  if (activity < 3) return activity;
  const a = activity > 65535 ? 65535 : activity;
  const b = 31 - clz<i32>(a * a);
  return b > 15 ? 15 : b;
}
@inline function R(i: i32): f64 { return load<f64>(recon + ((<usize>i) << 3)); }
@inline function A(i: i32): i32 { return <i32>load<u8>(absIndex + <usize>i); }

/** One point coded with the quantiser's common case (float32, grid 0): pointcoder code()/decodeStrip. */
@inline function decodePoint(i: i32, prediction: f64, step: f64, context: i32): i32 {
  const q = decodeBit(zero + context) === 0 ? 0 : decodeNonZero(context);
  if (q === ESCAPE) unreachable();
  const r = prediction + 0 + <f64>q * step;
  const out = <f64><f32>r;
  store<f64>(recon + ((<usize>i) << 3), out - out == 0 ? out : 0);
  const m = q < 0 ? -q : q;
  store<u8>(absIndex + <usize>i, <u8>(m > 255 ? 255 : m));
  hash = (hash ^ <u32>q) * FNV;
  return m > 255 ? 255 : m;
}

export function codePoint(i: i32, prediction: f64, step: f64, level: i32, activity: i32): void {
  decodePoint(i, prediction, step, (level < 4 ? level : 3) * 16 + bucket(activity));
}

function lagrangeWeight(x: f64, a: f64, b: f64, c: f64): f64 {
  let w = 1.0;
  if (a != 0) w *= a / (a - x);
  if (b != 0) w *= b / (b - x);
  if (c != 0) w *= c / (c - x);
  return w;
}
function lagrangeAtZero(x0: f64, x1: f64, x2: f64, x3: f64, v0: f64, v1: f64, v2: f64, v3: f64): f64 {
  let sum = 0.0;
  if (x0 != 0) sum += lagrangeWeight(x0, x1, x2, x3) * v0;
  if (x1 != 0) sum += lagrangeWeight(x1, x0, x2, x3) * v1;
  if (x2 != 0) sum += lagrangeWeight(x2, x0, x1, x3) * v2;
  if (x3 != 0) sum += lagrangeWeight(x3, x0, x1, x2) * v3;
  return sum;
}
/** predictors.ts predictAlong for plain cubic (method 0) and linear (1), no base. */
@inline function predictAlong(linear: bool, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  const along = s * unit;
  if (right1 === s) {
    const b = R(i - along), c = R(i + along);
    if (linear) return (b + c) / 2;
    if (right3 === 3 * s) return before3 ? (-R(i - 3 * along) + 9 * b + 9 * c - R(i + 3 * along)) / 16 : (3 * b + 6 * c - R(i + 3 * along)) / 8;
    if (right3 === 0) return before3 ? (-R(i - 3 * along) + 6 * b + 3 * c) / 8 : (b + c) / 2;
  }
  return predictNear(linear, i, unit, s, before3, right1, right3);
}
function predictNear(linear: bool, i: i32, unit: i32, s: i32, before3: bool, right1: i32, right3: i32): f64 {
  const along = s * unit;
  const b = R(i - along);
  if (right1 === 0) return b + 0;
  const c = R(i + right1 * unit);
  if (linear) return (right1 === s ? (b + c) / 2 : (<f64>right1 * b + <f64>s * c) / <f64>(s + right1)) + 0;
  const regular = right1 === s && (right3 === 0 || right3 === 3 * s);
  const a = before3 ? R(i - 3 * along) : 0.0;
  const d = right3 !== 0 ? R(i + right3 * unit) : 0.0;
  if (regular) {
    if (before3 && right3 !== 0) return (-a + 9 * b + 9 * c - d) / 16 + 0;
    if (before3) return (-a + 6 * b + 3 * c) / 8 + 0;
    if (right3 !== 0) return (3 * b + 6 * c - d) / 8 + 0;
    return (b + c) / 2 + 0;
  }
  return lagrangeAtZero(before3 ? <f64>(-3 * s) : 0, <f64>(-s), <f64>right1, <f64>right3, a, b, c, d) + 0;
}
@inline function B3(e: i32, x: i32): bool { return load<u8>(geo + <usize>e * GEO + <usize>x) === 1; }
@inline function R1(e: i32, x: i32): i32 { return load<i32>(geo + <usize>e * GEO + 1024 + ((<usize>x) << 2)); }
@inline function R3(e: i32, x: i32): i32 { return load<i32>(geo + <usize>e * GEO + 1024 + 4096 + ((<usize>x) << 2)); }
@inline function LL(e: i32, x: i32): i32 { return load<i32>((e === 0 ? L0 : e === 1 ? L1 : L2) + ((<usize>x) << 2)); }
@inline function strideOf(e: i32): i32 { return e === 0 ? st0 : e === 1 ? st1 : st2; }
function blockEnd(e: i32, from: i32, edge: i32, n: i32): i32 {
  const limit = (LL(e, from) / edge + 1) * edge;
  let to = from + 1;
  while (to < n && LL(e, to) < limit) to++;
  return to;
}

/** One sweep (sweep.ts codeSweep, decoder): its blocks, each one's choice, then its points. Returns the last choice. */
export function codeSweep(level: i32, step: f64, edge: i32, d: i32, s: i32, nd: i32, e0: i32, e1: i32, e2: i32, previousChoice: i32): i32 {
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
        // chooseAndRecord: two candidates, one bit down the tree in the context of the previous choice.
        const base = choice + (previous & 7) * 8;
        previous = decodeBit(base + 1);
        const linear = previous === 1;
        const hasBack2 = a2 > 0;
        const back2 = hasBack2 ? (LL(2, a2) - LL(2, a2 - 1)) * st2 : 0;
        for (let x0 = a0; x0 < b0; x0++) {
          const back0 = x0 > 0 ? (LL(0, x0) - LL(0, x0 - 1)) * st0 : 0;
          for (let x1 = a1; x1 < b1; x1++) {
            const back1 = x1 > 0 ? (LL(1, x1) - LL(1, x1 - 1)) * st1 : 0;
            const rowBase = LL(0, x0) * st0 + LL(1, x1) * st1;
            let prevAbs = 0;
            for (let x2 = a2, k = 0; x2 < b2; x2++, k++) {
              const i = rowBase + LL(2, x2) * st2;
              // The prediction: predictAlong along each direction, summed as the kernels do.
              let p = 0.0;
              for (let m = 0; m < nd; m++) {
                const e = m === 0 ? e0 : m === 1 ? e1 : e2;
                const x = e === 0 ? x0 : e === 1 ? x1 : x2;
                const v = predictAlong(linear, i, strideOf(e), s, B3(e, x), R1(e, x), R3(e, x));
                p = nd === 1 ? v : m === 0 ? 0 + v : m === nd - 1 ? (p + v) / <f64>nd : p + v;
              }
              // The context (sweep.ts codeBlock + the strip's chain).
              const xd = d === 0 ? x0 : d === 1 ? x1 : x2;
              const right1 = R1(d, xd);
              let activity = A(i - along) + (right1 !== 0 ? A(i + right1 * unit) : 0);
              if (d === 2) {
                if (k === 0 && B3(d, xd)) activity += 2 * A(i - 2 * along);
                if (back0 !== 0) activity += A(i - back0);
                if (back1 !== 0) activity += A(i - back1);
              } else {
                if (B3(d, xd)) activity += 2 * A(i - 2 * along);
                const back = d === 0 ? back1 : back0;
                if (back !== 0) activity += A(i - back);
                if (k === 0 && hasBack2) activity += A(i - back2);
              }
              if (k > 0) activity += chainWeight * prevAbs;
              const bk = activity < 512 ? bucket(activity) : 15;
              prevAbs = decodePoint(i, p, step, levelPart + bk);
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
