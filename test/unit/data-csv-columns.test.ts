// CSV tables with text columns (a station name, a date): kept exactly beside the numbers and written back in place;
// --columns chooses among all of them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../../src/kernel/data/formats';
import { compress, decompress } from '../../src/kernel/pipeline';
import { rejectsBaler } from './data-helpers';
import { textColumnsOf } from '../../src/kernel/data/text-columns';
import { MAX_KEPT_STRING_BYTES } from '../../src/kernel/data/strings';
import { inspect } from '../../src/kernel/inspect';
import { findRow, infoSections } from '../../src/kernel/report/info-rows';

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

  it('keeps the text columns exactly, in place, and writes them back to .csv (commas, quotes, empty values)', async () => {
    const text = 'location,date,temp max,wind,weather\nSeattle,2012-01-01,12.8,4.7,drizzle\n"Portland, OR",2012-01-02,10.6,4.5,"say ""hi"""\n" Tacoma",,9.1,3.0,\n';
    assert.equal(await exactRoundTrip('weather-text', text), text);
    const source = await openDataSource(path.join(dir, 'weather-text.csv'));
    await source.close();
    const [array] = source.arrays;
    assert.deepEqual(array.names, ['temp max', 'wind'], 'the numbers are the array to code');
    assert.deepEqual(textColumnsOf(array.attributes, 3).map((c) => [c.name, c.position, c.values]), [
      ['location', 0, ['Seattle', 'Portland, OR', ' Tacoma']], ['date', 1, ['2012-01-01', '2012-01-02', '']], ['weather', 4, ['drizzle', 'say "hi"', '']],
    ]);
    const info = await inspect(path.join(dir, 'weather-text.baler'));
    assert.deepEqual(info.textColumns, ['location', 'date', 'weather']);
    assert.match(findRow(infoSections(info), 'textColumns')!.value, /^location, date, weather: kept exactly/);
  });

  it('a range of rows takes their text; another format than .csv holds the numbers, and says so', async () => {
    const packed = path.join(dir, 'weather-text.baler');
    const rows = path.join(dir, 'rows.csv');
    await decompress(packed, { output: rows, rows: [1, 3] });
    assert.equal(fs.readFileSync(rows, 'utf8'), 'location,date,temp max,wind,weather\n"Portland, OR",2012-01-02,10.6,4.5,"say ""hi"""\n" Tacoma",,9.1,3.0,\n');
    const logs: string[] = [];
    await decompress(packed, { output: path.join(dir, 'numbers.npy') }, { onLog: (line) => logs.push(line) });
    assert.ok(logs.some((l) => l.endsWith("the text columns 'location', 'date', 'weather' are written back to .csv and .parquet only: this file holds the numbers")), logs.join('\n'));
  });

  it('the columns chosen are kept, text among them, in the order named', async () => {
    const input = path.join(dir, 'weather-text.csv');
    const output = path.join(dir, 'chosen.baler');
    await compress(input, { output, columns: ['weather', 'wind'], errorBound: 'abs:0' });
    const back = path.join(dir, 'chosen.csv');
    await decompress(output, { output: back });
    assert.equal(fs.readFileSync(back, 'utf8'), 'weather,wind\ndrizzle,4.7\n"say ""hi""",4.5\n,3.0\n');
    await rejectsBaler(() => compress(input, { output: path.join(dir, 'none.baler'), columns: ['date', 'location'] }),
      /no column of numbers to compress: 'date', 'location' hold text$/, input);
  });

  it('a word further down a column of numbers is refused, naming the column and line', async () => {
    const input = path.join(dir, 'stray.csv');
    fs.writeFileSync(input, 'a,b\n1,2\n3,oops\n');
    const source = await openDataSource(input);
    try {
      await rejectsBaler(() => source.arrays[0].readSlab(0, 2), /column 'b', line 3: 'oops' is not a number \(its first value, line 2, is a number, so it is read as a column of numbers\)$/, input);
    } finally {
      await source.close();
    }
  });

  it('a column is sorted by its first value not missing: an empty first label, and NA (Namibia) among country codes', async () => {
    const text = 'country,label,pop\nNA,,2.5\nUS,lab1,331.9\nFR,lab2,NA\n';
    assert.equal(await exactRoundTrip('namibia', text), 'country,label,pop\nNA,,2.5\nUS,lab1,331.9\nFR,lab2,NaN\n');
  });

  it('text keeps the spaces around it, unquoted as written; integers float64 cannot hold are kept as their digits', async () => {
    const text = 'x,s,id\n1.5, lead,1353877437449476354\n2.5,trail ,-9007199254740993\n3.5,  ,12\n';
    assert.equal(await exactRoundTrip('spaces', text), 'x,s,id\n1.5," lead",1353877437449476354\n2.5,"trail ",-9007199254740993\n3.5,"  ",12\n');
  });

  it('text beyond what a .baler keeps beside the numbers is left out and named; asked for by --columns, refused', async () => {
    const input = path.join(dir, 'long-text.csv');
    const note = 'n'.repeat(40);
    const rows = Math.ceil(MAX_KEPT_STRING_BYTES / note.length) + 1;
    fs.writeFileSync(input, 'x,note,tag\n' + Array.from({ length: rows }, (_, i) => `${i},${note},t${i % 3}\n`).join(''));
    const source = await openDataSource(input);
    await source.close();
    assert.deepEqual(source.skipped?.map((s) => s.path), ['note'], 'the large column left out');
    assert.deepEqual(textColumnsOf(source.arrays[0].attributes, rows).map((c) => [c.name, c.values.length]), [['tag', rows]], 'the small one kept');
    await rejectsBaler(() => openDataSource(input, { columns: ['x', 'note'] }), /'note' holds text, more than the 4 MiB a \.baler keeps exactly beside the numbers: leave it out of --columns/, input);
  });
});
