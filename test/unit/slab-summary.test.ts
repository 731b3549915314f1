// What the driver keeps of a coded slab (compress/slab-summary.ts): one walk over a frame slab's values hashes them and
// sums the errors, and must give the very figures of an ErrorAccumulator and hashValues, each walking the slab apart.
import { strict as assert } from 'node:assert';
import { summariseApart, summariseSlab } from '../../src/kernel/compress/slab-summary';
import { hashValues } from '../../src/kernel/compress/value-hash';

/** Values with errors of every size, so that a sum in another order or a largest error missed comes out other bits. */
function slab(length: number, seed: number): { original: Float64Array; reconstruction: Float64Array } {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const original = Float64Array.from({ length }, (_, i) => Math.fround(Math.sin(i / 17 + seed) * 3 + (random() - 0.5) * 1e-3));
  const reconstruction = original.map((x) => Math.fround(x + (random() - 0.5) * 4e-3));
  return { original, reconstruction };
}

function sameAsApart(original: Float64Array, reconstruction: Float64Array, columns = 1): void {
  const fused = summariseSlab(original, reconstruction, columns);
  assert.deepStrictEqual(fused, summariseApart(original, reconstruction, columns));
  assert.equal(fused.hash, hashValues(reconstruction));
}

describe('slab summary: the hash and the error sums of a slab in one walk', () => {
  it('the same hash and the same sums, bit for bit, as measured apart', () => {
    for (const [length, seed] of [[0, 1], [1, 2], [2, 3], [1000, 4], [65_537, 5]]) {
      const { original, reconstruction } = slab(length, seed);
      sameAsApart(original, reconstruction);
    }
  });

  it('the largest errors anywhere in the slab: absolute, relative (over a value near 0), and the range', () => {
    const { original, reconstruction } = slab(10_000, 6);
    original[4321] = 1e-9;
    reconstruction[4321] = 1e-3;
    reconstruction[777] += 0.5;
    original[9000] = -40;
    reconstruction[9000] = -40;
    original[5000] = 0;
    reconstruction[5000] = 0.25;
    original[5001] = -0;
    reconstruction[5001] = 0;
    sameAsApart(original, reconstruction);
    const { errors } = summariseSlab(original, reconstruction, 1);
    assert.equal(errors.maxAbs, Math.abs(reconstruction[777] - original[777]));
    assert.equal(errors.maxRel, (1e-3 - 1e-9) / 1e-9);
    assert.equal(errors.min, -40);
  });

  it('NaN and ±Inf on either side: as measured apart, every NaN hashing alike whatever its payload', () => {
    const { original, reconstruction } = slab(5000, 7);
    for (const [where, at] of [['original', 2500], ['reconstruction', 2500], ['both', 4999], ['original', 0]] as const) {
      for (const special of [NaN, Infinity, -Infinity]) {
        const x = original.slice();
        const y = reconstruction.slice();
        if (where !== 'reconstruction') x[at] = special;
        if (where !== 'original') y[at] = special;
        sameAsApart(x, y);
      }
    }
    const y = reconstruction.slice();
    y[100] = NaN;
    const payload = y.slice();
    new DataView(payload.buffer).setUint32(100 * 8, 0x1234, true);
    assert.ok(Number.isNaN(payload[100]));
    assert.equal(summariseSlab(original, payload, 1).hash, summariseSlab(original, y, 1).hash);
    sameAsApart(original, payload);
  });

  it('tables of several columns, and slabs of unequal length, as measured apart', () => {
    const { original, reconstruction } = slab(3000, 8);
    sameAsApart(original, reconstruction, 3);
    assert.throws(() => summariseSlab(original, reconstruction.subarray(1), 1), /the original has 3000 values, the reconstruction 2999/);
  });
});
