// The 32-bit hash that ties the values a slab decodes to with those the encoder measured (slab-summary.ts computes
// it where a slab is coded, read-back.ts again on what the file decodes to). The low and high words of each float64
// go to two FNV-1a lanes, mixed at the end: the lanes multiply side by side. Loops that hash while they do something
// else with the same values (slab-summary.ts, verify.ts) step the lanes themselves, as hashLanes does.
//
// These loops are functions of their own that take their running figures from an object and hand them back to it
// with Object.assign, their callers doing the rest (a comparison, the mixing, the result's object). Measured with
// node 20 on a synthetic slab of 8 M values, called as a slab is coded, in fresh processes: the same loop followed
// by that rest in one function ran at half the speed (54 ms against 25 a call; V8 compiles such a loop while it
// runs, and the code it made of the first shape was the slower).

export const FNV_PRIME = 16777619;
/** What a NaN's low word is hashed as (every NaN hashes alike, whatever its payload); its high word as 0. */
export const NAN_LOW_WORD = 0x7ff80000;

export interface HashLanes {
  low: number;
  high: number;
}

/** The lanes before the first value. */
export function hashSeed(seed = 0x811c9dc5): HashLanes {
  return { low: seed | 0, high: (seed ^ 0x9e3779b9) | 0 };
}

/** The lanes as the hash. */
export function mixLanes({ low, high }: HashLanes): number {
  return (Math.imul(low ^ (high >>> 15), 0x85ebca6b) ^ high) >>> 0;
}

/** The 32-bit words of float64 values (little-endian: low word first), for the lanes. */
export function wordsOf(values: Float64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** The hash of float64 values: their bits, every NaN alike. */
export function hashValues(values: Float64Array, seed?: number): number {
  const lanes = hashSeed(seed);
  hashLanes(values, lanes);
  return mixLanes(lanes);
}

/** Steps the lanes over the values. */
function hashLanes(values: Float64Array, lanes: HashLanes): void {
  const words = wordsOf(values);
  let { low, high } = lanes;
  for (let i = 0, j = 0; i < values.length; i++, j += 2) {
    if (values[i] === values[i]) {
      low = Math.imul(low ^ words[j], FNV_PRIME);
      high = Math.imul(high ^ words[j + 1], FNV_PRIME);
    } else {
      low = Math.imul(low ^ NAN_LOW_WORD, FNV_PRIME);
      high = Math.imul(high, FNV_PRIME);
    }
  }
  Object.assign(lanes, { low, high });
}
