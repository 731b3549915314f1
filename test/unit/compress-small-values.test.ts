// A column most of whose values are below its bound (a lognormal spanning decades, under a rel bound of its range)
// is said, with pw-rel; a column of ordinary spread, a pw-rel bound and an abs bound below the values are not.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { compress } from '../../src/kernel/pipeline';
import { MagnitudeSample } from '../../src/kernel/compress/magnitudes';

describe('values smaller than their bound', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-small-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const random = seedrandom('lognormal');
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows = 6000;
  const conc = Array.from({ length: rows }, () => Math.exp(3 * normal()));
  const temp = Array.from({ length: rows }, () => 20 + normal());
  const csv = path.join(dir, 'air.csv');
  fs.writeFileSync(csv, ['temp,conc', ...conc.map((c, i) => `${temp[i].toFixed(3)},${c.toPrecision(6)}`)].join('\n') + '\n');

  async function notes(errorBound?: string): Promise<string[]> {
    const logs: string[] = [];
    await compress(csv, { ...(errorBound ? { errorBound } : {}), learned: 'none', output: path.join(dir, 'air.baler'), force: true }, { onLog: (l) => logs.push(l) });
    return logs.filter((l) => /none of their own digits/.test(l));
  }

  it('a lognormal column under the default rel bound: said, with its share and pw-rel', async () => {
    const range = Math.max(...conc) - Math.min(...conc);
    const share = conc.filter((c) => c < 1e-4 * range).length / rows;
    assert.ok(share > 0.5, `the fixture has most values below the bound (${share})`);
    const [note, ...more] = await notes();
    assert.equal(more.length, 0);
    const said = Number(/about (\d+)% of its non-zero values/.exec(note)?.[1]);
    assert.ok(Math.abs(said / 100 - share) < 0.05, `${said}% said, ${(100 * share).toFixed(1)}% true: ${note}`);
    assert.match(note, /column 'conc'.*--error-bound pw-rel:1e-3/);
  });

  it('not said under pw-rel, nor under an abs bound below nearly every value, nor of values around 0 under a loose bound', async () => {
    assert.deepEqual(await notes('pw-rel:1e-3'), []);
    assert.deepEqual(await notes('abs:1e-6'), []);
    const noise = new MagnitudeSample(1);
    noise.add(Float64Array.from({ length: 7000 }, () => normal()));
    assert.ok(noise.fractionBelow(0, 0.5) > 0.25, 'over a quarter of the noise is below 0.5');
    assert.ok(noise.octavesAboveMedian(0) < 10, 'but it spans no orders of magnitude');
  });

  it('the sample sees every column of a table, whatever the slabs', () => {
    const columns = 7;
    const whole = new MagnitudeSample(columns);
    const sliced = new MagnitudeSample(columns);
    const values = Float64Array.from({ length: columns * 700 }, (_, i) => (i % columns) * 10 ** ((i % 5) - 2) + 1e-3);
    whole.add(values);
    for (let r = 0; r < 700; r += 33) sliced.add(values.subarray(r * columns, Math.min(700, r + 33) * columns));
    for (let c = 0; c < columns; c++) {
      assert.equal(sliced.fractionBelow(c, 0.5), whole.fractionBelow(c, 0.5), `column ${c}`);
      assert.ok(whole.fractionBelow(c, 1e9) === 1, `column ${c} sampled`);
    }
  });
});
