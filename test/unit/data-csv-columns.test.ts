// CSV tables with text columns (a station name, a date): --columns keeps the numeric ones, as for Parquet, and a
// table read whole says which --columns would read it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../../src/kernel/data/formats';
import { compress, decompress } from '../../src/kernel/pipeline';
import { rejectsBaler } from './data-helpers';

describe('csv columns', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-csv-columns-'));
    file = path.join(dir, 'weather.csv');
    fs.writeFileSync(file, 'location,date,temp max,wind,weather\nSeattle,2012-01-01,12.8,4.7,drizzle\nSeattle,2012-01-02,10.6,4.5,rain\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The text of NAME.csv (holding `text`) compressed losslessly and decompressed to CSV. */
  const exactRoundTrip = async (name: string, text: string): Promise<string> => {
    const input = path.join(dir, `${name}.csv`);
    fs.writeFileSync(input, text);
    const packed = path.join(dir, `${name}.baler`);
    const back = path.join(dir, `${name}.out.csv`);
    await compress(input, { output: packed, errorBound: 'abs:0' });
    await decompress(packed, { output: back });
    return fs.readFileSync(back, 'utf8');
  };

  it('reads only the columns named in --columns, in that order', async () => {
    const source = await openDataSource(file, { columns: ['wind', 'temp max'] });
    try {
      const [array] = source.arrays;
      assert.deepEqual(array.names, ['wind', 'temp max']);
      assert.deepEqual(array.shape, [2, 2]);
      const slab = await array.readSlab(0, 2);
      assert.deepEqual([...slab.data], [4.7, 12.8, 4.5, 10.6]);
    } finally {
      await source.close();
    }
  });

  it('writes back 21.0 in a column written with decimals, and 21 in a column of integers (pandas reads their dtypes back)', async () => {
    assert.equal(await exactRoundTrip('readings', 'id,temp,count\n1,21.0,3\n2,22.5,4\n3,,5\n4,23.0,6\n'), 'id,temp,count\n1,21.0,3\n2,22.5,4\n3,NaN,5\n4,23.0,6\n');
  });

  it('refuses --kind image for a table with column names, writing nothing', async () => {
    const input = path.join(dir, 'named.csv');
    fs.writeFileSync(input, 'a,b\n1,2\n3,4\n');
    const output = path.join(dir, 'named.baler');
    await rejectsBaler(() => compress(input, { output, kind: 'image' }), /--kind image: the array has column names, so it is a table/, input);
    assert.ok(!fs.existsSync(output));
  });

  it('writes back a large whole number of a decimal column with an exponent, as pandas does (pandas reads 100000000000000000000.0 as text)', async () => {
    const text = 'e,n\n1e+20,1\n2.5e+16,2\n9999999999999998.0,3\n-3e+300,4\n';
    assert.equal(await exactRoundTrip('large', text), text);
  });

  it('a file separated by semicolons or tabs is refused saying so (not "3 values, expected 1")', async () => {
    for (const [name, text, shown] of [['eu.csv', 'a;b;c\n1,5;2;3\n', "';'"], ['t.csv', 'a\tb\n1\t2\n', 'tabs']]) {
      const other = path.join(dir, name);
      fs.writeFileSync(other, text);
      await rejectsBaler(() => openDataSource(other), new RegExp(`the values are separated by ${shown}, and only comma-separated files are read`), other);
    }
  });

  it('refuses a column the file does not have, listing those it has', async () => {
    await rejectsBaler(() => openDataSource(file, { columns: ['wind', 'rain'] }), /no column 'rain' \(columns: location, date, temp max, wind, weather\)/, file);
  });

  it('says which --columns reads a table with text columns', async () => {
    const source = await openDataSource(file);
    try {
      await rejectsBaler(() => source.arrays[0].readSlab(0, 1),
        /column 'location', line 2: 'Seattle' is not a number; to compress the numeric columns only: --columns 'temp max,wind'$/, file);
    } finally {
      await source.close();
    }
  });
});
