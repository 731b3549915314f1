import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { absoluteTolerances, parseErrorBound, verifyBound } from '../../src/kernel/eb/bound';

describe('eb: error bound syntax', () => {
  it('parses abs, rel and pw-rel', () => {
    assert.deepEqual(parseErrorBound('abs:0.5'), { kind: 'abs', value: 0.5 });
    assert.deepEqual(parseErrorBound('rel:1e-3'), { kind: 'rel', value: 1e-3 });
    assert.deepEqual(parseErrorBound(' pw-rel:0.01 '), { kind: 'pw-rel', value: 0.01 });
  });

  it('rejects bad syntax with a BalerError', () => {
    for (const bad of ['', 'rel', 'rel:', 'rel:abc', 'foo:1', 'abs:-1', 'abs:Infinity', 'pw-rel:1', 'rel:1e-3x']) {
      assert.throws(() => parseErrorBound(bad, 'x.npz'), (e: unknown) => e instanceof BalerError && e.file === 'x.npz', bad);
    }
  });

  it('rel on a table uses each column range', () => {
    const values = Float64Array.from([0, 100, 1, 300, 2, 200]); // 3 rows × 2 cols
    assert.deepEqual(absoluteTolerances(values, [3, 2], { kind: 'rel', value: 0.1 }, true), [0.2, 20]);
    assert.deepEqual(absoluteTolerances(values, [3, 2], { kind: 'rel', value: 0.1 }, false), [30]);
  });

  it('verifyBound finds the first violation and treats NaN as equal to NaN', () => {
    const a = Float64Array.from([1, NaN, 3, Infinity]);
    assert.equal(verifyBound(a, Float64Array.from([1.05, NaN, 3, Infinity]), { kind: 'abs', value: 0.1 }).ok, true);
    const bad = verifyBound(a, Float64Array.from([1, NaN, 3.2, Infinity]), { kind: 'abs', value: 0.1 });
    assert.equal(bad.ok, false);
    assert.equal(bad.firstViolation, 2);
    assert.equal(verifyBound(a, Float64Array.from([1, 0, 3, Infinity]), { kind: 'abs', value: 1 }).firstViolation, 1);
  });
});
