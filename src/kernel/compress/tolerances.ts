// The absolute tolerances an error-bounded array is coded with, as the header stores them: computed from the
// bound and the array's finite ranges, then rounded down to float32 so that the stored value is never looser
// than the bound.
import type { ErrorBound } from '../eb/bound';
import { roundDownToFloat32 } from '../codec/numbers';
import { tolerancesFor, type ArrayStats } from './stats';

export function roundedTolerances(bound: ErrorBound, stats: ArrayStats): number[] {
  return tolerancesFor(bound, stats).map((t) => Math.max(0, roundDownToFloat32(t)));
}
