// Zarr output as other Zarr readers require it: zarr-python 3 refuses v3 metadata without an array-to-bytes codec
// ("Required ArrayBytesCodec was not found") or without a fill value, which zarrita writes only when asked.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { tempFolder } from './data-helpers';

describe('zarr output', () => {
  const folder = tempFolder('baler-zarr-out-');

  it('names the bytes codec and a fill value for every array, and reads back', async () => {
    const store = path.join(folder(), 'out.zarr');
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 4);
    const flags = Uint8Array.from({ length: 6 }, (_, i) => i % 2);
    const sink = await createDataSink(store, undefined, [
      { path: 'x', dtype: 'float32', shape: [3, 4], kind: 'table', names: [] },
      { path: 'flags', dtype: 'bool', shape: [6], kind: 'table', names: [] },
    ], {});
    await sink.writeSlab(0, { dtype: 'float32', shape: [3, 4], data: values });
    await sink.writeSlab(1, { dtype: 'bool', shape: [6], data: flags });
    await sink.finish();
    for (const [name, fill] of [['x', 0], ['flags', false]] as const) {
      const meta = JSON.parse(fs.readFileSync(path.join(store, name, 'zarr.json'), 'utf8'));
      assert.deepEqual(meta.codecs, [{ name: 'bytes', configuration: { endian: 'little' } }], name);
      assert.equal(meta.fill_value, fill, name);
    }
    const source = await openDataSource(store);
    try {
      const x = source.arrays.find((a) => a.path.replace(/^\//, '') === 'x')!;
      assert.deepEqual([...(await x.readSlab(0, 3)).data], [...values]);
    } finally {
      await source.close();
    }
  });

  it('an array nested in groups has a group zarr.json at every level above it (v3 has no implicit groups)', async () => {
    const store = path.join(folder(), 'nested.zarr');
    const sink = await createDataSink(store, undefined, [{ path: 'fields/t0100/u', dtype: 'float32', shape: [2, 2], kind: 'table', names: [] }], {});
    await sink.writeSlab(0, { dtype: 'float32', shape: [2, 2], data: Float32Array.of(0, 1, 2, 3) });
    await sink.finish();
    for (const group of ['', 'fields', 'fields/t0100']) {
      const meta = JSON.parse(fs.readFileSync(path.join(store, group, 'zarr.json'), 'utf8'));
      assert.deepEqual([meta.zarr_format, meta.node_type], [3, 'group'], `'${group}'`);
    }
  });

  it('a v3 source\'s fill_value comes back as its zarr.json spelled it', async () => {
    const store = path.join(folder(), 'nan.zarr');
    const sink = await createDataSink(store, undefined, [{ path: 'x', dtype: 'float32', shape: [2, 2], kind: 'table', names: [] }], {});
    await sink.writeSlab(0, { dtype: 'float32', shape: [2, 2], data: Float32Array.of(0, 1, 2, 3) });
    await sink.finish();
    const meta = path.join(store, 'x', 'zarr.json');
    fs.writeFileSync(meta, JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), fill_value: 'NaN' }));
    const source = await openDataSource(store);
    const back = path.join(folder(), 'nan-back.zarr');
    try {
      const out = await createDataSink(back, undefined, source.arrays, source.attributes ?? {});
      await out.writeSlab(0, await source.arrays[0].readSlab(0, 2));
      await out.finish();
    } finally {
      await source.close();
    }
    assert.equal(JSON.parse(fs.readFileSync(path.join(back, 'x', 'zarr.json'), 'utf8')).fill_value, 'NaN');
  });

  it('writes the array of a v3 store that was one array at its root back at the root', async () => {
    const store = path.join(folder(), 'root3.zarr');
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 4);
    // What the reader describes for such a store: path '' and its Zarr attributes (v3: no 'format: 2').
    const sink = await createDataSink(store, undefined, [
      { path: '', dtype: 'float32', shape: [3, 4], kind: 'frames', names: [], attributes: { zarr: { attrs: { units: 'K' }, chunks: [3, 4] } } },
    ], {});
    await sink.writeSlab(0, { dtype: 'float32', shape: [3, 4], data: values });
    await sink.finish();
    const meta = JSON.parse(fs.readFileSync(path.join(store, 'zarr.json'), 'utf8'));
    assert.equal(meta.node_type, 'array');
    assert.equal(meta.attributes.units, 'K');
    assert.ok(!fs.existsSync(path.join(store, 'data')), 'no group holding a "data" array');
    const source = await openDataSource(store);
    try {
      assert.equal(source.arrays.length, 1);
      assert.deepEqual([...(await source.arrays[0].readSlab(0, 3)).data], [...values]);
    } finally {
      await source.close();
    }
  });
});

