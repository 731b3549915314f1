// Quality targets for the search: `psnr:DB`.
import { BalerError } from '../errors';

export interface PsnrTarget {
  kind: 'psnr';
  /** dB, PSNR = 20·log10(range / RMSE) over the finite values. */
  value: number;
}

/** Parses `psnr:40` (dB). */
export function parseQualityTarget(text: string, file?: string): PsnrTarget {
  const match = /^\s*psnr\s*:\s*([^\s]+)\s*$/i.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!match || !Number.isFinite(value) || value <= 0 || value > 400) {
    throw new BalerError(`bad target "${text}": expected psnr:DB with DB a positive number of decibels (e.g. psnr:40)`, file);
  }
  return { kind: 'psnr', value };
}
