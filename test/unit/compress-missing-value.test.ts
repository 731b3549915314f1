// --missing-value X: a marker of missing data the file does not declare, read as a declared _FillValue is — each
// comes back exactly, and the range a rel bound is of is the real values' — and, without it, a usual marker that
// sets a column's range is said, with the option.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { encodeNpz } from '../../src/kernel/data/npz';
import { roundToFloat16 } from '../../src/kernel/data/float16';
import { cliInProcess } from '../fixtures/cli-in-process';

const MARKER = -9999;

describe('compress --missing-value', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-missing-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows = 3000;
  const temperature = Array.from({ length: rows }, (_, i) => (i % 97 === 5 ? MARKER : Number((20 + 5 * Math.sin(i / 60)).toFixed(2))));
  const csv = path.join(dir, 'station.csv');
  fs.writeFileSync(csv, ['temp,pres', ...temperature.map((t, i) => `${t},${(1013 + Math.cos(i / 80)).toFixed(2)}`)].join('\n') + '\n');

  function realRange(values: ArrayLike<number>): number {
    const real = Array.from(values).filter((v) => v !== MARKER);
    return Math.max(...real) - Math.min(...real);
  }

  async function roundTrip(input: string, options: { missingValue?: number; errorBound?: string }, ext: string): Promise<{ logs: string[]; output: string }> {
    const logs: string[] = [];
    const baler = input.replace(/\.\w+$/, `.${options.missingValue ?? 'none'}.baler`);
    await compress(input, { ...options, learned: 'none', output: baler, force: true }, { onLog: (l) => logs.push(l) });
    const output = baler.replace(/\.baler$/, `.out${ext}`);
    await decompress(baler, { output, force: true });
    return { logs, output };
  }

  it('a CSV column: each marker back exactly, the rest within rel:1e-4 of the real values\' range', async () => {
    const { logs, output } = await roundTrip(csv, { missingValue: MARKER, errorBound: 'rel:1e-4' }, '.csv');
    assert.ok(!logs.some((l) => /usual marker/.test(l)), 'no note when the option is given');
    const back = fs.readFileSync(output, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    const allowed = 1e-4 * realRange(temperature);
    for (const [i, t] of temperature.entries()) {
      if (t === MARKER) assert.equal(back[i], MARKER, `row ${i}`);
      else assert.ok(Math.abs(back[i] - t) <= allowed, `row ${i}: ${back[i]} vs ${t} (allowed ${allowed})`);
    }
  });

  it('without it, the marker that sets the range is said, with the option to give', async () => {
    const { logs } = await roundTrip(csv, {}, '.csv');
    assert.ok(logs.some((l) => /column 'temp': least value -9999, a usual marker of missing data, and rel:0\.0001 is of the range it sets.*--missing-value -9999 keeps/.test(l)), logs.join('\n'));
    const abs = await roundTrip(csv, { errorBound: 'abs:0.01' }, '.csv');
    assert.ok(!abs.logs.some((l) => /usual marker/.test(l)), 'an abs bound is not of the range');
  });

  for (const dtype of ['float32', 'float16', 'int16'] as const) {
    it(`${dtype} frames: each marker back exactly in the file's own dtype, the rest within the bound`, async () => {
      const n = 8 * 32 * 32;
      const values = Array.from({ length: n }, (_, i) => (i % 211 === 0 ? MARKER : Math.round(100 * Math.sin(i / 50) + 20 * Math.cos(i / 7))));
      const data = dtype === 'int16' ? Int16Array.from(values) : Float32Array.from(values);
      const input = path.join(dir, `frames-${dtype}.npy`);
      fs.writeFileSync(input, encodeNpy({ dtype, shape: [8, 32, 32], data }));
      const { output } = await roundTrip(input, { missingValue: MARKER, errorBound: 'rel:1e-3' }, '.npy');
      const back = parseNpy(new Uint8Array(fs.readFileSync(output)));
      assert.equal(back.dtype, dtype);
      const allowed = 1e-3 * realRange(values);
      for (let i = 0; i < n; i++) {
        // float16 holds -9999 as -10000, as numpy's float16(-9999) is: the option's value is taken as the dtype holds it.
        if (values[i] === MARKER) assert.equal(back.data[i], dtype === 'float16' ? roundToFloat16(MARKER) : MARKER, `value ${i}`);
        else assert.ok(Math.abs(Number(back.data[i]) - values[i]) <= allowed, `value ${i}: ${back.data[i]} vs ${values[i]}`);
      }
    });
  }

  it('a marker met nowhere (a typo, another file\'s marker) is said, and the note on the real one still given', async () => {
    const { logs } = await roundTrip(csv, { missingValue: -1234 }, '.csv');
    assert.ok(logs.some((l) => /--missing-value -1234: no value of the array is -1234, so none is marked missing/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /least value -9999, a usual marker/.test(l)), logs.join('\n'));
  });

  it('the note: a float32 1e20 (as CMIP files hold it) and every column it is in; none for integers that reach 999 as data', async () => {
    const n = 40 * 50;
    const values = Float32Array.from({ length: n }, (_, i) => (i % 37 === 0 ? 1e20 : 280 + 5 * Math.sin(i / 40)));
    const input = path.join(dir, 'cmip.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [40, 50], data: values }));
    const { logs } = await roundTrip(input, {}, '.npy');
    assert.ok(logs.some((l) => /greatest value 1e\+20, a usual marker.*--missing-value 1e20 keeps/.test(l)), logs.join('\n'));
    const table = path.join(dir, 'two.csv');
    fs.writeFileSync(table, ['a,b,c', ...Array.from({ length: 400 }, (_, i) => `${i % 50 === 0 ? -9999 : (i / 10).toFixed(1)},${i % 70 === 3 ? -9999 : (2 + Math.sin(i)).toFixed(3)},${i % 7}`)].join('\n') + '\n');
    assert.ok((await roundTrip(table, {}, '.csv')).logs.some((l) => /columns 'a', 'b': least value -9999/.test(l)));
    const counts = path.join(dir, 'counts.npy');
    fs.writeFileSync(counts, encodeNpy({ dtype: 'int16', shape: [2000], data: Int16Array.from({ length: 2000 }, (_, i) => (i * 7919) % 1000) }));
    assert.ok(!(await roundTrip(counts, {}, '.npy')).logs.some((l) => /usual marker/.test(l)), 'integers 0…999 are data');
  });

  it('the note: -999 far below the values (pressures of 1e5 Pa), naming the array of a file of several; none where values reach down to it', async () => {
    const n = 6000;
    const pressure = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -999 : 1e5 + 100 * Math.sin(i / 50)));
    const spread = Float32Array.from({ length: n }, (_, i) => (i === 7 ? -999 : -999 + ((i * 7919) % n) * (101000 / n)));
    const input = path.join(dir, 'probes.npz');
    fs.writeFileSync(input, encodeNpz([
      { name: 'pressure', array: { dtype: 'float32', shape: [n], data: pressure } },
      { name: 'spread', array: { dtype: 'float32', shape: [n], data: spread } },
    ]));
    const { logs } = await roundTrip(input, {}, '.npz');
    assert.ok(logs.some((l) => /the array 'pressure': least value -999, a usual marker of missing data.*--missing-value -999 keeps/.test(l)), logs.join('\n'));
    assert.ok(!logs.some((l) => /'spread'.*usual marker/.test(l)), `values from -999 up are data: ${logs.join('\n')}`);
  });

  it('--missing-value that is not a number: one line naming the option', async () => {
    const r = await cliInProcess(['compress', csv, '--missing-value', 'NA']);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /^baler: .*--missing-value.*must be a finite number/);
  });
});
