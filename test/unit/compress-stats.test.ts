import assert from 'node:assert/strict';
import { StatsAccumulator } from '../../src/kernel/compress/stats';

/** What add() gives for a one-column array, worked out value by value (the reference the fast path must match). */
function expected(slabs: number[][]) {
  const finite = slabs.flat().filter(Number.isFinite);
  return {
    min: [finite.length ? Math.min(...finite) : NaN],
    max: [finite.length ? Math.max(...finite) : NaN],
    nonFinite: slabs.flat().length - finite.length,
    integerValued: finite.every(Number.isInteger),
  };
}

describe('compress: the first pass over a one-column array (frames)', () => {
  const cases: Record<string, number[][]> = {
    'integers, then a fraction in a later slab': [[3, -7, 12], [5, 0.5, 2]],
    'NaN and infinities beside finite values': [[NaN, 4, Infinity], [-Infinity, -2, NaN]],
    'only non-finite values': [[NaN, Infinity], [-Infinity]],
    'integers only, across slabs': [[1, 2], [-3], [], [40]],
  };
  for (const [name, slabs] of Object.entries(cases)) {
    it(`sums up ${name} as value by value`, () => {
      const stats = new StatsAccumulator(1);
      for (const slab of slabs) stats.add(Float64Array.from(slab));
      const { min, max, nonFinite, integerValued } = stats.result();
      assert.deepEqual({ min, max, nonFinite, integerValued }, expected(slabs));
    });
  }

  it('counts a slab that float64 does not hold exactly', () => {
    const stats = new StatsAccumulator(1);
    stats.add(Float64Array.of(1, 2));
    assert.equal(stats.result().exactInFloat64, true);
    stats.add(Float64Array.of(3), false);
    assert.equal(stats.result().exactInFloat64, false);
  });
});
