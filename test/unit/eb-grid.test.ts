import assert from 'node:assert/strict';
import { detectGrid, gridPays, gridUnits, integerValued } from '../../src/kernel/eb/grid';
import type { GridView } from '../../src/kernel/eb/traversal';

const whole = (n: number): GridView => ({ offset: 0, dims: [1, 1, n], strides: [0, 0, 1] });
const f64 = (v: number) => v;

describe('eb: grids', () => {
  it('finds integers, an ADC step as the data holds it, and none in real-valued data', () => {
    const counts = Array.from({ length: 5000 }, (_, i) => Math.round(300 * Math.sin(i / 40)) + (i % 7));
    assert.equal(detectGrid(Float64Array.from(counts), whole(5000), f64), 1);
    const adc = Float64Array.from(counts, (k) => k * 0.005);
    assert.equal(detectGrid(adc, whole(5000), f64), 0.005, 'the step at the fewest digits, not the float difference');
    const coarser = Float64Array.from(counts, (k) => k * 0.015);
    assert.equal(detectGrid(coarser, whole(5000), f64), 0.015);
    const everyThird = Float64Array.from(counts, (k) => 3 * k * 0.005);
    assert.equal(detectGrid(everyThird, whole(5000), f64), 0.005, 'every third count of 0.005: on the 0.005 grid as the data holds it');
    const binary = Float64Array.from(counts, (k) => k / 1024);
    assert.equal(detectGrid(binary, whole(5000), f64), 1 / 1024);
    const float32 = Float64Array.from(counts, (k) => Math.fround(k * 0.1));
    assert.equal(detectGrid(float32, whole(5000), Math.fround), 0.1, 'float32 of k × 0.1, as written back in float32');
    const real = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7) * 3.3 + i * 1e-7);
    assert.equal(detectGrid(real, whole(5000), f64), 0);
  });

  it('tolerates a few values off the grid (stored exactly), not many; NaN and ±Inf do not count', () => {
    const adc = Float64Array.from({ length: 5000 }, (_, i) => Math.round(100 * Math.cos(i / 30)) * 0.25);
    adc[17] = NaN;
    adc[18] = -Infinity;
    adc[19] = 0.3;
    assert.equal(detectGrid(adc, whole(5000), f64), 0.25);
    for (let i = 0; i < 100; i++) adc[100 + 37 * i] += 0.01;
    assert.equal(detectGrid(adc, whole(5000), f64), 0);
  });

  it('looks at a view\'s own values only (a table\'s column)', () => {
    const table = Float64Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) : Math.sqrt(i)));
    assert.equal(detectGrid(table, { offset: 0, dims: [1, 1, 1000], strides: [0, 0, 2] }, f64), 1);
    assert.equal(detectGrid(table, { offset: 1, dims: [1, 1, 1000], strides: [0, 0, 2] }, f64), 0);
    assert.equal(integerValued(table, { offset: 0, dims: [1, 1, 1000], strides: [0, 0, 2] }), true);
  });

  it('pays when lossless, below half a unit, and when whole units are at least as coarse as real steps', () => {
    assert.equal(gridPays(1, 0, 0), true);
    assert.equal(gridPays(1, 0.4, 0.4), true, 'one unit beats a step of 0.8');
    assert.equal(gridPays(1, 2.4, 2.4), true, '5 units beat 4.8');
    assert.equal(gridPays(1, 1.98, 1.98), false, '3 units lose to 3.96');
    assert.equal(gridPays(0.005, 0.0074, 0.0074), true);
    assert.equal(gridPays(0, 1, 1), false);
    assert.equal(gridPays(1e-12, 1, 1), false, 'a bound of 2^40 units: real steps');
    assert.ok(gridUnits(0.005, 0.015) < 3 && gridUnits(0.005, 0.015) > 2.999999, 'a hair below τ/g: never a unit too many');
    assert.equal(gridUnits(1, 3), 3);
  });
});
