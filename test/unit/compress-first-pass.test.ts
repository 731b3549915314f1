import { strict as assert } from 'node:assert';
import { arrayInputs } from '../../src/kernel/compress/arrays';
import type { ArraySource, DataSource } from '../../src/kernel/data/source';
import { CancelledError } from '../../src/kernel/errors';
import { DEFAULT_MEMORY_BUDGET, chooseSlabRows } from '../../src/kernel/memory';

describe('compress: the first pass over the data', () => {
  it('stops at the next slab when cancelled (a store declaring terabytes of fill read on after Ctrl-C)', async () => {
    const columns = 1000;
    const shape = [1, columns];
    const probe = { path: 'x', dtype: 'float64', shape, kind: 'table', names: [] } as unknown as ArraySource;
    const slabRows = chooseSlabRows(probe, DEFAULT_MEMORY_BUDGET, 'huge.zarr');
    const cancel = new AbortController();
    let reads = 0;
    const array: ArraySource = {
      ...probe, shape: [slabRows * 50, columns],
      async readSlab(_start, count) {
        reads++;
        cancel.abort();
        return { dtype: 'float64', shape: [count, columns], data: new Float64Array(count * columns) };
      },
    };
    const source = { file: 'huge.zarr', format: 'zarr', arrays: [array], close: async () => {} } as unknown as DataSource;
    await assert.rejects(arrayInputs(source, DEFAULT_MEMORY_BUDGET, undefined, cancel.signal), CancelledError);
    assert.equal(reads, 1);
  });
});
