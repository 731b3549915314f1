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

/** `--threads N` and `--memory SIZE` (a number of MiB, or with a K, M or G suffix). */
export function resourceOptions(o: Record<string, string | undefined>): { threads?: number; memoryBudget?: number } {
  const out: { threads?: number; memoryBudget?: number } = {};
  if (o.threads !== undefined) {
    const n = Number(o.threads);
    if (!Number.isInteger(n) || n < 1) throw new BalerError(`--threads must be a whole number ≥ 1, got "${o.threads}"`);
    out.threads = n;
  }
  if (o.memory !== undefined) {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?)i?b?\s*$/i.exec(o.memory);
    const scale: Record<string, number> = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };
    const bytes = m ? Number(m[1]) * scale[m[2].toLowerCase()] : NaN;
    if (!(bytes >= 2 ** 20)) throw new BalerError(`--memory must be a size of at least 1M (e.g. 512M, 2G), got "${o.memory}"`);
    out.memoryBudget = Math.floor(bytes);
  }
  return out;
}

/** `--rows A:B` → [A, B) (A may be omitted for 0). */
export function rowRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d*)\s*:\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[1] || 0) >= Number(m[2])) throw new BalerError(`--rows must be A:B with A < B (rows A to B−1), got "${text}"`);
  return [Number(m[1] || 0), Number(m[2])];
}
