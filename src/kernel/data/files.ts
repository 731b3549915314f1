// File access for the format readers and writers: positioned reads (no whole-file reads), and outputs that
// appear atomically (a temporary file or folder beside the target, renamed on commit, removed on discard).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { assertNotSameFile, fileSystemError, releaseTemporary, temporaryBeside } from '../fsutil';

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
  checkRegion(input, offset, length, what); // before the allocation: the length may come from a damaged header
  return fill(input, offset, new Uint8Array(length), what);
}

/** Fills `out` with the bytes at `offset` (a buffer the caller reuses); returns it. */
export function readAtInto(input: InputFile, offset: number, out: Uint8Array, what: string): Uint8Array {
  checkRegion(input, offset, out.length, what);
  return fill(input, offset, out, what);
}

function checkRegion(input: InputFile, offset: number, length: number, what: string): void {
  if (offset < 0 || length < 0 || offset + length > input.size) throw truncated(input, what);
}

function truncated(input: InputFile, what: string): BalerError {
  return new BalerError(`truncated file: ${what} lies beyond the end of the file`, input.file);
}

function fill(input: InputFile, offset: number, out: Uint8Array, what: string): Uint8Array {
  const length = out.length;
  let done = 0;
  while (done < length) {
    const n = fs.readSync(input.fd, out, done, length - done, offset + done);
    if (n === 0) throw truncated(input, what); // the file shrank since it was opened
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
 * An output that a library writes by path (h5wasm, hyparquet-writer, zarrita) or we write by fd: a temporary file
 * or folder beside `target`, renamed onto it by commit(), removed by discard(). Refuses an existing target unless
 * `overwrite` (checked when created, so that nothing is computed in vain, and again on commit) and never writes
 * `protect` (the input), as fsutil's AtomicOutput does for single files.
 */
export class AtomicOutput {
  readonly tempPath: string;
  private done = false;

  constructor(readonly target: string, private readonly opts: { overwrite?: boolean; protect?: string } = {}, readonly folder = false) {
    checkTarget(target, opts);
    this.tempPath = temporaryBeside(target);
    try {
      if (folder) fs.mkdirSync(this.tempPath);
    } catch (err) {
      releaseTemporary(this.tempPath);
      throw fileSystemError(err, target, 'cannot create the output');
    }
  }

  commit(): void {
    if (this.done) return;
    this.done = true;
    try {
      checkTarget(this.target, this.opts);
      if (this.folder && fs.existsSync(this.target)) fs.rmSync(this.target, { recursive: true, force: true });
      fs.renameSync(this.tempPath, this.target);
    } catch (err) {
      fs.rmSync(this.tempPath, { recursive: true, force: true });
      throw fileSystemError(err, this.target, 'cannot write');
    } finally {
      releaseTemporary(this.tempPath);
    }
  }

  discard(): void {
    this.done = true;
    fs.rmSync(this.tempPath, { recursive: true, force: true });
    releaseTemporary(this.tempPath);
  }
}

function checkTarget(target: string, opts: { overwrite?: boolean; protect?: string }): void {
  if (opts.protect) assertNotSameFile(opts.protect, target);
  if (!opts.overwrite && fs.existsSync(target)) {
    throw new BalerError('output file exists (choose another path with -o, or pass --force)', target, 'EEXIST');
  }
  if (!fs.existsSync(path.dirname(path.resolve(target)))) throw new BalerError('output folder does not exist', target, 'ENOENT');
}

/** A file-system error while writing, as a one-line BalerError (read-only folder, full disk, …). */
export function outputError(err: unknown, target: string): Error {
  return fileSystemError(err, target, 'cannot write');
}

/** Bytes a file takes, or all files of a folder (a Zarr store) together. */
export function sizeOnDisk(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) total += sizeOnDisk(path.join(target, entry.name));
  return total;
}

/** Writes all of `bytes` (a short write is retried, so a full disk surfaces as ENOSPC), as a one-line error. */
export function writeAll(fd: number, bytes: Uint8Array | string, target: string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  try {
    for (let done = 0; done < data.length;) done += fs.writeSync(fd, data, done, data.length - done);
  } catch (err) {
    throw fileSystemError(err, target, 'cannot write');
  }
}

/** Flushes and closes a file written by fd, as a one-line error (a full disk can surface only here). */
export function syncAndClose(fd: number, target: string): void {
  try {
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch (err) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    throw fileSystemError(err, target, 'cannot write');
  }
}
