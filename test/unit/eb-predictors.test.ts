import assert from 'node:assert/strict';
import {
  METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, METHOD_LORENZO, METHOD_LORENZO_OVER_BASE, PREDICTORS,
  predictAlong, predictLorenzo, predictorById, predictorByName, predictorsFor, needsModel, MAX_CHOICES,
} from '../../src/kernel/eb/predictors';

/** The Lagrange polynomial through values at the nodes xs, at x. */
function predictAlongReference(values: Float64Array, xs: number[], x: number): number {
  return xs.reduce((sum, xk, k) => sum + values[xk] * xs.reduce((w, xj, j) => (j === k ? w : (w * (x - xj)) / (xk - xj)), 1), 0);
}

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

  it('interpolates exactly the polynomials it should, near an axis\'s last point too', () => {
    const cubic = Float64Array.from({ length: 9 }, (_, x) => x ** 3 - 2 * x);
    const quadratic = Float64Array.from({ length: 9 }, (_, x) => x * x - 3 * x + 2);
    const linear = Float64Array.from({ length: 9 }, (_, x) => 3 * x + 1);
    const none = new Float64Array(0);
    assert.equal(predictAlong(METHOD_CUBIC, cubic, none, 0, 4, 1, 1, true, 1, 3), 4 ** 3 - 8);
    assert.equal(predictAlong(METHOD_LINEAR, linear, none, 0, 4, 1, 1, true, 1, 3), 13);
    // Stride 2 at x = 6 on an axis whose last point is 7: the right neighbour is 1 away, not 2.
    assert.ok(Math.abs(predictAlong(METHOD_CUBIC, cubic, none, 0, 6, 1, 2, true, 1, 0) - predictAlongReference(cubic, [0, 4, 7], 6)) < 1e-9);
    assert.ok(Math.abs(predictAlong(METHOD_CUBIC, quadratic, none, 0, 6, 1, 2, true, 1, 0) - quadratic[6]) < 1e-9, 'a quadratic through 0, 4, 7');
    assert.ok(Math.abs(predictAlong(METHOD_LINEAR, linear, none, 0, 6, 1, 2, true, 1, 0) - linear[6]) < 1e-12, 'a line through 4 and 7');
    // Stride 1 at x = 2 with the last point at 4: the points 1, 3 and 4 (4 stands in for 5).
    assert.ok(Math.abs(predictAlong(METHOD_CUBIC, quadratic, none, 0, 2, 1, 1, false, 1, 2) - quadratic[2]) < 1e-12);
    const base = Float64Array.from({ length: 9 }, (_, x) => 100 + x);
    assert.equal(predictAlong(METHOD_BASE, cubic, base, 0, 4, 1, 1, true, 1, 3), 104);
    const shifted = Float64Array.from(linear, (v, x) => v + base[x]);
    assert.equal(predictAlong(METHOD_CUBIC_OVER_BASE, shifted, base, 0, 4, 1, 1, true, 1, 3), shifted[4]);
    // A base at an offset: the previous frame lives 9 values back.
    const frames = Float64Array.from({ length: 18 }, (_, i) => (i < 9 ? 5 : 0));
    assert.equal(predictAlong(METHOD_BASE, frames, frames, -9, 13, 1, 1, true, 1, 3), 5);
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
