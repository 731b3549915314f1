// Helpers of the data format tests.
import { strict as assert } from 'node:assert';
import { BalerError } from '../../src/kernel/errors';

/** Awaits `work` and checks it fails with a one-line BalerError naming `file` and matching `pattern`. */
export async function rejectsBaler(work: () => Promise<unknown>, pattern: RegExp, file: string): Promise<void> {
  await assert.rejects(work, (e: unknown) => {
    assert.ok(e instanceof BalerError, `expected a BalerError, got ${String((e as Error)?.stack ?? e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.file, file);
    assert.ok(!e.toLine().includes('\n'), `one line: ${e.toLine()}`);
    return true;
  });
}
