// The absolute tolerances an error-bounded array is coded with, as the header stores them: computed from the
// bound and the array's finite ranges, then rounded down to float32 so that the stored value is never looser
// than the bound. codingTolerances also leave room for the rounding to the output dtype, so that a value the
// coder keeps within its tolerance stays within the bound once written as float32 or float16. Both leave room for
// the decimals of a table read from text, written back as text (data/decimal-text.ts).
import type { ErrorBound } from '../eb/bound';
import type { DType } from '../types';
import { roundDownToFloat32 } from '../codec/numbers';
import { castRoundoff } from '../eb/dtype';
import { decimalsOfColumns, textRoundoff } from '../data/decimal-text';
import type { ArrayCodec } from '../codec/header';
import { tolerancesFor, type ArrayStats } from './stats';

/** The bound's tolerances as the header stores them: rounded down to float32, less room for decimals written as text. */
export function roundedTolerances(bound: ErrorBound, stats: ArrayStats): number[] {
  const rounded = boundTolerances(bound, stats);
  return stats.writtenAsText ? rounded.map((t) => Math.max(0, roundDownToFloat32(t - textRoundoff(t)))) : rounded;
}

/** The bound's own tolerances, rounded down to float32 (what every value stays within, as written). */
export function boundTolerances(bound: ErrorBound, stats: ArrayStats): number[] {
  return tolerancesFor(bound, stats).map((t) => Math.max(0, roundDownToFloat32(t)));
}

/**
 * The tolerances less the largest rounding the output dtype adds to a column's values (|x| ≤ the larger of
 * its |min| and |max|), never below 0: the coder's tolerance plus that rounding stays within the bound.
 */
export function codingTolerances(bound: ErrorBound, stats: ArrayStats, dtype: DType): number[] {
  const roundoff = castRoundoff(dtype);
  return roundedTolerances(bound, stats).map((t, c) => {
    const column = stats.min.length === 1 ? 0 : c;
    const largest = Math.max(Math.abs(stats.min[column]), Math.abs(stats.max[column]));
    return Number.isFinite(largest) && roundoff > 0 ? Math.max(0, roundDownToFloat32(t - 2 * roundoff * largest)) : t;
  });
}

/**
 * The attributes an array's header entry stores: for a table read from text and coded within a bound, with the
 * decimals each column is written back with (csv.decimals, decimal-text.ts), from the room its coding left.
 */
export function withTextDecimals(attributes: Record<string, unknown> | undefined, codec: ArrayCodec, stats: ArrayStats): Record<string, unknown> | undefined {
  if (!stats.writtenAsText || codec.mode !== 'error-bounded' || codec.tolerances.length === 0) return attributes;
  const decimals = decimalsOfColumns(boundTolerances(codec.bound, stats), codec.tolerances);
  if (decimals.every((d) => d === null)) return attributes;
  return { ...attributes, csv: { ...(attributes!.csv as Record<string, unknown>), decimals } };
}
