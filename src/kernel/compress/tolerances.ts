// The absolute tolerances an error-bounded array is coded with, as the header stores them: computed from the
// bound and the array's finite ranges, then rounded down to float32 so that the stored value is never looser
// than the bound and takes a short decimal form in `info`.
import type { ErrorBound } from '../eb/bound';
import { tolerancesFor, type ArrayStats } from './stats';

export function roundedTolerances(bound: ErrorBound, stats: ArrayStats): number[] {
  return tolerancesFor(bound, stats).map(roundDownToFloat32);
}

/** The largest float32 value not above t (t ≥ 0, finite). */
export function roundDownToFloat32(t: number): number {
  if (!(t > 0)) return 0;
  if (t >= 3.4028234663852886e38) return 3.4028234663852886e38;
  const f = Math.fround(t);
  if (f <= t) return f;
  const bits = new Uint32Array(new Float32Array([f]).buffer);
  bits[0] -= 1;
  return new Float32Array(bits.buffer)[0];
}
