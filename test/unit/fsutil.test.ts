import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, readFileChecked, assertNotSameFile } from '../../src/kernel/fsutil';
import { BalerError } from '../../src/kernel/errors';

describe('fsutil', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fsutil-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes atomically and refuses to overwrite', () => {
    const f = path.join(dir, 'a.bin');
    writeFileAtomic(f, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
    assert.throws(() => writeFileAtomic(f, new Uint8Array([9])), (e: unknown) => e instanceof BalerError && /exists/.test(e.message));
    assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
    assert.deepEqual(fs.readdirSync(dir), ['a.bin'], 'no temporary file is left behind');
  });

  it('names the file when it is missing', () => {
    const f = path.join(dir, 'missing.npz');
    assert.throws(() => readFileChecked(f), (e: unknown) => e instanceof BalerError && e.toLine().startsWith(f));
  });

  it('refuses output == input', () => {
    assert.throws(() => assertNotSameFile('x/a.npz', './x/a.npz'), BalerError);
  });
});
