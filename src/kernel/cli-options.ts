// Option parsing shared by the `baler` CLI and `%baler` notebook lines, so both accept the same words.
import type { CompressOptions } from './api';
import { BalerError } from './errors';

export function parseNumberOption(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new BalerError(`${name} must be a number (got '${value}')`);
  return n;
}

/** Training options as commander hands them over (strings, camel-cased) → engine options. */
export function trainingOptionsFrom(o: Record<string, string | undefined>): Partial<CompressOptions> {
  const num = parseNumberOption;
  const out: Partial<CompressOptions> = {};
  if (o.ratio) out.compressionRatio = num(o.ratio, '--ratio');
  if (o.latent) out.latent = num(o.latent, '--latent');
  if (o.model) out.modelType = o.model as CompressOptions['modelType'];
  if (o.epochs) out.epochs = num(o.epochs, '--epochs');
  if (o.batchSize) out.batchSize = num(o.batchSize, '--batch-size');
  if (o.lr) out.learningRate = num(o.lr, '--lr');
  if (o.seed) out.seed = num(o.seed, '--seed');
  if (o.targetPsnr) out.targetPsnr = num(o.targetPsnr, '--target-psnr');
  if (o.timeLimit) out.timeLimitSeconds = num(o.timeLimit, '--time-limit');
  if (o.backend) out.backend = o.backend as CompressOptions['backend'];
  return out;
}
