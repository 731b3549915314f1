import { strict as assert } from 'node:assert';
import { BalerError } from '../../src/kernel/errors';
import { columnStatistics, computeErrors, ErrorAccumulator, histogram, HISTOGRAM_BINS } from '../../src/kernel/metrics';
import { ratiosOf } from '../../src/kernel/inspect';
import { hashValues } from '../../src/kernel/value-hash';

const total = (h: { counts: number[]; underflow: number; overflow: number; skipped: number }) =>
  h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow + h.skipped;

describe('metrics', () => {
  it('addAndHash: the sums add() makes, and hashValues of the reconstruction, with or without non-finite values', () => {
    const x = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) * 30);
    const y = x.map((v, i) => v + ((i % 5) - 2) * 1e-3);
    const special = y.slice();
    special[40] = NaN;
    for (const [columns, reconstruction] of [[1, y], [1, special], [2, y]] as const) {
      const added = new ErrorAccumulator(columns);
      added.add(x, reconstruction);
      const hashed = new ErrorAccumulator(columns);
      assert.equal(hashed.addAndHash(x, reconstruction), hashValues(reconstruction));
      assert.deepEqual(hashed.state(), added.state());
    }
  });

  it('judges each column of a table on its own range: the worst column, which a global PSNR hides', () => {
    // Column 0 spans 1000, column 1 spans 1; both are off by 0.05.
    const x = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i * 10 : (i % 7) / 6));
    const y = x.map((v) => v + 0.05);
    const e = computeErrors(x, y, 2);
    assert.ok(e.psnr > 80, `global PSNR ${e.psnr}`);
    assert.equal(e.worstColumn?.column, 1);
    assert.ok(Math.abs(e.worstColumn!.psnr - 20 * Math.log10(1 / 0.05)) < 1e-9);
    assert.ok(Math.abs(e.worstColumn!.maxErrorOverRange - 0.05) < 1e-12);
    assert.equal(computeErrors(x, y).worstColumn, undefined, 'frames and single columns have none');
  });

  it('judges a column of one value on the whole table\'s range: 2.5 back as 2.501 is a small error, not PSNR −∞', () => {
    // Column 0 spans 0…99, column 1 is 2.5 throughout; column 0 is off by 0.5, column 1 by 0.001.
    const x = Float64Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? i / 2 : 2.5));
    const y = x.map((v, i) => v + (i % 2 === 0 ? 0.5 : 0.001));
    const e = computeErrors(x, y, 2);
    assert.equal(e.worstColumn?.column, 0, 'the varying column, off by 0.5 of 99, is the worse');
    const flat = computeErrors(x, x.map((v, i) => (i % 2 === 1 ? v + 5 : v)), 2).worstColumn!;
    assert.equal(flat.column, 1);
    assert.ok(Math.abs(flat.psnr - 20 * Math.log10(99 / 5)) < 1e-9, `a flat column lost by 5 on the table's range 99: ${flat.psnr}`);
    assert.ok(Math.abs(flat.maxErrorOverRange - 5 / 99) < 1e-12);
    const constant = Float64Array.from({ length: 20 }, () => 2.5);
    assert.equal(computeErrors(constant, constant.map((v) => v + 1e-3), 2).worstColumn!.psnr, -Infinity, 'a table of one value has nothing to measure on');
    assert.equal(computeErrors(constant, constant, 2).worstColumn!.psnr, Infinity);
  });

  it('merges per-column sums of slabs measured apart into the figures of the whole', () => {
    const x = Float64Array.from({ length: 300 }, (_, i) => Math.sin(i) * (1 + (i % 3)));
    const y = x.map((v, i) => v + (i % 5) * 1e-3);
    const whole = new ErrorAccumulator(3);
    whole.add(x, y);
    const merged = new ErrorAccumulator(3);
    for (const [a, b] of [[0, 99], [99, 300]]) {
      const part = new ErrorAccumulator(3);
      part.add(x.subarray(a, b), y.subarray(a, b));
      merged.merge(JSON.parse(JSON.stringify(part.state())));
    }
    const [m, w] = [merged.result(), whole.result()];
    assert.equal(m.worstColumn?.column, w.worstColumn?.column);
    assert.ok(Math.abs(m.worstColumn!.psnr - w.worstColumn!.psnr) < 1e-9 && Math.abs(m.psnr - w.psnr) < 1e-9);
    assert.equal(m.maxAbsError, w.maxAbsError);
    assert.throws(() => merged.merge(new ErrorAccumulator(1).state()), /columns/);
  });

  it('an exact reconstruction has PSNR Infinity and zero errors', () => {
    const x = Float64Array.from([1, 2, 3, 4, -5]);
    const e = computeErrors(x, x.slice());
    assert.equal(e.psnr, Infinity);
    assert.equal(e.rmse, 0);
    assert.equal(e.nrmse, 0);
    assert.equal(e.maxAbsError, 0);
    assert.equal(e.maxRelError, 0);
    assert.equal(e.range, 9);
    assert.equal(e.compared, 5);
  });

  it('a constant offset gives rmse = maxAbs = offset and PSNR from the range', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i / 10); // range 99.9
    const y = x.map((v) => v + 0.5);
    const e = computeErrors(x, y);
    assert.ok(Math.abs(e.rmse - 0.5) < 1e-12);
    assert.ok(Math.abs(e.maxAbsError - 0.5) < 1e-12);
    assert.ok(Math.abs(e.range - 99.9) < 1e-12);
    assert.ok(Math.abs(e.nrmse - 0.5 / 99.9) < 1e-12);
    assert.ok(Math.abs(e.psnr - 20 * Math.log10(99.9 / 0.5)) < 1e-9);
    // |diff| / |x| is largest at the smallest non-zero value, 0.1 (x = 0 is left out).
    assert.ok(Math.abs(e.maxRelError - 5) < 1e-9);
  });

  it('compares only finite originals and counts non-finite mismatches separately', () => {
    const x = Float64Array.from([NaN, Infinity, -Infinity, 1, 3]);
    const y = Float64Array.from([NaN, 7, -Infinity, 1.5, 3]);
    const e = computeErrors(x, y);
    assert.equal(e.compared, 2);
    assert.equal(e.nonFiniteMismatches, 1);
    assert.equal(e.range, 2);
    assert.ok(Math.abs(e.maxAbsError - 0.5) < 1e-12);
    assert.ok(Math.abs(e.rmse - Math.sqrt(0.125)) < 1e-12);
    const broken = computeErrors(Float64Array.from([1, 2]), Float64Array.from([1, NaN]));
    assert.equal(broken.maxAbsError, Infinity, 'a lost finite value is an infinite error, not a silent one');
  });

  it('sums one column term for term as a plain loop does, finite or not (the finite case has a loop of its own)', () => {
    const reference = (x: Float64Array, y: Float64Array) => {
      let min = Infinity, max = -Infinity, sumSquares = 0, maxAbs = 0, maxRel = 0, compared = 0, nonFiniteMismatches = 0;
      for (let i = 0; i < x.length; i++) {
        if (!Number.isFinite(x[i])) {
          if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) nonFiniteMismatches++;
          continue;
        }
        compared++;
        min = Math.min(min, x[i]);
        max = Math.max(max, x[i]);
        const diff = Number.isFinite(y[i]) ? Math.abs(y[i] - x[i]) : Infinity;
        sumSquares += diff * diff;
        maxAbs = Math.max(maxAbs, diff);
        if (x[i] !== 0) maxRel = Math.max(maxRel, diff / Math.abs(x[i]));
      }
      return { min, max, sumSquares, maxAbs, maxRel, compared, nonFiniteMismatches };
    };
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) + 0.5) / 2 ** 32;
    const specials = [NaN, Infinity, -Infinity];
    for (const holes of [0, 1, 5]) {
      const x = Float64Array.from({ length: 5000 }, (_, i) => (i % 50 === 0 ? 0 : i % 77 === 0 ? 1e-300 : (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4)));
      const y = x.map((v) => v + (random() - 0.5) * 1e-3);
      for (let h = 0; h < holes; h++) (h % 2 ? x : y)[Math.floor(random() * x.length)] = specials[h % 3];
      const acc = new ErrorAccumulator(1);
      acc.add(x.subarray(0, 2000), y.subarray(0, 2000));
      acc.add(x.subarray(2000), y.subarray(2000));
      const whole = reference(x, y);
      const state = acc.state();
      for (const [k, v] of Object.entries(whole)) assert.ok(Object.is(state[k as keyof typeof whole], v), `${holes} non-finite: ${k} ${state[k as keyof typeof whole]} vs ${v}`);
    }
  });

  it('refuses arrays of different lengths', () => {
    assert.throws(() => computeErrors(new Float64Array(3), new Float64Array(4)), BalerError);
  });

  it('histograms count every value: bins + underflow + overflow + skipped', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sin(i) * (i % 2003 === 0 ? 1000 : 1));
    values[5] = NaN;
    values[6] = Infinity;
    const h = histogram(values);
    assert.equal(h.counts.length, HISTOGRAM_BINS);
    assert.equal(total(h), values.length);
    assert.equal(h.skipped, 2);
    assert.ok(h.underflow + h.overflow > 0, 'outliers fall outside the robust limits');
    assert.ok(h.lo >= -2.01 && h.hi <= 2.01, `robust limits ${h.lo} … ${h.hi}`);
    const edges = histogram(Float64Array.from([0, 1, 2, 3]));
    assert.equal(total(edges), 4);
    assert.equal(edges.underflow + edges.overflow, 0, 'the extremes land in the first and last bins');
    const constant = histogram(new Float64Array(10));
    assert.ok(constant.hi > constant.lo);
    assert.equal(constant.counts.reduce((a, b) => a + b, 0), 10);
  });

  it('column statistics: one entry per table column, residuals and relative differences per column', () => {
    const rows = 2000;
    const x = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      x[r * 3] = r;          // a ramp
      x[r * 3 + 1] = 0;      // all zeros: no relative differences
      x[r * 3 + 2] = 10;     // constant
    }
    const y = x.map((v, i) => (i % 3 === 0 ? v * 1.01 : i % 3 === 1 ? v + 0.25 : v));
    const stats = columnStatistics(x, y, [rows, 3], 'table', ['ramp', 'zeros']);
    assert.deepEqual(stats.map((s) => s.name), ['ramp', 'zeros', 'column 2']);
    assert.equal(stats[0].min, 0);
    assert.equal(stats[0].max, rows - 1);
    assert.ok(Math.abs(stats[1].rmse - 0.25) < 1e-12);
    assert.equal(stats[2].rmse, 0);
    for (const s of stats) {
      assert.equal(total(s.residuals), rows);
      assert.equal(total(s.relativeDifferences), rows);
    }
    assert.equal(stats[1].relativeDifferences.skipped, rows, 'relative differences ignore zero originals');
    assert.equal(stats[0].relativeDifferences.skipped, 1);
    // Every relative difference of the ramp is 1 %: all counted in one bin.
    assert.equal(Math.max(...stats[0].relativeDifferences.counts), rows - 1);
    const lo = stats[0].relativeDifferences.lo, hi = stats[0].relativeDifferences.hi;
    assert.ok(lo < 0.01 && hi > 0.01);
  });

  it('column statistics of frames: one entry over all values', () => {
    const x = Float64Array.from({ length: 4 * 5 * 6 }, (_, i) => i);
    const stats = columnStatistics(x, x.map((v) => v + 1), [4, 5, 6], 'frames', []);
    assert.equal(stats.length, 1);
    assert.equal(stats[0].rmse, 1);
    assert.equal(total(stats[0].residuals), 120);
  });

  it('size ratios: latent-only (the coded data: latents and residuals) and total (everything) side by side', () => {
    const sizes = { originalFile: 1000, original: 1000, originalFloat32: 500, latents: 10, decoder: 240, residuals: 0, header: 0, total: 250, file: 250, decoderShared: false };
    assert.deepEqual(ratiosOf(sizes), { latentOnly: 100, total: 4, latentOnlyVsFloat32: 50, totalVsFloat32: 2 });
    assert.equal(ratiosOf({ ...sizes, residuals: 40 }).latentOnly, 20);
    assert.equal(ratiosOf({ ...sizes, latents: 0 }).latentOnly, 1000, 'nothing coded: the original over one byte, never ∞');
  });
});
