// Column names in an .npz: the reference layout's `names` member belongs to `data` alone, read (whichever array
// --dataset chooses) and written back (under its own key, beside any other arrays).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { openDataSource } from '../../src/kernel/data/formats';
import type { StringNdArray } from '../../src/kernel/data/npy';
import { encodeNpz, parseNpz, type NpzMember } from '../../src/kernel/data/npz';
import { tempFolder } from './data-helpers';

const rows = 50;
const columns: StringNdArray = { dtype: 'unicode', shape: [3], strings: ['pt', 'eta', 'phi'] };
const table: NpzMember = { name: 'data', array: { dtype: 'float32', shape: [rows, 3], data: Float32Array.from({ length: rows * 3 }, (_, i) => Math.sin(i / 5)) } };
const labels: NpzMember = { name: 'labels', array: { dtype: 'int64', shape: [rows], data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i % 5)) } };
const weights: NpzMember = { name: 'weights', array: { dtype: 'float64', shape: [rows], data: Float64Array.from({ length: rows }, (_, i) => i / rows) } };
const namesMember: NpzMember = { name: 'names', array: columns };

/** The column names of each array read, by path (with `dataset`, only that array is read). */
async function namesRead(file: string, dataset?: string): Promise<Record<string, string[]>> {
  const source = await openDataSource(file, dataset === undefined ? {} : { dataset });
  try {
    return Object.fromEntries(source.arrays.map((a) => [a.path, a.names]));
  } finally {
    await source.close();
  }
}

describe('npz column names', function () {
  this.timeout(60_000);
  const dir = tempFolder('baler-npz-names-');
  const write = (name: string, members: NpzMember[]): string => {
    const file = path.join(dir(), name);
    fs.writeFileSync(file, encodeNpz(members, { compress: true }));
    return file;
  };

  it("`names` is data's alone, whichever array --dataset chooses", async () => {
    const file = write('multi.npz', [table, namesMember, labels, weights]);
    assert.deepEqual(await namesRead(file), { data: columns.strings, labels: [], weights: [] });
    assert.deepEqual(await namesRead(file, 'data'), { data: columns.strings });
    assert.deepEqual(await namesRead(file, 'weights'), { weights: [] });
    assert.deepEqual(await namesRead(file, 'labels'), { labels: [] });
  });

  it('compress --dataset weights of an .npz of data, names, labels and weights codes weights on its own', async () => {
    const file = write('multi.npz', [table, namesMember, labels, weights]);
    const { info } = await compress(file, { dataset: 'weights', output: path.join(dir(), 'weights.baler'), threads: 1, learned: 'none' });
    assert.deepEqual(info.shape, [rows]);
    assert.deepEqual(info.names, []);
  });

  it('without data, `names` is the only array\'s (np.savez(f, table, names=…)), with --dataset too; beside several, no one\'s', async () => {
    const only = write('only.npz', [{ ...table, name: 'arr_0' }, namesMember]);
    assert.deepEqual(await namesRead(only, 'arr_0'), { arr_0: columns.strings });
    const several = write('several.npz', [{ ...table, name: 'x' }, { ...table, name: 'y' }, namesMember]);
    assert.deepEqual(await namesRead(several), { x: [], y: [] });
    assert.deepEqual(await namesRead(several, 'x'), { x: [] });
  });

  it('decompressing to .npz gives back the keys read: `names` beside data, labels and weights', async () => {
    const file = write('multi.npz', [table, namesMember, labels, weights]);
    const { output } = await compress(file, { output: path.join(dir(), 'multi.baler'), threads: 1, learned: 'none' });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'back.npz'), threads: 1 });
    const members = parseNpz(fs.readFileSync(back), back);
    assert.deepEqual(members.map((m) => m.name), ['data', 'names', 'labels', 'weights']);
    assert.deepEqual(members[1].array, columns);
  });

  it('the reference layout (data, names) and an .npz without names keep their keys', async () => {
    for (const [name, members] of [['reference.npz', [table, namesMember]], ['unnamed.npz', [table, labels]]] as const) {
      const file = write(name, [...members]);
      const { output } = await compress(file, { output: path.join(dir(), `${name}.baler`), threads: 1, learned: 'none' });
      const { output: back } = await decompress(output, { output: path.join(dir(), `back-${name}`), threads: 1 });
      assert.deepEqual(parseNpz(fs.readFileSync(back), back).map((m) => m.name), members.map((m) => m.name), name);
    }
  });

  it("data's names in `data.names` (as written before) are still read", async () => {
    const file = write('older.npz', [table, { name: 'data.names', array: columns }, labels]);
    assert.deepEqual(await namesRead(file), { data: columns.strings, labels: [] });
  });
});
