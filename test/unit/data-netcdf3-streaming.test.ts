// netCDF-3 read in place, slab by slab: record variables interleaved record by record (padded rows, and the
// unpadded single record variable), fixed variables whose size is not a multiple of 4 bytes, a file larger than
// the memory budget, and a truncated file.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../../src/kernel/data/formats';
import { rejectsBaler } from './data-helpers';
import { writeNetcdf3 } from './netcdf3-writer';

describe('netCDF-3 read in place', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-nc3-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ramp = (n: number, scale = 1) => Array.from({ length: n }, (_, i) => ((i * 7) % 101) * scale - 50);

  /** Every row of every array, read in slabs of `rows` rows, against the values written. */
  async function readsBack(file: string, expected: Record<string, number[]>, rows: number, memoryBudget?: number): Promise<void> {
    const source = await openDataSource(file, {}, { memoryBudget });
    try {
      assert.deepEqual(source.arrays.map((a) => a.path).sort(), Object.keys(expected).sort());
      for (const array of source.arrays) {
        const values: number[] = [];
        for (let start = 0; start < array.shape[0]; start += rows) {
          const slab = await array.readSlab(start, Math.min(rows, array.shape[0] - start));
          values.push(...Array.from(slab.data as ArrayLike<number>));
        }
        assert.deepEqual(values, expected[array.path], array.path);
      }
    } finally {
      await source.close();
    }
  }

  it('reads record variables record by record, padded rows among several, and fixed variables of odd sizes', async () => {
    const file = path.join(dir, 'records.nc');
    const vars = {
      time: ramp(7, 0.5),
      odd: ramp(7 * 3), // 3 shorts a record: 6 bytes, padded to 8 among several record variables
      field: ramp(7 * 2 * 5, 0.25),
      mask: ramp(5).map((v) => v % 100), // 5 bytes, not a multiple of 4
    };
    writeNetcdf3(file, { time: 7, y: 2, x: 5, k: 3 }, [
      { name: 'time', dimensions: ['time'], type: 'double', values: vars.time },
      { name: 'odd', dimensions: ['time', 'k'], type: 'short', values: vars.odd },
      { name: 'field', dimensions: ['time', 'y', 'x'], type: 'float', values: vars.field },
      { name: 'mask', dimensions: ['x'], type: 'byte', values: vars.mask },
    ], {}, 'time');
    for (const rows of [1, 3, 7]) await readsBack(file, vars, rows);
  });

  it('reads the only record variable without padding between its records', async () => {
    const file = path.join(dir, 'single.nc');
    const odd = ramp(9 * 3);
    writeNetcdf3(file, { time: 9, k: 3 }, [{ name: 'odd', dimensions: ['time', 'k'], type: 'short', values: odd }], {}, 'time');
    assert.equal(fs.statSync(file).size % 4, 2, 'records of 6 bytes, unpadded');
    await readsBack(file, { odd }, 4);
  });

  it('reads a file of zero records whose record variables begin past its end (netCDF-C places them so)', async () => {
    const file = path.join(dir, 'no-records.nc');
    const mask = ramp(5);
    writeNetcdf3(file, { time: 0, k: 3, x: 5 }, [
      { name: 'time', dimensions: ['time'], type: 'double', values: [] },
      { name: 'odd', dimensions: ['time', 'k'], type: 'byte', values: [] },
      { name: 'mask', dimensions: ['x'], type: 'short', values: mask },
    ], {}, 'time');
    const source = await openDataSource(file);
    try {
      assert.deepEqual(source.arrays.map((a) => [a.path, a.shape]), [['time', [0]], ['odd', [0, 3]], ['mask', [5]]]);
    } finally {
      await source.close();
    }
    await readsBack(file, { time: [], odd: [], mask }, 5);
  });

  it('streams a file larger than the memory budget', async () => {
    const file = path.join(dir, 'large.nc');
    const field = Array.from({ length: 40 * 64 * 64 }, (_, i) => Math.sin(i / 17));
    writeNetcdf3(file, { time: 40, y: 64, x: 64 }, [{ name: 'field', dimensions: ['time', 'y', 'x'], type: 'double', values: field }], {}, 'time');
    assert.ok(fs.statSync(file).size > 1.2e6);
    await readsBack(file, { field: field.map((v) => v) }, 5, 1 << 20);
  });

  it('refuses a CDF-5 (64-bit data) file saying what it is, not as a truncated netCDF-3 file', async () => {
    const file = path.join(dir, 'cdf5.nc');
    writeNetcdf3(file, { x: 4 }, [{ name: 'v', dimensions: ['x'], type: 'short', values: [1, 2, 3, 4] }]);
    const bytes = fs.readFileSync(file);
    bytes[3] = 5; // the version byte netCDF-C writes for NETCDF3_64BIT_DATA
    fs.writeFileSync(file, bytes);
    await rejectsBaler(() => openDataSource(file), /^a netCDF-3 64-bit data file \(CDF-5, NETCDF3_64BIT_DATA\) is not read; convert it/, file);
  });

  it('refuses a truncated file in one line naming the variable, before reading any value', async () => {
    const file = path.join(dir, 'cut.nc');
    writeNetcdf3(file, { time: 6, x: 8 }, [{ name: 'field', dimensions: ['time', 'x'], type: 'float', values: ramp(48) }], {}, 'time');
    fs.truncateSync(file, fs.statSync(file).size - 10);
    await rejectsBaler(() => openDataSource(file), /truncated: the variable 'field' ends at byte \d+, the file has \d+/, file);
  });
});
