// Single numbers of a netCDF or HDF5 file (a CF grid_mapping 'crs', a station's 'height') come back with their
// attributes when the output is HDF5 or netCDF-4: they were left out, so a variable's grid_mapping named nothing.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { openDataSource } from '../../src/kernel/data/formats';
import { tempFolder, withHdf5 } from './data-helpers';
import { writeNetcdf3 } from './netcdf3-writer';

describe('data: single numbers (0-d variables)', () => {
  const folder = tempFolder('baler-scalars-');
  const field = Float32Array.from({ length: 600 }, (_, i) => Math.sin(i / 40));

  /** The 0-d datasets of an HDF5/netCDF-4 file: value and attributes, by path. */
  const scalarsIn = (file: string) => withHdf5(file, 'r', (f, h5) => {
    const out: Record<string, { value: unknown; attrs: Record<string, unknown> }> = {};
    for (const name of f.keys()) {
      const d = f.get(name) as InstanceType<typeof h5.Dataset>;
      if (d instanceof h5.Dataset && d.shape?.length === 0) out[name] = { value: d.value, attrs: Object.fromEntries(Object.entries(d.attrs).map(([k, a]) => [k, a.json_value])) };
    }
    return out;
  });

  it('netCDF-3: crs and height come back as scalar variables with their attributes, and are not left out', async () => {
    const input = path.join(folder(), 'grid.nc');
    writeNetcdf3(input, { y: 20, x: 30 }, [
      { name: 'crs', dimensions: [], type: 'int', values: [0], attributes: { grid_mapping_name: 'latitude_longitude' } },
      { name: 'height', dimensions: [], type: 'double', values: [10.5] },
      { name: 't', dimensions: ['y', 'x'], type: 'float', values: field, attributes: { grid_mapping: 'crs' } },
    ]);
    const { output, info } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    assert.equal(info.source?.leftOut, undefined, 'nothing left out');
    const { output: back } = await decompress(output, { output: path.join(folder(), 'grid.back.nc'), threads: 1 });
    assert.deepEqual(await scalarsIn(back), { crs: { value: 0, attrs: { grid_mapping_name: 'latitude_longitude' } }, height: { value: 10.5, attrs: {} } });
    const source = await openDataSource(back);
    await source.close();
    assert.deepEqual(source.arrays.map((a) => a.path), ['/t'], 'the data variable as before, the scalars not arrays');
  });

  it('HDF5: a scalar dataset comes back with its attributes', async () => {
    const input = path.join(folder(), 'run.h5');
    await withHdf5(input, 'w', (f) => {
      f.create_dataset({ name: 'x', data: Float64Array.from(field), shape: [20, 30] });
      f.create_dataset({ name: 'dt', data: Float64Array.of(0.25), shape: [], dtype: '<d' }).create_attribute('units', 's');
    });
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'run.back.h5'), threads: 1 });
    assert.deepEqual(await scalarsIn(back), { dt: { value: 0.25, attrs: { units: 's' } } });
  });
});
