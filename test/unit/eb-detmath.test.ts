import assert from 'node:assert/strict';
import { detExp2, detLog2 } from '../../src/kernel/eb/detmath';
import { seededUniform } from '../../src/bench/random';

/** 2^y as the slab format defines it: the 20 terms of e^(f·ln 2) summed in full, times 2^n (the decoder must give these bits). */
function exp2AsDefined(y: number): number {
  if (y > 1024) return Infinity;
  if (y < -1200) return 0;
  let n = Math.floor(y);
  let f = y - n;
  if (f > 0.5) {
    f -= 1;
    n += 1;
  }
  const z = f * 0.6931471805599453;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 20; k++) {
    term = (term * z) / k;
    sum += term;
  }
  const power = (m: number) => 2 ** m; // exact for integers in [-1022, 1023]
  if (n > 1023) return sum * power(1023) * power(n - 1023);
  if (n < -1022) return sum * power(-1022) * power(Math.max(n + 1022, -1022));
  return sum * power(n);
}

describe('eb: deterministic math', () => {
  it('detLog2 and detExp2 match Math to ~1e-15 and invert each other', () => {
    for (const v of [1, 2, 3, 0.1, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 123456.789]) {
      assert.ok(Math.abs(detLog2(v) - Math.log2(v)) <= 1e-12 * Math.max(1, Math.abs(Math.log2(v))), `log2 ${v}`);
      const back = detExp2(detLog2(v));
      if (v > 1e-307 && v < 1e308) assert.ok(Math.abs(back - v) <= 1e-13 * v, `exp2(log2(${v})) = ${back}`);
    }
  });

  it('detExp2 gives the bits of the full series on every kind of argument (files written before must decode alike)', () => {
    const random = seededUniform(21);
    const ys = [0, -0, 0.5, -0.5, 1024, 1023.9999999, -1022, -1074, -1075, -1199.99, 1e-300, -1e-300, 0.49999999999999994, 0.5000000000000001];
    for (let i = 0; i < 200_000; i++) {
      ys.push((random() - 0.5) * 2500, (random() - 0.5) * 64, Math.round(random() * 4000 - 2000) / 2 + (random() - 0.5) * 1e-12, Math.fround((random() - 0.5) * 200));
    }
    for (const y of ys) if (!Object.is(detExp2(y), exp2AsDefined(y))) assert.fail(`2^${y}: ${detExp2(y)}, defined as ${exp2AsDefined(y)}`);
  });
});
