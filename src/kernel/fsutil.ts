// Files the user owns are never overwritten by accident and never left half-written: outputs go to a
// temporary file in the target's folder and are renamed into place once complete; an output is compared with
// the input as a real file (device and inode, through symlinks), never as a path string; file-system failures
// (full disk, read-only folder, no permission) become one-line BalerErrors naming the file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BalerError } from './errors';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  EMFILE: 'too many open files',
  EFBIG: 'the file is too large for this file system',
  EIO: 'input/output error',
  ENAMETOOLONG: 'the file name is too long',
};

/** A file-system error as a one-line BalerError ("cannot write (no space left on the device)"). */
export function fileSystemError(err: unknown, file: string, action: string): BalerError {
  if (err instanceof BalerError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const reason = REASONS[code] ?? (err instanceof Error ? err.message : String(err));
  return new BalerError(`${action} (${reason})`, file, code || 'EIO');
}

/** Device and inode of an existing file (following symlinks), or undefined. */
function identity(file: string): { dev: number; ino: number } | undefined {
  try {
    const s = fs.statSync(file);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

/** True when both paths name the same existing file (through symlinks and hard links). */
export function sameFile(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  const ia = identity(a);
  const ib = identity(b);
  return ia !== undefined && ib !== undefined && ia.dev === ib.dev && ia.ino === ib.ino;
}

/** Refuses an output that is (or links to) the input: the input is never written, whatever the flags. */
export function assertNotSameFile(input: string, output: string): void {
  if (sameFile(input, output)) {
    throw new BalerError('output path is the input file; refusing to overwrite the input', output, 'ESAME');
  }
  // Renaming over a symlink replaces the link, not its target; still refuse a link that points at the input.
  try {
    if (fs.lstatSync(output).isSymbolicLink() && sameFile(fs.realpathSync(output), input)) {
      throw new BalerError('output path links to the input file; refusing to overwrite the input', output, 'ESAME');
    }
  } catch (err) {
    if (err instanceof BalerError) throw err;
  }
}

/** This machine, as the temporary files' names carry it (letters, digits and '-' only). */
const HOST = os.hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';

/**
 * The path of a new temporary file (or folder) beside `target`: `.NAME.HOST-PID.RANDOM.tmp`. Those that a process
 * of this machine no longer running left for the same target (killed with SIGKILL, or by the out-of-memory killer,
 * it could not remove them) are removed first; any other is left alone, a live writer's or another machine's on a
 * shared file system.
 */
export function temporaryBeside(target: string): string {
  const dir = path.dirname(path.resolve(target));
  const base = path.basename(target);
  for (const { name, pid } of temporariesOf(dir, base)) {
    if (pid !== process.pid && !processRuns(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  return trackTemporary(path.join(dir, `.${base}.${HOST}-${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`));
}

/** The temporary files and folders this process is writing: removeTemporaries() removes them when it must quit at once. */
const liveTemporaries = new Set<string>();

/** Records a temporary file or folder (returned) until releaseTemporary(): renamed into place, or removed. */
export function trackTemporary(temporary: string): string {
  liveTemporaries.add(temporary);
  return temporary;
}

export function releaseTemporary(temporary: string): void {
  liveTemporaries.delete(temporary);
}

/**
 * Removes every temporary still being written, at once and synchronously: for a process that exits without
 * letting its work unwind (a second Ctrl-C). Returns how many there were.
 */
export function removeTemporaries(): number {
  const count = liveTemporaries.size;
  for (const temporary of liveTemporaries) fs.rmSync(temporary, { recursive: true, force: true });
  liveTemporaries.clear();
  return count;
}

/**
 * Per folder, listed once a process (a campaign writes thousands of outputs to one folder: listing it for each
 * would cost the square of their number, and a shared file system's metadata server the most): the temporaries
 * of this machine's processes in it, by the name of their target.
 */
const temporariesByFolder = new Map<string, Map<string, { name: string; pid: number }[]>>();

/** The temporaries listed for `base` in `dir`, given out once (later ones are this process's own, or a later run's). */
function temporariesOf(dir: string, base: string): { name: string; pid: number }[] {
  let byTarget = temporariesByFolder.get(dir);
  if (!byTarget) {
    byTarget = new Map();
    temporariesByFolder.set(dir, byTarget);
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      // the caller reports an unreadable folder when it creates its own file there
    }
    const marker = `.${HOST}-`;
    for (const name of names) {
      const at = name.lastIndexOf(marker);
      if (!name.startsWith('.') || !name.endsWith('.tmp') || at < 2) continue;
      const pid = Number(name.slice(at + marker.length).split('.')[0]);
      if (!Number.isSafeInteger(pid) || pid <= 0) continue;
      const target = name.slice(1, at);
      const list = byTarget.get(target) ?? [];
      list.push({ name, pid });
      byTarget.set(target, list);
    }
  }
  const found = byTarget.get(base) ?? [];
  byTarget.delete(base);
  return found;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * An output file being written: a temporary file beside the target, renamed into place by commit() (after
 * checking again that the target is not `protect`), removed by abort(). Nothing is left behind either way.
 */
export class AtomicOutput {
  readonly tmp: string;
  readonly fd: number;
  private done = false;

  constructor(readonly target: string, private readonly opts: { overwrite?: boolean; protect?: string } = {}) {
    if (opts.protect) assertNotSameFile(opts.protect, target);
    if (!opts.overwrite && fs.existsSync(target)) {
      throw new BalerError('output file exists (choose another path with -o, or pass --force)', target, 'EEXIST');
    }
    const dir = path.dirname(path.resolve(target));
    if (!fs.existsSync(dir)) throw new BalerError('output folder does not exist', target, 'ENOENT');
    this.tmp = temporaryBeside(target);
    try {
      this.fd = fs.openSync(this.tmp, 'wx', 0o644);
    } catch (err) {
      releaseTemporary(this.tmp);
      throw fileSystemError(err, target, 'cannot create the output');
    }
  }

  commit(): void {
    if (this.done) return;
    try {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
    } catch (err) {
      this.abort();
      throw fileSystemError(err, this.target, 'cannot write');
    }
    this.done = true;
    try {
      if (this.opts.protect) assertNotSameFile(this.opts.protect, this.target);
      if (!this.opts.overwrite && fs.existsSync(this.target)) {
        throw new BalerError('output file appeared while writing; not replacing it', this.target, 'EEXIST');
      }
      fs.renameSync(this.tmp, this.target);
    } catch (err) {
      fs.rmSync(this.tmp, { force: true });
      throw fileSystemError(err, this.target, 'cannot write');
    } finally {
      releaseTemporary(this.tmp);
    }
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.tmp, { force: true });
    releaseTemporary(this.tmp);
  }
}

/**
 * Writes `bytes` to `target` through a temporary file and a rename, so that a crash never leaves a partial
 * file. Refuses to replace an existing file unless `overwrite`, and never replaces `protect`.
 */
export function writeFileAtomic(target: string, bytes: Uint8Array | string, opts: { overwrite?: boolean; protect?: string } = {}): void {
  const out = new AtomicOutput(target, opts);
  try {
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let done = 0;
    while (done < data.length) done += fs.writeSync(out.fd, data, done, data.length - done);
  } catch (err) {
    out.abort();
    throw fileSystemError(err, target, 'cannot write');
  }
  out.commit();
}

/** Reads a whole file, turning a missing or unreadable file into a one-line BalerError. */
export function readFileChecked(file: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw e.code === 'ENOENT' ? new BalerError('file not found', file, 'ENOENT') : fileSystemError(err, file, 'cannot read');
  }
  if (stat.isDirectory()) throw new BalerError('is a folder, not a file', file, 'EISDIR');
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (err) {
    throw fileSystemError(err, file, 'cannot read');
  }
}
