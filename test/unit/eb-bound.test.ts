import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { absoluteTolerances, parseErrorBound, parseRequestedBound, verifyBound } from '../../src/kernel/eb/bound';
import { checkCompressOptions } from '../../src/kernel/compress/options';

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

  it('a rel bound asked for must be below 1 (rel:2 is most likely 2%), but a file that holds one is still read', () => {
    assert.deepEqual(parseRequestedBound('rel:0.5'), { kind: 'rel', value: 0.5 });
    for (const bad of ['rel:1', 'rel:2']) {
      assert.throws(() => parseRequestedBound(bad, 'x.npz'), (e: unknown) => e instanceof BalerError && e.file === 'x.npz' && /must be below 1 \(for \d% of it, rel:0\.0\d\)/.test(e.message), bad);
    }
    assert.throws(() => checkCompressOptions({ errorBound: 'rel:2' }, 'x.npz'), /rel:0\.02/);
    assert.throws(() => parseRequestedBound('rel:100'), (e: unknown) => e instanceof BalerError && /must be below 1$/.test(e.message), 'no suggestion that is itself refused');
    assert.deepEqual(parseErrorBound('rel:2'), { kind: 'rel', value: 2 });
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
