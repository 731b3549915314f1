// Declared missing values (netCDF/CF `_FillValue`, `missing_value`): a field of sea temperatures with land marked
// -1e34 is compressed within rel:1e-4 of the temperatures' range (not of 1e34, which lost every temperature), and
// the missing values come back exactly as declared. Integer arrays that declare one (packed int16 with
// _FillValue -32767) too, their fill value written in their own dtype, and no real value comes back as it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress } from '../../src/kernel/compress';
import { decompress } from '../../src/kernel/decompress';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { rejectsBaler, tempFolder } from './data-helpers';
import { writeNetcdf3 } from './netcdf3-writer';
import { inspect } from '../../src/kernel/inspect';
import { merge } from '../../src/kernel/merge';
import { buildReport } from '../../src/kernel/report/build';
import type { CompressOptions } from '../../src/kernel/api';
import { findRow, infoSections } from '../../src/kernel/report/info-rows';

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
  const folder = tempFolder('baler-fill-');

  it('keep the bound on the real values and come back exactly as declared', async () => {
    const input = path.join(folder(), 'sst.nc');
    const original = field();
    await writeNc(input, original);
    await compress(input, { output: path.join(folder(), 'sst.baler'), errorBound: 'rel:1e-4' });
    for (const ext of ['nc', 'npz']) {
      const output = path.join(folder(), `back.${ext}`);
      await decompress(path.join(folder(), 'sst.baler'), { output });
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
    const output = path.join(folder(), 'back.npz');
    const { readDataset } = await import('../../src/kernel/data/dataset');
    const values = (await readDataset(output)).values;
    assert.equal(values.filter((v) => v === FILL).length, 4 * 16 * 5);
    assert.equal(values.filter(Number.isNaN).length, 0);
  });

  it('of an array holding NaN as well, which could not be told from them: the array is kept exact, each comes back as it was', async () => {
    const input = path.join(folder(), 'both.nc');
    const values = field();
    values[100] = NaN;
    await writeNc(input, values);
    const source = await openDataSource(input);
    try {
      // Read with its missing values as NaN, it is refused; as written, it reads.
      await rejectsBaler(() => source.arrays[0].readSlab(0, 4), /the dataset '\/SST' holds NaN as well as its declared missing value -9\.9999997\d+e\+33/, input);
      assert.deepEqual(Array.from((await source.arrays[0].unmasked!().readSlab(0, 4)).data as Float32Array), Array.from(values));
    } finally {
      await source.close();
    }
    const log: string[] = [];
    const packed = path.join(folder(), 'both.baler');
    await compress(input, { output: packed, errorBound: 'rel:1e-3' }, { onLog: (l) => log.push(l) });
    assert.ok(log.some((l) => l.includes('stored losslessly (it holds NaN as well as its declared missing value -1e+34: kept exact')), log.join('\n'));
    const report = await buildReport(packed, input);
    assert.equal(report.errors.maxAbsError, 0, 'the report reads the original as it was coded: as written');
    const output = path.join(folder(), 'both.back.nc');
    await decompress(packed, { output });
    const back = await openDataSource(output);
    try {
      const data = (await back.arrays[0].unmasked!().readSlab(0, 4)).data as Float32Array;
      assert.deepEqual(Array.from(data), Array.from(values), 'NaN stays NaN and -1e34 stays -1e34');
    } finally {
      await back.close();
    }
  });

  it('of an array holding NaN in one part only: every part keeps it exact, so the parts merge (an abs bound reads each part alone)', async () => {
    const input = path.join(folder(), 'both-parts.nc');
    const values = field();
    values[3 * 256 + 100] = NaN; // in the last frame only
    await writeNc(input, values);
    const partsDir = path.join(folder(), 'both-parts');
    fs.mkdirSync(partsDir);
    const settings = { errorBound: 'abs:0.01', memoryBudget: 256 * 68 * 3 * 4, threads: 1 };
    for (let index = 0; index < 2; index++) await compress(input, { ...settings, output: partsDir + '/', part: { index, count: 2 } });
    const merged = await merge([partsDir], path.join(folder(), 'both-parts.baler'));
    assert.equal(merged.info.mode, 'lossless');
    const output = path.join(folder(), 'both-parts.back.nc');
    await decompress(merged.output, { output });
    const back = await openDataSource(output);
    try {
      assert.deepEqual(Array.from((await back.arrays[0].unmasked!().readSlab(0, 4)).data as Float32Array), Array.from(values));
    } finally {
      await back.close();
    }
  });

  it('of two different values in one float array: the array is kept exact, each comes back as it was', async () => {
    const input = path.join(folder(), 'twofills.nc');
    const values = Float32Array.from({ length: 4 * 50 }, (_, i) => (i % 11 === 0 ? -1e34 : i % 13 === 0 ? -999 : 10 + Math.sin(i / 9)));
    writeNetcdf3(input, { time: 4, x: 50 }, [{
      name: 't', dimensions: ['time', 'x'], type: 'float', values,
      attributes: { _FillValue: { type: 'float', values: [-1e34] }, missing_value: { type: 'float', values: [-999] } },
    }]);
    const log: string[] = [];
    await compress(input, { output: path.join(folder(), 'twofills.baler'), errorBound: 'rel:1e-3' }, { onLog: (l) => log.push(l) });
    assert.ok(log.some((l) => l.includes('stored losslessly (an array with two declared missing values (-1e+34, -999)')), log.join('\n'));
    const output = path.join(folder(), 'twofills.back.nc');
    await decompress(path.join(folder(), 'twofills.baler'), { output });
    const back = await openDataSource(output);
    const data = (await back.arrays[0].readSlab(0, 4)).data;
    await back.close();
    assert.deepEqual(Array.from(data as Float32Array), Array.from(values), '-999 stays -999 and -1e34 stays -1e34');
  });

  describe('of integer arrays', () => {
    const INT_FILL = -32767;
    /** 6 frames of 24 × 32 packed values 0…1000 with noise (so that a bound pays), the left quarter and every 7th value missing. */
    const packed = (): Int16Array => {
      let seed = 12345;
      const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 60;
      return Int16Array.from({ length: 6 * 24 * 32 }, (_, i) => {
        const x = i % 32, y = Math.floor(i / 32) % 24, t = Math.floor(i / 768);
        return x < 8 || i % 7 === 0 ? INT_FILL : Math.round(Math.min(1000, Math.max(0, 500 + 450 * Math.sin(0.2 * x + 0.1 * y + 0.3 * t) + noise())));
      });
    };

    /** Compresses `input` (an int16 variable q like `original`) under `bound` and reads back what decompress writes as netCDF. */
    const roundTrip = async (input: string, name: string, bound: string, log: string[] = [], options: CompressOptions = {}): Promise<Int16Array> => {
      const source = await openDataSource(input);
      assert.notEqual(source.arrays[0].exact, true, 'an integer array with one declared missing value is coded within the bound');
      await source.close();
      await compress(input, { output: path.join(folder(), `${name}.baler`), errorBound: bound, ...options }, { onLog: (l) => log.push(l) });
      const info = await inspect(path.join(folder(), `${name}.baler`));
      const declared = source.arrays[0].attributes!.maskedFill;
      assert.equal(info.missingValue, declared, 'info names the declared missing value');
      assert.equal(findRow(infoSections(info), 'errors.missingValue')?.value, `${declared}: each comes back as it, not counted in the errors`);
      const output = path.join(folder(), `${name}.back.nc`);
      await decompress(path.join(folder(), `${name}.baler`), { output });
      const back = await openDataSource(output);
      const values = (await back.arrays[0].readSlab(0, back.arrays[0].shape[0])).data;
      await back.close();
      assert.ok(values instanceof Int16Array, 'written back as int16');
      const h5 = (await import('h5wasm/node')).default;
      await h5.ready;
      const f = new h5.File(output, 'r');
      const fill = (f.get('q') as InstanceType<typeof h5.Dataset>).attrs._FillValue;
      const type = { value: fill.value, size: fill.metadata.size, signed: fill.metadata.signed };
      f.close();
      assert.deepEqual(type, { value: source.arrays[0].attributes!.maskedFill, size: 2, signed: true }, '_FillValue in the variable\'s type (netCDF-C requires it)');
      return values as Int16Array;
    };

    const check = async (input: string, name: string, options: CompressOptions = {}) => {
      const original = packed();
      const values = await roundTrip(input, name, 'rel:1e-2', [], options);
      const reals = Array.from(original).filter((v) => v !== INT_FILL);
      const tolerance = 1e-2 * (Math.max(...reals) - Math.min(...reals));
      for (let i = 0; i < original.length; i++) {
        if (original[i] === INT_FILL) assert.equal(values[i], INT_FILL, `missing value at ${i} came back as ${values[i]}`);
        else assert.ok(values[i] !== INT_FILL && Math.abs(values[i] - original[i]) <= tolerance, `value ${i}: ${values[i]} for ${original[i]} (±${tolerance})`);
      }
      assert.ok(values.some((v, i) => v !== original[i]), 'coded within the bound, not exactly');
    };

    it('no real value comes back as the missing value, even where the bound would allow it', async () => {
      // A noisy field around 20, with 20 itself the missing value (every 5th): under abs:3 most values near 20
      // would be allowed to come back as 20. They are coded within the bound all the same, not stored exactly.
      const MISSING = 20;
      let seed = 12345;
      const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5) * 4;
      const original = Int16Array.from({ length: 4 * 40 * 40 }, (_, i) => {
        const x = i % 40, y = Math.floor(i / 40) % 40, t = Math.floor(i / 1600);
        const v = MISSING + Math.round(10 * Math.sin(0.3 * x + 0.2 * y + 0.5 * t) + noise());
        return i % 5 === 0 ? MISSING : v === MISSING ? v + 1 : v;
      });
      const input = path.join(folder(), 'nearfill.nc');
      writeNetcdf3(input, { time: 4, y: 40, x: 40 }, [{ name: 'q', dimensions: ['time', 'y', 'x'], type: 'short', values: original, attributes: { _FillValue: { type: 'short', values: [MISSING] } } }]);
      const values = await roundTrip(input, 'nearfill', 'abs:3');
      for (let i = 0; i < original.length; i++) {
        if (original[i] === MISSING) assert.equal(values[i], MISSING, `missing value at ${i} came back as ${values[i]}`);
        else assert.ok(values[i] !== MISSING && Math.abs(values[i] - original[i]) <= 3, `value ${i}: ${values[i]} for ${original[i]}`);
      }
      assert.ok(values.some((v, i) => v !== original[i]), 'coded within the bound, not stored exactly');
    });

    it('netCDF-3 int16 with _FillValue and scale_factor: every real value within rel:1e-2, the missing ones exact, _FillValue written as int16', async () => {
      const input = path.join(folder(), 'packed3.nc');
      writeNetcdf3(input, { time: 6, y: 24, x: 32 }, [{
        name: 'q', dimensions: ['time', 'y', 'x'], type: 'short', values: packed(),
        attributes: { _FillValue: { type: 'short', values: [INT_FILL] }, scale_factor: { type: 'float', values: [0.01] }, add_offset: { type: 'float', values: [5] } },
      }]);
      await check(input, 'packed3');
    });

    it('the latent-only search (--objective latent) keeps them too: it reads the whole array with its missing values as NaN', async function () {
      this.timeout(120_000);
      const input = path.join(folder(), 'packed-search.nc');
      writeNetcdf3(input, { time: 6, y: 24, x: 32 }, [{
        name: 'q', dimensions: ['time', 'y', 'x'], type: 'short', values: packed(),
        attributes: { _FillValue: { type: 'short', values: [INT_FILL] } },
      }]);
      await check(input, 'packed-search', { objective: 'latent', timeLimitSeconds: 20 });
    });

    it('netCDF-4 int16 with _FillValue: every real value within rel:1e-2, the missing ones exact', async () => {
      const input = path.join(folder(), 'packed4.nc');
      const sink = await createDataSink(input, undefined, [{ path: 'q', dtype: 'int16', shape: [6, 24, 32], kind: 'frames', names: [], attributes: { netcdf: { attrs: { _FillValue: INT_FILL, scale_factor: 0.01 } } } }], {});
      await sink.writeSlab(0, { dtype: 'int16', shape: [6, 24, 32], data: packed() });
      await sink.finish();
      await check(input, 'packed4');
    });
  });
});
