// Slab buffers reused from slab to slab (parallel/buffer-pool.ts): the pool's ownership rules, the reader's slabs
// that give their buffers back only when released, and a many-slab file coded on two threads whose every value
// decodes as the one-thread file's (a buffer reused while something still read it would change the bytes).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufferPool, float64From } from '../../src/kernel/parallel/buffer-pool';
import { createSlabRunner, slabWorkerError } from '../../src/kernel/parallel/pool';
import { BalerError } from '../../src/kernel/errors';
import { runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import { openDataSource } from '../../src/kernel/data/formats';
import { arrayInputs } from '../../src/kernel/compress/arrays';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { decodeArray, openBaler } from '../../src/kernel/decompress';
import { isLent, POOLED_BYTES, release, slabFloat64, slabUint8 } from '../../src/kernel/parallel/slab-buffers';
import { releaseDecoded } from '../../src/kernel/parallel/slab-tasks';

describe('buffer pool: ownership', () => {
  it('never hands out a buffer that is out; gives back what it was given', () => {
    const pool = new BufferPool(4);
    const a = pool.take(1000);
    const b = pool.take(1000);
    assert.notEqual(a, b, 'two buffers out at once are distinct');
    assert.ok(pool.lent(a) && pool.lent(b));
    pool.give(a);
    assert.ok(!pool.lent(a));
    const c = pool.take(1000);
    assert.equal(c, a, 'a buffer given back is reused');
    const d = pool.take(1000);
    assert.ok(d !== b && d !== c, 'those still out are not');
  });

  it('refuses a buffer given back twice (it could be handed out to two holders)', () => {
    const pool = new BufferPool(4);
    const a = pool.take(64);
    pool.give(a);
    assert.throws(() => pool.give(a), /given back twice/);
  });

  it('ignores a buffer transferred away (detached), keeps at most `keep`, and fits sizes', () => {
    const pool = new BufferPool(2);
    const a = pool.take(4096);
    structuredClone(a, { transfer: [a] }); // detaches a here, as postMessage to a worker does
    pool.give(a);
    assert.equal(pool.size, 0);
    for (let i = 0; i < 3; i++) pool.give(new ArrayBuffer(4096));
    assert.equal(pool.size, 2);
    assert.ok(pool.take(100).byteLength < 4096, 'a much larger buffer is not spent on a small request');
    assert.equal(pool.take(4000).byteLength, 4096);
  });

  it('clear() lets the free buffers go, not those out', () => {
    const pool = new BufferPool(4);
    const out = pool.take(64);
    pool.give(pool.take(64));
    pool.clear();
    assert.equal(pool.size, 0);
    assert.ok(pool.lent(out));
    pool.give(out);
    assert.equal(pool.take(64), out);
  });

  it('takeFree() hands out only a free buffer; adopt() counts one from another thread as out', () => {
    const pool = new BufferPool(4);
    assert.equal(pool.takeFree(1000), undefined, 'none is made');
    const a = pool.take(1000);
    pool.give(a);
    assert.equal(pool.takeFree(1000), a);
    assert.ok(pool.lent(a));
    const transferred = new ArrayBuffer(1000);
    assert.ok(!pool.lent(transferred));
    pool.adopt(transferred);
    assert.ok(pool.lent(transferred));
    pool.give(transferred);
    assert.throws(() => pool.adopt(transferred), /adopted/);
  });

  it('float64From copies the values into a pool buffer', () => {
    const pool = new BufferPool(2);
    const v = float64From(new Float32Array([1.5, -2, 3]), pool);
    assert.deepEqual(Array.from(v), [1.5, -2, 3]);
    assert.ok(pool.lent(v.buffer as ArrayBuffer));
  });
});

describe('slab workers: failures', () => {
  it('running out of memory is the user\'s to mend (a BalerError saying how), any other failure a bug', () => {
    for (const err of [{ message: 'Array buffer allocation failed' }, { message: 'worker terminated', code: 'ERR_WORKER_OUT_OF_MEMORY' }]) {
      const e = slabWorkerError(err);
      assert.ok(e instanceof BalerError && e.code === 'ENOMEM', err.message);
      assert.match(e.message, /ran out of memory .*nothing was written: a smaller --memory, or fewer --threads/);
    }
    const bug = slabWorkerError({ message: 'x is not a function' });
    assert.ok(!(bug instanceof BalerError), 'a bug stays an internal error');
  });
});

describe('buffer pool: slabs and tasks', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-buffers-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const frames = 48;
  const side = 32;
  // Every frame different (a drift, a per-frame offset, a hash-like texture): a slab mixed up with another shows.
  const data = Float32Array.from({ length: frames * side * side }, (_, i) => {
    const t = Math.floor(i / (side * side));
    return Math.sin(i / 97 + t) * Math.cos(i / 1013) * (1 + t / 5) + t * 0.25 + ((i * 2654435761) % 1000) * 1e-5;
  });
  const input = path.join(dir, 'field.npy');
  fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [frames, side, side], data }));
  const budget = 4 * 1024 * 1024; // slabs of a few frames: many slabs, read ahead while others are coded

  it('a float16 slab, decoded into an array of its own, gives its raw buffer back at once', async () => {
    const half = path.join(dir, 'half.npy');
    fs.writeFileSync(half, encodeNpy({ dtype: 'float16', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 4) }));
    const source = await openDataSource(half);
    try {
      const pool = new BufferPool(4);
      const slab = await source.arrays[0].readSlab(1, 2, pool);
      assert.deepEqual(Array.from(slab.data as Float32Array), [0.75, 1, 1.25, 1.5, 1.75, 2]);
      assert.equal(pool.size, 1, 'the raw half floats went back to the pool');
      assert.ok(!pool.lent(slab.data.buffer), 'the decoded values are not a pool buffer');
    } finally {
      await source.close();
    }
  });

  it('a released slab gives its buffers to the next slab and cannot be read any more', async () => {
    const source = await openDataSource(input);
    try {
      const [array] = await arrayInputs(source, budget);
      assert.ok(array.slabRows < frames / 4, `several slabs (${array.slabRows} rows each)`);
      const slabs = array.slabs();
      const first = (await slabs.next()).value!;
      const firstValues = first.values;
      const kept = (await slabs.next()).value!; // not released: its buffers must never be reused
      const keptCopy = Float32Array.from(kept.array.data as Float32Array);
      const buffer = first.array.data.buffer;
      first.release();
      assert.throws(() => first.array, /used after it was released/);
      assert.throws(() => first.values, /used after it was released/);
      const third = (await slabs.next()).value!;
      assert.equal(third.array.data.buffer, buffer, 'the released buffer is read into again');
      assert.equal(third.values.buffer, firstValues.buffer, 'and its float64 values too');
      assert.deepEqual(kept.array.data, keptCopy, 'a slab still held is untouched by the next reads');
      const perSlab = array.slabRows * side * side;
      assert.deepEqual(Array.from(third.array.data as Float32Array), Array.from(data.subarray(2 * perSlab, 3 * perSlab)));
      await slabs.return(undefined);
    } finally {
      await source.close();
    }
  });

  it('tasks on worker threads get copies of their slab in buffers that come back: results as in one thread', async () => {
    const runner = createSlabRunner(2);
    try {
      const shape = [4, side, side];
      const slabs = Array.from({ length: 6 }, (_, k) => data.slice(k * 4 * side * side, (k + 1) * 4 * side * side));
      const task = (d: Float32Array) => ({ task: 'lossless' as const, array: { dtype: 'float32' as const, shape, data: d }, kind: 'frames' as const, tryIntegerCoder: false });
      // All at once: more tasks than workers, so buffers are taken while others are out.
      const results = await Promise.all(slabs.map((d) => runner.run(task(d))));
      const again = await Promise.all(slabs.map((d) => runner.run(task(d))));
      for (const [k, d] of slabs.entries()) {
        assert.deepEqual(d, data.slice(k * 4 * side * side, (k + 1) * 4 * side * side), 'the caller keeps its slab');
        const alone = await runSlabTask(task(d));
        assert.equal(results[k].summary.hash, alone.summary.hash, `slab ${k}`);
        assert.deepEqual(results[k].chunk, alone.chunk, `slab ${k}`);
        assert.deepEqual(again[k].chunk, alone.chunk, `slab ${k}, buffers reused`);
      }
    } finally {
      await runner.close();
    }
  });

  it('a many-slab file coded on two threads decodes to exactly the values of the one-thread file', async () => {
    // The smallest budget that holds two slabs in work beside the main thread's runtime (kernel/memory.ts):
    // slabs of 512 frames of 32 × 32, so a file of 2600 such frames has six: slab 0 and slab 4 search the coder's
    // configuration (error-bounded.ts), and on two threads slab 4 is coded while slabs 1–3 wait for slab 0's.
    // A smaller budget codes on one thread.
    const twoThreadBudget = 352 * 1024 * 1024;
    const manyFrames = 2600;
    const big = Float32Array.from({ length: manyFrames * side * side }, (_, i) => data[i % data.length] + Math.floor(i / (side * side)) * 1e-3);
    const bigInput = path.join(dir, 'big.npy');
    fs.writeFileSync(bigInput, encodeNpy({ dtype: 'float32', shape: [manyFrames, side, side], data: big }));
    const files: Buffer[] = [];
    const decoded: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const output = path.join(dir, `t${threads}.baler`);
      const logs: string[] = [];
      await compress(bigInput, { output, errorBound: 'rel:1e-3', threads, memoryBudget: twoThreadBudget }, { onLog: (line) => logs.push(line) });
      assert.deepEqual(logs.filter((l) => /coding on \d+ of/.test(l)), [], `${threads} thread(s) used as asked`);
      files.push(fs.readFileSync(output));
      const back = path.join(dir, `t${threads}.npy`);
      await decompress(output, { output: back, threads, force: true }, { onLog: (line) => logs.push(line) });
      assert.deepEqual(logs.filter((l) => /decoding on \d+ of/.test(l)), [], `${threads} thread(s) decode`);
      decoded.push(parseNpy(fs.readFileSync(back)).data as Float32Array);
    }
    const f = openBaler(path.join(dir, 't2.baler'));
    const slabs = f.index.sections.find((s) => s.name === '0.data')!.chunks.length;
    f.close();
    assert.ok(slabs >= 6, `several slabs (${slabs})`);
    assert.ok(files[0].equals(files[1]), 'the same bytes on one and two threads');
    let lo = Infinity, hi = -Infinity;
    for (const v of big) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    const tolerance = 1e-3 * (hi - lo);
    for (let i = 0; i < big.length; i++) {
      if (decoded[1][i] !== decoded[0][i]) assert.fail(`value ${i}: ${decoded[1][i]} on two threads, ${decoded[0][i]} on one`);
      if (!(Math.abs(decoded[1][i] - big[i]) <= tolerance)) assert.fail(`value ${i} outside the bound`);
    }
  });
});

