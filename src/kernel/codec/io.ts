// Where container bytes come from and go to: positioned reads of a file (or of bytes in memory), and a
// sequential sink that appends to a file.
import * as fs from 'node:fs';
import { BalerError } from '../errors';
import { fileSystemError } from '../fsutil';

export interface RandomAccess {
  readonly size: number;
  /** `length` bytes at `offset` (fewer only at the end of the data). */
  read(offset: number, length: number): Uint8Array;
}

export interface ByteSink {
  write(bytes: Uint8Array): void;
}

export function bytesAccess(bytes: Uint8Array): RandomAccess {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** A file opened for positioned reads; close() when done. */
export interface FileAccess extends RandomAccess {
  close(): void;
}

export function openFileAccess(file: string): FileAccess {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw fileSystemError(err, file, 'cannot open');
  }
  const stat = fs.fstatSync(fd);
  if (stat.isDirectory()) {
    fs.closeSync(fd);
    throw new BalerError('is a folder, not a file', file, 'EISDIR');
  }
  return {
    size: stat.size,
    read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, stat.size - offset)));
      let done = 0;
      while (done < out.length) {
        const n = fs.readSync(fd, out, done, out.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done === out.length ? out : out.subarray(0, done);
    },
    close: () => fs.closeSync(fd),
  };
}

/** Appends to an open file descriptor, turning a full disk or a read-only folder into a BalerError. */
export function fdSink(fd: number, file: string): ByteSink & { bytesWritten: number } {
  const sink = {
    bytesWritten: 0,
    write(bytes: Uint8Array) {
      let done = 0;
      try {
        while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
      } catch (err) {
        throw fileSystemError(err, file, 'cannot write');
      }
      sink.bytesWritten += bytes.length;
    },
  };
  return sink;
}
