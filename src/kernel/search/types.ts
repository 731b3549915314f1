// The search's contracts: its options, the points it records, what a candidate would write, and its outcome.
import type { BackendName, Hooks } from '../api';
import type { SearchRecord } from './record';
import type { MeasuredSizes, Payload } from '../compress/strategy';

export type SearchObjective = 'total' | 'latent';

export interface SearchOptions {
  /** Quality target (`psnr:40`); or give errorBound. */
  target?: string;
  /** A fixed error bound every candidate must keep (`rel:1e-3`). */
  errorBound?: string;
  /** 'total' (default): smallest total bytes; 'latent': smallest bytes without the decoder. */
  objective?: SearchObjective;
  /** Budget for the whole search in seconds (default 60). Candidates are not started past it. */
  timeLimitSeconds?: number;
  /** Leave out the autoencoder candidates (error-bounded coder only). */
  noAutoencoder?: boolean;
  /** Classical predictors the error-bounded coder may use ('interpolation', 'lorenzo'); default all. */
  predictors?: string[];
  seed?: number;
  backend?: BackendName;
  /** A table's integer columns, kept exact under a bound (data/source.ts ArraySource.integerColumns). */
  integerColumns?: number[];
}

export const DEFAULT_SEARCH_SECONDS = 60;

/** One point the search tried. Sizes are those of the complete .baler it would have written. */
export interface SearchPoint {
  label: string;
  family: 'error-bounded' | 'ae+residuals' | 'autoencoder';
  latentBytes: number;
  decoderBytes: number;
  residualBytes: number;
  totalBytes: number;
  psnr: number;
  maxError: number;
  meetsTarget: boolean;
}

export interface SearchContext {
  /** Bytes of the complete .baler this payload would become (header, sections, container), in one encoding. */
  measure(payload: Payload): Promise<MeasuredSizes>;
  hooks?: Hooks;
  /** The input file, for error messages. */
  file?: string;
}

export interface SearchOutcome {
  payload: Payload;
  chosen: SearchPoint;
  points: SearchPoint[];
  /** The header's `search` field. */
  record: SearchRecord;
  /** The section holding the points (JSON array of RecordedPoint), to be zstd-coded. */
  pointsSection: { name: string; data: Uint8Array; coding: 'zstd' };
  seconds: number;
}
