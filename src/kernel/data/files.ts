// File access for the format readers and writers: positioned reads (no whole-file reads), and outputs that
// appear atomically (a temporary file or folder beside the target, renamed on commit, removed on discard).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';

/** An input opened for positioned reads. */
export interface InputFile {
  file: string;
  fd: number;
  size: number;
}

/** Opens a file for reading; a missing file, a folder or an unreadable file is a one-line BalerError. */
export function openInput(file: string): InputFile {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BalerError('file not found', file, 'ENOENT');
  }
  if (stat.isDirectory()) throw new BalerError('is a folder, not a file', file, 'EISDIR');
  try {
    return { file, fd: fs.openSync(file, 'r'), size: stat.size };
  } catch (err) {
    throw new BalerError(`cannot read file (${(err as Error).message})`, file, 'EREAD');
  }
}

export function closeInput(input: InputFile): void {
  fs.closeSync(input.fd);
}

/** Exactly `length` bytes at `offset`; `what` names the part for the error when the file ends before. */
export function readAt(input: InputFile, offset: number, length: number, what: string): Uint8Array {
  if (offset < 0 || length < 0 || offset + length > input.size) {
    throw new BalerError(`truncated file: ${what} lies beyond the end of the file`, input.file);
  }
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(input.fd, out, done, length - done, offset + done);
    if (n === 0) throw new BalerError(`truncated file: ${what} lies beyond the end of the file`, input.file);
    done += n;
  }
  return out;
}

/** The first `length` bytes of a file (fewer if it is shorter); for format detection. */
export function readHead(file: string, length: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const out = new Uint8Array(length);
    return out.subarray(0, fs.readSync(fd, out, 0, length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * An output written under a temporary name beside `target` and renamed onto it by commit(). Refuses an existing
 * target unless `overwrite` (checked when created, so that nothing is computed in vain, and again on commit).
 */
export class AtomicOutput {
  readonly tempPath: string;
  private done = false;

  constructor(readonly target: string, private readonly overwrite = false, readonly folder = false) {
    checkTarget(target, overwrite);
    const dir = path.dirname(path.resolve(target));
    this.tempPath = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
    try {
      if (folder) fs.mkdirSync(this.tempPath);
    } catch (err) {
      throw outputError(err, target);
    }
  }

  commit(): void {
    if (this.done) return;
    this.done = true;
    try {
      checkTarget(this.target, this.overwrite);
      if (this.folder && fs.existsSync(this.target)) fs.rmSync(this.target, { recursive: true, force: true });
      fs.renameSync(this.tempPath, this.target);
    } catch (err) {
      fs.rmSync(this.tempPath, { recursive: true, force: true });
      throw err instanceof BalerError ? err : outputError(err, this.target);
    }
  }

  discard(): void {
    this.done = true;
    fs.rmSync(this.tempPath, { recursive: true, force: true });
  }
}

function checkTarget(target: string, overwrite: boolean): void {
  if (!overwrite && fs.existsSync(target)) {
    throw new BalerError('output file exists (choose another path or pass --force)', target, 'EEXIST');
  }
  if (!fs.existsSync(path.dirname(path.resolve(target)))) throw new BalerError('output folder does not exist', target, 'ENOENT');
}

/** A file-system error while writing, as a one-line BalerError (read-only folder, full disk, …). */
export function outputError(err: unknown, target: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    EROFS: 'the output folder is on a read-only file system', EACCES: 'no permission to write the output',
    EPERM: 'no permission to write the output', ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded',
  };
  if (code && reasons[code]) return new BalerError(`cannot write: ${reasons[code]}`, target, code);
  return err as Error;
}

/** Bytes a file takes, or all files of a folder (a Zarr store) together. */
export function sizeOnDisk(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) total += sizeOnDisk(path.join(target, entry.name));
  return total;
}
