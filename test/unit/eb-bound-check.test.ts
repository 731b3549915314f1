// The encoder's final check (eb/bound-check.ts): every value as written in the dtype within the bound, or it throws
// (the compressor then stores the slab losslessly). A view whose every value passes the quick test is checked in a
// loop of its own; this is what it must still catch.
import { strict as assert } from 'node:assert';
import { checkBound } from '../../src/kernel/eb/bound-check';
import type { EbGlobals } from '../../src/kernel/eb/codec';
import { valueType } from '../../src/kernel/eb/dtype';
import { layoutOf, type LayoutName } from '../../src/kernel/eb/layout';
import { planFrom } from '../../src/kernel/eb/plan';

const broke = (i: number) => new RegExp(`broke its bound at value ${i}:`);

function planned(shape: number[], layout: LayoutName, g: EbGlobals) {
  return planFrom(g, layoutOf(shape, layout), valueType(g.dtype), layoutOf(shape, layout).views.map(() => 0), 20, false);
}

describe('eb: the encoder\'s own check of its reconstruction', () => {
  const shape = [8, 16, 16];
  const values = Float64Array.from({ length: 8 * 16 * 16 }, (_, i) => Math.fround(Math.sin(i / 7) * 3));
  const tolerance = 1e-2;

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: within the bound passes; a value past it anywhere, or not a ${dtype}, throws naming it`, () => {
      const g: EbGlobals = { bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance], dtype, kind: 'frames' };
      const plan = planned(shape, 'field', g);
      const within = values.map((x, i) => Math.fround(x + (i % 2 ? 0.99 : -0.99) * tolerance));
      checkBound(values, within, plan, g);
      for (const i of [0, 1000, values.length - 1]) {
        const past = within.slice();
        past[i] = Math.fround(values[i] + 1.01 * tolerance);
        assert.throws(() => checkBound(values, past, plan, g), broke(i));
      }
      const notInDtype = within.slice();
      notInDtype[777] = values[777] + 1e-9;
      if (dtype === 'float32') assert.throws(() => checkBound(values, notInDtype, plan, g), broke(777));
      else checkBound(values, notInDtype, plan, g);
    });
  }

  it('non-finite values: NaN back as NaN and Inf as itself pass; a finite value back as Inf throws', () => {
    const g: EbGlobals = { bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance], dtype: 'float32', kind: 'frames' };
    const plan = planned(shape, 'field', g);
    const x = values.slice();
    x[300] = NaN;
    x[301] = Infinity;
    const y = x.slice();
    checkBound(x, y, plan, g);
    y[1500] = Infinity;
    assert.throws(() => checkBound(x, y, plan, g), broke(1500));
    const z = x.slice();
    z[301] = 1;
    assert.throws(() => checkBound(x, z, plan, g), broke(301));
  });

  it('a table\'s columns, each against its own tolerance, seen through strided views', () => {
    const rows = 200;
    const table = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3) * 100 + Math.cos(i));
    const g: EbGlobals = { bound: { kind: 'rel', value: 1e-3 }, tolerances: [0.001, 0.1, 0.01], dtype: 'float64', kind: 'table' };
    const plan = planned([rows, 3], 'table', g);
    const y = table.map((v, i) => v + [0.0009, 0.09, 0.009][i % 3]);
    checkBound(table, y, plan, g);
    for (const [row, column, error] of [[150, 2, 0.011], [150, 1, 0.11], [199, 0, -0.0011]]) {
      const past = y.slice();
      past[3 * row + column] = table[3 * row + column] + error;
      assert.throws(() => checkBound(table, past, plan, g), broke(3 * row + column));
    }
  });
});
