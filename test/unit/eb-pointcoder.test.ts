import assert from 'node:assert/strict';
import { ExactReader, valueType } from '../../src/kernel/eb/dtype';
import { CLASS_NEGATIVE, CLASS_SPECIAL, CLASS_ZERO, classOf, PointCoder } from '../../src/kernel/eb/pointcoder';
import { Quantizer } from '../../src/kernel/eb/quantizer';

/** Codes values[i] against predictions[i] one by one (and a strip for the rest) on both sides. */
function roundTrip(values: Float64Array, domain: 'absolute' | 'pointwise', tolerance: number, step: number) {
  const type = valueType('float64');
  const run = (pc: PointCoder) => {
    if (domain === 'pointwise') pc.codeClasses();
    const half = values.length >> 1;
    for (let i = 0; i < half; i++) pc.code(i, i > 0 ? pc.recon[i - 1] : 0, step, 0, i > 0 ? pc.absIndex[i - 1] : 0);
    const predictions = Float64Array.from({ length: values.length - half }, (_, k) => pc.recon[half - 1] + k * 0.01);
    pc.codeStrip(Int32Array.from({ length: values.length - half }, (_, k) => half + k), values.length - half, predictions, 0, new Int32Array(values.length - half), 1, step, 1);
    return pc;
  };
  const quantizer = () => {
    const q = new Quantizer(type, domain, domain === 'pointwise' ? 1e-3 : 0);
    q.tolerance = tolerance;
    return q;
  };
  const enc = run(PointCoder.forEncoding(values, quantizer(), type));
  const stream = enc.indices.finish();
  const exact = enc.exactBytes();
  const dec = run(PointCoder.forDecoding(values.length, quantizer(), stream, new ExactReader(exact, type)));
  return { enc, dec, encoded: enc.finishOutput(), decoded: dec.finishOutput(), stream, exact };
}

describe('eb: point coder', () => {
  const values = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i / 20) * 10 + (i === 50 ? NaN : i === 60 ? -Infinity : 0));

  it('absolute: the decoder makes the encoder\'s reconstruction, hash and exact values, point by point and by strips', () => {
    const { enc, dec, encoded, decoded, exact } = roundTrip(values, 'absolute', 0.01, 0.02);
    assert.deepEqual(Array.from(decoded), Array.from(encoded));
    assert.equal(dec.hash, enc.hash);
    assert.equal(enc.exactCount, 2);
    assert.equal(exact.length, 16);
    assert.equal(dec.exactRemaining, 0);
    assert.ok(Number.isNaN(decoded[50]) && decoded[60] === -Infinity);
    // Points predicted from a special value's position (51 from 50) still keep the bound: it left a finite stand-in.
    for (let i = 0; i < values.length; i++) if (i !== 50 && i !== 60) assert.ok(Math.abs(decoded[i] - values[i]) <= 0.01);
    assert.equal(dec.indices.consumedExactly(), true);
  });

  it('pointwise: classes first (zeros and specials known), then log-domain indices within the relative bound', () => {
    const mixed = Float64Array.from(values, (v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : v));
    assert.equal(classOf(0), CLASS_ZERO);
    assert.equal(classOf(-0), CLASS_SPECIAL);
    assert.equal(classOf(-2), CLASS_NEGATIVE);
    const step = 2 * Math.log2(1.001) * 0.999;
    const { encoded, decoded } = roundTrip(mixed, 'pointwise', 0, step);
    for (let i = 0; i < mixed.length; i++) {
      const x = mixed[i];
      assert.ok(Object.is(decoded[i], encoded[i]));
      if (!Number.isFinite(x) || x === 0) assert.ok(Object.is(decoded[i], x) || Number.isNaN(x), `value ${i}`);
      else assert.ok(Math.abs(decoded[i] - x) <= 1e-3 * Math.abs(x), `value ${i}: ${x} → ${decoded[i]}`);
    }
  });

  it('a corrupted stream changes the hash or runs out of exact values', () => {
    const { enc, stream, exact } = roundTrip(values, 'absolute', 0.01, 0.02);
    const bad = stream.slice();
    bad[3] ^= 0x40;
    const type = valueType('float64');
    const q = new Quantizer(type, 'absolute');
    q.tolerance = 0.01;
    const pc = PointCoder.forDecoding(values.length, q, bad, new ExactReader(exact, type));
    try {
      for (let i = 0; i < values.length; i++) pc.code(i, i > 0 ? pc.recon[i - 1] : 0, 0.02, 0, i > 0 ? pc.absIndex[i - 1] : 0);
      assert.notEqual(pc.hash, enc.hash);
    } catch (error) {
      assert.ok(error instanceof RangeError);
    }
  });
});
