// Arrays coded slab by slab under a memory budget: every slab a chunk of its own, the bound on every value,
// rel tolerances from the whole array's range, and the same values whatever the slab size.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { openBaler } from '../../src/kernel/decompress';
import { searchingSlab } from '../../src/kernel/compress/shared-search';

describe('compress: slabs under a memory budget', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-slabs-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const frames = 40;
  const data = Float32Array.from({ length: frames * 24 * 24 }, (_, i) => {
    const t = Math.floor(i / 576);
    const x = i % 24;
    const y = Math.floor(i / 24) % 24;
    return Math.sin(x / 4 + t / 7) * Math.cos(y / 5) * (1 + t / 10) + (i % 7) * 1e-3;
  });
  const input = path.join(dir, 'frames.npy');
  fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [frames, 24, 24], data }));
  const range = (() => {
    let lo = Infinity, hi = -Infinity;
    for (const v of data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return hi - lo;
  })();

  for (const errorBound of ['rel:1e-3', 'abs:0']) {
    it(`${errorBound}: one chunk per slab, every value within the bound of the whole array's range`, async () => {
      const output = path.join(dir, `${errorBound.replace(':', '')}.baler`);
      const budget = 576 * 68 * 6 * 4; // about six frames per slab (a slab takes a quarter of the budget)
      await compress(input, { output, errorBound, memoryBudget: budget, threads: 1 });
      const f = openBaler(output);
      const slabRows = f.header.arrays[0].slabRows;
      const chunks = f.index.sections.find((s) => s.name === '0.data')!.chunks.length;
      f.close();
      assert.ok(slabRows > 1 && slabRows < frames, `slab rows ${slabRows}`);
      assert.equal(chunks, Math.ceil(frames / slabRows));
      const back = path.join(dir, `${errorBound.replace(':', '')}.npy`);
      await decompress(output, { output: back });
      const got = parseNpy(fs.readFileSync(back)).data as Float32Array;
      const tolerance = errorBound === 'abs:0' ? 0 : 1e-3 * range;
      for (let i = 0; i < data.length; i++) assert.ok(Math.abs(got[i] - data[i]) <= tolerance, `value ${i}`);
    });
  }

  it('decompresses a range of rows, reading only the slabs that hold them', async () => {
    const output = path.join(dir, 'rows.baler');
    await compress(input, { output, errorBound: 'rel:1e-3', memoryBudget: 576 * 68 * 6 * 4, threads: 1 });
    const whole = path.join(dir, 'rows-all.npy');
    const part = path.join(dir, 'rows-7-23.npy');
    await decompress(output, { output: whole, threads: 1 });
    await decompress(output, { output: part, rows: [7, 23], threads: 1 });
    const all = parseNpy(fs.readFileSync(whole));
    const some = parseNpy(fs.readFileSync(part));
    assert.deepEqual(some.shape, [16, 24, 24]);
    assert.deepEqual(Array.from(some.data as Float32Array), Array.from((all.data as Float32Array).subarray(7 * 576, 23 * 576)));
    await assert.rejects(decompress(output, { output: path.join(dir, 'bad.npy'), rows: [30, 41] }), (e: unknown) => e instanceof BalerError && /rows 30:41/.test(e.message));
  });

  it('searches the configuration on slabs 0, 4, 8, 12, then at powers of two; every other slab reuses the latest', () => {
    const searching = Array.from({ length: 140 }, (_, j) => j).filter((j) => searchingSlab(j) === j);
    assert.deepEqual(searching, [0, 4, 8, 12, 16, 32, 64, 128]);
    for (let j = 0; j < 140; j++) assert.ok(searchingSlab(j) <= j && searching.includes(searchingSlab(j)), `slab ${j}`);
    assert.equal(searchingSlab(63), 32);
  });

  it('refuses a row larger than the budget with a message that says how to raise it', async () => {
    await assert.rejects(compress(input, { output: path.join(dir, 'tiny.baler'), errorBound: 'rel:1e-3', memoryBudget: 1000 }),
      (e: unknown) => e instanceof BalerError && /--memory/.test(e.message));
    assert.equal(fs.existsSync(path.join(dir, 'tiny.baler')), false);
  });
});
