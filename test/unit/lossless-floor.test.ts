// The per-slab lossless floor's quick looks (parallel/slab-tasks.ts): they must never skip a lossless coding that
// would win (the floor's promise), and should skip one that is far larger than the error-bounded coding (zstd -19
// of a large slab, or the coder's integer path, costs about as much as coding it).
import { strict as assert } from 'node:assert';
import { encodeLosslessSlab, TAG_EB } from '../../src/kernel/codec/slab';
import { encodeEbSlab, type EbGlobals } from '../../src/kernel/compress/eb-slab';
import { runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import { integerPathMayBeat, losslessMayBeat } from '../../src/kernel/parallel/lossless-floor';
import { seededUniform as random } from '../../src/bench/random';
import type { NdArray } from '../../src/kernel/types';

/** 2 MB of float32: a smooth field with noise in its low bits (byte-shuffling pays), or 16-bit samples as int16. */
function slabs(): NdArray[] {
  const next = random(3);
  const field = Float32Array.from({ length: 512 * 1024 }, (_, i) => Math.sin(i / 300) * 100 + (next() - 0.5) * 1e-3);
  const audio = Int16Array.from({ length: 1024 * 1024 }, (_, i) => Math.round(8000 * Math.sin(i / 40) * Math.sin(i / 3000) + 200 * (next() - 0.5)));
  return [{ dtype: 'float32', shape: [512, 1024], data: field }, { dtype: 'int16', shape: [1024, 1024], data: audio }];
}

describe('lossless floor: the quick look', () => {
  for (const slab of slabs()) {
    it(`${slab.dtype}: tries lossless wherever it could win, not where it is twice the coding`, async () => {
      const lossless = (await encodeLosslessSlab(slab)).length;
      assert.ok(await losslessMayBeat(slab, lossless * 1.01), `a coding just above lossless (${lossless} B) is challenged`);
      assert.ok(await losslessMayBeat(slab, lossless * 0.9), 'and one just below it too (the quick look is only an estimate)');
      assert.ok(!(await losslessMayBeat(slab, lossless / 2.5)), `a coding 2.5× below lossless is not (${lossless} B)`);
    });
  }

  it('the lossless coding of integers is the smaller of zstd and the integer path, where the quick look skips zstd and where not', async () => {
    // The int16 signal above: the path far below zstd. A random block of 4 kB repeated: zstd far below the path.
    const next = random(5);
    const block = Int16Array.from({ length: 2048 }, () => Math.floor(60000 * next()) - 30000);
    const repeated: NdArray = { dtype: 'int16', shape: [512, 1024], data: Int16Array.from({ length: 512 * 1024 }, (_, i) => block[i % 2048]) };
    for (const [slab, pathWins] of [[slabs()[1], true], [repeated, false]] as const) {
      const zstd = await encodeLosslessSlab(slab);
      const zero: EbGlobals = { bound: { kind: 'abs', value: 0 }, tolerances: [0], dtype: slab.dtype, kind: 'frames' };
      const path = (await encodeEbSlab(Float64Array.from(slab.data as Int16Array), slab.shape, zero)).bytes.length + 1;
      const { chunk } = await runSlabTask({ task: 'lossless', array: slab, kind: 'frames', tryIntegerCoder: true });
      assert.equal(chunk.length, Math.min(zstd.length, path), `zstd ${zstd.length} B, the path ${path} B`);
      assert.equal(chunk[0] === TAG_EB, pathWins, `zstd ${zstd.length} B, the path ${path} B`);
    }
  });

  it('integers under pw-rel: tries the integer path wherever it could win, not where it is twice the coding', async () => {
    // A walk near zero with rare spikes, as int32: 100,000 rows of 2 columns.
    const next = random(7);
    let walk = 0;
    const values = Float64Array.from({ length: 200_000 }, () => (next() < 0.002 ? 1e6 + Math.floor(1e6 * next()) : (walk += Math.floor(5 * next()) - 2)));
    const zero: EbGlobals = { bound: { kind: 'pw-rel', value: 0 }, tolerances: [], dtype: 'int32', kind: 'table' };
    const path = (await encodeEbSlab(values, [100_000, 2], zero)).bytes.length;
    assert.ok(await integerPathMayBeat(values, [100_000, 2], zero, path * 1.01), `a coding just above the path (${path} B) is challenged`);
    assert.ok(await integerPathMayBeat(values, [100_000, 2], zero, path * 0.9), 'and one just below it too');
    assert.ok(!(await integerPathMayBeat(values, [100_000, 2], zero, path / 2.5)), `a coding 2.5× below the path is not (${path} B)`);
  });
});
