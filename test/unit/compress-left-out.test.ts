// Arrays that cannot be coded on their own (a single number, an empty array) beside others in one file: left out
// with a note naming them, as the HDF5/netCDF/Zarr readers leave out 0-d datasets; alone, they are refused.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpz, parseNpz } from '../../src/kernel/data/npz';
import { BalerError } from '../../src/kernel/errors';
import type { NdArray } from '../../src/kernel/types';
import { tempFolder, withHdf5 } from './data-helpers';
import { inspect } from '../../src/kernel/inspect';
import { findRow, infoSections } from '../../src/kernel/report/info-rows';

describe('compress: arrays left out beside others', function () {
  this.timeout(60_000);
  const dir = tempFolder('baler-left-out-');
  const data = Float64Array.from({ length: 40 * 30 }, (_, i) => Math.sin(i / 17) * 10);

  it('a CSV file of which --columns keeps some: the ratios are of the columns held, and say so', async () => {
    const input = path.join(dir(), 'hits.csv');
    const rows = Array.from({ length: 200 }, (_, r) => `${r},${r % 2 ? 'ECAL' : 'HCAL'},${(Math.sin(r / 9) * 50).toFixed(3)}`);
    fs.writeFileSync(input, ['event,det,energy', ...rows].join('\n') + '\n');
    const { info } = await compress(input, { columns: ['event', 'energy'], errorBound: 'abs:1e-3', threads: 1 });
    assert.equal(info.source?.leftOut, 1);
    assert.equal(info.sizes.original, 200 * 2 * 8);
    assert.match(findRow(infoSections(info), 'ratio.total')!.value, /\(of the arrays held: 1 of the file's arrays or columns is not in the \.baler\)$/);
  });

  it("np.savez(f, dt=0.1, empty=np.zeros((0, 5)), data=...): 'data' compressed, the others named in a note", async () => {
    const input = path.join(dir(), 'run.npz');
    fs.writeFileSync(input, encodeNpz([
      { name: 'dt', array: { dtype: 'float64', shape: [], data: Float64Array.of(0.1) } },
      { name: 'empty', array: { dtype: 'float64', shape: [0, 5], data: new Float64Array(0) } },
      { name: 'data', array: { dtype: 'float64', shape: [40, 30], data } },
    ]));
    const notes: string[] = [];
    const { output, info } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 }, { onLog: (m: string) => notes.push(m) });
    assert.ok(notes.some((n) => /'dt' \(is a single number \(0-d\)/.test(n) && /'empty' \(is empty \(shape \(0, 5\)\)\)/.test(n)), notes.join('\n'));
    // The ratio is of the array held (its float64 values), not of the whole file: every view says so beside it.
    assert.equal(info.source?.leftOut, 2);
    assert.equal(info.sizes.original, data.length * 8);
    assert.equal(info.ratios.total, info.sizes.original / info.sizes.total);
    assert.match(findRow(infoSections(info), 'ratio.total')!.value, /^[\d.]+× \(of the arrays held: 2 of the file's arrays or columns are not in the \.baler\)$/);
    assert.match(findRow(infoSections(info), 'sizes.original')!.value, /\(9,600 B\)$/);
    assert.equal((await inspect(output)).source?.leftOut, 2, 'as read back from the file');
    const { output: back } = await decompress(output, { output: path.join(dir(), 'back.npz'), threads: 1 });
    const members = parseNpz(fs.readFileSync(back), back).filter((m) => m.name !== 'names'); // column names, if any
    assert.deepEqual(members.map((m) => m.name), ['data']);
    const restored = (members[0].array as NdArray).data as Float64Array;
    for (let i = 0; i < data.length; i++) assert.ok(Math.abs(restored[i] - data[i]) <= 1e-3, `data[${i}]`);
  });

  it("np.savez(f, dx=0.5, elevation=...): 'elevation' comes back under its own key, not as 'data'", async () => {
    const input = path.join(dir(), 'dem.npz');
    fs.writeFileSync(input, encodeNpz([
      { name: 'dx', array: { dtype: 'float64', shape: [], data: Float64Array.of(0.5) } },
      { name: 'elevation', array: { dtype: 'float64', shape: [40, 30], data } },
    ]));
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'dem.back.npz'), threads: 1 });
    assert.deepEqual(parseNpz(fs.readFileSync(back), back).map((m) => m.name), ['elevation']);
  });

  it('a pandas-like HDF5 file: the largest object left out is named first, not hidden behind small ones', async () => {
    const input = path.join(dir(), 'store.h5');
    await withHdf5(input, 'w', (f) => {
      f.create_group('obs');
      f.create_group('obs/_i_table');
      // Single strings, and strings beyond what a .baler keeps beside the data (data/strings.ts), are left out.
      for (let i = 0; i < 9; i++) f.create_group(`obs/_i_table/c${i}`).create_dataset({ name: 'names', data: 'a b' });
      f.create_dataset({ name: '/obs/table', data: Array.from({ length: 2000 }, (_, i) => `record ${i}`.padEnd(2200)) });
      f.create_dataset({ name: '/obs/values', data, shape: [40, 30] });
    });
    const notes: string[] = [];
    await compress(input, { errorBound: 'abs:1e-3', threads: 1 }, { onLog: (m: string) => notes.push(m) });
    const note = notes.find((n) => /not in the \.baler/.test(n)) ?? '';
    assert.match(note, /: not in the \.baler, as not numeric arrays: '\/obs\/table' \(holds strings, not numbers\), .* and 2 more;/, note);
  });

  it('nothing left out: the ratio stands alone', async () => {
    const input = path.join(dir(), 'two.npz');
    fs.writeFileSync(input, encodeNpz([
      { name: 'a', array: { dtype: 'float64', shape: [40, 30], data } },
      { name: 'b', array: { dtype: 'float64', shape: [40, 30], data } },
    ]));
    const { info } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    assert.equal(info.source?.leftOut, undefined);
    assert.doesNotMatch(findRow(infoSections(info), 'ratio.total')!.value, /arrays held/);
    assert.equal(info.sizes.original, info.sizes.originalFile, 'the whole file held: the ratio is of it');
    assert.equal(findRow(infoSections(info), 'sizes.original'), undefined);
    // --dataset: the array not chosen is left out, and the ratio, of the one held (about half the file's), says so.
    const one = await compress(input, { errorBound: 'abs:1e-3', threads: 1, dataset: 'b', output: path.join(dir(), 'b.baler') });
    assert.equal(one.info.source?.leftOut, 1);
    assert.equal(one.info.sizes.original, data.length * 8);
    assert.ok(one.info.sizes.original < one.info.sizes.originalFile / 2, 'less than half the file');
    assert.match(findRow(infoSections(one.info), 'ratio.total')!.value, /\(of the arrays held: 1 of the file's arrays or columns is not in the \.baler\)/);
  });

  it('--dataset of an HDF5 file counts the datasets not chosen', async () => {
    const input = path.join(dir(), 'three.h5');
    await withHdf5(input, 'w', (f) => {
      for (const name of ['x', 'y', 'z']) f.create_dataset({ name, data: data.slice(0, 600), shape: [30, 20] });
    });
    const { info } = await compress(input, { errorBound: 'abs:1e-3', threads: 1, dataset: '/y' });
    assert.equal(info.source?.leftOut, 2);
  });

  it('a file of single numbers only is still refused, naming the array', async () => {
    const input = path.join(dir(), 'scalars.npz');
    fs.writeFileSync(input, encodeNpz([
      { name: 'a', array: { dtype: 'float64', shape: [], data: Float64Array.of(1) } },
      { name: 'b', array: { dtype: 'float64', shape: [], data: Float64Array.of(2) } },
    ]));
    await assert.rejects(compress(input, { threads: 1 }), (e: unknown) => e instanceof BalerError && /'a' is a single number/.test(e.message));
    assert.ok(!fs.existsSync(path.join(dir(), 'scalars.baler')));
  });
});
