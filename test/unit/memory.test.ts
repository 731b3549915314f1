// The memory plan: slabs sized so that two are coded at once within the budget, whatever the dtype, and the threads
// asked for actually used when the budget allows them; decoding as many slabs at once as the budget holds.
import { strict as assert } from 'node:assert';
import { belowRuntimeNote, budgetForCodingThreads, budgetForDecodingThreads, chooseSlabRows, codingThreads, decodingSlabsAhead, decodingThreads, DEFAULT_MEMORY_BUDGET, memoryArgument, slabValuesFor } from '../../src/kernel/memory';
import type { ArraySource } from '../../src/kernel/data/source';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { BalerError } from '../../src/kernel/errors';
import { DTYPE_BYTES } from '../../src/kernel/data/dtype';
import type { DType } from '../../src/kernel/types';

const MIB = 2 ** 20;

describe('compress memory plan', () => {
  for (const dtype of Object.keys(DTYPE_BYTES) as DType[]) {
    it(`${dtype}: two slabs of the planned size are coded at once at the default budget and at 1 GiB`, () => {
      for (const budget of [DEFAULT_MEMORY_BUDGET, 1024 * MIB]) {
        // Frames of 256 × 256, as many per slab as the plan allows.
        const slabRows = Math.floor(slabValuesFor(budget, DTYPE_BYTES[dtype]) / 65536);
        assert.ok(slabRows >= 1, `${budget} B holds a frame`);
        assert.equal(codingThreads([{ shape: [100 * slabRows, 256, 256], dtype, slabRows }], budget, 2), 2, `budget ${budget / MIB} MiB`);
      }
    });
  }

  it('never more threads than slabs, nor than asked; one when the budget holds a single slab in work', () => {
    const slabRows = Math.floor(slabValuesFor(DEFAULT_MEMORY_BUDGET, 4) / 65536);
    assert.equal(codingThreads([{ shape: [slabRows, 256, 256], dtype: 'float32', slabRows }], DEFAULT_MEMORY_BUDGET, 8), 1);
    assert.equal(codingThreads([{ shape: [10 * slabRows, 256, 256], dtype: 'float32', slabRows }], DEFAULT_MEMORY_BUDGET, 1), 1);
    // Slabs twice the planned size: only one fits beside the main thread's.
    assert.equal(codingThreads([{ shape: [20 * slabRows, 256, 256], dtype: 'float32', slabRows: 2 * slabRows }], DEFAULT_MEMORY_BUDGET, 2), 1);
  });

  it('names the budget under which more slabs are coded at once: the first, in steps of 64 MiB', () => {
    const source = { shape: [100_000, 256, 256], dtype: 'float32', kind: 'frames', path: '' } as unknown as ArraySource;
    const more = budgetForCodingThreads([source], 8, DEFAULT_MEMORY_BUDGET)!;
    assert.ok(more, 'a budget holds eight');
    const threadsAt = (budget: number) => codingThreads([{ shape: source.shape, dtype: 'float32', slabRows: Math.floor(slabValuesFor(budget, 4) / 65536) }], budget, 8);
    assert.equal(more.threads, 8);
    assert.equal(threadsAt(more.budget), 8);
    assert.ok(threadsAt(more.budget - 64 * MIB) < 8, 'and not 64 MiB less');
    // A file of a few slabs: larger budgets code it in fewer, larger slabs, never on more threads than it has slabs.
    const small = { ...source, shape: [600, 256, 256] } as ArraySource;
    const few = budgetForCodingThreads([small], 8, DEFAULT_MEMORY_BUDGET);
    assert.ok(!few || few.threads <= Math.ceil(600 / Math.floor(slabValuesFor(few.budget, 4) / 65536)));
  });

  it('a frame larger than the planned slab is a slab of its own when the budget holds it, else refused naming a budget that does', () => {
    const budget = 300 * MIB;
    const frame = 2 * slabValuesFor(budget, 4);
    const source = { shape: [3, frame / 1000, 1000], dtype: 'float32', kind: 'frames', path: 'T' } as unknown as ArraySource;
    assert.equal(chooseSlabRows(source, budget, 'f.npy'), 1);
    const big = { ...source, shape: [3, 10 * frame / 1000, 1000] } as ArraySource;
    let named = '';
    assert.throws(() => chooseSlabRows(big, budget, 'f.npy'), (e: unknown) => {
      const m = e instanceof BalerError && e.code === 'ETOOLARGE' && /one frame of T \(.*values\) needs \d+ MiB of memory to code, more than the budget of 300 MiB \(--memory (\d+M|\d+G) would hold it\)/.exec(e.message);
      named = m ? m[1] : '';
      return Boolean(m);
    });
    const enough = /G$/.test(named) ? parseInt(named) * 1024 * MIB : parseInt(named) * MIB;
    assert.equal(chooseSlabRows(big, enough, 'f.npy'), 1, `${named} holds it`);
    assert.throws(() => chooseSlabRows(big, enough - 64 * MIB, 'f.npy'), /would hold it/, 'and 64 MiB less does not');
  });

  it('under a budget below the runtime, a frame whose own coding fits it is a slab, as smaller rows are', () => {
    const frames = { shape: [200, 256, 256], dtype: 'float32', kind: 'frames', path: 'F' } as unknown as ArraySource;
    assert.ok(65536 > slabValuesFor(16 * MIB, 4), 'a frame larger than the planned slab');
    assert.equal(chooseSlabRows(frames, 16 * MIB, 'f.npy'), 1);
    const huge = { ...frames, shape: [2, 1024, 1024] } as ArraySource; // 1M values: about 80 MiB to code
    assert.throws(() => chooseSlabRows(huge, 16 * MIB, 'f.npy'), (e: unknown) => e instanceof BalerError && e.code === 'ETOOLARGE' && /more than the budget of 16 MiB/.test(e.message));
  });

  it('decodes as many slabs at once as the budget holds, never more than asked, at least one', () => {
    const slab = [{ values: slabValuesFor(DEFAULT_MEMORY_BUDGET, 4), dtype: 'float32' as DType }];
    assert.ok(decodingThreads(slab, DEFAULT_MEMORY_BUDGET, 16) >= 2, 'the default budget decodes its own slabs on two threads or more');
    assert.ok(decodingThreads(slab, DEFAULT_MEMORY_BUDGET, 16) < 16, 'but not sixteen');
    assert.equal(decodingThreads(slab, DEFAULT_MEMORY_BUDGET, 1), 1);
    assert.equal(decodingThreads(slab, 16 * MIB, 16), 1, 'one when the budget holds less than the runtime');
    for (const threads of [2, 8, 16]) {
      const budget = budgetForDecodingThreads(slab, threads);
      assert.equal(decodingThreads(slab, budget, threads), threads, `${memoryArgument(budget)} decodes ${threads}`);
      assert.ok(decodingThreads(slab, budget - MIB, threads) < threads, `and 1 MiB less does not`);
    }
  });

  it('gives decoding workers one slab more than there are threads when the budget holds it, so none waits on an earlier slab', () => {
    const slab = [{ values: slabValuesFor(DEFAULT_MEMORY_BUDGET, 4), dtype: 'float32' as DType }];
    assert.equal(decodingSlabsAhead(slab, DEFAULT_MEMORY_BUDGET, 2), 3);
    assert.equal(decodingSlabsAhead(slab, DEFAULT_MEMORY_BUDGET, 1), 1, 'one thread decodes in turn, nothing ahead');
    const two = budgetForDecodingThreads(slab, 2);
    assert.equal(decodingSlabsAhead(slab, two, 2), 2, 'a budget that holds two slabs in work gets two');
    assert.equal(decodingSlabsAhead(slab, budgetForDecodingThreads(slab, 3), 2), 3);
  });

  it('says when a budget is below what the runtime itself takes, and only then', () => {
    assert.match(belowRuntimeNote(64 * MIB)!, /^--memory 64M is less than the runtime itself takes \(about 224 MiB: Node, this program, one worker\)/);
    assert.equal(belowRuntimeNote(DEFAULT_MEMORY_BUDGET), undefined);
  });

  it('writes a budget as --memory takes it', () => {
    assert.equal(memoryArgument(512 * MIB), '512M');
    assert.equal(memoryArgument(2048 * MIB), '2G');
    assert.equal(memoryArgument(1029 * MIB), '1029M');
    assert.equal(memoryArgument(1029 * MIB - 10), '1029M', 'rounded up');
  });

  it('codes and decodes frames larger than the planned slab, one per slab, within the bound', async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-plan-'));
    try {
      const budget = 300 * MIB;
      const [rows, cols] = [Math.ceil(1.2 * slabValuesFor(budget, 4) / 500), 500];
      const data = Float32Array.from({ length: 2 * rows * cols }, (_, i) => Math.sin(i / 3001) + Math.cos((i % cols) / 37));
      const input = path.join(dir, 'frames.npy');
      fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [2, rows, cols], data }));
      const coded = path.join(dir, 'frames.baler');
      await compress(input, { output: coded, errorBound: 'abs:1e-3', learned: 'none', memoryBudget: budget, threads: 1 });
      const back = path.join(dir, 'back.npy');
      await decompress(coded, { output: back, memoryBudget: budget });
      const values = new Float32Array(fs.readFileSync(back).buffer.slice(128));
      assert.equal(values.length, data.length);
      let worst = 0;
      for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(values[i] - data[i]));
      assert.ok(worst <= 1e-3, `max error ${worst}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decompress refuses, before decoding, a file whose slab needs more than the budget', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-plan-'));
    try {
      const input = path.join(dir, 'field.npy');
      const data = Float32Array.from({ length: 64 * 32 * 32 }, (_, i) => Math.sin(i / 97));
      fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [64, 32, 32], data }));
      await compress(input, { output: path.join(dir, 'f.baler'), errorBound: 'rel:1e-3', learned: 'none' });
      const output = path.join(dir, 'back.npy');
      // One slab of 65,536 float32 values: 65,536 × (16 + 4) bytes, 1.25 MiB, to decode.
      await assert.rejects(decompress(path.join(dir, 'f.baler'), { output, memoryBudget: MIB }),
        (e: unknown) => e instanceof BalerError && e.code === 'ETOOLARGE' && /f\.baler/.test(e.file ?? '') && /needs 1\.3 MiB of memory, more than the budget of 1\.0 MiB/.test(e.message));
      assert.ok(!fs.existsSync(output), 'no output');
      await decompress(path.join(dir, 'f.baler'), { output, memoryBudget: 2 * MIB });
      assert.ok(fs.existsSync(output), 'decoded within a budget that holds the slab');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
