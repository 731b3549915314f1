// netCDF-4 output has fixed dimensions: every dataset was created growable (maxshape null), which netCDF reads as an
// unlimited dimension, so a decompressed file had five unlimited dimensions and xarray could not save it as
// netCDF-3 ('NC_UNLIMITED size already in use'). An empty array stays writable. Dimensions live in the group of
// their arrays: two groups written by xarray's to_netcdf(group=...) with a 'lat' of 4 and of 3 each keep theirs
// (they were renamed 'a_t_dim0'... as the root could hold only one 'lat').
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
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

  it('two groups with dimensions of one name and different sizes each keep their names and coordinates', async () => {
    const file = path.join(folder(), 'groups.nc');
    const frame = (group: string, lat: number): ArrayDescription[] => [
      { path: `${group}/lat`, dtype: 'float64', shape: [lat], kind: 'table', names: [], attributes: { netcdf: { attrs: {}, dimensions: ['lat'] } } },
      { path: `${group}/t`, dtype: 'float32', shape: [2, lat], kind: 'table', names: [], attributes: { netcdf: { attrs: {}, dimensions: ['time', 'lat'] } } },
    ];
    const arrays = [...frame('ocean', 4), ...frame('atmos', 3)];
    const sink = await createDataSink(file, undefined, arrays, {});
    for (const [i, a] of arrays.entries()) {
      const n = a.shape.reduce((x, y) => x * y, 1);
      await sink.writeSlab(i, a.dtype === 'float64'
        ? { dtype: 'float64', shape: a.shape, data: Float64Array.from({ length: n }, (_, k) => k) }
        : { dtype: 'float32', shape: a.shape, data: Float32Array.from({ length: n }, (_, k) => k / 2) });
    }
    await sink.finish();
    const source = await openDataSource(file);
    try {
      const dims = Object.fromEntries(source.arrays.map((a) => [a.path, (a.attributes?.netcdf as { dimensions?: string[] }).dimensions]));
      assert.deepEqual(dims, { '/atmos/lat': ['lat'], '/atmos/t': ['time', 'lat'], '/ocean/lat': ['lat'], '/ocean/t': ['time', 'lat'] });
    } finally {
      await source.close();
    }
  });
});
