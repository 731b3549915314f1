// Helpers of the data format tests.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

/** A temporary folder for the tests of the enclosing describe: made before them, removed after. */
export function tempFolder(prefix: string): () => string {
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

type H5 = typeof import('h5wasm/node').default;
type H5File = InstanceType<H5['File']>;

/** Runs `work` on the HDF5 file `file` opened with h5wasm (as the product reads and writes it), closing it after. */
export async function withHdf5<R>(file: string, mode: 'r' | 'w', work: (f: H5File, h5: H5) => R): Promise<R> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(file, mode);
  try {
    return work(f, h5);
  } finally {
    f.close();
  }
}
