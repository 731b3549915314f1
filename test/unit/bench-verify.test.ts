// The peers benchmark's element verifier: it must catch a single value beyond its bound (in the stored dtype),
// per column where each column has its own tolerance, and non-finite values that do not come back identical.
import { strict as assert } from 'node:assert';
import { absoluteTolerances } from '../../src/kernel/eb/bound';
import { checkElements, columnTolerances, finiteRange, wholeRangeTolerance } from '../../src/bench/verify';

describe('bench: element verifier', () => {
  const original = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 3);
  const tolerance = wholeRangeTolerance(original, 1e-3);

  it('passes an array decoded within the bound and measures its error', () => {
    const decoded = original.map((x, i) => x + (i % 2 ? 1 : -1) * tolerance * 0.999);
    const check = checkElements(original, decoded, [tolerance]);
    assert.equal(check.violations, 0);
    assert.equal(check.firstViolation, -1);
    assert.ok(check.maxErrorOverBound > 0.99 && check.maxErrorOverBound <= 1, String(check.maxErrorOverBound));
    assert.ok(Number.isFinite(check.psnr) && check.psnr > 60);
  });

  it('catches one value off by more than the bound, and says where', () => {
    const decoded = original.slice();
    decoded[637] += tolerance * 1.01;
    const check = checkElements(original, decoded, [tolerance]);
    assert.equal(check.violations, 1);
    assert.equal(check.firstViolation, 637);
    assert.ok(check.maxErrorOverBound > 1.009 && check.maxErrorOverBound < 1.011);
  });

  it('checks float32 data as stored: one ulp beyond a tolerance below the ulp is a violation', () => {
    const stored = Float32Array.from([1, 2, 3, 4]);
    const decoded = stored.slice();
    decoded[2] = Math.fround(3 + 2 ** -22); // next float32 after 3
    assert.equal(checkElements(stored, decoded, [1e-9]).violations, 1);
    assert.equal(checkElements(stored, stored.slice(), [0]).violations, 0);
  });

  it('uses each column\'s own tolerance on a table', () => {
    // 3 columns with ranges 1, 1000, 0.001; the same absolute error breaks only the narrow column.
    const rows = 50;
    const table = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      table[r * 3] = r / (rows - 1);
      table[r * 3 + 1] = 1000 * (r / (rows - 1));
      table[r * 3 + 2] = 0.001 * (r / (rows - 1));
    }
    const tolerances = columnTolerances(table, rows, 3, 1e-2);
    assert.deepEqual(tolerances.map((t) => +t.toPrecision(6)), [0.01, 10, 0.00001]);
    const decoded = table.slice();
    decoded[7 * 3 + 1] += 5; // within column 1's tolerance of 10
    decoded[9 * 3 + 0] += 0.005; // within column 0's 0.01
    assert.equal(checkElements(table, decoded, tolerances).violations, 0);
    decoded[11 * 3 + 2] += 0.005; // far beyond column 2's 1e-5
    const check = checkElements(table, decoded, tolerances);
    assert.equal(check.violations, 1);
    assert.equal(check.firstViolation, 11 * 3 + 2);
    // The whole-range tolerance (10) would have hidden it.
    assert.equal(checkElements(table, decoded, [wholeRangeTolerance(table, 1e-2)]).violations, 0);
  });

  it('computes the same tolerances as the kernel\'s rel bound (whole array and per column)', () => {
    const rows = 40;
    const table = Float64Array.from({ length: rows * 4 }, (_, i) => Math.cos(i * 0.37) * (1 + (i % 4) * 10));
    assert.deepEqual(columnTolerances(table, rows, 4, 1e-3), absoluteTolerances(table, [rows, 4], { kind: 'rel', value: 1e-3 }, true));
    assert.deepEqual([wholeRangeTolerance(table, 1e-3)], absoluteTolerances(table, [rows, 4], { kind: 'rel', value: 1e-3 }, false));
  });

  it('requires NaN and ±Inf to come back identical, and ignores them in the range', () => {
    const values = Float64Array.from([0, NaN, 10, Infinity, -Infinity]);
    assert.equal(finiteRange(values), 10);
    assert.equal(checkElements(values, values.slice(), [0.1]).violations, 0);
    const nanLost = values.slice();
    nanLost[1] = 0;
    assert.equal(checkElements(values, nanLost, [0.1]).violations, 1);
    const infFlipped = values.slice();
    infFlipped[3] = -Infinity;
    assert.equal(checkElements(values, infFlipped, [0.1]).firstViolation, 3);
    const nanAppeared = values.slice();
    nanAppeared[2] = NaN;
    assert.equal(checkElements(values, nanAppeared, [0.1]).violations, 1);
  });

  it('counts every element as broken when the decoded array has the wrong length', () => {
    const check = checkElements(original, original.subarray(0, 999), [tolerance]);
    assert.equal(check.violations, 1000);
    assert.equal(check.maxErrorOverBound, Infinity);
  });

  it('reports lossless output as infinite PSNR', () => {
    assert.equal(checkElements(original, original.slice(), [0]).psnr, Infinity);
  });
});
