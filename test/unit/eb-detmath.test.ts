import assert from 'node:assert/strict';
import { detExp2, detLog2 } from '../../src/kernel/eb/detmath';
import { seededUniform } from '../../src/bench/random';

describe('eb: deterministic math', () => {
  it('detLog2 and detExp2 match Math to ~1e-15 and invert each other', () => {
    for (const v of [1, 2, 3, 0.1, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 123456.789]) {
      assert.ok(Math.abs(detLog2(v) - Math.log2(v)) <= 1e-12 * Math.max(1, Math.abs(Math.log2(v))), `log2 ${v}`);
      const back = detExp2(detLog2(v));
      if (v > 1e-307 && v < 1e308) assert.ok(Math.abs(back - v) <= 1e-13 * v, `exp2(log2(${v})) = ${back}`);
    }
  });

  it('detExp2 stopping early gives the bits of the full series on every kind of argument (files written before decode alike)', () => {
    const random = seededUniform(21);
    const ys = [0, -0, 0.5, -0.5, 1024, 1023.9999999, -1022, -1074, -1075, -1199.99, 1e-300, -1e-300, 0.49999999999999994, 0.5000000000000001];
    for (let i = 0; i < 200_000; i++) {
      ys.push((random() - 0.5) * 2500, (random() - 0.5) * 64, Math.round(random() * 4000 - 2000) / 2 + (random() - 0.5) * 1e-12, Math.fround((random() - 0.5) * 200));
    }
    for (const y of ys) if (!Object.is(detExp2(y), detExp2(y, true))) assert.fail(`2^${y}: ${detExp2(y)}, every term summed ${detExp2(y, true)}`);
  });
});
