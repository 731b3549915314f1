// The search for the smallest total meeting a quality target (see policy.ts): its public surface.
export { searchSmallestTotal } from './policy';
export { parseQualityTarget, type PsnrTarget } from './target';
export { POINTS_SECTION, readSearchPoints, tradeoffFromFile, type RecordedPoint, type SearchRecord } from './record';
export { DEFAULT_SEARCH_SECONDS, type SearchContext, type SearchObjective, type SearchOptions, type SearchOutcome, type SearchPoint } from './types';
