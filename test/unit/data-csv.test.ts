import { strict as assert } from 'node:assert';
import seedrandom from 'seedrandom';
import { BalerError } from '../../src/kernel/errors';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeCsv, namesColumns, parseCsv, parseCsvNumber } from '../../src/kernel/data/csv';
import { compress, decompress } from '../../src/kernel/pipeline';
import { tempFolder } from './data-helpers';
import { roundToFloat16 } from '../../src/kernel/data/float16';

function throwsBaler(fn: () => unknown, message: string | RegExp, file: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BalerError, `expected a BalerError, got ${String(e)}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    assert.equal(e.file, file);
    return true;
  });
}

describe('csv', () => {
  it('parses a header and rows of numbers into float64 rows × columns', () => {
    const table = parseCsv('pt,eta,phi\n1,2.5,-3e-2\n4, 5 ,6\n', 't.csv');
    assert.deepEqual(table.names, ['pt', 'eta', 'phi']);
    assert.equal(table.array.dtype, 'float64');
    assert.deepEqual(table.array.shape, [2, 3]);
    assert.deepEqual([...table.array.data], [1, 2.5, -0.03, 4, 5, 6]);
  });

  it('handles quotes, CRLF, a byte order mark, blank lines and no final newline', () => {
    const text = '\ufeff"a, b","say ""hi""",c\r\n\r\n"1",2,3\r\n   \r\n4,5,6';
    const table = parseCsv(text);
    assert.deepEqual(table.names, ['a, b', 'say "hi"', 'c']);
    assert.deepEqual([...table.array.data], [1, 2, 3, 4, 5, 6]);
  });

  it('reads nan and inf spellings of numpy and pandas', () => {
    const table = parseCsv('x\nnan\nNaN\ninf\n-inf\nInfinity\n-Infinity\n1E3\n.5\n-0\n');
    assert.deepEqual([...table.array.data], [NaN, NaN, Infinity, -Infinity, Infinity, -Infinity, 1000, 0.5, -0]);
    for (const text of ['0x10', '1,5', '1e', '--1', 'Infinityx', '1 2']) assert.equal(parseCsvNumber(text), undefined, text);
    for (const text of ['', ' ', 'NA', 'null']) assert.ok(Number.isNaN(parseCsvNumber(text)), `'${text}' is a missing value`);
  });

  it('treats an all-numeric first row as data (no header)', () => {
    const table = parseCsv('1,2\n3,4\n');
    assert.deepEqual(table.names, []);
    assert.deepEqual(table.array.shape, [2, 2]);
  });

  it('a non-numeric value names the file, the column and the line (counting blank and multi-line records)', () => {
    const rows = Array.from({ length: 14 }, (_, i) => `${i},${i}`);
    const text = `x,eta\n${rows.join('\n')}\n\n3,abc\n`;
    throwsBaler(() => parseCsv(text, 'data.csv'), "column 'eta', line 17: 'abc' is not a number", 'data.csv');
    throwsBaler(() => parseCsv('"multi\nline",b\n1,2\n1,x\n', 'm.csv'), "column 'b', line 4: 'x' is not a number", 'm.csv');
    throwsBaler(() => parseCsv(',b\nq,1\n', 'i.csv'), "column 1, line 2: 'q' is not a number", 'i.csv');
  });

  it('reads missing values as pandas writes and reads them (empty, NA, N/A, null, None…) as NaN', () => {
    const table = parseCsv('a,b,c\n1,,NA\n2,n/a,null\n3,None,<NA>\n4,#N/A,5\n', 'm.csv');
    assert.deepEqual(table.names, ['a', 'b', 'c']);
    assert.deepEqual(Array.from(table.array.data as Float64Array).map((v) => (Number.isNaN(v) ? 'NaN' : v)), [1, 'NaN', 'NaN', 2, 'NaN', 'NaN', 3, 'NaN', 'NaN', 4, 'NaN', 5]);
    throwsBaler(() => parseCsv('a,b\n1,2\n1,missing\n', 'e.csv'), "column 'b', line 3: 'missing' is not a number", 'e.csv');
  });

  it('refuses ragged rows, unclosed quotes and files without rows', () => {
    throwsBaler(() => parseCsv('a,b,c\n1,2,3\n4,5\n', 'r.csv'), 'line 3: 2 values, expected 3 (as in line 1)', 'r.csv');
    throwsBaler(() => parseCsv('a,b\n1,2,3\n', 'r.csv'), /line 2: 3 values, expected 2/, 'r.csv');
    throwsBaler(() => parseCsv('a,"b\n1,2\n', 'q.csv'), /line 1: a quoted field is never closed/, 'q.csv');
    throwsBaler(() => parseCsv('"a"x,b\n', 'q.csv'), /unexpected text after a closing quote/, 'q.csv');
    throwsBaler(() => parseCsv('\n\n', 'blank.csv'), /no rows/, 'blank.csv');
  });

  it('writes the shortest text that reads back to the same value of the dtype', () => {
    const float64 = encodeCsv(['a', 'b'], { dtype: 'float64', shape: [2, 2], data: Float64Array.of(0.1, -0, 1e21, NaN) });
    assert.equal(float64, 'a,b\n0.1,-0\n1e+21,NaN\n');
    const float32 = encodeCsv([], { dtype: 'float32', shape: [3], data: Float32Array.of(0.1, 1 / 3, -Infinity) });
    assert.equal(float32, 'column_1\n0.1\n0.33333334\n-inf\n', 'a header row even without names: readers take the first row as one');
    const float16 = encodeCsv(['h'], { dtype: 'float16', shape: [2, 1], data: Float32Array.of(roundToFloat16(0.1), 65504) });
    assert.equal(float16, 'h\n0.1\n65500\n');
    const ints = encodeCsv(['i', 'u'], { dtype: 'int64', shape: [1, 2], data: BigInt64Array.of(-(2n ** 63n), 7n) });
    assert.equal(ints, 'i,u\n-9223372036854775808,7\n');
  });

  it('quotes names that need it', () => {
    const text = encodeCsv(['a,b', 'say "hi"', ' pad', ''], { dtype: 'int8', shape: [1, 4], data: Int8Array.of(1, 2, 3, 4) });
    assert.equal(text, '"a,b","say ""hi"""," pad",""\n1,2,3,4\n');
    assert.deepEqual(parseCsv(text).names, ['a,b', 'say "hi"', ' pad', '']);
  });

  it('round-trips random float64 and float32 values exactly', () => {
    const random = seedrandom('csv');
    const values = Float64Array.from({ length: 3000 }, () => (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20));
    const back64 = parseCsv(encodeCsv(['a', 'b', 'c'], { dtype: 'float64', shape: [1000, 3], data: values })).array.data;
    assert.deepEqual([...back64], [...values]);
    const singles = new Float32Array(values);
    const back32 = parseCsv(encodeCsv(['a', 'b', 'c'], { dtype: 'float32', shape: [1000, 3], data: singles })).array.data;
    assert.deepEqual(Array.from(back32 as Float64Array, Math.fround), [...singles]);
  });

  it('writes small floats with an exponent as Python does (pandas reads 0.0000030888435964774976 8 digits short)', () => {
    const data = Float64Array.of(3.0888435964774976e-6, 1e-5, -1.0985411419875617e-8, 0.000868511373751352, 1e-4, 1.5e-300, 0);
    assert.equal(encodeCsv(['x'], { dtype: 'float64', shape: [7, 1], data }),
      'x\n3.0888435964774976e-06\n1e-05\n-1.0985411419875617e-08\n0.000868511373751352\n0.0001\n1.5e-300\n0\n');
    assert.equal(encodeCsv(['x'], { dtype: 'float32', shape: [1, 1], data: Float32Array.of(3.0888436e-6) }), 'x\n3.0888436e-06\n');
  });
});

describe('csv: the first line', () => {
  const folder = tempFolder('baler-csv-header-');

  it('names the columns when it is text, or the numbers pandas and spectra name columns with; other numbers are data', () => {
    assert.equal(namesColumns(['pt', 'eta']), true);
    assert.equal(namesColumns(['', '0', '1', '2']), true, "pandas' index and an array's columns");
    assert.equal(namesColumns(['0', '1']), true, "pandas' names of an array's two columns");
    assert.equal(namesColumns(['400', '410', '420']), true, 'wavelengths');
    assert.equal(namesColumns(['1', '2']), false);
    assert.equal(namesColumns(['3', '7']), false);
    assert.equal(namesColumns(['0.5', '0.6', '0.7']), false);
    assert.equal(namesColumns(['9.85e-01', '9.27e-01', '5.79e-02']), false, 'np.savetxt writes no header');
    assert.equal(namesColumns(['1', '3', '2']), false);
    assert.equal(namesColumns(['5', '5', '5']), false);
    assert.deepEqual(parseCsv(',0,1\n0,0.5,0.25\n1,0.75,0.5\n').names, ['', '0', '1']);
  });

  it('a CSV written by pandas from an array keeps its header and index, and one without a header comes back without one', async function () {
    this.timeout(60_000);
    const rows = Array.from({ length: 500 }, (_, i) => [i, Math.sin(i / 7), Math.cos(i / 11)]);
    const pandas = path.join(folder(), 'frame.csv');
    fs.writeFileSync(pandas, [',0,1', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    const savetxt = path.join(folder(), 'plain.csv');
    fs.writeFileSync(savetxt, rows.map((r) => r.map((v) => v.toExponential(18)).join(',')).join('\n') + '\n');
    for (const [input, header] of [[pandas, '"",0,1'], [savetxt, undefined]] as const) {
      const { output } = await compress(input, { errorBound: 'abs:1e-6', threads: 1 });
      const back = path.join(folder(), `back-${path.basename(input)}`);
      await decompress(output, { output: back, threads: 1 });
      const lines = fs.readFileSync(back, 'utf8').trim().split('\n');
      assert.equal(lines.length, header ? 501 : 500, `${path.basename(input)}: its lines`);
      if (header) assert.equal(lines[0], header);
      const data = header ? lines.slice(1) : lines;
      for (let i = 0; i < 500; i++) {
        const values = data[i].split(',').map(Number);
        values.forEach((v, c) => assert.ok(Math.abs(v - rows[i][c]) <= 1e-6, `${path.basename(input)} row ${i} column ${c}`));
      }
    }
  });
});
