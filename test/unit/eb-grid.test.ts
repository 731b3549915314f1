import assert from 'node:assert/strict';
import { decimalGrid, detectGrid, gridPays, gridUnits, integerValued } from '../../src/kernel/eb/grid';
import { compressBytes } from '../../src/kernel/codec/entropy';
import type { GridView } from '../../src/kernel/eb/traversal';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { readDataset } from '../../src/kernel/data/dataset';
import { tempFolder } from './data-helpers';

const whole = (n: number): GridView => ({ offset: 0, dims: [1, 1, n], strides: [0, 0, 1] });
const f64 = (v: number) => v;
/** The unit roundoffs of float64 and float32 (ValueType.roundoff). */
const F64 = 2 ** -53;
const F32 = 2 ** -24;

describe('eb: grids', () => {
  const decimalsFolder = tempFolder('baler-decimals-');
  it('finds integers, an ADC step as the data holds it, and none in real-valued data', () => {
    const counts = Array.from({ length: 5000 }, (_, i) => Math.round(300 * Math.sin(i / 40)) + (i % 7));
    assert.equal(detectGrid(Float64Array.from(counts), whole(5000), f64, F64), 1);
    const adc = Float64Array.from(counts, (k) => k * 0.005);
    assert.equal(detectGrid(adc, whole(5000), f64, F64), 0.005, 'the step at the fewest digits, not the float difference');
    const coarser = Float64Array.from(counts, (k) => k * 0.015);
    assert.equal(detectGrid(coarser, whole(5000), f64, F64), 0.015);
    const everyThird = Float64Array.from(counts, (k) => 3 * k * 0.005);
    assert.equal(detectGrid(everyThird, whole(5000), f64, F64), 0.005, 'every third count of 0.005: on the 0.005 grid as the data holds it');
    const binary = Float64Array.from(counts, (k) => k / 1024);
    assert.equal(detectGrid(binary, whole(5000), f64, F64), 1 / 1024);
    const float32 = Float64Array.from(counts, (k) => Math.fround(k * 0.1));
    assert.equal(detectGrid(float32, whole(5000), Math.fround, F32), 0.1, 'float32 of k × 0.1, as written back in float32');
    const real = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) * 3.3 + i * 1e-7);
    assert.equal(detectGrid(real, whole(5000), f64, F64), 0);
  });

  it('finds the decimals a text file held (k / 10^d as read, which k × 10^-d often is not), coarser than the dtype', () => {
    const text = Array.from({ length: 5000 }, (_, i) => (Math.sin(i / 40) * 300).toFixed(4));
    const read = Float64Array.from(text, Number);
    assert.equal(detectGrid(read, whole(5000), f64, F64), decimalGrid(4));
    assert.ok(read.some((v) => Math.round(v * 1e4) * 1e-4 !== v), 'some values are not k × 0.0001');
    const small = Float64Array.from({ length: 5000 }, (_, i) => Math.fround(Number((Math.sin(i / 40) * 3).toFixed(4))));
    assert.equal(detectGrid(small, whole(5000), Math.fround, F32), decimalGrid(4), 'read into float32');
    assert.equal(detectGrid(Float64Array.from(read, Math.fround), whole(5000), Math.fround, F32), 0, 'float32 near 300 has 2 digits to spare beyond 4 decimals: too few to tell');
    const printedInFull = Float64Array.from(read, (v, i) => (i % 500 === 0 ? v + Math.PI * 1e-9 : v));
    assert.equal(detectGrid(printedInFull, whole(5000), f64, F64), 0, 'a few values printed in full (repr) are off a grid of 4 decimals, and no finer one is the data\'s');
    const float32 = Float64Array.from({ length: 5000 }, (_, i) => Math.fround(Math.sin(i / 7) + 1e-3 * Math.cos(i)));
    assert.equal(detectGrid(float32, whole(5000), Math.fround, F32), 0, 'every float32 is a decimal of 9 digits: no grid');
    const float64 = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) + 1e-3 * Math.cos(i));
    assert.equal(detectGrid(float64, whole(5000), f64, F64), 0);
  });

  it('codes a CSV table of decimals exactly at abs:0, and on its decimals within a bound', async () => {
    const dir = decimalsFolder();
    const input = path.join(dir, 'decimals.csv');
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${(20 * Math.exp(Math.sin(i / 17))).toFixed(4)},${(Math.cos(i / 5) * 1.5).toFixed(3)}`);
    fs.writeFileSync(input, 'n,energy,eta\n' + rows.join('\n') + '\n');
    const zstdOnly = (await compressBytes(fs.readFileSync(input), 'zstd', 19)).length;
    for (const errorBound of ['abs:0', 'abs:0.05']) {
      const { output, info } = await compress(input, { errorBound, output: path.join(dir, `decimals-${errorBound.replace(':', '')}.baler`), threads: 1 });
      const back = path.join(dir, `decimals-${errorBound.replace(':', '')}.csv`);
      await decompress(output, { output: back });
      const written = fs.readFileSync(back, 'utf8').trim().split('\n').slice(1);
      if (errorBound === 'abs:0') {
        const values = (lines: string[]) => lines.map((line) => line.split(',').map(Number));
        assert.deepEqual(values(written), values(rows), 'every value written as read');
        assert.ok(info.sizes.total < zstdOnly, `${info.sizes.total} B against zstd's ${zstdOnly} B of the text`);
      } else {
        written.forEach((line, r) => line.split(',').forEach((cell, c) => {
          assert.ok(Math.abs(Number(cell) - Number(rows[r].split(',')[c])) <= 0.05, `row ${r}: ${line} against ${rows[r]}`);
          assert.ok(!/\d{5,}/.test(cell.split('.')[1] ?? ''), `${cell}: on the column's decimals`);
        }));
      }
    }
  });

  it('tolerates a few values off the grid (stored exactly), not many; NaN and ±Inf do not count', () => {
    const adc = Float64Array.from({ length: 5000 }, (_, i) => Math.round(100 * Math.cos(i / 30)) * 0.25);
    adc[17] = NaN;
    adc[18] = -Infinity;
    adc[19] = 0.3;
    assert.equal(detectGrid(adc, whole(5000), f64, F64), 0.25);
    for (let i = 0; i < 100; i++) adc[100 + 37 * i] += Math.PI / 100;
    assert.equal(detectGrid(adc, whole(5000), f64, F64), 0);
  });

  it('looks at a view\'s own values only (a table\'s column)', () => {
    const table = Float64Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) : Math.sqrt(i)));
    assert.equal(detectGrid(table, { offset: 0, dims: [1, 1, 1000], strides: [0, 0, 2] }, f64, F64), 1);
    assert.equal(detectGrid(table, { offset: 1, dims: [1, 1, 1000], strides: [0, 0, 2] }, f64, F64), 0);
    assert.equal(integerValued(table, { offset: 0, dims: [1, 1, 1000], strides: [0, 0, 2] }), true);
  });

  it('pays when lossless, below half a unit, and when whole units are at least as coarse as real steps', () => {
    assert.equal(gridPays(1, 0, 0), true);
    assert.equal(gridPays(1, 0.4, 0.4), true, 'one unit beats a step of 0.8');
    assert.equal(gridPays(1, 2.4, 2.4), true, '5 units beat 4.8');
    assert.equal(gridPays(1, 1.98, 1.98), false, '3 units lose to 3.96');
    assert.equal(gridPays(1, 49.999, 49.998), true, '99 units: 1% finer than 99.996, the values kept whole');
    assert.equal(gridPays(1, 19.999, 19.998), true, '39 units: 2.5% finer than 39.996');
    assert.equal(gridPays(1, 9.9, 9.9), false, '19 units: 4% finer than 19.8');
    assert.equal(gridPays(0.005, 0.0074, 0.0074), true);
    assert.equal(gridPays(0, 1, 1), false);
    assert.equal(gridPays(1e-12, 1, 1), false, 'a bound of 2^40 units: real steps');
    assert.ok(gridUnits(0.005, 0.015) < 3 && gridUnits(0.005, 0.015) > 2.999999, 'a hair below τ/g: never a unit too many');
    assert.equal(gridUnits(1, 3), 3);
  });

  const dir = tempFolder('baler-grid-');
  it('a CSV counter column comes back as whole numbers under rel:1e-3 (a bound of 20 counts), within the bound', async function () {
    this.timeout(60_000);
    const csv = path.join(dir(), 'events.csv');
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},${(50 + 10 * Math.sin(i / 3) + ((i * 7919) % 13) / 7).toFixed(6)}`);
    fs.writeFileSync(csv, ['event,E', ...rows].join('\n') + '\n');
    const { output } = await compress(csv, { errorBound: 'rel:1e-3', threads: 1 });
    const { output: back } = await decompress(output, { output: path.join(dir(), 'back.csv'), threads: 1 });
    const counter = fs.readFileSync(back, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    assert.deepEqual(counter.filter((v) => !/^-?\d+$/.test(v)).slice(0, 3), [], 'every counter value written as a whole number');
    const values = (await readDataset(back)).values;
    for (let i = 0; i < 20000; i++) assert.ok(Math.abs(values[2 * i] - i) <= 1e-3 * 19999, `event ${i}`);
  });
});