describe('slab buffers: the coder\'s large arrays reused in each thread', function () {
  this.timeout(120_000);
  const large = POOLED_BYTES / 8;

  it('a released array is handed out again, zeroed; one never lent is left alone', () => {
    const a = slabFloat64(large);
    a.fill(7);
    const buffer = a.buffer;
    release(a);
    const b = slabFloat64(large);
    assert.equal(b.buffer, buffer, 'the same buffer');
    assert.ok(b.every((v) => v === 0), 'zeroed, as a new array is');
    const foreign = new Float64Array(large);
    release(foreign, b, b); // a buffer twice in one call is given once
    assert.ok(!isLent(foreign));
    const c = slabFloat64(large);
    assert.equal(c.buffer, buffer, 'only the lent one came back');
    assert.notEqual(slabFloat64(large).buffer, foreign.buffer, 'the foreign one was never taken in');
    const small = slabUint8(100);
    assert.ok(!isLent(small), 'small arrays are not pooled');
  });

  it('slabs decoded one after another, each released, decode into the same buffers and to the right values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-slab-buffers-'));
    try {
      const frames = 24;
      const side = 256; // slabs of five 65,536-value frames: 1.3 MiB as float32, pooled
      const data = Float32Array.from({ length: frames * side * side }, (_, i) => Math.sin(i / 300) + Math.floor(i / (side * side)) * 0.1);
      const input = path.join(dir, 'f.npy');
      const output = path.join(dir, 'f.baler');
      fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [frames, side, side], data }));
      await compress(input, { output, errorBound: 'rel:1e-3', threads: 1, memoryBudget: 256 * 1024 * 1024 });
      const f = openBaler(output);
      try {
        const a = f.header.arrays[0];
        assert.ok(a.slabRows < frames / 2 && a.slabRows * side * side * 4 >= POOLED_BYTES, `several pooled slabs (${a.slabRows} rows each)`);
        const buffers = new Set<ArrayBufferLike>();
        let lo = Infinity, hi = -Infinity;
        for (const v of data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const tolerance = 1e-3 * (hi - lo);
        let slabs = 0;
        for await (const slab of decodeArray(f, 0)) {
          assert.ok(isLent(slab.values) && isLent(slab.array.data), 'decoded into slab buffers');
          buffers.add(slab.values.buffer);
          const start = slab.firstRow * side * side;
          for (let i = 0; i < slab.values.length; i++) {
            const v = (slab.array.data as Float32Array)[i];
            if (!(Math.abs(v - data[start + i]) <= tolerance) || v !== Math.fround(slab.values[i])) assert.fail(`value ${start + i}: ${data[start + i]} became ${v}`);
          }
          releaseDecoded(slab);
          slabs++;
        }
        assert.ok(slabs >= 3);
        assert.ok(buffers.size < slabs, `the released buffers were decoded into again (${buffers.size} buffers for ${slabs} slabs)`);
      } finally {
        f.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
