// A 32-bit hash of float64 values (their bits; every NaN hashes alike), to compare what was decoded with what the
// encoder measured. Kept in memory only, never written. The low and high words go to two FNV-1a lanes, mixed at
// the end: the lanes multiply side by side. Loops that hash beside other work step the lanes as hashValues does.

export const HASH_SEED = 0x811c9dc5;
export const FNV_PRIME = 16777619;

/** The lanes' starting values [low, high] for a seed. */
export function hashLanes(seed = HASH_SEED): [number, number] {
  return [seed | 0, (seed ^ 0x9e3779b9) | 0];
}

export function finishHash(low: number, high: number): number {
  return (Math.imul(low ^ (high >>> 15), 0x85ebca6b) ^ high) >>> 0;
}

export function hashValues(values: Float64Array, seed = HASH_SEED): number {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let [low, high] = hashLanes(seed);
  for (let i = 0, j = 0; i < values.length; i++, j += 2) {
    if (values[i] === values[i]) {
      low = Math.imul(low ^ words[j], FNV_PRIME);
      high = Math.imul(high ^ words[j + 1], FNV_PRIME);
    } else {
      low = Math.imul(low ^ 0x7ff80000, FNV_PRIME);
      high = Math.imul(high, FNV_PRIME);
    }
  }
  return finishHash(low, high);
}
