// The benchmark datasets: generated deterministically, with the shapes, dtypes and properties they are documented
// to have (integer-valued where claimed, the ADC step exact, correlated or not as named).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as os from 'node:os';
import { benchDatasets, ECG_ROW, type BenchDataset } from '../../src/bench/datasets';
import {
  correlatedTable, ECG_ADC_COUNTS, ECG_ADC_STEP_MV, ecgSignal, FIELD_NOISE, fieldFrame, greyImage, largeField, uncorrelatedTable,
} from '../../src/bench/synthetic-data';

function correlation(values: Float64Array, rows: number, cols: number, a: number, b: number): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (let r = 0; r < rows; r++) {
    const x = values[r * cols + a];
    const y = values[r * cols + b];
    sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
  }
  const cov = sab / rows - (sa / rows) * (sb / rows);
  return cov / Math.sqrt((saa / rows - (sa / rows) ** 2) * (sbb / rows - (sb / rows) ** 2));
}

describe('bench: datasets', () => {
  it('are the same on every run and differ with the seed', () => {
    assert.deepEqual(ecgSignal({ samples: 2000 }), ecgSignal({ samples: 2000 }));
    assert.notDeepEqual(ecgSignal({ samples: 2000, seed: 2 }), ecgSignal({ samples: 2000 }));
    assert.deepEqual(greyImage({ height: 30, width: 40 }), greyImage({ height: 30, width: 40 }));
    assert.deepEqual(correlatedTable({ rows: 100 }), correlatedTable({ rows: 100 }));
    assert.deepEqual(uncorrelatedTable({ rows: 100 }), uncorrelatedTable({ rows: 100 }));
    assert.deepEqual(largeField({ frames: 2, height: 8, width: 8 }), largeField({ frames: 2, height: 8, width: 8 }));
  });

  it('ECG: float64 of integer ADC counts × the step, exactly, within the 11-bit range, with heartbeats', () => {
    const ecg = ecgSignal({ samples: 36_000 });
    assert.ok(ecg instanceof Float64Array && ecg.length === 36_000);
    let peaks = 0;
    for (let i = 0; i < ecg.length; i++) {
      const counts = Math.round(ecg[i] / ECG_ADC_STEP_MV);
      assert.equal(ecg[i], counts * ECG_ADC_STEP_MV, `sample ${i} is not counts × step`);
      assert.ok(counts >= ECG_ADC_COUNTS[0] && counts <= ECG_ADC_COUNTS[1]);
      if (ecg[i] > 0.8 && ecg[i] >= ecg[i - 1] && ecg[i] > ecg[i + 1]) peaks++;
    }
    assert.ok(peaks >= 100 && peaks <= 160, `${peaks} R peaks in 100 s (about 75 per minute expected)`);
  });

  it('grey image: float32 of integer grey levels 0..255 using most of the range', () => {
    const image = greyImage({ height: 300, width: 400 });
    assert.ok(image instanceof Float32Array && image.length === 120_000);
    assert.ok(image.byteLength >= 200_000 && image.byteLength <= 1_000_000, 'a few hundred KB');
    const levels = new Set<number>();
    for (const v of image) {
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 255, `grey level ${v}`);
      levels.add(v);
    }
    assert.ok(levels.size > 150, `${levels.size} distinct grey levels`);
  });

  it('correlated table: 13 columns of different scales, strongly correlated; uncorrelated table: 30 independent columns', () => {
    const rows = 20_000;
    const correlated = correlatedTable({ rows });
    assert.equal(correlated.length, rows * 13);
    let strongest = 0;
    for (let a = 0; a < 13; a++) for (let b = a + 1; b < 13; b++) strongest = Math.max(strongest, Math.abs(correlation(correlated, rows, 13, a, b)));
    assert.ok(strongest > 0.8, `strongest column correlation ${strongest}`);

    const independent = uncorrelatedTable({ rows });
    assert.equal(independent.length, rows * 30);
    for (let a = 0; a < 30; a++) for (let b = a + 1; b < 30; b++) {
      const c = correlation(independent, rows, 30, a, b);
      assert.ok(Math.abs(c) < 0.05, `columns ${a} and ${b} correlate ${c}`);
    }
  });

  it('large field: float32 frames of smooth sines with N(0, 1e-3) noise, built frame by frame', () => {
    const [frames, height, width] = [3, 32, 32];
    const field = largeField({ frames, height, width });
    assert.ok(field instanceof Float32Array && field.length === frames * height * width);
    // Without noise the same frame is smooth: what remains is the noise, of the documented size.
    const silent = new Float32Array(height * width);
    fieldFrame(1, height, width, () => 0.25, silent); // Box–Muller gives cos(π/2) ≈ 0: no noise
    let squares = 0;
    for (let i = 0; i < silent.length; i++) squares += (field[height * width + i] - silent[i]) ** 2;
    const rms = Math.sqrt(squares / silent.length);
    assert.ok(rms > 0.5 * FIELD_NOISE && rms < 1.5 * FIELD_NOISE, `noise rms ${rms}`);
  });

  describe('the list a suite runs', () => {
    const quick = benchDatasets({ dataDir: path.join(os.tmpdir(), 'no-shared-data'), quick: true });
    const load = (name: string): BenchDataset => quick.find((s) => s.name === name)!.load() as BenchDataset; // generated: synchronous

    it('names the datasets in order and adds the 100 MB field only with large', () => {
      assert.deepEqual(quick.map((s) => s.name), [
        'CFD_animation', 'CFD_still', 'demo flow', 'demo jets', 'ECG signal', 'ECG rows', 'grey image', 'correlated table', 'uncorrelated table',
      ]);
      const large = benchDatasets({ dataDir: '.', large: true });
      assert.equal(large.at(-1)!.name, 'large field');
    });

    it('fails clearly when ../shared/data is absent', () => {
      assert.throws(() => load('CFD_animation'), /no-shared-data\/CFD_animation\.npz not found: .*\.\.\/shared\/data/);
    });

    it('holds each generated dataset in its documented shape and stored dtype', () => {
      const expected: Record<string, [number[], string, boolean]> = {
        'demo flow': [[60, 50, 50], 'float32', false],
        'demo jets': [[10_000, 24], 'float32', true],
        'ECG signal': [[60 * ECG_ROW], 'float64', false],
        'ECG rows': [[60, ECG_ROW], 'float64', false],
        'grey image': [[150, 200], 'float32', false],
        'correlated table': [[5_000, 13], 'float64', true],
        'uncorrelated table': [[3_000, 30], 'float64', true],
      };
      for (const [name, [shape, dtype, table]] of Object.entries(expected)) {
        const ds = load(name);
        assert.deepEqual(ds.shape, shape, name);
        assert.equal(ds.dtype, dtype, name);
        assert.equal(ds.table, table, name);
        assert.equal(ds.values.length, shape.reduce((a, b) => a * b, 1), name);
        assert.ok(ds.values instanceof (dtype === 'float32' ? Float32Array : Float64Array), name);
      }
      assert.deepEqual(load('ECG rows').values, load('ECG signal').values, 'the rows are the signal cut up');
    });
  });
});
