// What the driver keeps of each coded slab: a hash of the values the decoder will produce (to check the file
// written) and the running error sums (for the header's figures). Computed where the slab was coded (the main
// thread or a worker) and merged in slab order.
import { ErrorAccumulator, type ErrorState } from '../metrics';
import { FNV_PRIME, hashSeed, hashValues, mixLanes, wordsOf, type HashLanes } from './value-hash';

export interface SlabSummary {
  hash: number;
  errors: ErrorState;
}

/** `columns`: a table's column count, so that each column is judged on its own range (1 for frames). */
export function summariseSlab(original: Float64Array, reconstruction: Float64Array, columns: number): SlabSummary {
  return (columns === 1 ? summariseFinite(original, reconstruction) : undefined) ?? summariseApart(original, reconstruction, columns);
}

/** The error sums of a fresh ErrorAccumulator and hashValues, each walking the slab on its own. */
export function summariseApart(original: Float64Array, reconstruction: Float64Array, columns: number): SlabSummary {
  const acc = new ErrorAccumulator(columns);
  acc.add(original, reconstruction);
  return { hash: hashValues(reconstruction), errors: acc.state() };
}

type FiniteSums = HashLanes & Pick<ErrorState, 'min' | 'max' | 'sumSquares' | 'maxAbs' | 'maxRel'>;

/** summariseApart in one walk of the two arrays instead of two, for one column where every value on both sides is finite (undefined where one is not). */
function summariseFinite(original: Float64Array, reconstruction: Float64Array): SlabSummary | undefined {
  if (original.length !== reconstruction.length) return undefined;
  const s: FiniteSums = { ...hashSeed(), min: Infinity, max: -Infinity, sumSquares: 0, maxAbs: 0, maxRel: 0 };
  if (hashAndSum(original, reconstruction, s) !== 0) return undefined;
  const { min, max, sumSquares, maxAbs, maxRel } = s;
  return { hash: mixLanes(s), errors: { min, max, sumSquares, maxAbs, maxRel, compared: original.length, nonFiniteMismatches: 0 } };
}

/**
 * ErrorAccumulator.addFinite's sums, in the same order, and hashValues' lanes (no NaN among the values hashed where
 * every one is finite), added to `s`; 0 where every value on both sides is finite (else `s` is of no use).
 */
function hashAndSum(original: Float64Array, reconstruction: Float64Array, s: FiniteSums): number {
  const words = wordsOf(reconstruction);
  let { low, high, min, max, sumSquares, maxAbs, maxRel } = s;
  let finite = 0;
  for (let i = 0, j = 0; i < original.length; i++, j += 2) {
    const x = original[i];
    const y = reconstruction[i];
    finite += x - x + (y - y);
    if (x < min) min = x;
    if (x > max) max = x;
    const diff = Math.abs(y - x);
    sumSquares += diff * diff;
    if (diff > maxAbs) maxAbs = diff;
    const magnitude = Math.abs(x);
    if (diff >= maxRel * magnitude && x !== 0 && diff / magnitude > maxRel) maxRel = diff / magnitude;
    low = Math.imul(low ^ words[j], FNV_PRIME);
    high = Math.imul(high ^ words[j + 1], FNV_PRIME);
  }
  // The rest is the caller's (value-hash.ts).
  Object.assign(s, { low, high, min, max, sumSquares, maxAbs, maxRel });
  return finite;
}
