// Checks of decoded values against what the compressor promised: the error bound on every value as written
// in the output dtype, a PSNR target, and identity with the values the encoder measured.
import type { DType } from '../types';
import { BalerError } from '../errors';
import type { ErrorBound } from '../eb/bound';
import { castOne } from '../data/dtype';
import { parseQualityTarget } from '../search';
import type { ErrorSummary } from '../codec/header';
import { tolerancesFor, type ArrayStats } from './stats';
import { finishHash, FNV_PRIME, hashLanes } from '../value-hash';

/**
 * A checker of decoded slabs against the bound the user asked for: abs → |x' − x| ≤ X; rel → ≤ X · the column's
 * finite range over the whole array; pw-rel → ≤ X · |x|; a column kept exact (stats.ts exactColumns) → 0 under abs
 * and rel. Non-finite originals must come back identical, and
 * every decoded value must already be what the output dtype holds (so writing it changes nothing).
 */
export function slabBoundChecker(bound: ErrorBound, stats: ArrayStats, dtype: DType, file: string): SlabChecker {
  const columns = stats.min.length;
  const tolerances = tolerancesFor(bound, stats);
  const allowed = Float64Array.from(stats.min, (_, c) => (tolerances.length === 0 ? 0 : tolerances[tolerances.length === 1 ? 0 : c]));
  // Under pw-rel, integer columns kept exact (stats.ts exactColumns) allow 0, as under abs and rel.
  const pointwise = Array.from(stats.min, (_, c) => bound.kind === 'pw-rel' && !stats.exactColumns?.[c]);
  const representable = dtype === 'float64' ? () => true : dtype === 'float32' ? (y: number) => Math.fround(y) === y : (y: number) => Object.is(castOne(y, dtype), y);
  const float32 = dtype === 'float32';
  const oneLimit = columns === 1 && !pointwise[0] && (float32 || dtype === 'float64') ? allowed[0] : undefined;
  const check = (original: Float64Array, decoded: Float64Array, firstRow: number): void => {
    // The common case first: one column, an absolute limit, a float dtype, every value finite and within it.
    if (oneLimit !== undefined && withinLimit(original, decoded, oneLimit, float32, false) !== undefined) return;
    for (let i = 0, c = 0; i < original.length; i++, c = c + 1 === columns ? 0 : c + 1) {
      const x = original[i];
      const y = decoded[i];
      const ok = x - x === 0
        ? Math.abs(y - x) <= (pointwise[c] ? bound.value * Math.abs(x) : allowed[c]) && representable(y)
        : Object.is(x, y) || (x !== x && y !== y);
      if (!ok) {
        const row = firstRow + Math.floor(i / columns);
        throw new BalerError(`verification failed: the value at row ${row} (flat index ${i} of its slab) breaks the bound ${bound.kind}:${bound.value} (original ${x}, decoded ${y}); nothing was written`, file, 'EBOUND');
      }
    }
  };
  const hashIfQuick = (original: Float64Array, decoded: Float64Array) => (oneLimit === undefined ? undefined : withinLimit(original, decoded, oneLimit, float32, true));
  return Object.assign(check, { hashIfQuick });
}

/**
 * Throws where a decoded slab breaks the bound. hashIfQuick: hashValues(decoded) where every value passes the check's
 * quick test (then the check passes), in the same pass; undefined where the check must run.
 */
export interface SlabChecker {
  (original: Float64Array, decoded: Float64Array, firstRow: number): void;
  hashIfQuick(original: Float64Array, decoded: Float64Array): number | undefined;
}

/**
 * Whether every value is finite, within `limit` of its original, and (with `float32`) a float32: the checker's fast
 * path. Undefined where one is not; else hashValues(decoded) when `hashing` (every value finite: no NaN to hash alike), or 0.
 */
function withinLimit(original: Float64Array, decoded: Float64Array, limit: number, float32: boolean, hashing: boolean): number | undefined {
  const words = new Int32Array(decoded.buffer, decoded.byteOffset, decoded.length * 2);
  let [low, high] = hashLanes();
  for (let i = 0, j = 0; i < original.length; i++, j += 2) {
    const y = decoded[i];
    if (!(Math.abs(y - original[i]) <= limit) || (float32 && Math.fround(y) !== y)) return undefined;
    if (hashing) {
      low = Math.imul(low ^ words[j], FNV_PRIME);
      high = Math.imul(high ^ words[j + 1], FNV_PRIME);
    }
  }
  return hashing ? finishHash(low, high) : 0;
}

/** The whole array missed a PSNR target by `shortfallDb` at the rel bound `relBound`, chosen on a sample that met it. */
export class TargetMissed extends BalerError {
  constructor(message: string, file: string, readonly shortfallDb: number, readonly relBound: number | undefined) {
    super(message, file, 'EBOUND');
  }
}

/**
 * A checker of the whole array's PSNR against a `psnr:DB` target; a table's every column against its own range.
 * `relBound`: the bound chosen for it on a sample (compress codes again below it when the whole array misses).
 */
export function psnrChecker(target: string, file: string, relBound?: number): (errors: ErrorSummary) => void {
  const wanted = parseQualityTarget(target, file).value;
  return (errors) => {
    const worst = errors.worstColumn;
    if (worst && !(worst.psnr >= wanted)) {
      throw new TargetMissed(`verification failed: column ${worst.column + 1} has a PSNR of ${worst.psnr.toFixed(2)} dB over its own range, below the target ${wanted} dB; nothing was written`, file, wanted - worst.psnr, relBound);
    }
    if (!(errors.psnr >= wanted)) throw new TargetMissed(`verification failed: PSNR ${errors.psnr.toFixed(2)} dB is below the target ${wanted} dB; nothing was written`, file, wanted - errors.psnr, relBound);
  };
}
