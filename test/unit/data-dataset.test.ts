import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BalerError } from '../../src/kernel/errors';
import type { Dataset, DType, NdArray } from '../../src/kernel/types';
import { sampleLayout } from '../../src/kernel/types';
import {
  columnCount, datasetFromNdArray, findNonFinite, frameShape, readDataset, toNdArray, writeDataset,
} from '../../src/kernel/data/dataset';
import { encodeNpy, parseNpy, type StringNdArray } from '../../src/kernel/data/npy';
import { encodeNpz, parseNpz } from '../../src/kernel/data/npz';
import { referenceFile } from './data-reference';

async function throwsBaler(fn: () => unknown, pattern: RegExp, file: string): Promise<void> {
  await assert.rejects(async () => fn(), (e: unknown) => {
    assert.ok(e instanceof BalerError, `expected a BalerError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.file, file);
    assert.ok(e.toLine().startsWith(`${file}: `), e.toLine());
    return true;
  });
}

function dataset(shape: number[], dtype: DType, values: number[], names: string[] = []): Dataset {
  return { kind: shape.length <= 2 ? 'table' : 'frames', shape, dtype, names, values: Float64Array.from(values) };
}

describe('dataset', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-data-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);

  it('reads CFD_animation.npz as 60 frames of 50 × 50, float64, no names', async () => {
    const ds = await readDataset(referenceFile('CFD_animation.npz'));
    assert.equal(ds.kind, 'frames');
    assert.deepEqual(ds.shape, [60, 50, 50]);
    assert.equal(ds.dtype, 'float64');
    assert.deepEqual(ds.names, []);
    assert.equal(ds.values.length, 150000);
    const min = ds.values.reduce((a, b) => Math.min(a, b));
    const max = ds.values.reduce((a, b) => Math.max(a, b));
    assert.ok(min > -0.0112 && min < -0.0111, `min ${min}`);
    assert.ok(max > 0.0476 && max < 0.0477, `max ${max}`);
    assert.ok(ds.values.every((v) => Math.fround(v) === v), 'values are exactly float32 (README)');
    assert.deepEqual(frameShape(ds), { height: 50, width: 50 });
    assert.deepEqual(sampleLayout(ds), { count: 60, width: 2500 });
    assert.deepEqual(findNonFinite(ds), { nan: 0, posInf: 0, negInf: 0, firstIndex: -1 });
  });

  it('reads CFD_still.npz (one frame) and writes it back in the reference layout', async () => {
    const file = referenceFile('CFD_still.npz');
    const ds = await readDataset(file);
    assert.deepEqual(ds.shape, [1, 50, 50]);
    const out = inDir('still.npz');
    await writeDataset(out, ds);
    const members = parseNpz(fs.readFileSync(out));
    const reference = parseNpz(fs.readFileSync(file));
    assert.deepEqual(members, reference);
  });

  const dtypes: DType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
  for (const dtype of dtypes) {
    it(`write → read keeps ${dtype} values, shape and names in .npz, .npy and .csv`, async () => {
      const values = dtype === 'bool' ? [0, 1, 1, 0, 1, 0] : [0, 1, 2, 3, 100, 4];
      const ds = dataset([3, 2], dtype, values, ['a', 'b']);
      for (const ext of ['npz', 'npy', 'csv']) {
        const file = inDir(`t-${dtype}.${ext}`);
        await writeDataset(file, ds);
        const back = await readDataset(file);
        assert.deepEqual([...back.values], values, ext);
        assert.deepEqual(back.shape, [3, 2]);
        assert.equal(back.dtype, ext === 'csv' ? 'float64' : dtype, `${ext} dtype`);
        assert.deepEqual(back.names, ext === 'npy' ? [] : ['a', 'b'], `${ext} names`);
      }
    });
  }

  it('casts back to integer dtypes by rounding and clamping; bool is set where the value rounds to non-zero', async () => {
    const cast = (dtype: DType, values: number[]): unknown[] => [...toNdArray(dataset([values.length], dtype, values)).data];
    assert.deepEqual(cast('uint8', [-3, 0.4, 0.6, 254.5, 300, NaN]), [0, 0, 1, 255, 255, 0]);
    assert.deepEqual(cast('int8', [-200, -1.4, 127.2, 1e9]), [-128, -1, 127, 127]);
    assert.deepEqual(cast('int32', [2 ** 40, -(2 ** 40), 12.5]), [2147483647, -2147483648, 13]);
    assert.deepEqual(cast('int64', [2 ** 63, -(2 ** 64), 2 ** 53, -7.6]), [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n, -8n]);
    assert.deepEqual(cast('uint64', [2 ** 65, -1, 3.2]), [2n ** 64n - 1n, 0n, 3n]);
    assert.deepEqual(cast('bool', [0, 0.3, 0.7, -2, NaN]), [0, 0, 1, 1, 1]);
    assert.deepEqual(cast('float16', [0.1, 70000]), [Math.fround(0.0999755859375), Infinity]);
    assert.deepEqual(cast('float32', [0.1]), [Math.fround(0.1)]);
  });

  it('keeps int64 extremes through .npy exactly (the float64 values round to ±2^63)', async () => {
    const file = inDir('extremes.npy');
    fs.writeFileSync(file, encodeNpy({ dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) }));
    const ds = await readDataset(file);
    assert.equal(ds.dtype, 'int64');
    const out = inDir('extremes-out.npy');
    await writeDataset(out, ds);
    assert.deepEqual([...parseNpy(fs.readFileSync(out)).data], [-(2n ** 63n), 2n ** 63n - 1n]);
  });

  it('maps array ranks to kinds; 4-D and higher are frames with trailing axes flattened into the frame width', async () => {
    const one = datasetFromNdArray({ dtype: 'float64', shape: [5], data: new Float64Array(5) }, ['x']);
    assert.equal(one.kind, 'table');
    assert.equal(columnCount(one), 1);
    assert.deepEqual(sampleLayout(one), { count: 5, width: 1 });
    const four = datasetFromNdArray({ dtype: 'float32', shape: [2, 3, 4, 5], data: new Float32Array(120) });
    assert.equal(four.kind, 'frames');
    assert.deepEqual(four.shape, [2, 3, 4, 5], 'the original shape is kept for writing back');
    assert.deepEqual(frameShape(four), { height: 3, width: 20 });
    assert.deepEqual(sampleLayout(four), { count: 2, width: 60 });
    const file = inDir('four.npy');
    await writeDataset(file, four);
    assert.deepEqual((await readDataset(file)).shape, [2, 3, 4, 5]);
  });

  it('picks the npz array: `data`, else the only numeric member; names from a string array', async () => {
    const table: NdArray = { dtype: 'float64', shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) };
    const only = inDir('only.npz');
    fs.writeFileSync(only, encodeNpz([{ name: 'names', array: { dtype: 'bytes', shape: [2], strings: ['u', 'v'] } }, { name: 'arr_0', array: table }]));
    const ds = await readDataset(only);
    assert.deepEqual([...ds.values], [1, 2, 3, 4]);
    assert.deepEqual(ds.names, ['u', 'v']);

    const several = inDir('several.npz');
    fs.writeFileSync(several, encodeNpz([{ name: 'x', array: table }, { name: 'y', array: table }]));
    await throwsBaler(() => readDataset(several), /several arrays and none is named 'data' \(keys: 'x', 'y'\)/, several);
    const none = inDir('none.npz');
    fs.writeFileSync(none, encodeNpz([{ name: 'labels', array: { dtype: 'unicode', shape: [1], strings: ['a'] } }]));
    await throwsBaler(() => readDataset(none), /no numeric array \(keys: 'labels' \(holds strings, not numbers\)\)/, none);
    const allText = inDir('all-text.npz');
    const word = (shape: number[]): StringNdArray => ({ dtype: 'unicode', shape, strings: ['a'] });
    fs.writeFileSync(allText, encodeNpz([{ name: 'p', array: word([1]) }, { name: 'q', array: word([1]) }, { name: 'r', array: word([]) }]));
    await throwsBaler(() => readDataset(allText), /no numeric array \(keys: 'p', 'q', 'r' \(holds strings, not numbers\)\)$/, allText);
    const stringData = inDir('strings.npz');
    fs.writeFileSync(stringData, encodeNpz([{ name: 'data', array: { dtype: 'unicode', shape: [1], strings: ['a'] } }]));
    await throwsBaler(() => readDataset(stringData), /'data' holds strings/, stringData);
    const wrongNames = inDir('wrong-names.npz');
    fs.writeFileSync(wrongNames, encodeNpz([{ name: 'data', array: table }, { name: 'names', array: { dtype: 'unicode', shape: [3], strings: ['a', 'b', 'c'] } }]));
    await throwsBaler(() => readDataset(wrongNames), /3 column names for 2 columns/, wrongNames);
  });

  it("--dataset finds an .npz key with or without its leading '/' (HDF5 paths decompressed to .npz)", async () => {
    const table: NdArray = { dtype: 'float64', shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) };
    const other: NdArray = { dtype: 'float64', shape: [1, 2], data: Float64Array.of(9, 9) };
    const file = inDir('hdf5-paths.npz');
    fs.writeFileSync(file, encodeNpz([{ name: '/group/x', array: table }, { name: '/group/y', array: other }]));
    for (const dataset of ['/group/x', 'group/x']) assert.deepEqual([...(await readDataset(file, { dataset })).values], [1, 2, 3, 4], dataset);
  });

  it('writes deflated npz members when asked, and reads them', async () => {
    const ds = dataset([100, 2], 'float64', Array.from({ length: 200 }, (_, i) => i % 3), ['p', 'q']);
    const stored = inDir('stored.npz');
    const deflated = inDir('deflated.npz');
    await writeDataset(stored, ds);
    await writeDataset(deflated, ds, { compress: true });
    assert.ok(fs.statSync(deflated).size < fs.statSync(stored).size / 2);
    assert.deepEqual(await readDataset(deflated), await readDataset(stored));
  });

  it('counts non-finite values', async () => {
    const ds = dataset([6], 'float64', [1, NaN, Infinity, -Infinity, NaN, 2]);
    assert.deepEqual(findNonFinite(ds), { nan: 2, posInf: 1, negInf: 1, firstIndex: 1 });
  });

  describe('bad input names the file', () => {
    it('missing file', async () => {
      const file = inDir('missing.npz');
      await throwsBaler(() => readDataset(file), /file not found/, file);
    });

    it('wrong extension lists the supported ones: those read when reading, those written when writing', async () => {
      const file = inDir('data.txt');
      fs.writeFileSync(file, 'x');
      await throwsBaler(() => readDataset(file), /unsupported data file \(extension '.txt'\); supported: .npz, .npy, .csv, .root, .h5, .hdf5, .nc, .cdf, .parquet, .tif, .tiff, .fits, .fit, .fts, .nii, .nii.gz, .zarr/, file);
      await throwsBaler(() => readDataset(inDir('noext')), /no extension/, inDir('noext'));
      await throwsBaler(() => writeDataset(inDir('out.txt'), dataset([1], 'float64', [1])), /^cannot write '\.txt' files: name the output with one of \.npz, \.npy, \.csv, \.h5, \.hdf5, \.nc, \.cdf, \.parquet, \.tif, \.tiff, \.fits, \.fit, \.fts, \.nii, \.nii\.gz, \.zarr$/, inDir('out.txt'));
      await throwsBaler(() => writeDataset(inDir('noext'), dataset([1], 'float64', [1])), /^cannot write a file with no extension: name the output with one of /, inDir('noext'));
    });

    it('a text file renamed .npy, a truncated .npy, an object array', async () => {
      const text = inDir('text.npy');
      fs.writeFileSync(text, 'a,b\n1,2\n');
      await throwsBaler(() => readDataset(text), /not a .npy file \(bad magic\)/, text);
      const truncated = inDir('truncated.npy');
      fs.writeFileSync(truncated, encodeNpy({ dtype: 'float32', shape: [100], data: new Float32Array(100) }).subarray(0, 300));
      await throwsBaler(() => readDataset(truncated), /truncated/, truncated);
      const object = inDir('object.npy');
      const dict = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".padEnd(117, ' ') + '\n';
      fs.writeFileSync(object, Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]), Buffer.from(dict), Buffer.alloc(8)]));
      await throwsBaler(() => readDataset(object), /object arrays \(pickled Python objects\) are not supported/, object);
    });

    it('a truncated or corrupted .npz', async () => {
      const bytes = fs.readFileSync(referenceFile('CFD_still.npz'));
      const truncated = inDir('truncated.npz');
      fs.writeFileSync(truncated, bytes.subarray(0, 10000));
      await throwsBaler(() => readDataset(truncated), /truncated or corrupted .npz/, truncated);
      const corrupted = inDir('corrupted.npz');
      const copy = Buffer.from(bytes);
      copy[5000] ^= 1;
      fs.writeFileSync(corrupted, copy);
      await throwsBaler(() => readDataset(corrupted), /CRC/, corrupted);
    });

    it('an empty array, a 0-d array', async () => {
      const empty = inDir('empty.npy');
      fs.writeFileSync(empty, encodeNpy({ dtype: 'float64', shape: [0, 3], data: new Float64Array(0) }));
      await throwsBaler(() => readDataset(empty), /the array is empty \(shape \(0, 3\)\)/, empty);
      const emptyCsv = inDir('empty.csv');
      fs.writeFileSync(emptyCsv, 'a,b\n');
      await throwsBaler(() => readDataset(emptyCsv), /the array is empty/, emptyCsv);
      const scalar = inDir('scalar.npy');
      fs.writeFileSync(scalar, encodeNpy({ dtype: 'float64', shape: [], data: Float64Array.of(1) }));
      await throwsBaler(() => readDataset(scalar), /single number/, scalar);
    });

    it('a non-numeric CSV column and a ragged CSV', async () => {
      const bad = inDir('bad.csv');
      fs.writeFileSync(bad, 'pt,eta\n1,2\n3,abc\n');
      await throwsBaler(() => readDataset(bad), /^column 'eta', line 3: 'abc' is not a number \(its first value, line 2, is a number, so it is read as a column of numbers\)$/, bad);
      const ragged = inDir('ragged.csv');
      fs.writeFileSync(ragged, 'pt,eta\n1,2\n3\n');
      await throwsBaler(() => readDataset(ragged), /^line 3: 1 value, expected 2/, ragged);
    });

    it('refuses to overwrite, and to write frames as CSV', async () => {
      const file = inDir('exists.npy');
      fs.writeFileSync(file, 'keep');
      await throwsBaler(() => writeDataset(file, dataset([1], 'float64', [1])), /exists/, file);
      assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
      await writeDataset(file, dataset([1], 'float64', [1]), { overwrite: true });
      assert.deepEqual([...(await readDataset(file)).values], [1]);
      const csv = inDir('frames.csv');
      await throwsBaler(() => writeDataset(csv, dataset([1, 2, 2], 'float64', [1, 2, 3, 4])), /holds a table.*3-D/, csv);
      assert.ok(!fs.existsSync(csv));
    });
  });
});
