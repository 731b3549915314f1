import assert from 'node:assert/strict';
import { fitColumnModels, MAX_REGRESSORS, predictColumn } from '../../src/kernel/eb/columns';
import { decodeSlab, encodeSlab, globalsFor } from '../../src/kernel/eb';
import { verifyBound } from '../../src/kernel/eb/bound';
import { seededUniform as random } from '../../src/bench/random';

/** rows × 4: a, b independent; c = 2a − 3b + 5 + small noise; d = a constant 7 plus noise. */
function table(rows: number) {
  const r = random(5);
  const values = new Float64Array(rows * 4);
  for (let i = 0; i < rows; i++) {
    const a = r() * 10;
    const b = r() * 4 - 2;
    values.set([a, b, 2 * a - 3 * b + 5 + (r() - 0.5) * 0.01, 7 + (r() - 0.5) * 0.1], i * 4);
  }
  return values;
}

describe('eb: column models', () => {
  it('finds the columns a column is a linear mix of, and a constant for independent columns', () => {
    const rows = 5000;
    const values = table(rows);
    const models = fitColumnModels(values, rows, 4, [1e-4]);
    assert.deepEqual(models[0].regressors, [], 'the first column has nothing before it');
    assert.ok(Math.abs(models[0].intercept - 5) < 0.2, `mean of a: ${models[0].intercept}`);
    assert.deepEqual([...models[2].regressors].sort(), [0, 1]);
    const byRegressor = new Map(models[2].regressors.map((j, k) => [j, models[2].coefficients[k]]));
    assert.ok(Math.abs(byRegressor.get(0)! - 2) < 1e-3 && Math.abs(byRegressor.get(1)! + 3) < 1e-3, JSON.stringify(models[2]));
    assert.ok(Math.abs(models[2].intercept - 5) < 1e-2);
    assert.deepEqual(models[3].regressors, [], 'noise around a constant: no regressor pays');
    for (const m of models) {
      assert.ok(m.regressors.length <= MAX_REGRESSORS);
      for (const b of m.coefficients) assert.equal(Math.fround(b), b, 'coefficients are float32');
    }
    const out = new Float64Array(values.length);
    predictColumn(models[2], values, rows, 4, 2, out);
    for (let r = 0; r < rows; r++) assert.ok(Math.abs(out[r * 4 + 2] - values[r * 4 + 2]) < 0.01);
  });

  it('survives columns of NaN, constants and huge values', () => {
    const rows = 100;
    const values = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 0 ? NaN : i % 3 === 1 ? 4 : 1e300 * (i % 7)));
    const models = fitColumnModels(values, rows, 3, [0]);
    for (const m of models) assert.ok(Number.isFinite(m.intercept) && m.coefficients.every(Number.isFinite));
  });

  it('a table coded with its column models is smaller, within the bound, and decodes alone', async () => {
    const rows = 20_000;
    const values = table(rows);
    const g = globalsFor(values, [rows, 4], { kind: 'rel', value: 1e-3 }, 'table');
    const withModels = await encodeSlab(values, [rows, 4], g, { layout: 'table' });
    const without = await encodeSlab(values, [rows, 4], g, { layout: 'table', predictors: ['interpolation', 'lorenzo'], effort: 'best' });
    assert.ok(withModels.stats.configuration.includes('columns'), withModels.stats.configuration);
    assert.ok(withModels.bytes.length < without.bytes.length * 0.9, `${withModels.bytes.length} vs ${without.bytes.length}`);
    const decoded = await decodeSlab(withModels.bytes, [rows, 4], g);
    assert.ok(verifyBound(values, decoded, g.bound, [rows, 4], true).ok);
    for (let i = 0; i < values.length; i++) if (!Object.is(decoded[i], withModels.reconstruction[i])) assert.fail(`value ${i}`);
  });
});
