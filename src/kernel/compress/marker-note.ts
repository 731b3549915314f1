// A column whose least or greatest value is a usual marker of missing data (-9999, 1e20, netCDF's default fill)
// that the file does not declare: under a rel bound that marker sets the range, and the bound grows with it
// (temperatures with a few -9999 get a bound of 1 K at rel:1e-4, not 1 mK). Said, with the option that fixes it.
import type { ErrorBound } from '../eb/bound';
import { maskedFillOf } from '../data/fill';
import type { ArraySource } from '../data/source';
import type { ArrayStats } from './stats';
import { formatNumber } from '../report/format';

/** netCDF's default float fill (NC_FILL_FLOAT/NC_FILL_DOUBLE), as a float32 and as written in float64. */
const NETCDF_FILLS = [9.969209968386869e36, Math.fround(9.969209968386869e36)];

function isUsualMarker(v: number): boolean {
  const a = Math.abs(v);
  return (a >= 999 && a < 1e7 && /^9+$/.test(String(a))) || a === 1e20 || a === 1e30 || a === 32767 || a === 32768 || NETCDF_FILLS.includes(a);
}

export function markerNote(source: ArraySource, stats: ArrayStats, bound: ErrorBound | undefined, missingValue: number | undefined): string | undefined {
  if (bound?.kind !== 'rel' || missingValue !== undefined || maskedFillOf(source.attributes) !== undefined) return undefined;
  for (let c = 0; c < stats.min.length; c++) {
    const [low, high] = [stats.min[c], stats.max[c]];
    const marker = isUsualMarker(low) ? low : isUsualMarker(high) ? high : undefined;
    if (marker === undefined || low === high) continue;
    const column = source.names[c] ? `column '${source.names[c]}'` : stats.min.length > 1 ? `column ${c + 1}` : 'the array';
    return `${column}: its ${marker === low ? 'least' : 'greatest'} value is ${formatNumber(marker)}, a usual marker of missing data, and rel:${bound.value} is of the range it sets (${formatNumber(low)} to ${formatNumber(high)}): if it marks missing values, --missing-value ${marker} keeps them exact and out of that range`;
  }
  return undefined;
}
