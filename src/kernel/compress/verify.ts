// Checks of decoded values against what the compressor promised: the error bound, a PSNR target, and
// identity with the values measured before writing.
import type { Dataset } from '../types';
import { BalerError } from '../errors';
import { computeErrors } from '../metrics';
import { parseErrorBound, verifyBound } from '../eb/bound';
import { parseQualityTarget } from '../search';

/** Checks decoded values against the bound with the column layout the error-bounded coder used. */
export function boundChecker(ds: Dataset, errorBound: string, input: string): (decoded: Float64Array) => void {
  const bound = parseErrorBound(errorBound, input);
  const perColumn = ds.kind === 'table' && ds.shape.length === 2;
  return (decoded) => {
    const v = verifyBound(ds.values, decoded, bound, ds.shape, perColumn);
    if (!v.ok) throw new BalerError(`error bound violated at index ${v.firstViolation} (max error ${v.maxAbsError})`, input);
  };
}

export function psnrChecker(ds: Dataset, target: string, input: string): (decoded: Float64Array) => void {
  const wanted = parseQualityTarget(target, input).value;
  return (decoded) => {
    const psnr = computeErrors(ds.values, decoded).psnr;
    if (!(psnr >= wanted)) throw new BalerError(`verification failed: PSNR ${psnr.toFixed(2)} dB is below the target ${wanted} dB`, input);
  };
}

/** Same values element by element (NaN equals NaN; +0 and −0 differ). */
export function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}
