// The per-slab lossless floor's quick look (parallel/slab-tasks.ts): it must never skip a lossless coding that
// would win (the floor's promise), and should skip one that is far larger than the error-bounded coding (zstd -19
// of a large slab costs more than coding it).
import { strict as assert } from 'node:assert';
import { encodeLosslessSlab } from '../../src/kernel/codec/slab';
import { losslessMayBeat } from '../../src/kernel/parallel/slab-tasks';
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
});
