import assert from 'node:assert/strict';
import { BitModels, RangeDecoder, RangeEncoder } from '../../src/kernel/eb/rangecoder';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16;
}

describe('eb: range coder', () => {
  it('round-trips adaptive and direct bits, compresses skewed bits, and reports truncation', () => {
    const models = new BitModels();
    models.add(2);
    const enc = new RangeEncoder(models, 16);
    const bits: number[] = [];
    const r = lcg(7);
    for (let k = 0; k < 5000; k++) {
      const bit = r() % 10 === 0 ? 1 : 0;
      bits.push(bit);
      enc.encodeBit(k & 1, bit);
      if (k % 100 === 0) enc.encodeDirect(k, 13);
    }
    const bytes = enc.finish();
    assert.ok(bytes.length < 5000 / 8 * 0.7, `skewed bits compress (${bytes.length} bytes)`);
    const decodeAll = (input: Uint8Array) => {
      const m = new BitModels();
      m.add(2);
      const dec = new RangeDecoder(input, m);
      const out: number[] = [];
      const direct: number[] = [];
      for (let k = 0; k < 5000; k++) {
        out.push(dec.decodeBit(k & 1));
        if (k % 100 === 0) direct.push(dec.decodeDirect(13));
      }
      return { out, direct, exact: dec.consumedExactly() };
    };
    const good = decodeAll(bytes);
    assert.deepEqual(good.out, bits);
    assert.deepEqual(good.direct, Array.from({ length: 50 }, (_, k) => k * 100));
    assert.equal(good.exact, true);
    assert.equal(decodeAll(bytes.subarray(0, bytes.length - 3)).exact, false);
    assert.equal(decodeAll(Uint8Array.from([...bytes, 0])).exact, false);
  });

  it('adapts: a model that sees only zeros moves P(0) toward 1, within its clamp', () => {
    const models = new BitModels();
    const m = models.add(1, 4, 32);
    const enc = new RangeEncoder(models);
    for (let k = 0; k < 2000; k++) enc.encodeBit(m, 0);
    const p = models.probabilityOfZero(m);
    assert.ok(p > 65000 && p < 65536, `P(0) = ${p}`);
    assert.ok(enc.finish().length < 10);
  });

  it('refuses model limits it cannot represent', () => {
    assert.throws(() => new BitModels().add(1, 1, 128), RangeError);
    assert.throws(() => new BitModels().add(1, 16, 4096), RangeError);
  });

  it('grows its buffer and its model bank', () => {
    const models = new BitModels(1);
    const first = models.add(3);
    const second = models.add(100);
    assert.equal(second, first + 3);
    assert.equal(models.size, 103);
    const enc = new RangeEncoder(models, 16);
    const r = lcg(3);
    const bits = Array.from({ length: 20000 }, () => r() & 1);
    bits.forEach((b, k) => enc.encodeBit(k % 103, b));
    const bytes = enc.finish();
    const m2 = new BitModels(1);
    m2.add(103);
    const dec = new RangeDecoder(bytes, m2);
    assert.deepEqual(bits.map((_, k) => dec.decodeBit(k % 103)), bits);
  });
});
