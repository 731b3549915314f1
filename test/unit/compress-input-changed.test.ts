// A file that changes while compress reads it (a copy still in progress) is named as such, and nothing is written:
// not "verification failed", which would blame the coder.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { encodeNpy } from '../../src/kernel/data/npy';

describe('compress: an input that changes while it is compressed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-changed-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const values = (shift: number) => Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i / 9 + shift));

  /** Compresses `file`, calling `change` once when the read-back begins. */
  function compressChanging(file: string, change: () => void) {
    let changed = false;
    return compress(file, { errorBound: 'rel:1e-3', learned: 'none', output: file.replace(/\.npy$/, '.baler') }, {
      onProgress: (p) => {
        if (p.phase === 'verify' && !changed) {
          changed = true;
          change();
        }
      },
    });
  }

  const isChanged = (file: string) => (e: unknown) => e instanceof BalerError && e.file === file && e.code === 'ECHANGED' && /changed while it was being compressed.*nothing was written/.test(e.message);

  it('values rewritten under it: "changed", not "verification failed", and no output', async () => {
    const file = path.join(dir, 'rewritten.npy');
    fs.writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [64, 32], data: values(0) }));
    await assert.rejects(compressChanging(file, () => {
      fs.writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [64, 32], data: values(1) }));
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    }), isChanged(file));
    assert.equal(fs.existsSync(path.join(dir, 'rewritten.baler')), false);
  });

  it('rows appended while it was read back: refused though the rows read did not move', async () => {
    const file = path.join(dir, 'growing.npy');
    fs.writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [64, 32], data: values(0) }));
    await assert.rejects(compressChanging(file, () => fs.appendFileSync(file, new Uint8Array(128))), isChanged(file));
    assert.equal(fs.existsSync(path.join(dir, 'growing.baler')), false);
  });

  it('a file left alone is written', async () => {
    const file = path.join(dir, 'still.npy');
    fs.writeFileSync(file, encodeNpy({ dtype: 'float32', shape: [64, 32], data: values(0) }));
    const r = await compressChanging(file, () => undefined);
    assert.ok(fs.existsSync(r.output));
  });
});
