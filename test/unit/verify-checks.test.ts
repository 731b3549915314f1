// The compressor's own checks of what it wrote (compress/verify.ts): the bound on every decoded value as written in
// the dtype, and the hash that ties the decoded values to those the encoder measured.
import { strict as assert } from 'node:assert';
import { slabBoundChecker } from '../../src/kernel/compress/verify';
import { hashValues } from '../../src/kernel/value-hash';
import type { ArrayStats } from '../../src/kernel/compress/stats';
import { BalerError } from '../../src/kernel/errors';

const statsOf = (min: number[], max: number[]): ArrayStats => ({ min, max, nonFinite: 0, integerValued: false, exactInFloat64: true });

function refuses(check: () => void, detail: RegExp): void {
  assert.throws(check, (e: unknown) => e instanceof BalerError && /verification failed/.test(e.message) && detail.test(e.message));
}

describe('verify: the bound on every decoded value, and the hash of the values', () => {
  const original = Float64Array.from({ length: 1000 }, (_, i) => Math.fround(Math.sin(i / 30) * 4));

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}, one column under rel: within the limit passes; a value past it, or not a ${dtype}, is refused naming its row`, () => {
      const check = slabBoundChecker({ kind: 'rel', value: 1e-3 }, statsOf([-4], [4]), dtype, 'x.npy');
      const limit = 8e-3;
      const within = original.map((x, i) => Math.fround(x + (i % 2 ? 0.99 : -0.99) * limit));
      check(original, within, 0);
      const past = within.slice();
      past[617] = original[617] + 1.01 * limit;
      refuses(() => check(original, past, 100), /row 717 \(flat index 617 /);
      if (dtype === 'float32') {
        const notFloat32 = within.slice();
        notFloat32[3] = original[3] + 1e-9;
        refuses(() => check(original, notFloat32, 0), /flat index 3 /);
      }
    });
  }

  it('non-finite values: NaN back as NaN and ±Inf as themselves pass, anything else is refused; a finite value back as Inf too', () => {
    const check = slabBoundChecker({ kind: 'abs', value: 1e-2 }, statsOf([-4], [4]), 'float32', 'x.npy');
    const x = original.slice();
    x[10] = NaN;
    x[20] = Infinity;
    x[30] = -Infinity;
    check(x, x.slice(), 0);
    for (const [i, value] of [[10, 0], [20, -Infinity], [30, 1e30], [40, Infinity]] as const) {
      const y = x.slice();
      y[i] = value;
      refuses(() => check(x, y, 0), new RegExp(`flat index ${i} `));
    }
  });

  it('pw-rel and tables: each value against its own magnitude, each column against its own range', () => {
    const pw = slabBoundChecker({ kind: 'pw-rel', value: 1e-2 }, statsOf([-4], [4]), 'float64', 'x.npy');
    pw(Float64Array.of(100, -0.001), Float64Array.of(100.9, -0.001009), 0);
    refuses(() => pw(Float64Array.of(100, -0.001), Float64Array.of(100.9, -0.00102), 0), /flat index 1 /);
    const table = slabBoundChecker({ kind: 'rel', value: 1e-2 }, statsOf([0, 0], [1, 1000]), 'float64', 'x.csv');
    table(Float64Array.of(0.5, 500, 0.2, 200), Float64Array.of(0.509, 509, 0.2, 200), 0);
    refuses(() => table(Float64Array.of(0.5, 500, 0.2, 200), Float64Array.of(0.5, 500, 0.211, 200), 7), /row 8 \(flat index 2 /);
  });

  it('hashIfQuick: hashValues of the decoded values where each is within the limit, undefined where the check must look', () => {
    const check = slabBoundChecker({ kind: 'abs', value: 1e-2 }, statsOf([-4], [4]), 'float32', 'x.npy');
    const within = original.map((x, i) => Math.fround(x + (i % 3) * 4e-3));
    assert.equal(check.hashIfQuick(original, within), hashValues(within));
    const past = within.slice();
    past[5] = original[5] + 0.011;
    assert.equal(check.hashIfQuick(original, past), undefined);
    const nan = original.slice();
    nan[9] = NaN;
    assert.equal(check.hashIfQuick(nan, nan.slice()), undefined, 'NaN back as NaN passes the check, not the quick test');
    const table = slabBoundChecker({ kind: 'rel', value: 1e-2 }, statsOf([0, 0], [1, 1000]), 'float64', 'x.csv');
    assert.equal(table.hashIfQuick(Float64Array.of(0.5, 500), Float64Array.of(0.5, 500)), undefined, 'a table has no quick test');
  });

  it('hashes the bits of the values: equal arrays alike, every NaN alike, one bit or the order apart not', () => {
    const a = Float64Array.from({ length: 999 }, (_, i) => Math.cos(i) * 1e3);
    assert.equal(hashValues(a), hashValues(a.slice()));
    const b = a.slice();
    b[500] = NaN;
    const c = b.slice();
    new DataView(c.buffer).setUint32(500 * 8, 0x1234, true);
    assert.ok(Number.isNaN(c[500]));
    assert.equal(hashValues(b), hashValues(c), 'NaN payloads hash alike');
    const d = a.slice();
    new DataView(d.buffer).setUint32(123 * 8, new DataView(d.buffer).getUint32(123 * 8, true) ^ 1, true);
    assert.notEqual(hashValues(a), hashValues(d), 'the lowest bit of one value');
    const e = a.slice();
    e[0] = -0;
    const f = a.slice();
    f[0] = 0;
    assert.notEqual(hashValues(e), hashValues(f), 'the sign of zero');
    const g = a.slice();
    [g[7], g[8]] = [g[8], g[7]];
    assert.notEqual(hashValues(a), hashValues(g), 'two values swapped');
  });
});
