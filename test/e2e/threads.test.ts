// Slabs coded on every core: the same file whatever the number of threads, through the engine (workers run the
// TypeScript sources) and through the bundled CLI (workers run dist/slab-worker.js).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');

/**
 * The smallest budget that holds two slabs in work beside the main thread's runtime (kernel/memory.ts): slabs
 * of 512 frames of 32 × 32, four in the field below. Under a smaller budget every slab is coded on one thread.
 */
const TWO_THREADS = '352M';
const TWO_THREADS_BYTES = 352 * 1024 * 1024;

describe('threads', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-threads-'));
  const input = path.join(dir, 'field.npy');
  before(() => {
    const data = Float32Array.from({ length: 2048 * 32 * 32 }, (_, i) => Math.sin(i / 97) * Math.cos(i / 1013) + ((i * 2654435761) % 1000) * 1e-6);
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [2048, 32, 32], data }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the same bytes with 1, 2 and 3 threads, and says when the budget holds fewer', async () => {
    const bytes = [];
    for (const threads of [1, 2, 3]) {
      const output = path.join(dir, `t${threads}.baler`);
      const logs: string[] = [];
      await compress(input, { output, errorBound: 'rel:1e-4', threads, memoryBudget: TWO_THREADS_BYTES }, { onLog: (line) => logs.push(line) });
      const capped = logs.filter((l) => /coding on \d+ of/.test(l));
      if (threads < 3) assert.deepEqual(capped, [], `${threads} thread(s) used as asked`);
      // No budget codes this file on three: larger budgets code it in fewer, larger slabs.
      else assert.match(capped.join('\n'), /coding on 2 of 3 threads: the memory budget of 352M holds 2 slabs in work at once$/);
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

  it('the bundled CLI codes with worker threads and writes the same file (the coder alone; above: a learned basis)', () => {
    buildCli();
    assert.ok(fs.existsSync(path.join(repo, 'dist', 'slab-worker.js')), 'the build writes dist/slab-worker.js');
    const run = (threads: number) => spawnSync(process.execPath, [path.join(repo, 'bin', 'baler.js'), 'compress', input, '-o', path.join(dir, `cli${threads}.baler`),
      '--error-bound', 'rel:1e-4', '--learned', 'none', '--threads', String(threads), '--memory', TWO_THREADS], { encoding: 'utf8' });
    for (const threads of [1, 2]) {
      const res = run(threads);
      assert.equal(res.status, 0, res.stderr);
      assert.doesNotMatch(res.stderr, /coding on \d+ of/, `${threads} thread(s) used as asked`);
    }
    assert.ok(fs.readFileSync(path.join(dir, 'cli1.baler')).equals(fs.readFileSync(path.join(dir, 'cli2.baler'))));
  });

  it('decompress decodes as many slabs at once as the budget holds, and says so', () => {
    const cli = path.join(repo, 'bin', 'baler.js');
    const decode = (memory: string, output: string) => spawnSync(process.execPath, [cli, 'decompress', path.join(dir, 'cli1.baler'), '-o', path.join(dir, output), '--threads', '2', '--memory', memory], { encoding: 'utf8' });
    const small = decode('200M', 'small.npy'); // the runtime and one slab only
    assert.equal(small.status, 0, small.stderr);
    assert.match(small.stderr, /decoding on 1 of 2 threads: the memory budget of 200M holds one slab in work at once; --memory \d+M decodes 2/);
    const two = decode(TWO_THREADS, 'two.npy');
    assert.equal(two.status, 0, two.stderr);
    assert.doesNotMatch(two.stderr, /decoding on/);
    assert.ok(fs.readFileSync(path.join(dir, 'small.npy')).equals(fs.readFileSync(path.join(dir, 'two.npy'))), 'the same values either way');
  });
});
