import assert from 'node:assert/strict';
import { detLog2 } from '../../src/kernel/eb/detmath';
import { valueType } from '../../src/kernel/eb/dtype';
import { ESCAPE, MAX_INDEX, Quantizer } from '../../src/kernel/eb/quantizer';

describe('eb: quantizer', () => {
  it('absolute: the index whose reconstruction keeps the bound, and recover gives the same value', () => {
    const q = new Quantizer(valueType('float64'), 'absolute');
    q.tolerance = 0.1;
    for (const [x, p] of [[1.234, 1], [-3, 2], [0.05, 0], [7, 7]]) {
      const index = q.quantizeAbsolute(x, p, 0.2);
      assert.notEqual(index, ESCAPE);
      const out = q.output;
      assert.ok(Math.abs(out - x) <= 0.1, `${x} from ${p}`);
      q.recoverAbsolute(p, index, 0.2);
      assert.equal(q.output, out);
    }
  });

  it('decides on the value after the cast: float32 keeps the bound where float64 arithmetic alone would break it', () => {
    const q = new Quantizer(valueType('float32'), 'absolute');
    q.tolerance = 1e-6;
    let escapes = 0;
    for (let k = 0; k < 2000; k++) {
      const x = Math.fround(1 + k * 1.37e-5);
      const index = q.quantizeAbsolute(x, 1, 2e-6 * (1 - 1e-9));
      if (index === ESCAPE) { escapes++; continue; }
      assert.equal(Math.fround(q.output), q.output);
      assert.ok(Math.abs(q.output - x) <= 1e-6, `value ${x} → ${q.output}`);
    }
    assert.ok(escapes < 2000);
  });

  it('escapes NaN, ±Inf, indices too large, and anything at step 0 but an exact prediction', () => {
    const q = new Quantizer(valueType('float64'), 'absolute');
    q.tolerance = 0.5;
    assert.equal(q.quantizeAbsolute(NaN, 0, 1), ESCAPE);
    assert.equal(q.quantizeAbsolute(Infinity, 0, 1), ESCAPE);
    assert.equal(q.quantizeAbsolute(2 * MAX_INDEX, 0, 1), ESCAPE);
    assert.equal(q.quantizeAbsolute(1, 0, 1), 1);
    q.tolerance = 0;
    assert.equal(q.quantizeAbsolute(3, 3, 0), 0);
    assert.equal(q.quantizeAbsolute(3, 3.5, 0), ESCAPE);
    assert.equal(q.quantizeAbsolute(-0, 0, 0), ESCAPE, 'lossless keeps the sign of zero in a float dtype');
  });

  it('on the integer grid: rounded predictions and odd steps give integers within floor(τ); integer dtypes clamp', () => {
    const q = new Quantizer(valueType('float64'), 'absolute');
    q.grid = 1;
    q.tolerance = 2.7;
    for (const [x, p] of [[10, 3.4], [-7, 20.6], [0, 0.5]]) {
      const index = q.quantizeAbsolute(x, p, 5);
      assert.notEqual(index, ESCAPE);
      assert.ok(Number.isInteger(q.output) && Math.abs(q.output - x) <= 2);
    }
    const u8 = new Quantizer(valueType('uint8'), 'absolute');
    u8.grid = 1;
    u8.tolerance = 3;
    assert.notEqual(u8.quantizeAbsolute(255, 254, 7), ESCAPE);
    assert.ok(u8.output <= 255 && u8.output >= 252);
  });

  it('on a grid of step g: counts in units of g, every output k·g exactly as the data holds it', () => {
    const q = new Quantizer(valueType('float64'), 'absolute');
    q.grid = 0.005;
    q.tolerance = 0;
    for (const k of [0, 1, -7, 1023, -1024, 333]) {
      const x = k * 0.005;
      const index = q.quantizeAbsolute(x, 0.005 * (k + 2) + 0.0012, 1);
      assert.equal(index, -2, `${x}: two units below the rounded prediction`);
      assert.ok(Object.is(q.output, x), `${x} comes back bit for bit`);
      q.recoverAbsolute(0.005 * (k + 2) + 0.0012, index, 1);
      assert.ok(Object.is(q.output, x));
    }
    q.tolerance = 0.0125; // 2.5 units: odd steps of 5 units, errors within 2 units
    const index = q.quantizeAbsolute(0.5, 0.47, 5);
    assert.notEqual(index, ESCAPE);
    assert.ok(Math.abs(q.output - 0.5) <= 0.0125 && Number.isInteger(Math.round(q.output / 0.005)));
    assert.equal(q.quantizeAbsolute(0.0051, 0, 1), 1, 'a value off the grid is still within the bound (or escapes)');
  });

  it('pointwise: |x′ − x| ≤ X·|x| on the value as written, sign kept apart', () => {
    const q = new Quantizer(valueType('float32'), 'pointwise', 1e-3);
    const step = 2 * Math.log2(1 + 1e-3) * 0.99;
    for (const x of [Math.fround(123.456), Math.fround(-0.0015), Math.fround(3e-30)]) {
      const y = detLog2(Math.abs(x));
      const index = q.quantizePointwise(x, y, x < 0, y + 0.37, step);
      assert.notEqual(index, ESCAPE);
      assert.ok(Math.abs(q.output - x) <= 1e-3 * Math.abs(x), `${x} → ${q.output}`);
      const out = q.output;
      q.recoverPointwise(x < 0, y + 0.37, index, step);
      assert.equal(q.output, out);
    }
  });

  it('an exactly stored value is its own output, with a finite stand-in for predictions', () => {
    const q = new Quantizer(valueType('float64'), 'absolute');
    q.exact(Infinity, 2.5, 0);
    assert.equal(q.output, Infinity);
    assert.equal(q.recon, 2.5);
    q.exact(NaN, NaN, 0);
    assert.equal(q.recon, 0);
  });
});
