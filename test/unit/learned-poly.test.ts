// The sparse second-order column predictor: finds products and squares that linear least squares cannot
// see, takes no term on noise, and predicts the same bits after a round trip through its bytes.
import { strict as assert } from 'node:assert';
import seedrandom from 'seedrandom';
import { ByteReader, ByteWriter } from '../../src/kernel/codec/bytes';
import { fitPoly, NO_FACTOR, polyForward, readPoly, writePoly } from '../../src/kernel/learned/poly';
import { fitColumns } from '../../src/kernel/learned/fit-columns';
import type { EbGlobals } from '../../src/kernel/compress/eb-slab';
import { dependentTable } from '../fixtures/learned';

/** rows × 4 standardised-ish pairs: a, b, c independent; the target (position 3) from `f`. */
function pairs(rows: number, f: (a: number, b: number, c: number, noise: number) => number): Float64Array {
  const random = seedrandom.alea('poly');
  const out = new Float64Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    const [a, b, c] = [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1];
    out.set([a, b, c, f(a, b, c, random() - 0.5)], r * 4);
  }
  return out;
}

describe('learned second-order column predictor', () => {
  const rows = 6000;

  it('finds a product and a square, and predicts within the noise', () => {
    const data = pairs(rows, (a, b, c, e) => 2 * a * b - 0.5 * c * c + 0.3 * a + 1e-3 * e);
    const poly = fitPoly(data, data, rows, 4, 3, 1e-8, rows)!;
    const terms = Array.from(poly.first, (x, t) => [x, poly.second[t]].join('·'));
    assert.ok(terms.includes('0·1'), `a·b among ${terms}`);
    assert.ok(terms.includes('2·2'), `c² among ${terms}`);
    assert.ok(terms.includes(`0·${NO_FACTOR}`), `a among ${terms}`);
    const y = polyForward(poly, Float64Array.from({ length: rows * 3 }, (_, i) => data[Math.floor(i / 3) * 4 + (i % 3)]), rows, 3);
    for (let r = 0; r < rows; r++) assert.ok(Math.abs(y[r] - data[r * 4 + 3]) < 2e-3, `row ${r}`);
  });

  it('takes no term where none saves more than it costs (a target independent of its inputs)', () => {
    const data = pairs(rows, (_a, _b, _c, e) => e);
    assert.equal(fitPoly(data, data, rows, 4, 3, 1e-8, rows), undefined);
  });

  it('on a wide table, still finds a product of inputs the target follows, and takes no term by chance among many', () => {
    const random = seedrandom.alea('poly-wide');
    const width = 41;
    const data = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < width - 1; c++) data[r * width + c] = random();
      data[r * width + width - 1] = data[r * width + 3] * data[r * width + 30] + 1e-3 * random();
    }
    const poly = fitPoly(data, data, rows, width, width - 1, 1e-8, 1e6)!;
    const terms = Array.from(poly.first, (x, t) => [x, poly.second[t]].join('·'));
    assert.ok(terms.includes('3·30'), `3·30 among ${terms}`);
    assert.ok(terms.every((t) => /^(3|30)·/.test(t)), `only terms of columns 3 and 30: ${terms}`);
  });

  it('reads back what it wrote, and refuses a term naming an input it does not have', () => {
    const data = pairs(rows, (a, b) => a * b);
    const poly = fitPoly(data, data, rows, 4, 3, 1e-8, rows)!;
    const w = new ByteWriter();
    writePoly(w, poly);
    const bytes = w.finish();
    assert.deepEqual(readPoly(new ByteReader(bytes), 3), poly);
    assert.throws(() => readPoly(new ByteReader(bytes), 1), /term/);
  });

  it('is chosen by the cross-column model for the product column of a table', async () => {
    const values = dependentTable(4000);
    const tolerances = [0, 1, 2, 3, 4].map((c) => {
      let lo = Infinity, hi = -Infinity;
      for (let i = c; i < values.length; i += 5) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
      return 1e-3 * (hi - lo);
    });
    const g: EbGlobals = { bound: { kind: 'rel', value: 1e-3 }, tolerances, dtype: 'float64', kind: 'table' };
    const { model } = await fitColumns(values, 4000, 5, g);
    assert.equal(model.predictors[3].kind, 'poly', 'column 3 is the product of columns 0 and 1');
  });
});
