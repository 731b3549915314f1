// A column whose least or greatest value is a usual marker of missing data (-9999, 1e20, netCDF's default fill)
// that the file does not declare: under a rel bound that marker sets the range, and the bound grows with it
// (temperatures with a few -9999 get a bound of 1 K at rel:1e-4, not 1 mK). Said, with the option that fixes it.
import type { ErrorBound } from '../eb/bound';
import { maskedFillOf } from '../data/fill';
import { arrayLabel, type ArraySource } from '../data/source';
import type { MagnitudeSample } from './magnitudes';
import type { ArrayStats } from './stats';
import { formatNumber } from '../report/format';

/** Markers as written in float64, and as a float32 file holds them (1e20 is 100000002004087734272 there). */
const LARGE_MARKERS = [1e20, 1e30, 9.969209968386869e36].flatMap((v) => [v, Math.fround(v)]);
/**
 * A marker sits far from the values it stands among: at least 2^4 = 16 times the median magnitude (an integer
 * column of 0…999 reaches 999 as data), or as far below it with next to no value near it (-999 among pressures of
 * 1e5 Pa sets the range as surely as 1e20 among temperatures).
 */
const MARKER_OCTAVES = 4;
/** "Next to no value near it": under this fraction of the sampled values within NEAR_OCTAVES of the marker's magnitude. */
const NEAR_FRACTION = 0.01;
const NEAR_OCTAVES = 2;
/** Columns named in the note. */
const NAMED = 3;

function isUsualMarker(v: number): boolean {
  const a = Math.abs(v);
  return (a >= 999 && a < 1e7 && /^9+$/.test(String(a))) || a === 32767 || a === 32768 || LARGE_MARKERS.includes(a);
}

/** The usual marker of each column where one sets its range (its least or greatest value, far from the others). */
function markersOf(stats: ArrayStats, magnitudes: MagnitudeSample): { column: number; marker: number }[] {
  const found: { column: number; marker: number }[] = [];
  for (let c = 0; c < stats.min.length; c++) {
    const [low, high] = [stats.min[c], stats.max[c]];
    const marker = isUsualMarker(low) ? low : isUsualMarker(high) ? high : undefined;
    if (marker === undefined || low === high) continue;
    const octaves = magnitudes.octavesAbove(c, marker);
    const apart = octaves >= MARKER_OCTAVES || (octaves <= -MARKER_OCTAVES && magnitudes.fractionNear(c, marker, NEAR_OCTAVES) < NEAR_FRACTION);
    if (!apart) continue;
    found.push({ column: c, marker });
  }
  return found;
}

export function markerNote(source: ArraySource, stats: ArrayStats, magnitudes: MagnitudeSample, bound: ErrorBound | undefined, missingValue: number | undefined): string | undefined {
  // Kept exact (its declared fill beside NaN, coordinates): no bound is of its range. A fill the file declares is
  // out of the range already; one given with --missing-value (markersMet) may be another than the marker seen.
  if (bound?.kind !== 'rel' || source.exact || (maskedFillOf(source.attributes) !== undefined && !source.markersMet)) return undefined;
  const found = markersOf(stats, magnitudes).filter((m) => m.marker !== missingValue);
  if (found.length === 0) return undefined;
  const { column, marker } = found[0];
  const label = (c: number) => (source.names[c] ? `'${source.names[c]}'` : `${c + 1}`);
  const listed = `column${found.length > 1 ? 's' : ''} ${found.slice(0, NAMED).map((m) => label(m.column)).join(', ')}${found.length > NAMED ? ` and ${found.length - NAMED} more` : ''}`;
  const columns = stats.min.length === 1 ? arrayLabel(source) : source.path ? `${listed} of ${arrayLabel(source)}` : listed;
  // As typed: 1e20, not a float32's 100000002004087734272 nor float64's 100000000000000000000.
  const rounded = Number(marker.toPrecision(7));
  const shown = Math.abs(rounded) >= 1e7 ? rounded.toExponential().replace('e+', 'e') : String(rounded);
  const range = `${formatNumber(stats.min[column])} to ${formatNumber(stats.max[column])}`;
  return `${columns}: ${marker === stats.min[column] ? 'least' : 'greatest'} value ${formatNumber(marker)}, a usual marker of missing data, and rel:${bound.value} is of the range it sets (${range}${found.length > 1 ? ` in ${label(column)}` : ''}): if it marks missing values, --missing-value ${shown} keeps them exact and out of that range`;
}
