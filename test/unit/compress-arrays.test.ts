// Many arrays in one .baler: a ROOT file's event table, object tables and per-event counts compressed together
// (counts exactly), and decompressed back in kind (HDF5 here) with the same paths, dtypes, shapes and names.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport, compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpz } from '../../src/kernel/data/npz';
import { openDataSource } from '../../src/kernel/data/formats';
import { toFloat64 } from '../../src/kernel/data/dtype';
import { requireSharedFile } from './shared-data';

async function readAll(file: string): Promise<Map<string, { dtype: string; shape: number[]; names: string[]; values: Float64Array; raw: ArrayLike<unknown> }>> {
  const source = await openDataSource(file);
  try {
    const out = new Map();
    for (const a of source.arrays) {
      const slab = await a.readSlab(0, a.shape[0]);
      out.set(a.path.replace(/^\/+/, ''), { dtype: a.dtype, shape: a.shape, names: a.names, values: toFloat64(slab.data).values, raw: slab.data });
    }
    return out;
  } finally {
    await source.close();
  }
}

describe('compress: every array of a file in one .baler', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-arrays-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a jagged ROOT tree: counts exact, every value within the bound, written back as HDF5 with its structure', async () => {
    const input = requireSharedFile('root/uproot-HZZ.root');
    const { output, info } = await compress(input, { output: path.join(dir, 'hzz.baler'), errorBound: 'rel:1e-3', threads: 1 });
    assert.ok(info.arrays && info.arrays.length > 4, 'every tree table and its counts');
    for (const a of info.arrays!) assert.equal(a.mode, a.path.split('/').pop()!.startsWith('N') ? 'lossless' : 'error-bounded', a.path);
    const { output: back } = await decompress(output, { threads: 1 });
    assert.equal(path.extname(back), '.h5', 'ROOT cannot be written: several arrays go to HDF5');
    const original = await readAll(input);
    const restored = await readAll(back);
    assert.deepEqual([...restored.keys()].sort(), [...original.keys()].sort());
    for (const [key, o] of original) {
      const r = restored.get(key)!;
      assert.equal(r.dtype, o.dtype, key);
      assert.deepEqual(r.shape, o.shape, key);
      assert.deepEqual(r.names, o.names, key);
      const columns = o.shape.length === 2 ? o.shape[1] : 1;
      for (let c = 0; c < columns; c++) {
        let lo = Infinity, hi = -Infinity;
        for (let i = c; i < o.values.length; i += columns) if (Number.isFinite(o.values[i])) { lo = Math.min(lo, o.values[i]); hi = Math.max(hi, o.values[i]); }
        const allowed = key.split('/').pop()!.startsWith('N') ? 0 : 1e-3 * (hi - lo);
        for (let i = c; i < o.values.length; i += columns) assert.ok(Math.abs(r.values[i] - o.values[i]) <= allowed, `${key}[${i}]`);
      }
    }
  });

  it('a report of several arrays shows the largest, not a small first one (a time axis), or the one --dataset names', async () => {
    const input = path.join(dir, 'ocean.npz');
    const time = Float64Array.from({ length: 12 }, (_, i) => i);
    const sst = Float32Array.from({ length: 12 * 20 * 30 }, (_, i) => 15 + Math.sin(i / 40) * 5);
    fs.writeFileSync(input, encodeNpz([{ name: 'time', array: { dtype: 'float64', shape: [12], data: time } }, { name: 'sst', array: { dtype: 'float32', shape: [12, 20, 30], data: sst } }]));
    const { output } = await compress(input, { output: path.join(dir, 'ocean.baler'), errorBound: 'rel:1e-3' });
    const largest = await buildReport(output, input);
    assert.match(largest.title, /: sst of 2 arrays \(the largest; --dataset for another\)$/);
    assert.ok(largest.frames, 'the field is shown as frames');
    const named = await buildReport(output, input, undefined, 'time');
    assert.match(named.title, /: time of 2 arrays$/);
    await assert.rejects(buildReport(output, input, undefined, 'nope'), /no array 'nope' in the file \(it holds 'time', 'sst'\)/);
  });
});
