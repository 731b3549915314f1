// A column most of whose values are smaller than its bound: they come back with none of their own digits (as 0,
// or anywhere within the bound), which the bound allows and the user may not expect. Said, with pw-rel, which
// keeps every value's own digits.
import type { ErrorBound } from '../eb/bound';
import { arrayLabel, type ArraySource } from '../data/source';
import { formatNumber } from '../report/format';
import type { MagnitudeSample } from './magnitudes';
import { tolerancesFor, type ArrayStats } from './stats';

/** From this fraction of a column's non-zero values below its bound, it is said… */
const SAID_FROM = 0.25;
/**
 * …of a column spanning orders of magnitude (its largest value 2^10 ≈ 1000 times its median magnitude): in a
 * field of values around 0 under a loose bound, many values are below it too, and pw-rel is no answer there.
 */
const SPAN_OCTAVES = 10;

export function smallValuesNote(source: ArraySource, stats: ArrayStats, magnitudes: MagnitudeSample, bound: ErrorBound | undefined): string | undefined {
  // Kept exact (its declared fill beside NaN, coordinates): no bound applies.
  if (!bound || bound.kind === 'pw-rel' || bound.value === 0 || source.exact) return undefined;
  const tolerances = tolerancesFor(bound, stats);
  for (let c = 0; c < stats.min.length; c++) {
    const tolerance = tolerances[tolerances.length === 1 ? 0 : c];
    const fraction = magnitudes.fractionBelow(c, tolerance);
    if (!(fraction >= SAID_FROM) || magnitudes.octavesAboveMedian(c) < SPAN_OCTAVES) continue;
    const named = source.names[c] ? `column '${source.names[c]}'` : stats.min.length > 1 ? `column ${c + 1}` : undefined;
    const column = named === undefined ? arrayLabel(source) : source.path ? `${named} of ${arrayLabel(source)}` : named;
    const of = bound.kind === 'rel' ? `rel:${bound.value} of its range, ${formatNumber(tolerance)}` : formatNumber(tolerance);
    return `${column}: about ${Math.round(100 * fraction)}% of its non-zero values are smaller than its bound (${of}), so they come back with none of their own digits (0, or anywhere within it): for each value's own digits, --error-bound pw-rel:1e-3`;
  }
  return undefined;
}
