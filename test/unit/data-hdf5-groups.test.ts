// HDF5 groups come back with their attributes, empty groups included: a detector group's units or an experiment's
// date are part of the file as its users know it (they were lost: only the file's and the datasets' were kept).
// A dataset read deflated is written deflated (a compressed netCDF-4 came back 2.2× its size), in its chunk shape.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { tempFolder, withHdf5 } from './data-helpers';

describe('data: HDF5 groups', () => {
  const folder = tempFolder('baler-h5-groups-');

  it('keeps every group and its attributes through compress and decompress', async () => {
    const input = path.join(folder(), 'groups.h5');
    await withHdf5(input, 'w', (f, h5) => {
      f.create_group('exp');
      f.create_group('exp/run1');
      const detector = f.create_group('exp/run1/detector');
      detector.create_attribute('units', 'counts');
      (f.get('exp') as InstanceType<typeof h5.Group>).create_attribute('date', '2026-12-02');
      detector.create_dataset({ name: 'hits', data: Float64Array.from({ length: 600 }, (_, i) => Math.sin(i / 40)), shape: [30, 20] });
      f.create_group('empty');
      f.create_group('empty/inner').create_attribute('note', 'kept');
    });
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'back.h5'), threads: 1 });
    await withHdf5(back, 'r', (g, h5) => {
      const attrs = (name: string) => {
        const group = g.get(name) as InstanceType<typeof h5.Group> | null;
        assert.ok(group, `${name} exists`);
        return Object.fromEntries(Object.entries(group.attrs).map(([k, a]) => [k, a.json_value]));
      };
      assert.deepEqual(attrs('/exp'), { date: '2026-12-02' });
      assert.deepEqual(attrs('/exp/run1'), {});
      assert.deepEqual(attrs('/exp/run1/detector'), { units: 'counts' });
      assert.deepEqual(attrs('/empty/inner'), { note: 'kept' });
    });
  });

  it('writes deflated what was read deflated, and only that, in its chunk shape', async () => {
    const input = path.join(folder(), 'deflated.h5');
    const data = Float64Array.from({ length: 600 }, (_, i) => Math.sin(i / 40));
    await withHdf5(input, 'w', (f) => {
      f.create_dataset({ name: 'zipped', data, shape: [30, 20], chunks: [10, 7], compression: 'gzip', compression_opts: 4 });
      f.create_dataset({ name: 'plain', data, shape: [30, 20] });
    });
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'deflated.back.h5'), threads: 1 });
    await withHdf5(back, 'r', (g, h5) => {
      const filters = (name: string) => (g.get(name) as InstanceType<typeof h5.Dataset>).filters.map((flt) => flt.name);
      assert.ok(filters('/zipped').includes('deflate'), `zipped: ${filters('/zipped').join(', ')}`);
      assert.ok(!filters('/plain').includes('deflate'), 'plain stays plain');
      assert.deepEqual((g.get('/zipped') as InstanceType<typeof h5.Dataset>).metadata.chunks, [10, 7], 'its chunk shape on every axis');
    });
  });
});
