// Cross-checks with the reference implementations (Debian's python3-h5py, python3-netcdf4, python3-zarr, and numpy):
// files they write read correctly here, and what we write reads back in them. The set-up installs them with apt when running
// as root; otherwise it fails with a message naming them.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { rejectsBaler } from '../unit/data-helpers';
import { ensurePythonModules, python, PYTHON } from '../fixtures/python-reference';

const PACKAGES = ['python3-h5py', 'python3-netcdf4', 'python3-zarr'];

function ensureReferenceTools(): void {
  ensurePythonModules('h5py, netCDF4, zarr, numpy', PACKAGES, 'the cross-checks');
}

describe('cross-checks with h5py, netCDF4-python and zarr-python', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cross-'));
  before(ensureReferenceTools);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);

  it('reads what h5py writes: chunked gzip+shuffle, big-endian, int64, bool, attributes; refuses lzf and strings', async () => {
    const file = inDir('h5py.h5');
    python(`
import h5py, numpy as np, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['experiment'] = 'test'
    g = f.create_group('detector')
    x = np.arange(3000, dtype='f4').reshape(1000, 3) * 0.5 - 100
    d = g.create_dataset('hits', data=x, chunks=(64, 3), compression='gzip', shuffle=True)
    d.attrs['units'] = 'mm'
    d.attrs['scale'] = 2.5
    f.create_dataset('big_endian', data=np.linspace(-1, 1, 50).astype('>f8'))
    f.create_dataset('ids', data=np.array([2**62 + 1, -5, 7], dtype='i8'))
    f.create_dataset('flags', data=np.array([True, False, True]))
    f.create_dataset('lzf', data=np.ones((10, 2), 'f4'), chunks=(5, 2), compression='lzf')
    f.create_dataset('names', data=np.array([b'a', b'bc']))
`, file);
    const hits = await readDataset(file, { dataset: '/detector/hits' });
    assert.deepEqual(hits.shape, [1000, 3]);
    assert.equal(hits.dtype, 'float32');
    assert.deepEqual([...hits.values.slice(0, 4)], [-100, -99.5, -99, -98.5]);
    assert.equal(hits.values[2999], 2999 * 0.5 - 100);
    const source = await openDataSource(file);
    const attrs = (source.arrays.find((a) => a.path === '/detector/hits')!.attributes!.hdf5 as { attrs: Record<string, unknown> }).attrs;
    assert.equal(attrs.units, 'mm');
    assert.equal(attrs.scale, 2.5);
    assert.equal((source.attributes!.hdf5 as { attrs: Record<string, unknown> }).attrs.experiment, 'test');
    const ids = await source.arrays.find((a) => a.path === '/ids')!.readSlab(0, 3);
    assert.deepEqual([...ids.data], [2n ** 62n + 1n, -5n, 7n], 'int64 read exactly');
    await source.close();
    const be = await readDataset(file, { dataset: 'big_endian' });
    assert.ok(Math.abs(be.values[0] + 1) < 1e-15 && Math.abs(be.values[49] - 1) < 1e-15, 'big-endian values');
    assert.deepEqual([...(await readDataset(file, { dataset: 'flags' })).values], [1, 0, 1]);
    await rejectsBaler(() => readDataset(file, { dataset: 'lzf' }), /the array '\/lzf' uses the HDF5 filter 'lzf' \(id 32000\)/, file);
    await rejectsBaler(() => readDataset(file, { dataset: 'names' }), /the array '\/names' holds strings/, file);
  });

  it('what we write as HDF5 (gzip, groups, attributes, booleans as int8, column names) reads back in h5py', async () => {
    const file = inDir('ours.h5');
    const sink = await createDataSink(file, undefined, [
      { path: 'events/event', dtype: 'float32', shape: [4, 2], kind: 'table', names: ['MET_px', 'MET_py'], attributes: { hdf5: { attrs: { units: 'GeV', calibrated: true, mask: [true, false] } } } },
      { path: 'events/NJet', dtype: 'int64', shape: [4], kind: 'table', names: [], exact: true },
    ], { hdf5: { attrs: { title: 'ours' } } }, { compress: true });
    await sink.writeSlab(0, { dtype: 'float32', shape: [4, 2], data: Float32Array.of(1.5, 2, 3, 4, 5, 6, 7, 8) });
    await sink.writeSlab(1, { dtype: 'int64', shape: [4], data: BigInt64Array.of(0n, 3n, 2n ** 60n, 1n) });
    await sink.finish();
    const out = JSON.parse(python(`
import h5py, json, sys
with h5py.File(sys.argv[1], 'r') as f:
    e = f['events/event']
    print(json.dumps({'event': e[()].tolist(), 'units': e.attrs['units'] if isinstance(e.attrs['units'], str) else e.attrs['units'].decode(),
      'columns': [c if isinstance(c, str) else c.decode() for c in e.attrs['columns']], 'compression': e.compression,
      'njet': [str(v) for v in f['events/NJet'][()]], 'title': f.attrs['title'] if isinstance(f.attrs['title'], str) else f.attrs['title'].decode(),
      'calibrated': [int(e.attrs['calibrated']), str(e.attrs['calibrated'].dtype)], 'mask': e.attrs['mask'].tolist()}))
`, file));
    assert.deepEqual(out, {
      event: [[1.5, 2], [3, 4], [5, 6], [7, 8]], units: 'GeV', columns: ['MET_px', 'MET_py'], compression: 'gzip', njet: ['0', '3', String(2n ** 60n), '1'], title: 'ours',
      calibrated: [1, 'int8'], mask: [1, 0],
    });
  });

  it('reads netCDF-4 and netCDF-3 files that netCDF4-python writes', async () => {
    for (const format of ['NETCDF4', 'NETCDF3_CLASSIC', 'NETCDF3_64BIT_OFFSET']) {
      const file = inDir(`ref-${format}.nc`);
      python(`
import netCDF4, numpy as np, sys
with netCDF4.Dataset(sys.argv[1], 'w', format=sys.argv[2]) as ds:
    ds.title = 'field'
    ds.createDimension('time', None)
    ds.createDimension('lat', 4)
    ds.createDimension('lon', 5)
    t = ds.createVariable('t2m', 'f4', ('time', 'lat', 'lon'))
    t.units = 'K'
    t[0:3, :, :] = (np.arange(60, dtype='f4').reshape(3, 4, 5) + 250)
    lat = ds.createVariable('lat', 'f8', ('lat',))
    lat[:] = [-45, -15, 15, 45]
`, file, format);
      const field = await readDataset(file, { dataset: 't2m' });
      assert.deepEqual(field.shape, [3, 4, 5], format);
      assert.equal(field.values[0], 250);
      assert.equal(field.values[59], 309);
      const lat = await readDataset(file, { dataset: 'lat' });
      assert.deepEqual([...lat.values], [-45, -15, 15, 45], format);
      const source = await openDataSource(file);
      assert.equal(source.format, 'netcdf', format);
      const units = ((source.arrays.find((a) => a.path.replace(/^\//, '') === 't2m')!.attributes!.netcdf as { attrs: Record<string, unknown> }).attrs.units);
      assert.equal(units, 'K', format);
      assert.ok(!source.arrays.some((a) => /^\/?(time|lon)$/.test(a.path)), `${format}: dimensions without variables are not arrays`);
      await source.close();
    }
  });

  it('what we write as netCDF-4 reads in netCDF4-python with its dimensions', async () => {
    const file = inDir('ours.nc');
    await writeDataset(file, { kind: 'frames', shape: [3, 4, 5], dtype: 'float32', names: [], values: Float64Array.from({ length: 60 }, (_, i) => i + 0.5) }, { path: 't2m', attributes: {} });
    const out = JSON.parse(python(`
import netCDF4, json, sys
with netCDF4.Dataset(sys.argv[1]) as ds:
    v = ds.variables['t2m']
    print(json.dumps({'shape': list(v.shape), 'dims': [len(ds.dimensions[d]) for d in v.dimensions], 'last': float(v[2, 3, 4]), 'vars': sorted(ds.variables)}))
`, file));
    assert.deepEqual(out, { shape: [3, 4, 5], dims: [3, 4, 5], last: 59.5, vars: ['t2m'] });
  });

  it('a netCDF-4 file compressed and written back keeps its variables\' and dimensions\' order, its unlimited dimension and its attributes, and gains none', async () => {
    const input = inDir('structure.nc');
    const describe = `
import netCDF4, json, sys
with netCDF4.Dataset(sys.argv[1]) as ds:
    print(json.dumps({'dims': [[d.name, len(d), d.isunlimited()] for d in ds.dimensions.values()],
      'vars': [[v.name, list(v.dimensions), v.ncattrs()] for v in ds.variables.values()]}))
`;
    python(`
import netCDF4, numpy as np, sys
with netCDF4.Dataset(sys.argv[1], 'w') as ds:
    ds.createDimension('time', None); ds.createDimension('lat', 6); ds.createDimension('lon', 8)
    t = ds.createVariable('time', 'f8', ('time',)); t.units = 'days since 2000-01-01'; t[:] = np.arange(4)
    ds.createVariable('lat', 'f4', ('lat',))[:] = np.linspace(-10, 10, 6)
    ds.createVariable('lon', 'f4', ('lon',))[:] = np.linspace(0, 30, 8)
    v = ds.createVariable('sst', 'f4', ('time', 'lat', 'lon')); v.units = 'degC'; v.long_name = 'sea surface temperature'
    v[:] = 15 + np.sin(np.arange(4 * 6 * 8).reshape(4, 6, 8) / 7)
`, input);
    const { compress, decompress } = await import('../../src/kernel/pipeline');
    const { output } = await compress(input, { errorBound: 'rel:1e-3', output: inDir('structure.baler') });
    const back = inDir('structure-back.nc');
    await decompress(output, { output: back });
    assert.deepEqual(JSON.parse(python(describe, back)), JSON.parse(python(describe, input)));
  });

  it("netCDF's default fill (a masked array written without _FillValue) stays missing and out of a rel bound's range", async () => {
    const { compress, decompress } = await import('../../src/kernel/pipeline');
    for (const format of ['NETCDF4', 'NETCDF3_CLASSIC']) {
      const input = inDir(`default-fill-${format}.nc`);
      python(`
import netCDF4, numpy as np, sys
with netCDF4.Dataset(sys.argv[1], 'w', format=sys.argv[2]) as ds:
    ds.createDimension('y', 200); ds.createDimension('x', 300)
    y, x = np.mgrid[0:200, 0:300]
    ds.createVariable('sst', 'f4', ('y', 'x'))[:] = np.ma.masked_array(15 + np.sin(x / 5) + y / 100 + np.cos(x * y / 99) / 50, mask=x > 200)
`, input, format);
      const { output } = await compress(input, { errorBound: 'rel:1e-3', output: inDir(`default-fill-${format}.baler`) });
      const back = inDir(`default-fill-${format}-back.nc`);
      await decompress(output, { output: back });
      const out = JSON.parse(python(`
import netCDF4, numpy as np, json, sys
a = netCDF4.Dataset(sys.argv[1])['sst']; b = netCDF4.Dataset(sys.argv[2])['sst']
va, vb = a[:], b[:]
print(json.dumps({'maskKept': bool((np.ma.getmaskarray(va) == np.ma.getmaskarray(vb)).all()), 'masked': int(np.ma.getmaskarray(vb).sum()),
  'errorOverRange': float(np.abs(va - vb).max() / (va.max() - va.min())), 'attrs': b.ncattrs()}))
`, input, back));
      assert.deepEqual({ ...out, errorOverRange: out.errorOverRange <= 1e-3 }, { maskKept: true, masked: 200 * 99, errorOverRange: true, attrs: [] }, format);
    }
  });

  it('an unlimited dimension without a coordinate variable stays unlimited, from netCDF-4 and netCDF-3 alike', async () => {
    const describe = `
import netCDF4, json, sys
with netCDF4.Dataset(sys.argv[1]) as ds:
    print(json.dumps({d.name: [len(d), d.isunlimited()] for d in ds.dimensions.values()}))
`;
    const { compress, decompress } = await import('../../src/kernel/pipeline');
    for (const format of ['NETCDF4', 'NETCDF3_CLASSIC']) {
      const input = inDir(`records-${format}.nc`);
      python(`
import netCDF4, numpy as np, sys
with netCDF4.Dataset(sys.argv[1], 'w', format=sys.argv[2]) as ds:
    ds.createDimension('record', None); ds.createDimension('n', 5)
    ds.createVariable('v', 'f4', ('record', 'n'))[:] = np.arange(15.).reshape(3, 5)
`, input, format);
      const { output } = await compress(input, { errorBound: 'abs:0', output: inDir(`records-${format}.baler`) });
      const back = inDir(`records-${format}-back.nc`);
      await decompress(output, { output: back });
      assert.deepEqual(JSON.parse(python(describe, back)), { record: [3, true], n: [5, false] }, format);
    }
  });

  it('string variables written back on their own dimensions (not on another of the same length)', async () => {
    const input = inDir('strings.nc');
    python(`
import netCDF4, numpy as np, sys
with netCDF4.Dataset(sys.argv[1], 'w') as ds:
    ds.createDimension('time', 4); ds.createDimension('station', 3); ds.createDimension('nchar', 4)
    ds.createVariable('time', 'f8', ('time',))[:] = np.arange(4)
    ds.createVariable('temp', 'f4', ('time', 'station'))[:] = np.arange(12).reshape(4, 3)
    ds.createVariable('station', str, ('station',))[:] = np.array(['A1', 'B2', 'C3'], dtype=object)
    ds.createVariable('code', str, ('station', 'nchar'))[:] = np.array([list('abcd')] * 3, dtype=object)
`, input);
    const describe = `
import netCDF4, json, sys
with netCDF4.Dataset(sys.argv[1]) as ds:
    print(json.dumps({'dims': {d.name: len(d) for d in ds.dimensions.values()}, 'vars': {v.name: list(v.dimensions) for v in ds.variables.values()}}))
`;
    const { compress, decompress } = await import('../../src/kernel/pipeline');
    const { output } = await compress(input, { errorBound: 'abs:0', output: inDir('strings.baler') });
    const back = inDir('strings-back.nc');
    await decompress(output, { output: back });
    assert.deepEqual(JSON.parse(python(describe, back)), JSON.parse(python(describe, input)));
  });

  it('reads Zarr v2 stores that zarr-python writes (zlib and uncompressed); a codec zarrita lacks is a one-line error', async () => {
    const store = inDir('ref.zarr');
    python(`
import zarr, numpy as np, sys, numcodecs
root = zarr.open_group(sys.argv[1], mode='w')
root.attrs['title'] = 'zarr2'
a = root.create_dataset('grid/u', data=np.arange(600, dtype='f8').reshape(20, 30) / 7, chunks=(7, 30), compressor=numcodecs.Zlib(level=3))
a.attrs['units'] = 'm/s'
root.create_dataset('counts', data=np.array([3, 1, 4, 1, 5], dtype='u2'), compressor=None)
root.create_dataset('blosc', data=np.arange(20, dtype='f4').reshape(4, 5))
root.create_dataset('lzma', data=np.ones((4, 2), 'f8'), compressor=numcodecs.LZMA())
`, store);
    const u = await readDataset(store, { dataset: 'grid/u' });
    assert.deepEqual(u.shape, [20, 30]);
    assert.equal(u.values[599], 599 / 7);
    const source = await openDataSource(store);
    assert.equal((source.arrays.find((a) => a.path === 'grid/u')!.attributes!.zarr as { attrs: Record<string, unknown> }).attrs.units, 'm/s');
    assert.equal((source.attributes!.zarr as { attrs: Record<string, unknown> }).attrs.title, 'zarr2');
    assert.deepEqual([...(await source.arrays.find((a) => a.path === 'counts')!.readSlab(0, 5)).data], [3, 1, 4, 1, 5]);
    await source.close();
    assert.deepEqual([...(await readDataset(store, { dataset: 'blosc' })).values].slice(0, 3), [0, 1, 2], "zarr-python's default (blosc)");
    await rejectsBaler(() => readDataset(store, { dataset: 'lzma' }), /Zarr array 'lzma'.*lzma/i, store);
  });

  it('the streamed .npz writer makes archives numpy reads', async () => {
    const file = inDir('for-numpy.npz');
    const sink = await createDataSink(file, 'npz', [
      { path: 'events/event', dtype: 'float32', shape: [4, 2], kind: 'table', names: ['x', 'y'] },
      { path: 'events/NJet', dtype: 'int32', shape: [4], kind: 'table', names: [] },
    ], {}, { compress: true });
    await sink.writeSlab(0, { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) });
    await sink.writeSlab(0, { dtype: 'float32', shape: [2, 2], data: Float32Array.of(5, 6, 7, 8) });
    await sink.writeSlab(1, { dtype: 'int32', shape: [4], data: Int32Array.of(0, 3, 1, 2) });
    await sink.finish();
    const script = `import numpy as np, json, sys; z = np.load(sys.argv[1]); print(json.dumps({k: z[k].tolist() for k in z.files}))`;
    const run = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { 'events/event': [[1, 2], [3, 4], [5, 6], [7, 8]], 'events/event.names': ['x', 'y'], 'events/NJet': [0, 3, 1, 2] });
    const single = inDir('single.npz');
    await writeDataset(single, { kind: 'table', shape: [2, 2], dtype: 'float64', names: ['a', 'b'], values: Float64Array.of(1, 2, 3, 4) });
    const back = spawnSync(PYTHON, ['-c', script, single], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(back.stdout), { data: [[1, 2], [3, 4]], names: ['a', 'b'] });
  });
});
