// Every format behind the one interface: the extension list (and package.json's menus), round trips of every dtype
// through each writer and reader, several arrays per file, and bad input refused in one line with nothing written.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dataset, DType } from '../../src/kernel/types';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { SUPPORTED_FILE_EXTENSIONS, SUPPORTED_FOLDER_EXTENSIONS } from '../../src/kernel/data/extensions';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { rejectsBaler } from './data-helpers';

function table(dtype: DType, rows: number, columns: number, names: string[] = []): Dataset {
  const values = Float64Array.from({ length: rows * columns }, (_, i) => {
    if (dtype === 'bool') return i % 3 === 0 ? 1 : 0;
    if (dtype.startsWith('float')) return (i - 7) * 0.25;
    if (dtype.startsWith('uint')) return i % 250;
    return (i % 200) - 100;
  });
  return { kind: 'table', shape: [rows, columns], dtype, names, values };
}

describe('data formats', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-formats-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);

  it("package.json's explorer and editor menus accept exactly the supported extensions", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const compress = (menu: { command: string; when: string }[]) => menu.find((m) => m.command === 'baler.compressFile')!.when;
    const extensionsIn = (when: string, folder: boolean): string[] => {
      const part = when.split(/\)\s*\|\|\s*\(/).find((p) => (folder ? /(^|[^!])explorerResourceIsFolder/.test(p.replace('!explorerResourceIsFolder', '')) : !/(^|[^!])explorerResourceIsFolder\b/.test(p.replace('!explorerResourceIsFolder', ''))));
      const match = part ? /resourceExtname =~ \/\^\\\.\(([a-z0-9|]+)\)\$/i.exec(part) : null;
      // Two-part extensions (.nii.gz: VS Code's resourceExtname is .gz) by the file name.
      const twoPart = part ? /resourceFilename =~ \/\\\.\(([a-z0-9|\\.]+)\)\$/i.exec(part) : null;
      return [...(match ? match[1].split('|') : []), ...(twoPart ? twoPart[1].replace(/\\\./g, '.').split('|') : [])].map((e) => `.${e}`);
    };
    const explorer = compress(manifest.contributes.menus['explorer/context']);
    assert.deepEqual(extensionsIn(explorer, false).sort(), [...SUPPORTED_FILE_EXTENSIONS].sort());
    assert.deepEqual(extensionsIn(explorer, true).sort(), [...SUPPORTED_FOLDER_EXTENSIONS].sort());
    const editor = compress(manifest.contributes.menus['editor/title']);
    assert.deepEqual(extensionsIn(editor, false).sort(), [...SUPPORTED_FILE_EXTENSIONS].sort());
  });

  const dtypes: DType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
  for (const ext of ['h5', 'nc', 'parquet', 'zarr', 'npz', 'npy']) {
    it(`.${ext}: every dtype round-trips with its values, shape, dtype and column names`, async () => {
      for (const dtype of dtypes) {
        const ds = table(dtype, 37, 3, ['pt', 'eta', 'phi']);
        const file = inDir(`rt-${dtype}.${ext}`);
        await writeDataset(file, ds, { compress: true });
        const back = await readDataset(file);
        assert.deepEqual(back.shape, [37, 3], `${ext} ${dtype} shape`);
        assert.equal(back.dtype, dtype, `${ext} ${dtype} dtype`);
        assert.deepEqual(back.names, ext === 'npy' ? [] : ['pt', 'eta', 'phi'], `${ext} ${dtype} names`);
        assert.deepEqual([...back.values], [...ds.values], `${ext} ${dtype} values`);
      }
    });
  }

  it('an empty netCDF-3 file (what xarray leaves when a write fails) is refused in one line, not an internal error', async () => {
    // 'CDF' v2, 0 records, then ABSENT (two zero words) for the dimensions, the attributes and the variables
    const file = inDir('empty3.nc');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('CDF\x02'), Buffer.alloc(4 + 3 * 8)]));
    await rejectsBaler(() => readDataset(file), /holds no numeric array/, file);
  });

  it('frames (3-D and 4-D) round-trip through HDF5, netCDF-4, Zarr; Parquet and CSV refuse them with nothing written', async () => {
    const frames: Dataset = { kind: 'frames', shape: [4, 5, 6, 2], dtype: 'float32', names: [], values: Float64Array.from({ length: 240 }, (_, i) => Math.fround(Math.sin(i))) };
    for (const ext of ['h5', 'nc', 'zarr']) {
      const file = inDir(`frames.${ext}`);
      await writeDataset(file, frames);
      const back = await readDataset(file);
      assert.deepEqual(back.shape, [4, 5, 6, 2]);
      assert.deepEqual([...back.values], [...frames.values]);
    }
    for (const ext of ['parquet', 'csv']) {
      const file = inDir(`frames.${ext}`);
      await rejectsBaler(() => writeDataset(file, frames), /table/, file);
      assert.ok(!fs.existsSync(file));
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    }
  });

  it('slabs of a chunked HDF5 dataset, a multi-row-group Parquet file and a Zarr array equal the whole', async () => {
    const ds = table('float64', 1000, 4, ['a', 'b', 'c', 'd']);
    for (const ext of ['h5', 'parquet', 'zarr']) {
      const file = inDir(`slabs.${ext}`);
      const sink = await createDataSink(file, undefined, [{ path: 'grp/x', dtype: 'float64', shape: [1000, 4], kind: 'table', names: ds.names }]);
      for (let start = 0; start < 1000; start += 300) {
        const rows = Math.min(300, 1000 - start);
        await sink.writeSlab(0, { dtype: 'float64', shape: [rows, 4], data: ds.values.slice(start * 4, (start + rows) * 4) });
      }
      await sink.finish();
      const source = await openDataSource(file);
      const [array] = source.arrays;
      for (const [start, count] of [[0, 1], [299, 2], [555, 445], [999, 1]]) {
        const slab = await array.readSlab(start, count);
        assert.deepEqual([...slab.data], [...ds.values.slice(start * 4, (start + count) * 4)], `${ext} rows ${start}+${count}`);
      }
      await rejectsBaler(() => array.readSlab(990, 20), /rows 990…1010 requested/, file);
      await source.close();
    }
  });

  it('several arrays go into one HDF5, netCDF-4, Zarr or .npz file with their paths, attributes and exactness', async () => {
    const arrays = [
      { path: 'events/event', dtype: 'float32' as const, shape: [3, 2], kind: 'table' as const, names: ['MET_px', 'MET_py'], attributes: { hdf5: { attrs: { units: 'GeV' } } } },
      { path: 'events/NJet', dtype: 'int32' as const, shape: [3], kind: 'table' as const, names: ['NJet'], exact: true },
    ];
    for (const ext of ['h5', 'nc', 'zarr', 'npz']) {
      const file = inDir(`multi.${ext}`);
      const sink = await createDataSink(file, undefined, arrays, { hdf5: { attrs: { title: 'multi' } } });
      await sink.writeSlab(0, { dtype: 'float32', shape: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
      await sink.writeSlab(1, { dtype: 'int32', shape: [3], data: Int32Array.of(2, 0, 1) });
      await sink.finish();
      const source = await openDataSource(file);
      const byPath = new Map(source.arrays.map((a) => [a.path.replace(/^\//, ''), a]));
      assert.deepEqual([...byPath.keys()].sort(), ['events/NJet', 'events/event'], ext);
      // A name the file does not hold is refused with the names it does hold.
      await rejectsBaler(() => openDataSource(file, { dataset: 'nope' }), /no (dataset|array) '\/?nope' in the file \(it holds '\/?events\/\w+', '\/?events\/\w+'\)/, file);
      const counts = byPath.get('events/NJet')!;
      assert.deepEqual([...(await counts.readSlab(0, 3)).data], [2, 0, 1]);
      assert.deepEqual(byPath.get('events/event')!.names, ['MET_px', 'MET_py']);
      if (ext !== 'npz') assert.equal(counts.exact, true, `${ext} keeps exact`);
      if (ext === 'h5') {
        assert.equal((byPath.get('events/event')!.attributes!.hdf5 as { attrs: Record<string, unknown> }).attrs.units, 'GeV');
        assert.equal((source.attributes!.hdf5 as { attrs: Record<string, unknown> }).attrs.title, 'multi');
      }
      await source.close();
      await rejectsBaler(() => readDataset(file), /several arrays.*choose one with --dataset/, file);
      const chosen = await readDataset(file, { dataset: '/events/NJet' });
      assert.deepEqual([...chosen.values], [2, 0, 1]);
    }
  });

  describe('bad input: one line naming the file and the object, nothing written', () => {
    it('truncated HDF5 and Parquet files', async () => {
      const ds = table('float64', 500, 4);
      for (const ext of ['h5', 'parquet']) {
        const good = inDir(`good.${ext}`);
        await writeDataset(good, ds);
        const cut = inDir(`cut.${ext}`);
        fs.writeFileSync(cut, fs.readFileSync(good).subarray(0, Math.floor(fs.statSync(good).size / 2)));
        await rejectsBaler(() => readDataset(cut), ext === 'h5' ? /cannot (open|read).*truncated/ : /truncated/, cut);
      }
    });

    it('a dataset that does not exist, and one that holds strings', async () => {
      const file = inDir('has-x.h5');
      await writeDataset(file, table('float64', 4, 2), { path: 'grp/x' });
      await rejectsBaler(() => readDataset(file, { dataset: '/grp/nope' }), /no dataset '\/grp\/nope' in the file \(it holds '\/grp\/x'\)/, file);
      const h5 = (await import('h5wasm/node')).default;
      await h5.ready;
      const strings = inDir('strings.h5');
      const f = new h5.File(strings, 'w');
      f.create_dataset({ name: 'labels', data: ['muon', 'jet'] });
      f.close();
      await rejectsBaler(() => readDataset(strings), /no numeric array \(keys: '\/labels' \(holds strings, not numbers\)\)/, strings);
      await rejectsBaler(() => readDataset(strings, { dataset: 'labels' }), /the array '\/labels' holds strings, not numbers/, strings);
      const zarr = inDir('has-x.zarr');
      await writeDataset(zarr, table('float64', 4, 2), { path: 'grp/x' });
      await rejectsBaler(() => readDataset(zarr, { dataset: 'nope' }), /no array 'nope' in the file \(it holds 'grp\/x'\)/, zarr);
      const parquet = inDir('cols.parquet');
      await writeDataset(parquet, table('float64', 4, 2, ['a', 'b']));
      await rejectsBaler(() => readDataset(parquet, { columns: ['a', 'zz'] }), /no column 'zz' \(columns: a, b\)/, parquet);
      assert.deepEqual([...(await readDataset(parquet, { columns: ['b'] })).values], [...table('float64', 4, 2).values].filter((_, i) => i % 2 === 1));
    });

    it('files that are not what their extension says', async () => {
      for (const ext of ['h5', 'nc', 'parquet', 'root']) {
        const file = inDir(`text.${ext}`);
        fs.writeFileSync(file, 'just some text\n'.repeat(20));
        await rejectsBaler(() => readDataset(file), /not|cannot/, file);
      }
      const notFolder = inDir('file.zarr');
      fs.writeFileSync(notFolder, 'x');
      await rejectsBaler(() => readDataset(notFolder), /is a folder, and this is a file/, notFolder);
    });

    it('refuses to write ROOT, and to replace an existing output', async () => {
      const root = inDir('out.root');
      await rejectsBaler(() => writeDataset(root, table('float32', 2, 2)), /ROOT files cannot be written.*\.parquet, \.h5 or \.npz/, root);
      // Every writer names the formats it writes, not those it reads (.root among them).
      const text = inDir('out.txt');
      await rejectsBaler(() => writeDataset(text, table('float32', 2, 2)), /cannot write '\.txt' files: name the output with one of \.npz, \.npy, \.csv, \.h5, \.hdf5, \.nc, \.cdf, \.parquet, \.tif, \.tiff, \.fits, \.fit, \.fts, \.nii, \.nii\.gz, \.zarr$/, text);
      for (const ext of ['h5', 'parquet', 'zarr']) {
        const file = inDir(`exists.${ext}`);
        await writeDataset(file, table('float32', 2, 2));
        const before = fs.statSync(file).mtimeMs;
        await rejectsBaler(() => writeDataset(file, table('float32', 2, 2)), /exists/, file);
        assert.equal(fs.statSync(file).mtimeMs, before);
      }
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    });
  });
});
