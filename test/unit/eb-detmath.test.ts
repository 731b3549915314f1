import assert from 'node:assert/strict';
import { detExp2, detLog2 } from '../../src/kernel/eb/detmath';

describe('eb: deterministic math', () => {
  it('detLog2 and detExp2 match Math to ~1e-15 and invert each other', () => {
    for (const v of [1, 2, 3, 0.1, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 123456.789]) {
      assert.ok(Math.abs(detLog2(v) - Math.log2(v)) <= 1e-12 * Math.max(1, Math.abs(Math.log2(v))), `log2 ${v}`);
      const back = detExp2(detLog2(v));
      if (v > 1e-307 && v < 1e308) assert.ok(Math.abs(back - v) <= 1e-13 * v, `exp2(log2(${v})) = ${back}`);
    }
  });
});
