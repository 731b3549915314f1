// netCDF coordinate variables (a variable named as its only dimension: TIME, LAT, LON) are the axes of the other
// variables, which tools compare exactly to align files: they come back exact under any bound, in netCDF-3 and in
// netCDF-4 (where netCDF-C makes each the HDF5 dimension scale of its dimension), while the data stay lossy; and a
// netCDF file written back has the same dimensions, with the coordinate variables as their scales.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compress } from '../../src/kernel/compress';
import { decompress } from '../../src/kernel/decompress';
import { openDataSource } from '../../src/kernel/data/formats';
import { tempFolder } from './data-helpers';
import { writeNetcdf3 } from './netcdf3-writer';

/** An irregular time axis (days, as climatologies store mid-months) and a latitude axis, and a field on them. */
const TIME = Array.from({ length: 12 }, (_, i) => 15.5 + 30.4375 * i + 0.01 * i * i);
const LAT = Array.from({ length: 8 }, (_, i) => -87.5 + 25 * i);
const FIELD = Array.from({ length: 12 * 8 }, (_, i) => 10 + 8 * Math.sin(0.4 * i) + 0.001 * i);

async function roundTrip(input: string, dir: string, opts: { errorBound?: string; dataset?: string } = {}): Promise<{ arrays: Map<string, Float64Array>; log: string[]; modes: Map<string, string> }> {
  const log: string[] = [];
  const baler = path.join(dir, `${path.basename(input)}.baler`);
  const { info } = await compress(input, { output: baler, force: true, ...opts }, { onLog: (l) => log.push(l) });
  const back = path.join(dir, `${path.basename(input)}.back.npz`);
  await decompress(baler, { output: back, force: true });
  const source = await openDataSource(back);
  const arrays = new Map<string, Float64Array>();
  // .npz keys are the paths without a leading '/' (a netCDF-4 file's '/time' comes back as 'time').
  for (const a of source.arrays) arrays.set(a.path, Float64Array.from((await a.readSlab(0, a.shape[0])).data as ArrayLike<number>));
  await source.close();
  return { arrays, log, modes: new Map(info.arrays!.map((a) => [a.path, a.mode])) };
}

function assertSame(actual: ArrayLike<number> | undefined, expected: ArrayLike<number>, what: string): void {
  assert.ok(actual, `${what} is missing`);
  assert.deepEqual(Array.from(actual), Array.from(expected), `${what} must come back exactly`);
}

describe('netCDF coordinate variables', () => {
  const folder = tempFolder('baler-coords-');

  it('netCDF-3: the axes are read as exact and come back exactly; the field stays error-bounded', async () => {
    const input = path.join(folder(), 'field3.nc');
    writeNetcdf3(input, { time: 12, lat: 8, nv: 2 }, [
      { name: 'time', dimensions: ['time'], type: 'double', values: TIME, attributes: { units: 'days since 1990-01-01' } },
      { name: 'lat', dimensions: ['lat'], type: 'float', values: LAT },
      // named as a dimension but 2-D: not a coordinate variable (CF), coded like any data
      { name: 'nv', dimensions: ['nv', 'lat'], type: 'double', values: [...LAT.map((v) => v - 12.5), ...LAT.map((v) => v + 12.5)] },
      { name: 'temp', dimensions: ['time', 'lat'], type: 'double', values: FIELD },
    ]);
    const source = await openDataSource(input);
    const exact = Object.fromEntries(source.arrays.map((a) => [a.path, a.exact === true]));
    await source.close();
    assert.deepEqual(exact, { time: true, lat: true, nv: false, temp: false });

    const { arrays, log, modes } = await roundTrip(input, folder(), { errorBound: 'rel:1e-2' });
    assertSame(arrays.get('time'), TIME, 'time');
    assertSame(arrays.get('lat'), LAT.map(Math.fround), 'lat');
    assert.equal(modes.get('temp'), 'error-bounded');
    assert.ok(log.some((l) => /time: stored losslessly \(the coordinate variable of the dimension time/.test(l)), log.join('\n'));
  });

  it('written back as netCDF-4: the same dimension names, each coordinate variable the scale of its dimension', async () => {
    const input = path.join(folder(), 'field3.nc'); // from the first test
    const output = path.join(folder(), 'field3.back.nc');
    await decompress(path.join(folder(), 'field3.nc.baler'), { output, force: true });
    const source = await openDataSource(output);
    const coordinate = (a: { exactReason?: string }) => /coordinate variable/.test(a.exactReason ?? '');
    const layout = Object.fromEntries(source.arrays.map((a) => [a.path, { coordinate: coordinate(a), dimensions: (a.attributes!.netcdf as { dimensions?: string[] }).dimensions }]));
    await source.close();
    assert.deepEqual(layout, {
      '/lat': { coordinate: true, dimensions: ['lat'] },
      // a 2-D variable named as a dimension cannot be its scale: that axis gets a dimension of its own
      '/nv': { coordinate: false, dimensions: ['nv_dim0', 'lat'] },
      '/temp': { coordinate: false, dimensions: ['time', 'lat'] },
      '/time': { coordinate: true, dimensions: ['time'] },
    }, `read back from ${output} (written from ${input})`);
  });

  it('netCDF-4: a dataset that is the dimension scale of its own name is exact; a dimension-only scale is not an array', async () => {
    const h5 = (await import('h5wasm/node')).default;
    await h5.ready;
    const input = path.join(folder(), 'field4.nc');
    const f = new h5.File(input, 'w');
    f.create_dataset({ name: 'time', data: Float64Array.from(TIME) }).make_scale('time');
    const lat = f.create_dataset({ name: 'lat', data: Float64Array.from(LAT) });
    lat.make_scale('lat');
    const temp = f.create_dataset({ name: 'temp', data: Float64Array.from(FIELD), shape: [12, 8] });
    temp.attach_scale(0, 'time');
    temp.attach_scale(1, 'lat');
    // a 1-D dataset that is a scale of another name (a dimension named apart from its variable) stays lossy
    f.create_dataset({ name: 'height', data: Float64Array.from(LAT, (v) => 100 + v) }).make_scale('level');
    f.close();

    const source = await openDataSource(input);
    const exact = Object.fromEntries(source.arrays.map((a) => [a.path, a.exact === true]));
    await source.close();
    assert.deepEqual(exact, { '/height': false, '/lat': true, '/temp': false, '/time': true });

    const { arrays, modes } = await roundTrip(input, folder(), { errorBound: 'rel:1e-2' });
    assertSame(arrays.get('time'), TIME, 'time');
    assertSame(arrays.get('lat'), LAT, 'lat');
    assert.equal(modes.get('/temp'), 'error-bounded');
  });
});
