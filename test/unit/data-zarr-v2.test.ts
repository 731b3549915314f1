// Zarr v2 stores as zarr-python writes them, made by hand here (no Python needed): Fortran-order arrays, and chunks
// that do not divide the shape, read back in row-major order whatever slab sizes the reader asks for; arrays of
// dates or strings beside numeric ones left out with the reason (zarrita cannot open them); written back as
// zarr-python reads them (groups, dimension_separator, fill_value as a declared missing value).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { openDataSource } from '../../src/kernel/data/formats';
import { compress, decompress } from '../../src/kernel/pipeline';
import { toRowMajor } from '../../src/kernel/data/zarr';
import { rejectsBaler, tempFolder } from './data-helpers';

/**
 * A Zarr v2 store with one uncompressed float64 array `name` of `shape`, in chunks of `chunks`, values row-major;
 * chunk keys '0.1', or with `separator` '/' in nested folders ('0/1').
 */
function writeV2Store(
  store: string, name: string, shape: number[], chunks: number[], order: 'C' | 'F', values: (i: number[]) => number, separator: '.' | '/' = '.',
): void {
  const folder = path.join(store, name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(store, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  fs.writeFileSync(path.join(folder, '.zarray'), JSON.stringify({
    zarr_format: 2, shape, chunks, dtype: '<f8', order, compressor: null, filters: null, fill_value: 0, dimension_separator: separator,
  }));
  const grid = shape.map((n, k) => Math.ceil(n / chunks[k]));
  const chunkCount = grid.reduce((a, b) => a * b, 1);
  for (let c = 0; c < chunkCount; c++) {
    const at = grid.map((_, k) => Math.floor(c / grid.slice(k + 1).reduce((a, b) => a * b, 1)) % grid[k]);
    const size = chunks.reduce((a, b) => a * b, 1);
    const data = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      // position j inside the chunk, in the chunk's memory order (C: last axis fastest; F: first axis fastest)
      const local = chunks.map(() => 0);
      let rest = j;
      const axes = order === 'C' ? chunks.map((_, k) => chunks.length - 1 - k) : chunks.map((_, k) => k);
      for (const k of axes) { local[k] = rest % chunks[k]; rest = Math.floor(rest / chunks[k]); }
      const index = local.map((l, k) => at[k] * chunks[k] + l);
      data[j] = index.every((v, k) => v < shape[k]) ? values(index) : 0;
    }
    const key = path.join(folder, at.join(separator));
    fs.mkdirSync(path.dirname(key), { recursive: true });
    fs.writeFileSync(key, Buffer.from(data.buffer));
  }
}

/** Sets the fill_value of the array `name`'s .zarray. */
function setFillValue(store: string, name: string, fill: unknown): void {
  const meta = path.join(store, name, '.zarray');
  fs.writeFileSync(meta, JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), fill_value: fill }));
}

