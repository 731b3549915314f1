import assert from 'node:assert/strict';
import { activityBucket, contextOf, IndexCoder } from '../../src/kernel/eb/contexts';
import { ESCAPE } from '../../src/kernel/eb/quantizer';

describe('eb: context model', () => {
  it('round-trips indices of every size, escapes, choices and symbols through one stream', () => {
    const indices = [0, 1, -1, 2, -3, 7, 100, -1000, 65535, -(2 ** 29), 2 ** 30 - 1, ESCAPE, 0, 0, 5];
    const enc = IndexCoder.forEncoding(16);
    indices.forEach((q, k) => enc.encodeIndex(q, contextOf(k % 5, k * 7)));
    for (let k = 0; k < 20; k++) enc.codeChoice(k % 5, k % 3, 3);
    for (let k = 0; k < 20; k++) enc.codeSymbol(k & 3, 2, k % 4);
    const stream = enc.finish();
    const dec = IndexCoder.forDecoding(stream);
    assert.deepEqual(indices.map((_, k) => dec.decodeIndex(contextOf(k % 5, k * 7))), indices);
    for (let k = 0; k < 20; k++) assert.equal(dec.codeChoice(0, k % 3, 3), k % 5);
    for (let k = 0; k < 20; k++) assert.equal(dec.codeSymbol(0, 2, k % 4), k & 3);
    assert.equal(dec.consumedExactly(), true);
  });

  it('zero indices in a quiet context cost a small fraction of a bit', () => {
    const enc = IndexCoder.forEncoding();
    for (let k = 0; k < 100_000; k++) enc.encodeIndex(0, contextOf(0, 0));
    assert.ok(enc.finish().length < 200);
  });

  it('buckets activity monotonically into 16 buckets, and contexts into 64', () => {
    let last = 0;
    for (let a = 0; a < 100_000; a++) {
      const b = activityBucket(a);
      assert.ok(b >= last && b <= 15);
      last = b;
    }
    assert.equal(activityBucket(0), 0);
    assert.equal(activityBucket(10 ** 9), 15);
    assert.equal(contextOf(9, 10 ** 6), 63);
  });
});
