// Slabs coded on every core: the same file whatever the number of threads, through the engine (workers run the
// TypeScript sources) and through the bundled CLI (workers run dist/slab-worker.js).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';

const repo = path.resolve(__dirname, '..', '..');

describe('threads', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-threads-'));
  const input = path.join(dir, 'field.npy');
  before(() => {
    const data = Float32Array.from({ length: 64 * 32 * 32 }, (_, i) => Math.sin(i / 97) * Math.cos(i / 1013) + ((i * 2654435761) % 1000) * 1e-6);
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [64, 32, 32], data }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes with 1, 2 and 3 threads', async () => {
    const budget = 4 * 1024 * 1024; // several slabs
    const bytes = [];
    for (const threads of [1, 2, 3]) {
      const output = path.join(dir, `t${threads}.baler`);
      await compress(input, { output, errorBound: 'rel:1e-4', threads, memoryBudget: budget });
      bytes.push(fs.readFileSync(output));
    }
    assert.ok(bytes[0].equals(bytes[1]) && bytes[0].equals(bytes[2]));
    const decoded = [];
    for (const threads of [1, 2]) {
      const back = path.join(dir, `back${threads}.npy`);
      await decompress(path.join(dir, 't1.baler'), { output: back, threads });
      decoded.push(fs.readFileSync(back));
    }
    assert.ok(decoded[0].equals(decoded[1]), 'decoding on worker threads gives the same values');
  });

  it('the bundled CLI codes with worker threads and writes the same file', () => {
    assert.equal(spawnSync(process.execPath, ['esbuild.mjs', '--only=cli'], { cwd: repo }).status, 0);
    assert.ok(fs.existsSync(path.join(repo, 'dist', 'slab-worker.js')), 'the build writes dist/slab-worker.js');
    const run = (threads: number) => spawnSync(process.execPath, [path.join(repo, 'bin', 'baler.js'), 'compress', input, '-o', path.join(dir, `cli${threads}.baler`),
      '--error-bound', 'rel:1e-4', '--threads', String(threads), '--memory', '4M'], { encoding: 'utf8' });
    for (const threads of [1, 2]) {
      const res = run(threads);
      assert.equal(res.status, 0, res.stderr);
    }
    assert.ok(fs.readFileSync(path.join(dir, 'cli1.baler')).equals(fs.readFileSync(path.join(dir, 'cli2.baler'))));
  });
});
