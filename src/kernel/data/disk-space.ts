// Room on disk for a decompressed file, checked before anything is written: a .baler of a few kilobytes may stand
// for terabytes (a constant array, or a crafted header), and a disk that fills up hours into writing helps no one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { formatBytes } from './budget';
import { DTYPE_BYTES } from './dtype';
import type { DataFormat } from './extensions';
import type { ArrayDescription } from './source';

/**
 * Bytes a file of these arrays takes at least in `format`: the values as written where the format stores them as
 * they are (.npy, an uncompressed .npz), a digit and a separator each in a CSV; 0 where the format may compress them.
 */
export function leastOutputBytes(format: DataFormat, arrays: ArrayDescription[]): number {
  if (format !== 'npy' && format !== 'npz' && format !== 'csv') return 0;
  return arrays.reduce((n, a) => n + a.shape.reduce((x, y) => x * y, 1) * (format === 'csv' ? 2 : DTYPE_BYTES[a.dtype]), 0);
}

/** Bytes free to this user on the filesystem of `dir`; undefined where the system does not say. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** Refuses to write `output` when it needs more than the free space of its folder (`free`: as the system says). */
export function checkDiskSpace(output: string, need: number, free = freeBytes(path.dirname(path.resolve(output)))): void {
  if (free === undefined || need <= free) return;
  const dir = path.dirname(path.resolve(output));
  throw new BalerError(`the decompressed values take at least ${formatBytes(need)}, and ${dir} has ${formatBytes(free)} free`, output, 'ENOSPC');
}
