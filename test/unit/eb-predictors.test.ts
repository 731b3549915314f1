import assert from 'node:assert/strict';
import {
  METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, METHOD_LORENZO, METHOD_LORENZO_OVER_BASE, PREDICTORS,
  predictAlong, predictLorenzo, predictorById, predictorByName, predictorsFor, needsModel, MAX_CHOICES,
} from '../../src/kernel/eb/predictors';

describe('eb: predictor registry', () => {
  it('has unique ids and names, a method each, and no mode offering more than fit in a choice', () => {
    assert.equal(new Set(PREDICTORS.map((p) => p.id)).size, PREDICTORS.length);
    assert.equal(new Set(PREDICTORS.map((p) => p.name)).size, PREDICTORS.length);
    for (const p of PREDICTORS) assert.equal(predictorById(p.id), p);
    for (const mode of ['interpolation', 'temporal', 'lorenzo'] as const) assert.ok(predictorsFor(mode, true).length <= MAX_CHOICES);
    assert.equal(predictorById(200), undefined);
    assert.throws(() => predictorByName('ae'), RangeError);
  });

  it('lists each mode\'s candidates, the model\'s only with a model; the previous frame is named as such', () => {
    assert.deepEqual(predictorsFor('temporal', false).map((p) => p.name), ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame']);
    assert.deepEqual(predictorsFor('interpolation', true).map((p) => p.name), ['cubic', 'linear', 'model', 'cubic-over-model']);
    assert.deepEqual(predictorsFor('lorenzo', true).map((p) => p.name), ['lorenzo', 'model', 'lorenzo-over-model']);
    assert.ok(predictorsFor('temporal', true).some(needsModel));
    assert.ok(!predictorsFor('temporal', false).some(needsModel));
  });

  it('interpolates exactly the polynomials it should', () => {
    const cubic = Float64Array.from({ length: 9 }, (_, x) => x ** 3 - 2 * x);
    const linear = Float64Array.from({ length: 9 }, (_, x) => 3 * x + 1);
    const none = new Float64Array(0);
    assert.equal(predictAlong(METHOD_CUBIC, cubic, none, 0, 4, 1, true, true, true), 4 ** 3 - 8);
    assert.equal(predictAlong(METHOD_LINEAR, linear, none, 0, 4, 1, true, true, true), 13);
    assert.equal(predictAlong(METHOD_CUBIC, linear, none, 0, 8, 1, true, false, false), linear[7], 'no right neighbour: the left one');
    const base = Float64Array.from({ length: 9 }, (_, x) => 100 + x);
    assert.equal(predictAlong(METHOD_BASE, cubic, base, 0, 4, 1, true, true, true), 104);
    const shifted = Float64Array.from(linear, (v, x) => v + base[x]);
    assert.equal(predictAlong(METHOD_CUBIC_OVER_BASE, shifted, base, 0, 4, 1, true, true, true), shifted[4]);
    // A base at an offset: the previous frame lives 9 values back.
    const frames = Float64Array.from({ length: 18 }, (_, i) => (i < 9 ? 5 : 0));
    assert.equal(predictAlong(METHOD_BASE, frames, frames, -9, 13, 1, true, true, true), 5);
  });

  it('Lorenzo reproduces a plane in 3-D, with and without a base', () => {
    const [n0, n1, n2] = [3, 4, 5];
    const plane = Float64Array.from({ length: n0 * n1 * n2 }, (_, i) => 2 * Math.floor(i / 20) - 3 * (Math.floor(i / 5) % 4) + 0.5 * (i % 5));
    const none = new Float64Array(0);
    const i = 1 * 20 + 2 * 5 + 3;
    assert.equal(predictLorenzo(METHOD_LORENZO, plane, none, 0, i, true, true, true, 20, 5, 1), plane[i]);
    const base = Float64Array.from(plane, (_, k) => Math.sin(k));
    const sum = Float64Array.from(plane, (v, k) => v + base[k]);
    assert.ok(Math.abs(predictLorenzo(METHOD_LORENZO_OVER_BASE, sum, base, 0, i, true, true, true, 20, 5, 1) - sum[i]) < 1e-12);
  });
});