describe('data: Zarr v2 stores written by zarr-python', () => {
  const dir = tempFolder('baler-zarr-v2-');

  for (const order of ['C', 'F'] as const) {
    it(`reads an order-${order} array row-major, in slabs that cut across chunks`, async () => {
      const store = path.join(dir(), `order-${order}.zarr`);
      const shape = [7, 5, 3];
      const value = (i: number[]): number => i[0] * 100 + i[1] * 10 + i[2];
      writeV2Store(store, 'x', shape, [3, 2, 2], order, value);
      const source = await openDataSource(store);
      try {
        const array = source.arrays[0];
        assert.deepEqual(array.shape, shape);
        const got: number[] = [];
        for (let start = 0; start < shape[0]; start += 4) {
          const slab = await array.readSlab(start, Math.min(4, shape[0] - start));
          got.push(...Array.from(slab.data as Float64Array));
        }
        const expected: number[] = [];
        for (let a = 0; a < 7; a++) for (let b = 0; b < 5; b++) for (let c = 0; c < 3; c++) expected.push(value([a, b, c]));
        assert.deepEqual(got, expected);
      } finally {
        await source.close();
      }
    });
  }

  it('toRowMajor leaves row-major data as it is and reorders column-major data', () => {
    const rowMajor = Float64Array.from([1, 2, 3, 4, 5, 6]);
    assert.equal(toRowMajor(rowMajor, [2, 3], [3, 1]), rowMajor);
    assert.deepEqual(Array.from(toRowMajor(Float64Array.from([1, 4, 2, 5, 3, 6]), [2, 3], [1, 2]) as Float64Array), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(toRowMajor(BigInt64Array.from([1n, 3n, 2n, 4n]), [2, 2], [1, 2]) as BigInt64Array), [1n, 2n, 3n, 4n]);
  });

  it('a datetime64 or string array beside numeric ones is left out with the reason, not a refusal of the store', async () => {
    const store = path.join(dir(), 'with-dates.zarr');
    writeV2Store(store, 'x', [4, 2], [4, 2], 'C', (i) => i[0] + i[1]);
    for (const [name, dtype] of [['t', '<M8[D]'], ['u', '<U2'], ['h', '<f2']]) {
      fs.mkdirSync(path.join(store, name));
      fs.writeFileSync(path.join(store, name, '.zarray'), JSON.stringify({
        zarr_format: 2, shape: [4], chunks: [4], dtype, order: 'C', compressor: null, filters: null, fill_value: null,
      }));
    }
    const source = await openDataSource(store);
    try {
      assert.deepEqual(source.arrays.map((a) => a.path), ['x']);
      const reasons = Object.fromEntries((source.skipped ?? []).map((s) => [s.path, s.reason]));
      assert.match(reasons.t, /dates and times \(datetime64\)/);
      assert.match(reasons.u, /strings/);
      assert.match(reasons.h, /float16 values \(<f2\), which this Zarr reader \(zarrita\) cannot read in a v2 store/);
    } finally {
      await source.close();
    }
  });

  it('a v2 store comes back as a v2 store (zarr-python 2 reads no v3): zlib chunks, attributes kept', async () => {
    const store = path.join(dir(), 'in-v2.zarr');
    const shape = [7, 5, 3];
    const value = (i: number[]): number => Math.sin(i[0] + i[1] / 5 + i[2] / 3);
    writeV2Store(store, 'grp/x', shape, [3, 5, 3], 'C', value);
    fs.writeFileSync(path.join(store, 'grp', 'x', '.zattrs'), JSON.stringify({ units: 'K' }));
    const { output } = await compress(store, { errorBound: 'abs:1e-3', threads: 1, output: path.join(dir(), 'in-v2.baler') });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'out-v2.zarr'), threads: 1 });
    const meta = JSON.parse(fs.readFileSync(path.join(back, 'grp', 'x', '.zarray'), 'utf8'));
    assert.deepEqual(
      { format: meta.zarr_format, shape: meta.shape, chunks: meta.chunks, dtype: meta.dtype, compressor: meta.compressor.id },
      { format: 2, shape, chunks: [3, 5, 3], dtype: '<f8', compressor: 'zlib' },
    );
    assert.ok(fs.existsSync(path.join(back, '.zgroup')) && !fs.existsSync(path.join(back, 'zarr.json')), 'no v3 metadata');
    assert.equal(JSON.parse(fs.readFileSync(path.join(back, 'grp', 'x', '.zattrs'), 'utf8')).units, 'K');
    const source = await openDataSource(back);
    try {
      const data = (await source.arrays[0].readSlab(0, 7)).data as Float64Array;
      let k = 0;
      for (let a = 0; a < 7; a++) for (let b = 0; b < 5; b++) for (let c = 0; c < 3; c++, k++) assert.ok(Math.abs(data[k] - value([a, b, c])) <= 1e-3, `[${a},${b},${c}]`);
    } finally {
      await source.close();
    }
  });

  it('chunks past the first axis come back as the source had them, edge chunks padded, every value in place', async () => {
    const store = path.join(dir(), 'tiles.zarr');
    const shape = [7, 11, 5, 4];
    const chunks = [3, 4, 2, 3];
    const value = (i: number[]): number => i[0] * 1000 + i[1] * 100 + i[2] * 10 + i[3];
    writeV2Store(store, 'x', shape, chunks, 'C', value);
    const { output } = await compress(store, { errorBound: 'abs:0', threads: 1, output: path.join(dir(), 'tiles.baler') });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'tiles-back.zarr'), threads: 1 });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(back, 'x', '.zarray'), 'utf8')).chunks, chunks);
    const keys = fs.readdirSync(path.join(back, 'x')).filter((f) => !f.startsWith('.'));
    assert.equal(keys.length, 3 * 3 * 3 * 2, 'one file per chunk of the grid');
    assert.equal(JSON.parse(fs.readFileSync(path.join(back, 'x', '.zattrs'), 'utf8')).baler_exact, undefined, 'nothing added');
    const source = await openDataSource(back);
    try {
      const data = (await source.arrays[0].readSlab(0, 7)).data as Float64Array;
      let k = 0;
      for (let a = 0; a < 7; a++) for (let b = 0; b < 11; b++) for (let c = 0; c < 5; c++) for (let d = 0; d < 4; d++, k++) assert.equal(data[k], value([a, b, c, d]), `[${a},${b},${c},${d}]`);
    } finally {
      await source.close();
    }
  });

  it('fill_value comes back as the source spelled it ("NaN" came back 0, which xarray takes as _FillValue: every zero masked)', async () => {
    for (const fill of ['NaN', 0, null, -9999.5]) {
      const store = path.join(dir(), `fill-${String(fill)}.zarr`);
      writeV2Store(store, 'x', [6, 4], [3, 4], 'C', (i) => i[0] - i[1]);
      setFillValue(store, 'x', fill);
      const { output } = await compress(store, { errorBound: 'abs:0', threads: 1, output: path.join(dir(), `fill-${String(fill)}.baler`) });
      const { output: back } = await decompress(output, { output: path.join(dir(), `fill-${String(fill)}-back.zarr`), threads: 1 });
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(back, 'x', '.zarray'), 'utf8')).fill_value, fill);
    }
  });

  it('an array nested in groups comes back with a .zgroup at every level (zarr-python found no group without one)', async () => {
    const store = path.join(dir(), 'nested.zarr');
    writeV2Store(store, 'model/level1/temp', [4, 3], [2, 3], 'C', (i) => i[0] + i[1] / 3);
    const { output } = await compress(store, { errorBound: 'abs:0', threads: 1, output: path.join(dir(), 'nested.baler') });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'nested-back.zarr'), threads: 1 });
    for (const group of ['', 'model', 'model/level1']) {
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(back, group, '.zgroup'), 'utf8')), { zarr_format: 2 }, `'${group}'`);
    }
    assert.ok(!fs.existsSync(path.join(back, 'model', 'level1', 'temp', '.zgroup')), 'the array is no group');
  });

  it('dimension_separator "/" comes back as the source had it (it came back "."), chunks in nested folders', async () => {
    const store = path.join(dir(), 'slash.zarr');
    const value = (i: number[]): number => i[0] * 10 + i[1];
    writeV2Store(store, 'x', [5, 4], [2, 3], 'C', value, '/');
    const { output } = await compress(store, { errorBound: 'abs:0', threads: 1, output: path.join(dir(), 'slash.baler') });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'slash-back.zarr'), threads: 1 });
    assert.equal(JSON.parse(fs.readFileSync(path.join(back, 'x', '.zarray'), 'utf8')).dimension_separator, '/');
    assert.ok(fs.existsSync(path.join(back, 'x', '2', '1')) && !fs.existsSync(path.join(back, 'x', '2.1')), 'the last chunk at x/2/1');
    const source = await openDataSource(back);
    try {
      const data = (await source.arrays[0].readSlab(0, 5)).data as Float64Array;
      for (let k = 0; k < 20; k++) assert.equal(data[k], value([Math.floor(k / 4), k % 4]), `value ${k}`);
    } finally {
      await source.close();
    }
  });

  it('a fill_value its dtype cannot hold ("abc", "-999", [1, 2]; 1e20 for int16) is refused in one line, as zarr-python refuses it', async () => {
    for (const [fill, dtype] of [['abc', '<f8'], ['-999', '<f8'], [[1, 2], '<f8'], [1e20, '<i2'], [-1, '|u1']] as const) {
      const store = path.join(dir(), `bad-fill-${JSON.stringify(fill)}-${dtype.slice(1)}.zarr`);
      writeV2Store(store, 'x', [6, 4], [3, 4], 'C', (i) => i[0] - i[1]);
      setFillValue(store, 'x', fill);
      const meta = path.join(store, 'x', '.zarray');
      fs.writeFileSync(meta, JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), dtype }));
      const output = path.join(dir(), 'bad-fill.baler');
      await rejectsBaler(() => compress(store, { errorBound: 'rel:1e-3', threads: 1, output }), /the Zarr array 'x' declares fill_value .*, which its (float64|int16|uint8) values cannot hold/, store);
      assert.ok(!fs.existsSync(output), 'nothing written');
    }
  });

  describe('fill_value as a declared missing value (xarray reads a v2 fill_value as _FillValue)', () => {
    const FILL = -999;
    const shape = [12, 10];
    const value = (i: number[]): number => ((i[0] * 7 + i[1]) % 13 === 0 ? FILL : Math.sin(i[0] / 3) + i[1] / 10);
    const real = (i: number[]): boolean => value(i) !== FILL;

    it('-999: each cell holding it comes back exactly, the rest within rel of the real values\' range, fill_value kept', async () => {
      const store = path.join(dir(), 'fill-999.zarr');
      writeV2Store(store, 'x', shape, [4, 10], 'C', value);
      setFillValue(store, 'x', FILL);
      const { output } = await compress(store, { errorBound: 'rel:1e-3', threads: 1, output: path.join(dir(), 'fill-999.baler') });
      const { output: back } = await decompress(output, { output: path.join(dir(), 'fill-999-back.zarr'), threads: 1 });
      assert.equal(JSON.parse(fs.readFileSync(path.join(back, 'x', '.zarray'), 'utf8')).fill_value, FILL);
      const cells = Array.from({ length: shape[0] * shape[1] }, (_, k) => [Math.floor(k / shape[1]), k % shape[1]]);
      const reals = cells.filter(real).map(value);
      const allowed = 1e-3 * (Math.max(...reals) - Math.min(...reals));
      // The values as written (this reader would read the fill value back as NaN): chunks 0.0, 1.0, 2.0 of 4 whole rows.
      const data = new Float64Array(Uint8Array.from(Buffer.concat([0, 1, 2].map((c) => inflateSync(fs.readFileSync(path.join(back, 'x', `${c}.0`)))))).buffer);
      let missing = 0;
      for (const [k, i] of cells.entries()) {
        if (!real(i)) { missing++; assert.equal(data[k], FILL, `[${i}] missing`); continue; }
        assert.ok(Math.abs(data[k] - value(i)) <= allowed, `[${i}]: ${data[k]} vs ${value(i)} (allowed ${allowed})`);
      }
      assert.ok(missing > 0, 'the array holds the fill value');
    });

    it('--missing-value: refused beside another value (one NaN could not stand for both), taken when it is the same', async () => {
      const store = path.join(dir(), 'fill-999-option.zarr');
      writeV2Store(store, 'x', shape, [4, 10], 'C', value);
      setFillValue(store, 'x', FILL);
      const output = path.join(dir(), 'fill-999-option.baler');
      await rejectsBaler(() => compress(store, { errorBound: 'rel:1e-3', threads: 1, output, missingValue: -9999 }),
        /^--missing-value -9999: the array 'x' declares its own missing value -999/, store);
      await compress(store, { errorBound: 'rel:1e-3', threads: 1, output, missingValue: FILL });
    });

    it('0, zarr-python 2\'s default, marks nothing missing: every zero is data', async () => {
      const store = path.join(dir(), 'fill-0.zarr');
      writeV2Store(store, 'x', [4, 3], [4, 3], 'C', (i) => i[0] * i[1]);
      const source = await openDataSource(store);
      try {
        assert.equal(source.arrays[0].attributes?.maskedFill, undefined);
        assert.deepEqual(Array.from((await source.arrays[0].readSlab(0, 4)).data as Float64Array), [0, 0, 0, 0, 1, 2, 0, 2, 4, 0, 3, 6]);
      } finally {
        await source.close();
      }
    });

    it('"NaN": each NaN comes back NaN, the rest within the bound', async () => {
      const store = path.join(dir(), 'fill-nan.zarr');
      writeV2Store(store, 'x', shape, [4, 10], 'C', (i) => (real(i) ? value(i) : NaN));
      setFillValue(store, 'x', 'NaN');
      const { output } = await compress(store, { errorBound: 'abs:1e-3', threads: 1, output: path.join(dir(), 'fill-nan.baler') });
      const { output: back } = await decompress(output, { output: path.join(dir(), 'fill-nan-back.zarr'), threads: 1 });
      const source = await openDataSource(back);
      try {
        const data = (await source.arrays[0].readSlab(0, shape[0])).data as Float64Array;
        for (let k = 0; k < data.length; k++) {
          const i = [Math.floor(k / shape[1]), k % shape[1]];
          if (!real(i)) assert.ok(Number.isNaN(data[k]), `[${i}] NaN`);
          else assert.ok(Math.abs(data[k] - value(i)) <= 1e-3, `[${i}]`);
        }
      } finally {
        await source.close();
      }
    });
  });

  it('a store that is one array at its root comes back as one, not as a group holding it', async () => {
    const store = path.join(dir(), 'root.zarr');
    writeV2Store(store, '', [6, 4], [3, 4], 'C', (i) => i[0] - i[1] / 4);
    fs.rmSync(path.join(store, '.zgroup'));
    fs.writeFileSync(path.join(store, '.zattrs'), JSON.stringify({ units: 'K' }));
    const { output } = await compress(store, { errorBound: 'abs:1e-3', threads: 1, output: path.join(dir(), 'root.baler') });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'root-back.zarr'), threads: 1 });
    assert.deepEqual(fs.readdirSync(back).filter((f) => f.startsWith('.')).sort(), ['.zarray', '.zattrs']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(back, '.zarray'), 'utf8')).shape, [6, 4]);
    assert.equal(JSON.parse(fs.readFileSync(path.join(back, '.zattrs'), 'utf8')).units, 'K');
    const source = await openDataSource(back);
    try {
      assert.equal(source.arrays[0].path, '');
      const data = (await source.arrays[0].readSlab(0, 6)).data as Float64Array;
      for (let k = 0; k < 24; k++) assert.ok(Math.abs(data[k] - (Math.floor(k / 4) - (k % 4) / 4)) <= 1e-3, `value ${k}`);
    } finally {
      await source.close();
    }
  });
});

