// What the driver keeps of each coded slab: a hash of the values the decoder will produce (to check the file
// written) and the running error sums (for the header's figures). Computed where the slab was coded (the main
// thread or a worker) and merged in slab order.
import { ErrorAccumulator, type ErrorState } from '../metrics';

export interface SlabSummary {
  hash: number;
  errors: ErrorState;
}

/** `columns`: a table's column count, so that each column is judged on its own range (1 for frames). */
export function summariseSlab(original: Float64Array, reconstruction: Float64Array, columns: number): SlabSummary {
  const acc = new ErrorAccumulator(columns);
  const hash = acc.addAndHash(original, reconstruction);
  return { hash, errors: acc.state() };
}
