// netCDF-4 output has fixed dimensions: every dataset was created growable (maxshape null), which netCDF reads as an
// unlimited dimension, so a decompressed file had five unlimited dimensions and xarray could not save it as
// netCDF-3 ('NC_UNLIMITED size already in use'). An empty array stays writable.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createDataSink } from '../../src/kernel/data/formats';
import type { ArrayDescription } from '../../src/kernel/data/source';
import { tempFolder } from './data-helpers';

describe('data: netCDF-4 dimensions written fixed', () => {
  const folder = tempFolder('baler-nc4-fixed-');

  it('every dataset and dimension has a fixed largest size, an empty one included', async () => {
    const file = path.join(folder(), 'fixed.nc');
    const arrays: ArrayDescription[] = [
      { path: 'lat', dtype: 'float64', shape: [5], kind: 'table', names: [], attributes: { netcdf: { attrs: {}, dimensions: ['lat'] } } },
      { path: 'sst', dtype: 'float32', shape: [3, 5, 4], kind: 'frames', names: [], attributes: { netcdf: { attrs: {}, dimensions: ['time', 'lat', 'lon'] } } },
      { path: 'none', dtype: 'float32', shape: [0, 2], kind: 'table', names: [], attributes: { netcdf: { attrs: {}, dimensions: ['obs', 'nv'] } } },
    ];
    const sink = await createDataSink(file, undefined, arrays, {});
    await sink.writeSlab(0, { dtype: 'float64', shape: [5], data: Float64Array.from([-60, -30, 0, 30, 60]) });
    await sink.writeSlab(1, { dtype: 'float32', shape: [3, 5, 4], data: Float32Array.from({ length: 60 }, (_, i) => i / 4) });
    await sink.finish();
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const f = new h5.File(file, 'r');
    try {
      for (const name of ['lat', 'sst', 'time', 'lon']) {
        const d = f.get(name) as InstanceType<typeof h5.Dataset>;
        assert.ok(d, `${name} exists`);
        assert.deepEqual(d.metadata.maxshape, d.metadata.shape, `${name}: maxshape ${JSON.stringify(d.metadata.maxshape)}, shape ${JSON.stringify(d.metadata.shape)}`);
      }
      assert.deepEqual((f.get('none') as InstanceType<typeof h5.Dataset>).shape, [0, 2]);
      assert.equal(Array.from((f.get('sst') as InstanceType<typeof h5.Dataset>).value as Float32Array)[59], 59 / 4);
    } finally {
      f.close();
    }
  });
});
