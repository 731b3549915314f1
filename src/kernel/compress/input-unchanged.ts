// A file still being written (a copy in progress, a running simulation) can change between compress's read and
// its read-back: the mismatch is then the input's, not the coder's, and the user must be told which.
import * as fs from 'node:fs';
import { BalerError } from '../errors';

export interface InputSnapshot {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function snapshotOf(file: string): InputSnapshot | undefined {
  try {
    const { size, mtimeMs, ino } = fs.statSync(file);
    return { size, mtimeMs, ino };
  } catch {
    return undefined;
  }
}

/** Whether `file` is no longer the file `before` saw (its size, modification time or inode moved, or it is gone). */
export function changedSince(file: string, before: InputSnapshot | undefined): boolean {
  if (!before) return false;
  const now = snapshotOf(file);
  return !now || now.size !== before.size || now.mtimeMs !== before.mtimeMs || now.ino !== before.ino;
}

export function changedWhileCompressed(file: string): BalerError {
  return new BalerError('the file changed while it was being compressed (it is still being written?); nothing was written: compress it again once it is complete', file, 'ECHANGED');
}
