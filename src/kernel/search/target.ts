// Quality targets for the search: `psnr:DB`.
import { BalerError } from '../errors';

export interface PsnrTarget {
  kind: 'psnr';
  /** dB, PSNR = 20·log10(range / RMSE) over the finite values. */
  value: number;
}

/** Beyond float64's precision (~320 dB of a range): no coder can be asked for more. */
const MAX_PSNR_DB = 400;

/** Parses `psnr:40` (dB). */
export function parseQualityTarget(text: string, file?: string): PsnrTarget {
  const match = /^\s*psnr\s*:\s*([^\s]+)\s*$/i.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(value) || value <= 0) {
    throw new BalerError(`bad target "${text}": expected psnr:DB with DB a positive number of decibels (e.g. psnr:40)`, file);
  }
  if (value > MAX_PSNR_DB) {
    throw new BalerError(`bad target "${text}": at most psnr:${MAX_PSNR_DB} (float64's own precision is about 320 dB); for every value exact, --error-bound abs:0`, file);
  }
  return { kind: 'psnr', value };
}
