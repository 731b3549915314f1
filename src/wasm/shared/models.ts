// The context model both modules share: rangecoder.ts's bit models and adaptation, and contexts.ts's constants, its
// IndexCoder's models in their order, and activityBucket.

export const TOP: u32 = 1 << 24;
export const PROB_MIN: i32 = 31;
export const PROB_MAX: i32 = 65536 - 31;
/** quantizer.ts ESCAPE: the index of a value stored exactly. */
export const ESCAPE: i32 = 0x7fffffff;
/** pointcoder.ts ESCAPE_ACTIVITY: |q| recorded for an exactly stored value. */
export const ESCAPE_ACTIVITY: i32 = 8;
/** pointcoder.ts's checksum: FNV-1a over every index in coding order. */
export const FNV_PRIME: u32 = 16777619;
/** contexts.ts MAX_BITS: the longest unary bit length of an index's magnitude. */
export const MAX_BITS: i32 = 30;
/** The models contexts.ts IndexCoder adds before any others (16 bytes each), and the adaptation rates' bytes. */
export const INDEX_MODELS: i32 = 64 + 4 + 4 + 64 * 32 + 4 * 32 + 64 + 64;
export const RECIPROCAL_BYTES: i32 = 1025 * 4;

/** The bit models (rangecoder.ts BitModels: fast, slow, count, limits) and the adaptation rates 2^14 / d. */
export let state: usize = 0;
export let reciprocal: usize = 0;
let used: i32 = 0;
// contexts.ts IndexCoder's models, added in its order.
export let zero = 0, escape = 0, sign = 0, magnitude = 0, mantissaTop = 0, mantissaSecond = 0, choice = 0;

/** Fresh models at `stateAt` (the IndexCoder's first) and the adaptation rates at `reciprocalAt`. */
export function startModels(stateAt: usize, reciprocalAt: usize): void {
  state = stateAt;
  reciprocal = reciprocalAt;
  used = 0;
  for (let d = 0; d <= 1024; d++) store<i32>(reciprocal + ((<usize>d) << 2), d === 0 ? 0 : <i32>Math.round(16384.0 / <f64>d));
  zero = addModels(64);
  escape = addModels(4, 16, 256);
  sign = addModels(4);
  magnitude = addModels(64 * 32);
  mantissaTop = addModels(4 * 32);
  mantissaSecond = addModels(64);
  choice = addModels(64, 8, 32);
}

/** rangecoder.ts BitModels.add: n more models, the first's number returned. */
export function addModels(n: i32, fastLimit: i32 = 16, slowLimit: i32 = 128): i32 {
  const first = used;
  for (let m = first; m < first + n; m++) {
    const k = state + ((<usize>m) << 4);
    store<i32>(k, 32768);
    store<i32>(k, 32768, 4);
    store<i32>(k, 0, 8);
    store<i32>(k, fastLimit | (slowLimit << 16), 12);
  }
  used += n;
  return first;
}

/** Model m's probability of a 0 bit, in 1/65536, clamped as the coder uses it. */
@inline export function probabilityOf(m: i32): u32 {
  const k = state + ((<usize>m) << 4);
  const p = (load<i32>(k) + load<i32>(k, 4)) >> 1;
  return <u32>(p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p);
}

/** rangecoder.ts adapt: both estimators of model m toward the bit seen. */
@inline export function adapt(m: i32, bit: i32): void {
  const k = state + ((<usize>m) << 4);
  const target = bit === 0 ? 65536 : 0;
  const count = load<i32>(k, 8);
  const limits = load<i32>(k, 12);
  const fastLimit = limits & 0xffff;
  const slowLimit = limits >>> 16;
  const n = count + 2;
  const fast = load<i32>(k);
  const slow = load<i32>(k, 4);
  store<i32>(k, fast + ((target - fast) * load<i32>(reciprocal + ((<usize>(n < fastLimit ? n : fastLimit)) << 2)) >> 14));
  store<i32>(k, slow + ((target - slow) * load<i32>(reciprocal + ((<usize>(n < slowLimit ? n : slowLimit)) << 2)) >> 14), 4);
  if (count < slowLimit) store<i32>(k, count + 1, 8);
}

/** contexts.ts activityBucket. */
@inline export function bucket(activity: i32): i32 {
  if (activity < 3) return activity;
  if (activity >= 512) return 15;
  const b = 31 - clz<i32>(activity * activity);
  return b > 15 ? 15 : b;
}
