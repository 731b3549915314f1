import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StatsAccumulator, tolerancesFor } from '../../src/kernel/compress/stats';
import { integerColumnsOf } from '../../src/kernel/data/typed';
import { compress, decompress } from '../../src/kernel/pipeline';
import { inspect } from '../../src/kernel/inspect';
import { tempFolder } from './data-helpers';

/** The CSV's numeric fields, row by row (header skipped). */
function rowsOf(file: string): number[][] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').map(Number));
}

describe('compress: integer columns beside real numbers are kept exact under any bound', () => {
  const folder = tempFolder('baler-integer-columns-');

  it('are the integer columns of a table of mixed dtypes, none where every column or none is an integer', () => {
    assert.deepEqual(integerColumnsOf(['int64', 'float64', 'int32', 'bool']), [0, 2, 3]);
    assert.equal(integerColumnsOf(['int16', 'uint16']), undefined, 'a table of counts: the bound is for them all');
    assert.equal(integerColumnsOf(['float32', 'float64']), undefined);
  });

  it('have a tolerance of 0 where every value is an integer, and abs then one tolerance per column', () => {
    const stats = new StatsAccumulator(3);
    stats.add(Float64Array.of(1, 0.5, 10, 2, 1.5, 20.5, 3, 2.5, 30));
    const result = stats.result({ integerColumns: [0, 2] });
    assert.deepEqual(result.exactColumns, [true, false, false], 'column 2 holds 20.5: not an integer column after all');
    assert.deepEqual(tolerancesFor({ kind: 'rel', value: 0.1 }, result), [0, 0.2, 0.1 * 20]);
    assert.deepEqual(tolerancesFor({ kind: 'abs', value: 0.25 }, result), [0, 0.25, 0.25]);
    assert.deepEqual(tolerancesFor({ kind: 'abs', value: 0.25 }, stats.result()), [0.25], 'no integer columns: one tolerance');
  });

  it('event and run numbers in a CSV come back exact at rel:1e-3, abs:2 and pw-rel:1e-3, the measurements within the bound', async function () {
    this.timeout(120_000);
    const csv = path.join(folder(), 'events.csv');
    const rows = Array.from({ length: 8000 }, (_, i) => {
      const event = 1_000_000 + i * 37 + ((i * 7919) % 29);
      const energy = 40 + 25 * Math.sin(i / 13) + ((i * 104729) % 1000) / 997;
      return [event, 190_000 + Math.floor(i / 1000), Number(energy.toFixed(4))];
    });
    fs.writeFileSync(csv, ['event,run,energy', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const energyRange = Math.max(...rows.map((r) => r[2])) - Math.min(...rows.map((r) => r[2]));
    const bounds: [string, (x: number) => number][] = [['rel:1e-3', () => 1e-3 * energyRange], ['abs:2', () => 2], ['pw-rel:1e-3', (x) => 1e-3 * Math.abs(x)]];
    for (const [bound, allowed] of bounds) {
      const { output, info } = await compress(csv, { errorBound: bound, threads: 1, output: path.join(folder(), `events-${bound.replace(':', '')}.baler`) });
      // Under pw-rel the header holds no per-column tolerances to say it by (the values below do).
      if (!bound.startsWith('pw-rel')) assert.deepEqual(info.exactColumns, ['event', 'run'], `${bound}: info names the exact columns`);
      const back = path.join(folder(), `back-${bound.replace(':', '')}.csv`);
      await decompress(output, { output: back, threads: 1 });
      const read = rowsOf(back);
      for (let i = 0; i < rows.length; i++) {
        assert.equal(read[i][0], rows[i][0], `${bound}: event of row ${i}`);
        assert.equal(read[i][1], rows[i][1], `${bound}: run of row ${i}`);
        assert.ok(Math.abs(read[i][2] - rows[i][2]) <= allowed(rows[i][2]), `${bound}: energy of row ${i}`);
      }
    }
    // The search (--objective latent) keeps them exact too: its checker holds it to that.
    const { output: searched } = await compress(csv, { errorBound: 'rel:1e-3', objective: 'latent', searchAutoencoders: false, threads: 1, output: path.join(folder(), 'searched.baler') });
    const searchedBack = path.join(folder(), 'searched.csv');
    await decompress(searched, { output: searchedBack, threads: 1 });
    assert.deepEqual(rowsOf(searchedBack).map((r) => r[0]), rows.map((r) => r[0]), 'the search: every event number exact');
    // A table of integers alone (ADC counts) is coded within the bound like any other.
    const counts = path.join(folder(), 'counts.csv');
    fs.writeFileSync(counts, ['a,b', ...rows.map((r) => `${r[0]},${r[1]}`)].join('\n') + '\n');
    const { output } = await compress(counts, { errorBound: 'rel:1e-3', threads: 1 });
    assert.equal((await inspect(output)).exactColumns, undefined);
  });
});
