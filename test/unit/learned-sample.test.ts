// The sample a plan is chosen on, and the tolerances learned slabs code with.
import { strict as assert } from 'node:assert';
import { readSample } from '../../src/kernel/learned/sample';
import { codingTolerances, roundedTolerances } from '../../src/kernel/compress/tolerances';
import type { NdArray } from '../../src/kernel/types';

function source(rows: number, width: number) {
  const data = Float64Array.from({ length: rows * width }, (_, i) => i);
  const reads: [number, number][] = [];
  return {
    reads,
    shape: [rows, width], dtype: 'float64' as const,
    readSlab: async (start: number, count: number): Promise<NdArray> => {
      reads.push([start, count]);
      return { dtype: 'float64', shape: [count, width], data: data.slice(start * width, (start + count) * width) };
    },
  };
}

describe('learned: samples and tolerances', () => {
  it('takes the whole array when it is small, else evenly spaced runs of rows within the budget', async () => {
    const small = await readSample(source(100, 10), { maxValues: 2000 });
    assert.equal(small.whole, true);
    assert.equal(small.rows, 100);
    const big = source(1000, 10);
    const s = await readSample(big, { maxValues: 2000 });
    assert.equal(s.whole, false);
    assert.ok(s.values.length <= 2000 && s.rows >= 100, `${s.rows} rows`);
    assert.deepEqual(s.shape, [s.rows, 10]);
    assert.ok(big.reads.length === 4 && big.reads[3][0] >= 700, `runs ${JSON.stringify(big.reads)}`);
    assert.equal(s.values[0], 0, 'the first run starts at the first row');
    const pieces = source(100, 10);
    const byBudget = await readSample(pieces, { memoryBudget: 100 * 10 * 64, rowsPerRead: 30 });
    assert.equal(byBudget.whole, true);
    assert.deepEqual(pieces.reads, [[0, 30], [30, 30], [60, 30], [90, 10]], 'read in slabs the reader accepts');
    assert.equal((await readSample(source(100, 10), { memoryBudget: 500 * 64 })).whole, false, 'a budget smaller than the array: a sample');
  });

  it('leaves room for the rounding to float32 in learned slabs, and never goes below 0', () => {
    const stats = { min: [1000, -1], max: [3000, 1], nonFinite: 0, integerValued: false, exactInFloat64: true };
    const bound = { kind: 'rel' as const, value: 1e-6 };
    const plain = roundedTolerances(bound, stats);
    const coding = codingTolerances(bound, stats, 'float32');
    assert.ok(coding[0] < plain[0] && coding[0] >= plain[0] - 2 * 3000 * 2 ** -24 - 1e-12);
    assert.deepEqual(codingTolerances(bound, stats, 'float64'), plain);
    assert.equal(codingTolerances({ kind: 'abs', value: 1e-9 }, stats, 'float32')[0], 0, 'below what float32 can hold: 0');
  });
});
