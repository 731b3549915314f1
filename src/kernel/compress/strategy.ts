// What a compression mode is: a strategy that turns a dataset into what the container will hold (header
// fields, sections) and the exact values the decoder will produce. compress() chooses the strategy from the
// options (see index.ts), writes the container and verifies it; a new mode is a new file here.
import type { CompressOptions, Hooks } from '../api';
import type { Dataset } from '../types';
import type { CandidatePayload } from '../search';

export interface Payload extends CandidatePayload {
  /** Where a shared model file was written, so the read-back finds it. */
  modelDir?: string;
  /** Checks the values decoded from the written file (a bound, a PSNR target); throws a BalerError. */
  verify?: (decoded: Float64Array) => void;
}

export interface CompressContext {
  ds: Dataset;
  opts: CompressOptions;
  hooks?: Hooks;
  /** The input file, for error messages. */
  input: string;
  /** Bytes of the input file on disk. */
  originalFile: number;
  /** The complete header a payload would get (what measuring a candidate's total needs). */
  completeHeader(payload: CandidatePayload): Record<string, unknown>;
}

export interface CompressStrategy {
  /** Whether this strategy handles these options (the first that does is used). */
  handles(opts: CompressOptions): boolean;
  payload(ctx: CompressContext): Promise<Payload>;
}
