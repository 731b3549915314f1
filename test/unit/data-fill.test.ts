// Declared missing values (netCDF/CF `_FillValue`, `missing_value`): a field of sea temperatures with land marked
// -1e34 is compressed within rel:1e-4 of the temperatures' range (not of 1e34, which lost every temperature), and
// the missing values come back exactly as declared.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress } from '../../src/kernel/compress';
import { decompress } from '../../src/kernel/decompress';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { rejectsBaler } from './data-helpers';

const FILL = Math.fround(-1e34);

/** 4 frames of 16 × 16 sea temperatures (0…30), the left third land (FILL). */
function field(): Float32Array {
  const values = new Float32Array(4 * 16 * 16);
  for (let i = 0; i < values.length; i++) {
    const x = i % 16, y = Math.floor(i / 16) % 16, t = Math.floor(i / 256);
    values[i] = x < 5 ? FILL : 15 + 15 * Math.sin(0.3 * x + 0.2 * y + 0.5 * t);
  }
  return values;
}

async function writeNc(file: string, values: Float32Array): Promise<void> {
  const attrs = { _FillValue: FILL, missing_value: FILL, units: 'Deg C' };
  const sink = await createDataSink(file, undefined, [{ path: 'SST', dtype: 'float32', shape: [4, 16, 16], kind: 'frames', names: [], attributes: { netcdf: { attrs } } }], {});
  await sink.writeSlab(0, { dtype: 'float32', shape: [4, 16, 16], data: values });
  await sink.finish();
}

describe('declared missing values', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fill-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keep the bound on the real values and come back exactly as declared', async () => {
    const input = path.join(dir, 'sst.nc');
    const original = field();
    await writeNc(input, original);
    await compress(input, { output: path.join(dir, 'sst.baler'), errorBound: 'rel:1e-4' });
    for (const ext of ['nc', 'npz']) {
      const output = path.join(dir, `back.${ext}`);
      await decompress(path.join(dir, 'sst.baler'), { output });
      const source = await openDataSource(output);
      // Read back through numpy's view for .npz (no masking), through the netCDF reader for .nc (which masks again).
      const back = (await source.arrays[0].readSlab(0, 4)).data as Float32Array;
      if (ext === 'nc') assert.equal((source.arrays[0].attributes!.netcdf as { attrs: Record<string, unknown> }).attrs._FillValue, FILL, 'the _FillValue attribute (h5wasm wrote it as int32 0)');
      await source.close();
      const tolerance = 1e-4 * 30;
      for (let i = 0; i < original.length; i++) {
        if (original[i] === FILL) assert.ok(ext === 'nc' ? Number.isNaN(back[i]) : back[i] === FILL, `${ext}: missing value at ${i} came back as ${back[i]}`);
        else assert.ok(Math.abs(back[i] - original[i]) <= tolerance, `${ext}: value ${i}: ${back[i]} for ${original[i]}`);
      }
    }
  });

  it('are written back as declared in every format', async () => {
    const output = path.join(dir, 'back.npz');
    const { readDataset } = await import('../../src/kernel/data/dataset');
    const values = (await readDataset(output)).values;
    assert.equal(values.filter((v) => v === FILL).length, 4 * 16 * 5);
    assert.equal(values.filter(Number.isNaN).length, 0);
  });

  it('refuse an array holding NaN as well, which could not be told from them', async () => {
    const input = path.join(dir, 'both.nc');
    const values = field();
    values[100] = NaN;
    await writeNc(input, values);
    const source = await openDataSource(input);
    try {
      await rejectsBaler(() => source.arrays[0].readSlab(0, 4), /the dataset '\/SST' holds NaN as well as its declared missing value -9\.9999997\d+e\+33/, input);
    } finally {
      await source.close();
    }
  });
});
