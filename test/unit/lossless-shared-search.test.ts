// The lossless coding's integer path shares its configuration searches across slabs (compress/shared-search.ts), as
// the coder alone does: a slab reuses its searching slab's configuration, and searches too where its bytes per value
// drift from that slab's (parallel/slab-tasks.ts REUSE_DRIFT), keeping the smaller.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { openBaler } from '../../src/kernel/decompress';
import { tagged, TAG_EB } from '../../src/kernel/codec/slab';
import { encodeEbSlab, type EbGlobals } from '../../src/kernel/compress/eb-slab';
import { runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import type { ChunkChoice } from '../../src/kernel/compress/eb-chunk';
import type { NdArray } from '../../src/kernel/types';
import { seededUniform } from '../../src/bench/random';

const [ROWS, COLUMNS] = [64, 256];

/** Each row a random walk of its own: coded best as a series. */
function walks(seed: number): Int16Array {
  const random = seededUniform(seed);
  const out = new Int16Array(ROWS * COLUMNS);
  for (let r = 0; r < ROWS; r++) for (let c = 0, w = 0; c < COLUMNS; c++) out[r * COLUMNS + c] = w += Math.floor(9 * random()) - 4;
  return out;
}

/** A smooth image with a little noise: coded best as a field, in far fewer bytes per value. */
function smooth(seed: number): Int16Array {
  const random = seededUniform(seed);
  return Int16Array.from({ length: ROWS * COLUMNS }, (_, i) => Math.round(900 * Math.sin((i % COLUMNS) / 23) * Math.cos(Math.floor(i / COLUMNS) / 17) + 2 * random()));
}

const zero: EbGlobals = { bound: { kind: 'abs', value: 0 }, tolerances: [0], dtype: 'int16', kind: 'frames' };
const slab = (data: Int16Array): NdArray => ({ dtype: 'int16', shape: [ROWS, COLUMNS], data: data.slice() });
const code = (data: Int16Array, reuse?: ChunkChoice) => runSlabTask({ task: 'lossless', array: slab(data), kind: 'frames', tryIntegerCoder: true, ...(reuse ? { reuse } : {}) });
const coded = async (data: Int16Array, configuration?: string) => (await encodeEbSlab(Float64Array.from(data), [ROWS, COLUMNS], zero, { configuration })).bytes;

describe('lossless: the integer path\'s slabs share its searches', () => {
  it('a searching slab says its configuration and bytes per value; a slab like it reuses them without searching', async () => {
    const first = await code(walks(1));
    const choice = first.choice!;
    assert.ok(choice.configuration && choice.bytesPerValue! > 0, JSON.stringify(choice));
    assert.equal(first.chunk[0], TAG_EB, 'the integer path is smaller than zstd here');
    const like = walks(2);
    assert.deepEqual((await code(like, choice)).chunk, tagged(TAG_EB, await coded(like, choice.configuration)));
    // Even a configuration its own search would not choose, when its bytes per value are within the drift.
    const other = (await code(smooth(3))).choice!.configuration!;
    const [searched, forced] = [await coded(like), await coded(like, other)];
    assert.notDeepEqual(forced, searched, 'the premise: the walks search to another configuration');
    const reused = await code(like, { configuration: other, bytesPerValue: forced.length / (ROWS * COLUMNS) });
    assert.deepEqual(reused.chunk, tagged(TAG_EB, forced));
  });

  it('a slab whose bytes per value drift searches too, and keeps the smaller', async () => {
    const choice = (await code(walks(1))).choice!;
    const unlike = smooth(3);
    const [searched, reused] = [await coded(unlike), await coded(unlike, choice.configuration)];
    assert.ok(searched.length < reused.length, `the premise: searched ${searched.length} B, with the walks' configuration ${reused.length} B`);
    assert.deepEqual((await code(unlike, choice)).chunk, tagged(TAG_EB, searched));
  });

  it('an array of many slabs, lossless: exact, and the same bytes on one thread and two', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-lossless-shared-'));
    try {
      // Six slabs of walks, then six of the smooth image, in slabs of one 64 × 256 frame.
      const frames = Array.from({ length: 12 }, (_, t) => (t < 6 ? walks(10 + t) : smooth(10 + t)));
      const data = new Int16Array(12 * ROWS * COLUMNS);
      frames.forEach((f, t) => data.set(f, t * ROWS * COLUMNS));
      const input = path.join(dir, 'frames.npy');
      fs.writeFileSync(input, encodeNpy({ dtype: 'int16', shape: [12, ROWS, COLUMNS], data }));
      const outputs = [1, 2].map((threads) => path.join(dir, `t${threads}.baler`));
      for (const [k, output] of outputs.entries()) await compress(input, { output, errorBound: 'abs:0', memoryBudget: 2 * 1024 * 1024, threads: k + 1 });
      const f = openBaler(outputs[0]);
      const chunks = f.index.sections.find((x) => x.name === '0.data')!.chunks;
      f.close();
      assert.equal(chunks.length, 12, 'a slab per frame');
      assert.deepEqual(fs.readFileSync(outputs[1]), fs.readFileSync(outputs[0]));
      const back = path.join(dir, 'back.npy');
      await decompress(outputs[0], { output: back });
      assert.deepEqual(Array.from(parseNpy(fs.readFileSync(back)).data as Int16Array), Array.from(data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
