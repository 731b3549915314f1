import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decimalsWithin, textRoundoff, withinDecimals } from '../../src/kernel/data/decimal-text';
import { roundDownToFloat32 } from '../../src/kernel/codec/numbers';
import { compress, decompress } from '../../src/kernel/pipeline';
import { tempFolder } from './data-helpers';

/** The numeric fields of a CSV file's column c (header skipped). */
function columnText(file: string, c: number): string[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[c]);
}

function decimalsOf(text: string): number {
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

describe('data: numbers read from text are written back with the decimals their bound leaves room for', () => {
  const folder = tempFolder('baler-decimal-text-');

  it('chooses the fewest decimals whose rounding fits, and leaves 1/128 of a tolerance at most', () => {
    assert.equal(decimalsWithin(0.1), 1, '0.05 fits in 0.1');
    assert.equal(decimalsWithin(0.05), 2, "0.05 is not within 0.05 once the rounding's own error is allowed for");
    assert.equal(decimalsWithin(7.8e-4), 3);
    assert.equal(decimalsWithin(1e6), 0, 'never fewer than none');
    assert.equal(decimalsWithin(0), undefined);
    assert.equal(decimalsWithin(1e-120), undefined, 'beyond toFixed: written exactly');
    for (const t of [1e-9, 3.7e-4, 0.1, 2.5, 1234.5]) {
      const r = textRoundoff(t);
      assert.ok(r > 0 && r <= t / 128, `roundoff ${r} of tolerance ${t}`);
      assert.ok(r > t / 1280 || r >= 0.5, 'not more than one decimal finer than it needs (whole numbers at most)');
    }
  });

  it('writes a value shorter only where the rounding is within its decimals, and keeps −0, NaN and large values exact', () => {
    assert.equal(withinDecimals(0.009999980492683715, 3, '0.009999980492683715'), '0.01');
    assert.equal(withinDecimals(20.10500001, 3, '20.10500001'), '20.105');
    assert.equal(withinDecimals(29.0000001, 3, '29.0000001'), '29');
    assert.equal(withinDecimals(-0.0001, 2, '-0.0001'), '0', 'a negative value rounded to zero is written 0');
    assert.equal(withinDecimals(-0, 2, '-0'), '-0');
    assert.equal(withinDecimals(NaN, 2, 'NaN'), 'NaN');
    assert.equal(withinDecimals(1e300, 2, '1e+300'), '1e+300');
    assert.equal(withinDecimals(0.5, 3, '0.5'), '0.5', 'the exact text when it is no longer');
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 20000; n++) {
      const v = (random() - 0.5) * 10 ** Math.floor(random() * 16 - 8);
      const k = Math.floor(random() * 20);
      const text = withinDecimals(v, k, String(v));
      assert.ok(Math.abs(Number(text) - v) <= 0.5 * 10 ** -k, `${v} with ${k} decimals: ${text}`);
    }
  });

  it('leaves room so that a tolerance less its roundoff, rounded as the header stores it, plus the decimals of what is left, stays within it', () => {
    for (const t of [1e-7, 3.3e-4, 0.01, 0.1, 7, 1e5]) {
      const bound = roundDownToFloat32(t);
      const coded = roundDownToFloat32(bound - textRoundoff(bound));
      const decimals = decimalsWithin(bound - coded)!;
      assert.ok(coded + 0.5 * 10 ** -decimals <= bound, `tolerance ${t}`);
    }
  });

  it('whole numbers come back whole where the bound is one to two units and coding the real values would be smaller', async function () {
    this.timeout(120_000);
    const csv = path.join(folder(), 'counts.csv');
    // A counter, an ADC reading and a flag, as a DAQ log has them: at rel:1e-3 the counter's bound is 1.999 (2,000
    // rows), where the real values' steps (3.998) are a third coarser than the grid's (3 units).
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows = Array.from({ length: 2000 }, (_, i) => `${i},${Math.floor(next() * 4095) - 2048},${next() < 0.5 ? 0 : 1}`);
    fs.writeFileSync(csv, ['id,adc,flag', ...rows].join('\n') + '\n');
    const input = rows.map((line) => line.split(',').map(Number));
    const { output } = await compress(csv, { errorBound: 'rel:1e-3', threads: 1, output: path.join(folder(), 'counts.baler') });
    const back = path.join(folder(), 'counts.back.csv');
    await decompress(output, { output: back, threads: 1 });
    for (let c = 0; c < 3; c++) {
      const text = columnText(back, c);
      const range = Math.max(...input.map((r) => r[c])) - Math.min(...input.map((r) => r[c]));
      for (let r = 0; r < input.length; r++) {
        assert.equal(decimalsOf(text[r]), 0, `column ${c}, row ${r}: ${text[r]} is not a whole number`);
        assert.ok(Math.abs(Number(text[r]) - input[r][c]) <= 1e-3 * range, `column ${c}, row ${r}: ${text[r]} against ${input[r][c]}`);
      }
    }
  });

  it('a CSV of measurements comes back as short text within the bound, and exactly at abs:0', async function () {
    this.timeout(120_000);
    const csv = path.join(folder(), 'log.csv');
    const rows = Array.from({ length: 20000 }, (_, i) => {
      const temperature = 20 + 5 * Math.sin(i / 300) + ((i * 7919) % 61) / 100;
      const flux = Math.exp(Math.sin(i * 0.37) * 3) * 1e-3;
      return `${(i * 0.01).toFixed(2)},${temperature.toFixed(3)},${flux}`;
    });
    fs.writeFileSync(csv, ['time,temperature,flux', ...rows].join('\n') + '\n');
    const input = rows.map((line) => line.split(',').map(Number));
    const ranges = [0, 1, 2].map((c) => Math.max(...input.map((r) => r[c])) - Math.min(...input.map((r) => r[c])));

    // rel:1e-4 gives time a bound of 0.02 (two of its hundredths) and flux one far below its 17 digits.
    const { output } = await compress(csv, { errorBound: 'rel:1e-4', threads: 1 });
    const back = path.join(folder(), 'back.csv');
    await decompress(output, { output: back, threads: 1 });
    for (let c = 0; c < 3; c++) {
      const text = columnText(back, c);
      const allowed = 1e-4 * ranges[c];
      for (let r = 0; r < input.length; r++) {
        assert.ok(Math.abs(Number(text[r]) - input[r][c]) <= allowed, `column ${c}, row ${r}: ${text[r]} against ${input[r][c]}`);
      }
    }
    assert.ok(Math.max(...columnText(back, 0).map(decimalsOf)) <= 4, 'time written with a few decimals, not 17 digits');
    assert.ok(Math.max(...columnText(back, 2).map((t) => t.length)) <= 12, 'flux written with the digits its bound needs');
    assert.ok(fs.statSync(back).size < fs.statSync(csv).size, 'the text written back is no larger than the text read');

    assert.ok(columnText(back, 0).every((t) => decimalsOf(t) <= 2), 'time back on its hundredths');

    const { output: exact } = await compress(csv, { errorBound: 'abs:0', threads: 1, output: path.join(folder(), 'exact.baler') });
    const exactBack = path.join(folder(), 'exact.csv');
    await decompress(exact, { output: exactBack, threads: 1 });
    for (let c = 0; c < 3; c++) {
      assert.deepEqual(columnText(exactBack, c).map(Number), input.map((r) => r[c]), `abs:0: column ${c} as read`);
    }
  });
});
