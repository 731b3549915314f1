// One walk of a slab's values before it is planned (eb/plan.ts scanSlab): whether it holds NaN or ±Inf, its largest
// finite magnitude, and whether every value is a finite float32 (which the WebAssembly encoder then need not find
// out again for each pass: wasm/encoder-memory.ts pointsAreFloat32). Each must be what a walk of its own finds.
import { strict as assert } from 'node:assert';
import { encoderPlan, scanSlab } from '../../src/kernel/eb/plan';
import type { EbGlobals } from '../../src/kernel/eb/codec';
import { pointsAreFloat32 } from '../../src/kernel/eb/wasm/encoder-memory';
import { valueType } from '../../src/kernel/eb/dtype';
import type { PassInput } from '../../src/kernel/eb/pass';

function byValue(values: Float64Array) {
  const finite = [...values].filter(Number.isFinite);
  return {
    specials: finite.length !== values.length,
    maxAbsFinite: finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
    finiteFloat32: [...values].every((v) => Number.isFinite(v) && Math.fround(v) === v),
  };
}

describe('eb: the scan of a slab its plans share', () => {
  const base = Float64Array.from({ length: 5000 }, (_, i) => Math.fround(Math.sin(i / 13) * (1 + i / 1000)));

  it('finds what a walk of its own finds, wherever the value that decides it is', () => {
    assert.deepStrictEqual(scanSlab(base), byValue(base));
    assert.deepStrictEqual(scanSlab(new Float64Array(0)), { specials: false, maxAbsFinite: 0, finiteFloat32: true });
    for (const at of [0, 2500, 4999]) {
      for (const special of [NaN, Infinity, -Infinity, 1e6, -1e6, 0.1, -0]) {
        const values = base.slice();
        values[at] = special;
        assert.deepStrictEqual(scanSlab(values), byValue(values), `${special} at ${at}`);
      }
    }
  });

  it('pointsAreFloat32 with the scan\'s answer agrees with its own walk, for the slab and a part of it', () => {
    const input = (finiteFloat32?: boolean) => ({ type: valueType('float32'), configuration: { predictors: [{ name: 'cubic' }] }, ...(finiteFloat32 === undefined ? {} : { finiteFloat32 }) }) as unknown as PassInput;
    const wide = base.slice();
    wide[1234] = 0.1;
    for (const values of [base, wide]) {
      const { finiteFloat32 } = scanSlab(values);
      for (const part of [values, values.subarray(2000, 3000), values.subarray(0, 1000)]) {
        assert.equal(pointsAreFloat32(input(finiteFloat32), part), pointsAreFloat32(input(), part));
      }
    }
    const float64 = { ...input(true), type: valueType('float64') } as PassInput;
    assert.equal(pointsAreFloat32(float64, base), false, 'only a float32 pass holds its points as f32');
  });

  it('a table\'s step shrink from each column\'s own largest value (the scan\'s is the whole slab\'s: one view only)', () => {
    // Column 0 up to 1000 within 10, column 1 up to 1 within 0.01: each column leaves room for a float32's roundoff of
    // 100 tolerances; column 1 against column 0's largest value would need room for 10^5.
    const rows = 500;
    const values = Float64Array.from({ length: rows * 2 }, (_, i) => Math.fround(i % 2 ? Math.sin(i) : 1000 * Math.cos(i / 3)));
    const g: EbGlobals = { bound: { kind: 'rel', value: 1e-3 }, tolerances: [10, 0.01], dtype: 'float32', kind: 'table' };
    const type = valueType('float32');
    let worst = 1e-6;
    for (const [c, tau] of [[0, 10], [1, 0.01]]) {
      let largest = 0;
      for (let r = 0; r < rows; r++) largest = Math.max(largest, Math.abs(values[2 * r + c]));
      const ratio = ((largest + tau) * type.roundoff) / tau + 1e-6;
      if (ratio < 0.25 && ratio > worst) worst = ratio;
    }
    const plan = encoderPlan(values, [rows, 2], g, 'table', type, scanSlab(values));
    assert.deepEqual(plan.base.grids, [0, 0], 'real values: the step shrink is used');
    assert.equal(plan.stepShrink, Math.floor(-Math.log2(worst)));
  });
});
