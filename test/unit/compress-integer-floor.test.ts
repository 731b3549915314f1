// The per-slab floor of integers under pw-rel (parallel/slab-tasks.ts): where the log domain codes a slab of
// integers larger than exactly (small values beside rare spikes), the slab takes the coder's integer path, so
// that a pw-rel file of integers is no larger than their lossless file (which takes that path too).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { TAG_EB } from '../../src/kernel/codec/slab';
import type { EbGlobals } from '../../src/kernel/compress/eb-slab';
import { decodeSlabChunk, runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import { seededUniform } from '../../src/bench/random';

/** An int32 random walk near zero with rare large spikes, its first rows a million higher (their slab codes well). */
function spikyWalk(length: number): Int32Array {
  const random = seededUniform(5);
  const out = new Int32Array(length);
  for (let i = 0, walk = 500; i < length; i++) {
    walk += Math.floor(5 * random()) - 2;
    out[i] = random() < 0.002 ? 100_000 + Math.floor(3e6 * random()) : walk + (i < length / 10 ? 1_000_000 : 0);
  }
  return out;
}

function assertWithinPwRel(original: ArrayLike<number>, back: ArrayLike<number>, value: number): void {
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    assert.ok(Math.abs(back[i] - x) <= value * Math.abs(x), `value ${i}: ${back[i]} for ${x}`);
  }
}

describe('compress: integers under pw-rel, slab by slab', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-integer-floor-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a slab the log domain codes larger takes the integer path, decoded with the array\'s own bound', async () => {
    const data = spikyWalk(40_000).subarray(8000, 12_000);
    const globals: EbGlobals = { bound: { kind: 'pw-rel', value: 1e-3 }, tolerances: [], dtype: 'int32', kind: 'table' };
    const task = (tryIntegerCoder: boolean) => runSlabTask({ task: 'eb', array: { dtype: 'int32', shape: [4000], data: data.slice() }, firstRow: 0, globals, file: 'x.npy', tryIntegerCoder });
    const [without, withPath] = [await task(false), await task(true)];
    assert.equal(without.outcome, 'coded');
    assert.equal(withPath.outcome, 'lossless');
    assert.equal(withPath.chunk[0], TAG_EB);
    assert.ok(withPath.chunk.length < 0.8 * without.chunk.length, `${withPath.chunk.length} B with the integer path, ${without.chunk.length} B without`);
    const back = await decodeSlabChunk(withPath.chunk, [4000], 'int32', globals, undefined, 'x.npy');
    assert.deepEqual(back.array.data, data);
  });

  it('a table of small integers, exact at pw-rel:1e-3, is no larger than its lossless file (later slabs do not pay for the first)', async () => {
    // |x| < 1000: pw-rel:1e-3 keeps every value, and the lossless mode's integer path (with the columns predictor)
    // is what it must not exceed; only the first slab is measured against that path.
    const random = seededUniform(21);
    const rows = 30_000;
    const data = new Int16Array(rows * 4);
    for (let i = 0, walk = 0; i < rows; i++) {
      walk = ((walk + Math.floor(7 * random()) - 3 + 2400) % 1600) - 800;
      data.set([walk, walk + Math.floor(5 * random()) - 2, Math.trunc((2 * walk) / 3), -walk], 4 * i);
    }
    const input = path.join(dir, 'small-integers.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'int16', shape: [rows, 4], data }));
    const opts = { memoryBudget: 1 << 20, threads: 1, learned: 'none' as const, force: true };
    const pwRel = await compress(input, { ...opts, errorBound: 'pw-rel:1e-3', output: path.join(dir, 'small-pw-rel.baler') });
    const exact = await compress(input, { ...opts, errorBound: 'abs:0', output: path.join(dir, 'small-abs0.baler') });
    assert.ok(pwRel.info.sizes.file <= exact.info.sizes.file, `pw-rel:1e-3 ${pwRel.info.sizes.file} B, abs:0 ${exact.info.sizes.file} B`);
  });

  for (const learned of ['auto', 'none'] as const) {
    it(`learned ${learned}: an int32 walk with spikes in many slabs is no larger at pw-rel:1e-3 than lossless`, async () => {
      const data = spikyWalk(40_000);
      const input = path.join(dir, `walk-${learned}.npy`);
      fs.writeFileSync(input, encodeNpy({ dtype: 'int32', shape: [data.length], data }));
      // A budget of 1 MiB cuts it into slabs of about 1,400 values.
      const opts = { memoryBudget: 1 << 20, threads: 1, learned, force: true };
      const log: string[] = [];
      const pwRel = await compress(input, { ...opts, errorBound: 'pw-rel:1e-3', output: path.join(dir, `pw-rel-${learned}.baler`) }, { onLog: (l) => log.push(l) });
      const exact = await compress(input, { ...opts, errorBound: 'abs:0', output: path.join(dir, `abs0-${learned}.baler`) });
      assert.equal(pwRel.info.mode, 'error-bounded');
      assert.ok(log.some((l) => /slabs stored losslessly/.test(l)), log.join('\n'));
      const [pwRelBytes, exactBytes] = [pwRel.info.sizes.file, exact.info.sizes.file];
      assert.ok(pwRelBytes <= exactBytes + 16, `pw-rel:1e-3 ${pwRelBytes} B, abs:0 ${exactBytes} B`);
      const back = path.join(dir, `back-${learned}.npy`);
      await decompress(pwRel.output, { output: back, force: true });
      assertWithinPwRel(data, parseNpy(fs.readFileSync(back)).data as Int32Array, 1e-3);
    });
  }
});
