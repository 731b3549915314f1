// A batch of files goes on past a file whose own data is refused, as gzip and zstd do: one corrupt run of a
// campaign must not cost the hundreds after it. Anything else (a bug, a full disk, Ctrl-C) stops the batch.
import * as path from 'node:path';
import { BalerError } from '../errors';

/** A file of a batch that was not done, and the one-line reason. */
export interface FileFailure {
  file: string;
  error: BalerError;
}

export interface BatchOutcome<T> {
  results: T[];
  failures: FileFailure[];
}

/** Failures of the machine, not of one file's data: every file after would meet them too. */
const MACHINE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EMFILE', 'EIO']);

function isTheFilesOwn(err: unknown, file: string): err is BalerError {
  return err instanceof BalerError && !!err.file && path.resolve(err.file) === path.resolve(file) && !MACHINE_CODES.has(err.code);
}

/** `work` on each file in turn; a BalerError naming that file is reported to `onFailure` and the batch goes on. */
export async function eachFile<T>(files: string[], work: (file: string, index: number) => Promise<T>, onFailure?: (failure: FileFailure) => void): Promise<BatchOutcome<T>> {
  const outcome: BatchOutcome<T> = { results: [], failures: [] };
  for (const [index, file] of files.entries()) {
    try {
      outcome.results.push(await work(file, index));
    } catch (err) {
      if (!isTheFilesOwn(err, file)) throw err;
      const failure = { file, error: err };
      outcome.failures.push(failure);
      onFailure?.(failure);
    }
  }
  return outcome;
}

/** The batch's failures counted in one error (each reported as it happened), or nothing when every file was done. */
export function throwIfAnyFailed(outcome: BatchOutcome<unknown>, verb: string): void {
  const { failures, results } = outcome;
  if (failures.length === 0) return;
  const total = failures.length + results.length;
  const named = failures.slice(0, 3).map((f) => f.file).join(', ') + (failures.length > 3 ? ', …' : '');
  const rest = results.length === 0 ? 'none was written' : results.length === 1 ? 'the other was written' : `the other ${results.length} were written`;
  throw new BalerError(`${failures.length} of ${total} files ${failures.length === 1 ? 'was' : 'were'} not ${verb} (${named}); ${rest}`);
}
