// netCDF/HDF5 attributes come back in their own type and with NaN: xarray writes _FillValue NaN on every float
// variable (it came back as no _FillValue, so netCDF4-python masked nothing), and CF asks a double add_offset of
// 10.0 to stay a double beside its scale_factor (it came back an int; a float32 scale_factor came back a double).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { tempFolder } from './data-helpers';
import { writeNetcdf3 } from './netcdf3-writer';

type H5 = typeof import('h5wasm/node').default;

async function h5wasm(): Promise<H5> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  return h5;
}

/** Each attribute of a dataset (or '/') of the file: its HDF5 type and value. */
async function attributesOf(file: string, name: string): Promise<Record<string, { dtype: unknown; value: unknown }>> {
  const h5 = await h5wasm();
  const f = new h5.File(file, 'r');
  try {
    const target = f.get(name) as unknown as { attrs: Record<string, { dtype: unknown; json_value: unknown }> };
    return Object.fromEntries(Object.entries(target.attrs).map(([k, a]) => [k, { dtype: a.dtype, value: a.json_value }]));
  } finally {
    f.close();
  }
}

function assertNaN(value: unknown, what: string): void {
  const v = Array.isArray(value) ? value[0] : value;
  assert.ok(typeof v === 'number' && Number.isNaN(v), `${what}: ${JSON.stringify(value)}, expected NaN`);
}

describe('data: attribute types and NaN attributes', () => {
  const folder = tempFolder('baler-attr-types-');

  it('netCDF-4: _FillValue NaN, a double add_offset of 10.0 and a float32 scale_factor come back as written', async () => {
    const h5 = await h5wasm();
    const input = path.join(folder(), 'xarray-like.nc');
    const f = new h5.File(input, 'w');
    const temperature = Float32Array.from({ length: 4 * 30 }, (_, i) => (i % 17 === 0 ? NaN : 280 + 5 * Math.sin(i / 9)));
    const t = f.create_dataset({ name: 't', data: temperature, shape: [4, 30], dtype: '<f' });
    t.create_attribute('_FillValue', NaN, null, '<f');
    t.create_attribute('units', 'K');
    const packed = f.create_dataset({ name: 'p', data: Int16Array.from({ length: 120 }, (_, i) => i * 7 - 400), shape: [4, 30], dtype: '<h' });
    packed.create_attribute('add_offset', 10, null, '<d');
    packed.create_attribute('scale_factor', 0.1, null, '<f');
    f.create_attribute('version', 2, null, '<d');
    f.close();
    const { output } = await compress(input, { errorBound: 'rel:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'back.nc'), threads: 1 });
    const t2 = await attributesOf(back, 't');
    assert.equal(t2._FillValue?.dtype, '<f');
    assertNaN(t2._FillValue.value, "t's _FillValue");
    const p2 = await attributesOf(back, 'p');
    assert.equal(p2.add_offset?.dtype, '<d', 'add_offset stays a double');
    assert.equal(p2.scale_factor?.dtype, '<f', 'scale_factor stays a float32');
    assert.equal((await attributesOf(back, '/')).version?.dtype, '<d', 'a global double stays a double');
  });

  it('HDF5: 64-bit integer attributes stay 64-bit, and exact beyond 2^53 (an int64 of 5 came back an int32)', async () => {
    const h5 = await h5wasm();
    const input = path.join(folder(), 'run.h5');
    const f = new h5.File(input, 'w');
    // h5wasm writes BigInt with an explicit 64-bit type, which its typings do not list.
    type BigIntAttributes = { create_attribute(name: string, data: bigint | bigint[], shape: null, dtype: string): void };
    const x = f.create_dataset({ name: 'x', data: Float32Array.from({ length: 200 }, (_, i) => Math.sin(i / 9)) }) as unknown as BigIntAttributes;
    x.create_attribute('events', 5n, null, '<q');
    x.create_attribute('id', 2n ** 60n + 1n, null, '<q');
    x.create_attribute('ids', [1n, 2n ** 62n + 3n], null, '<q');
    x.create_attribute('mask', 2n ** 64n - 1n, null, '<Q');
    (f as unknown as BigIntAttributes).create_attribute('run', 12n, null, '<q');
    f.close();
    const { output } = await compress(input, { errorBound: 'rel:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'run-back.h5'), threads: 1 });
    const h5b = await h5wasm();
    const g = new h5b.File(back, 'r');
    try {
      const attrs = (g.get('x') as unknown as { attrs: Record<string, { dtype: unknown; value: unknown }> }).attrs;
      const shown = (name: string) => ({ dtype: attrs[name]?.dtype, value: String(attrs[name]?.value) });
      assert.deepEqual(shown('events'), { dtype: '<q', value: '5' });
      assert.deepEqual(shown('id'), { dtype: '<q', value: String(2n ** 60n + 1n) });
      assert.deepEqual(shown('ids'), { dtype: '<q', value: `1,${2n ** 62n + 3n}` });
      assert.deepEqual(shown('mask'), { dtype: '<Q', value: String(2n ** 64n - 1n) });
      const root = (g.get('/') as unknown as { attrs: Record<string, { dtype: unknown; value: unknown }> }).attrs;
      assert.equal(root.run?.dtype, '<q');
    } finally {
      g.close();
    }
  });

  it('netCDF-3: _FillValue NaN and a double add_offset of 10 come back as written', async () => {
    const input = path.join(folder(), 'classic.nc');
    writeNetcdf3(input, { y: 6, x: 10 }, [{
      name: 'sst', dimensions: ['y', 'x'], type: 'float', values: Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? NaN : 15 + Math.cos(i / 5))),
      attributes: { _FillValue: { type: 'float', values: [NaN] }, add_offset: { type: 'double', values: [10] } },
    }]);
    const { output } = await compress(input, { errorBound: 'abs:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(folder(), 'classic-back.nc'), threads: 1 });
    const sst = await attributesOf(back, 'sst');
    assert.equal(sst._FillValue?.dtype, '<f');
    assertNaN(sst._FillValue.value, "sst's _FillValue");
    assert.equal(sst.add_offset?.dtype, '<d', 'add_offset stays a double');
  });
});
