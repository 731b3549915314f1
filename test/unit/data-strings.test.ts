// Small string datasets of an HDF5 or netCDF-4 file (xarray's string coordinates: station = ['Alpha', …]) come
// back with their attributes when the output is HDF5 or netCDF-4, a coordinate as its dimension's scale: they were
// left out, and a variable's station axis came back without its names.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { openDataSource } from '../../src/kernel/data/formats';
import { MAX_KEPT_STRING_BYTES } from '../../src/kernel/data/strings';
import { tempFolder, withHdf5 } from './data-helpers';

describe('data: string datasets', () => {
  const folder = tempFolder('baler-strings-');
  const temperatures = Float32Array.from({ length: 50 * 3 }, (_, i) => 280 + Math.sin(i / 7));

  /** A netCDF-4 file as xarray writes one: temp(time, station), station a coordinate of names. */
  const stationFile = (file: string, names: string[]) => withHdf5(file, 'w', (f) => {
    const station = f.create_dataset({ name: 'station', data: names as never, shape: [names.length] });
    station.create_attribute('long_name', 'station name');
    station.make_scale('station');
    const temp = f.create_dataset({ name: 'temp', data: temperatures.slice(0, 50 * names.length), shape: [50, names.length] });
    temp.create_attribute('units', 'K');
    const time = f.create_dataset({ name: 'time', data: Float64Array.from({ length: 50 }, (_, i) => i), shape: [50] });
    time.make_scale('time');
    temp.attach_scale(0, 'time');
    temp.attach_scale(1, 'station');
  });

  /** A dataset's values, attributes, and the scales of each axis. */
  const datasetIn = (file: string, name: string) => withHdf5(file, 'r', (f, h5) => {
    const d = f.get(name) as InstanceType<typeof h5.Dataset>;
    const scales = (d.shape ?? []).map((_, axis) => d.get_attached_scales(axis));
    return { value: d.value, attrs: Object.fromEntries(Object.entries(d.attrs).map(([k, a]) => [k, a.json_value])), scales, scaleName: d.get_scale_name() };
  });

  it('netCDF-4: a string coordinate comes back as the scale of its dimension, with its attributes, and is not left out', async () => {
    const input = path.join(folder(), 'stations.nc');
    await stationFile(input, ['Alpha', 'Bravo', 'Charlie']);
    const { output, info } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    assert.equal(info.source?.leftOut, undefined, 'nothing left out');
    const { output: back } = await decompress(output, { output: path.join(folder(), 'stations.back.nc'), threads: 1 });
    const station = await datasetIn(back, 'station');
    assert.deepEqual(station.value, ['Alpha', 'Bravo', 'Charlie']);
    assert.equal(station.attrs.long_name, 'station name');
    assert.equal(station.scaleName, 'station', 'the coordinate is its dimension\'s scale');
    assert.deepEqual((await datasetIn(back, 'temp')).scales, [['/time'], ['/station']]);
    const source = await openDataSource(back);
    await source.close();
    assert.deepEqual(source.arrays.map((a) => a.path).sort(), ['/temp', '/time'], 'the strings are not an array to code');
  });

  it('netCDF-4: a char array (CF station names as station × strlen of single bytes) comes back as char, not as strings of any length', async () => {
    const input = path.join(folder(), 'chars.nc');
    const chars = ['S', 'T', '0', '', 'S', 'T', '1', ''];
    await withHdf5(input, 'w', (f) => {
      f.create_dataset({ name: 'station_name', data: chars as never, shape: [2, 4], dtype: 'S1' });
      f.create_dataset({ name: 'temp', data: temperatures.slice(0, 100), shape: [50, 2] });
    });
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'chars.back.nc'), threads: 1 });
    const meta = await withHdf5(back, 'r', (f, h5) => (f.get('station_name') as InstanceType<typeof h5.Dataset>).metadata);
    assert.deepEqual([meta.type, meta.vlen, meta.size], [3, false, 1], 'a string of one byte, fixed');
    assert.deepEqual((await datasetIn(back, 'station_name')).value, chars);
  });

  it('strings beyond what is kept beside the data are left out, and named', async () => {
    const input = path.join(folder(), 'long.h5');
    const long = 'x'.repeat(MAX_KEPT_STRING_BYTES / 2 + 1);
    await withHdf5(input, 'w', (f) => {
      f.create_dataset({ name: 'x', data: temperatures, shape: [50, 3] });
      f.create_dataset({ name: 'notes', data: [long, long] as never, shape: [2] });
    });
    const source = await openDataSource(input);
    await source.close();
    assert.deepEqual(source.skipped?.map((s) => [s.path, s.reason]), [['/notes', 'holds strings, not numbers']]);
  });

  it('a million bytes of short strings (more in JSON than a header took before) come back, not a file that cannot be read', async () => {
    const input = path.join(folder(), 'labels.h5');
    const labels = Array.from({ length: 200_000 }, (_, i) => `ab${i % 100}`);
    await withHdf5(input, 'w', (f) => {
      f.create_dataset({ name: 'x', data: temperatures, shape: [50, 3] });
      f.create_dataset({ name: 'labels', data: labels as never, shape: [labels.length] });
    });
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'labels.back.h5'), threads: 1 });
    assert.deepEqual((await datasetIn(back, 'labels')).value, labels);
  });
});
