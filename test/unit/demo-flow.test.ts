import { strict as assert } from 'node:assert';
import { simulateFlowPastObstacle } from '../../src/kernel/demo/flow';
import { BalerError } from '../../src/kernel/errors';
import type { Dataset } from '../../src/kernel/types';

/** Mean over the wake (right of the obstacle, middle half of the channel) of each pixel's temporal std. */
function wakeTemporalStd(ds: Dataset): number {
  const [frames, height, width] = ds.shape;
  let sum = 0, pixels = 0;
  for (let r = Math.floor(height / 4); r < Math.floor((3 * height) / 4); r++) {
    for (let c = Math.floor(width / 3); c < width; c++) {
      let mean = 0, meanSquare = 0;
      for (let t = 0; t < frames; t++) {
        const v = ds.values[(t * height + r) * width + c];
        mean += v / frames;
        meanSquare += (v * v) / frames;
      }
      sum += Math.sqrt(Math.max(0, meanSquare - mean * mean));
      pixels++;
    }
  }
  return sum / pixels;
}

describe('demo: flow past an obstacle (lattice Boltzmann)', () => {
  let flow: Dataset;
  let seconds: number;
  before(() => {
    const t0 = performance.now();
    flow = simulateFlowPastObstacle();
    seconds = (performance.now() - t0) / 1000;
  });

  it('makes 60 frames of 50 × 50 float32 values, all finite', () => {
    assert.equal(flow.kind, 'frames');
    assert.deepEqual(flow.shape, [60, 50, 50]);
    assert.equal(flow.dtype, 'float32');
    assert.deepEqual(flow.names, []);
    assert.equal(flow.values.length, 60 * 50 * 50);
    for (const v of flow.values) {
      assert.ok(Number.isFinite(v));
      assert.equal(v, Math.fround(v), 'values are exactly representable as float32');
    }
  });

  it('records a physical x-velocity field: inflow speed about 0.1, zero inside the obstacle, backflow in the wake', () => {
    let min = Infinity, max = -Infinity, zeros = 0;
    for (const v of flow.values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) zeros++;
    }
    assert.ok(max > 0.1 && max < 0.3, `max ${max}`);
    assert.ok(min < 0 && min > -0.1, `min ${min} (recirculation behind the obstacle)`);
    assert.ok(zeros >= 60 * 20, `obstacle cells are zero in every frame (${zeros})`);
  });

  it('sheds vortices: frames differ and the wake fluctuates in time', () => {
    const frameSize = 50 * 50;
    let differing = 0;
    for (let t = 1; t < 60; t++) {
      let diff = 0;
      for (let i = 0; i < frameSize; i++) diff = Math.max(diff, Math.abs(flow.values[t * frameSize + i] - flow.values[(t - 1) * frameSize + i]));
      if (diff > 1e-3) differing++;
    }
    assert.equal(differing, 59, 'every frame differs from the one before');
    const std = wakeTemporalStd(flow);
    assert.ok(std > 3e-3, `temporal std in the wake ${std} (≈ 10% of the inflow speed when shedding)`);
  });

  it('runs in a couple of seconds', () => {
    // ~1.3 s alone on this machine; generous because the CI machine is shared.
    assert.ok(seconds < 15, `${seconds.toFixed(2)} s`);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const opts = { frames: 8, height: 24, width: 24 };
    const a = simulateFlowPastObstacle({ ...opts, seed: 7 });
    const b = simulateFlowPastObstacle({ ...opts, seed: 7 });
    const c = simulateFlowPastObstacle({ ...opts, seed: 8 });
    assert.deepEqual(a.shape, [8, 24, 24]);
    assert.deepEqual(a.values, b.values);
    assert.notDeepEqual(a.values, c.values);
    for (const v of c.values) assert.ok(Number.isFinite(v));
  });

  it('rejects impossible sizes with a one-line error', () => {
    assert.throws(() => simulateFlowPastObstacle({ height: 4 }), (e: unknown) => e instanceof BalerError && /height/.test(e.message));
    assert.throws(() => simulateFlowPastObstacle({ frames: 0 }), BalerError);
  });
});
