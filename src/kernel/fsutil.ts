import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from './errors';

/**
 * Writes `bytes` to `target` through a temporary file in the same folder and a rename, so that a
 * crash never leaves a partial file. Refuses to replace an existing file unless `overwrite` is set.
 */
export function writeFileAtomic(target: string, bytes: Uint8Array | string, opts: { overwrite?: boolean } = {}): void {
  if (!opts.overwrite && fs.existsSync(target)) {
    throw new BalerError('output file exists (choose another path or pass --force)', target, 'EEXIST');
  }
  const dir = path.dirname(path.resolve(target));
  if (!fs.existsSync(dir)) throw new BalerError('output folder does not exist', target, 'ENOENT');
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads a whole file, turning a missing or unreadable file into a one-line BalerError. */
export function readFileChecked(file: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BalerError('file not found', file, 'ENOENT');
  }
  if (stat.isDirectory()) throw new BalerError('is a folder, not a file', file, 'EISDIR');
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (err) {
    throw new BalerError(`cannot read file (${(err as Error).message})`, file, 'EREAD');
  }
}

/** Refuses an output path that is the input itself (never overwrite the input). */
export function assertNotSameFile(input: string, output: string): void {
  if (path.resolve(input) === path.resolve(output)) {
    throw new BalerError('output path is the input file; refusing to overwrite the input', output, 'ESAME');
  }
}
