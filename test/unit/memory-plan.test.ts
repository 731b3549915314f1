// The compress memory plan: slabs sized so that two are coded at once within the budget, whatever the dtype, and
// the threads asked for actually used when the budget allows them.
import { strict as assert } from 'node:assert';
import { codingThreads, slabValuesFor } from '../../src/kernel/compress/memory-plan';
import { DTYPE_BYTES } from '../../src/kernel/data/dtype';
import { DEFAULT_MEMORY_BUDGET } from '../../src/kernel/memory';
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
});
