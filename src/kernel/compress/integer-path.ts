// When an exact coding of an array tries the error-bounded coder's integer path (the coder at tolerance 0 on
// integer-valued data, which its context model often makes much smaller than zstd) beside zstd of the bytes:
// asked by the lossless mode and the automatic mode's whole-array floor (plan-coder.ts). The per-slab floor under
// pw-rel asks each slab (parallel/slab-tasks.ts).
import type { ArrayStats } from './stats';
import type { EbGlobals } from './eb-slab';
import { isIntegerDtype } from '../data/dtype';

/**
 * Whether an exact coding of an array with these stats tries the integer path: on integer-valued data float64
 * holds; when it competes with the coder alone at `coderAlone`, not where every tolerance is a unit or more
 * (abs, rel): there the coder codes such data no larger than its integer path does.
 */
export function tryIntegerPath(stats: ArrayStats, coderAlone?: EbGlobals): boolean {
  return stats.integerValued && stats.exactInFloat64 && !(coderAlone && coarserThanUnits(coderAlone));
}

/** Whether every tolerance of an abs or rel bound is at least one unit (of integer-valued data: its steps are coarser). */
function coarserThanUnits(g: EbGlobals): boolean {
  return g.bound.kind !== 'pw-rel' && g.tolerances.every((t) => t >= 1);
}

/**
 * Whether the coder alone at `g` codes this array exactly, the way its integer path does: an integer dtype without
 * missing values, every abs or rel tolerance under one unit (the steps are then one unit at every level, as at
 * tolerance 0), and the coder's own choice of predictors and layout (the path's). Its coding is then that path's,
 * which the lossless coding tries too, so it is never the smaller: the array is stored losslessly without coding
 * it first (uint8 images and most 16-bit counts under the default bound).
 */
export function coderAloneIsExact(stats: ArrayStats, g: EbGlobals, coder: { predictors?: unknown; layout?: unknown }): boolean {
  return isIntegerDtype(g.dtype) && tryIntegerPath(stats) && g.missing === undefined && g.bound.kind !== 'pw-rel'
    && g.tolerances.every((t) => t < 1) && coder.predictors === undefined && coder.layout === undefined;
}
