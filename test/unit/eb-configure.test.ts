import assert from 'node:assert/strict';
import { candidateConfigurations, describe as describeConfiguration, sampleOf } from '../../src/kernel/eb/configure';
import { layoutOf } from '../../src/kernel/eb/layout';

describe('eb: configurations', () => {
  it('offers the temporal mode for frames, more configurations at best effort, and honours the families', () => {
    const frames = layoutOf([10, 20, 20], 'frames');
    const best = candidateConfigurations(frames, { withModel: false, effort: 'best' });
    assert.deepEqual(best.map((c) => c.mode), ['temporal', 'temporal', 'interpolation', 'lorenzo']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'fast' }).map((c) => c.mode), ['temporal']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'best', families: ['lorenzo'] }).map((c) => c.mode), ['lorenzo']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'best', families: ['model'] }), []);
    const single = layoutOf([20, 20], 'frames');
    assert.ok(candidateConfigurations(single, { withModel: false, effort: 'best' }).every((c) => c.mode !== 'temporal'));
    assert.match(describeConfiguration(best[0]), /^temporal order=120 alpha=1.25 beta=4 \[cubic,linear,previous-frame,cubic-over-previous-frame\]$/);
  });

  it('samples large frames by a centred crop of every frame, tables by a middle run of rows', () => {
    assert.equal(sampleOf([4, 100, 100], layoutOf([4, 100, 100], 'frames')), undefined, 'small: no sample');
    const shape = [16, 256, 256];
    const sample = sampleOf(shape, layoutOf(shape, 'frames'))!;
    assert.equal(sample.shape[0], 16, 'every frame');
    const size = sample.shape.reduce((a, b) => a * b, 1);
    assert.ok(size >= (16 * 256 * 256) / 9 && size <= (16 * 256 * 256) / 7, `${size}`);
    const values = Float64Array.from({ length: 16 * 256 * 256 }, (_, i) => i);
    const taken = sample.take(values);
    const [, h, w] = sample.shape;
    const top = (256 - h) >> 1, left = (256 - w) >> 1;
    assert.equal(taken[0], top * 256 + left);
    assert.equal(taken[taken.length - 1], 15 * 65536 + (top + h - 1) * 256 + left + w - 1);
    const rows = sampleOf([100_000, 4], layoutOf([100_000, 4], 'table'))!;
    assert.equal(rows.shape[1], 4);
    assert.equal(rows.take(new Float64Array(400_000)).length, rows.shape[0] * 4);
  });
});
