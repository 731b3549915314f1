import assert from 'node:assert/strict';
import { candidateConfigurations, describe as describeConfiguration, describedWithModel, nextSchedule, otherDirections, otherEdges, reachableConfigurations, sampleOf } from '../../src/kernel/eb/configure';
import { layoutOf } from '../../src/kernel/eb/layout';

describe('eb: configurations', () => {
  it('offers the temporal mode for frames, fewer configurations when fast, and honours the families', () => {
    const frames = layoutOf([10, 20, 20], 'field');
    const best = candidateConfigurations(frames, { withModel: false, effort: 'best' });
    assert.deepEqual(best.map((c) => c.mode), ['temporal', 'interpolation', 'lorenzo']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'fast' }).map((c) => c.mode), ['temporal']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'best', families: ['lorenzo'] }).map((c) => c.mode), ['lorenzo']);
    assert.deepEqual(candidateConfigurations(frames, { withModel: false, effort: 'best', families: ['model'] }), []);
    const single = layoutOf([20, 20], 'field');
    assert.ok(candidateConfigurations(single, { withModel: false, effort: 'best' }).every((c) => c.mode !== 'temporal'));
    assert.match(describeConfiguration(best[0]), /^field temporal order=120 alpha=1.25 beta=4 edges=anchored directions=one \[cubic,linear,previous-frame,cubic-over-previous-frame\]$/);
    assert.ok(candidateConfigurations(layoutOf([20, 20], 'table'), { withModel: false, effort: 'best' }).every((c) => c.layout === 'table'));
  });

  it('varies a chosen configuration by its directions, its edges and its tolerance schedule, and recognises every variant', () => {
    const [first] = candidateConfigurations(layoutOf([10, 20, 20], 'field'), { withModel: false, effort: 'best' });
    assert.equal(otherEdges(first)!.edges, 'open');
    assert.equal(otherEdges(otherEdges(first)!)!.edges, 'anchored');
    assert.deepEqual([nextSchedule(first, 1), nextSchedule(first, -1)].map((c) => `${c!.alpha}/${c!.beta}`), ['1.5/4', '1/1'], 'the neighbouring schedules');
    assert.equal(nextSchedule(nextSchedule(first, -1)!, -1), undefined);
    assert.equal(otherDirections(first)!.directions, 'all');
    const lorenzo = candidateConfigurations(layoutOf([10, 20, 20], 'field'), { withModel: false, effort: 'best', families: ['lorenzo'] })[0];
    assert.equal(otherEdges(lorenzo), undefined);
    assert.equal(nextSchedule(lorenzo, 1), undefined);
    const reachable = reachableConfigurations([first]).map(describeConfiguration);
    const far = nextSchedule(nextSchedule(otherEdges(otherDirections(first)!)!, 1)!, 1)!;
    for (const c of [otherEdges(first)!, nextSchedule(first, 1)!, far]) assert.ok(reachable.includes(describeConfiguration(c)), describeConfiguration(c));
  });

  it('names a configuration chosen without a model with its mode\'s model predictors added, one the coder with a model may choose', () => {
    for (const layout of [layoutOf([10, 20, 20], 'field'), layoutOf([200, 20], 'table'), layoutOf([4000], 'series')]) {
      const withModel = reachableConfigurations(candidateConfigurations(layout, { withModel: true, withColumns: true, effort: 'best' })).map(describeConfiguration);
      for (const c of reachableConfigurations(candidateConfigurations(layout, { withModel: false, withColumns: true, effort: 'best' }))) {
        const named = describedWithModel(describeConfiguration(c));
        assert.ok(named && withModel.includes(named), `${describeConfiguration(c)} -> ${named}`);
      }
    }
    assert.equal(
      describedWithModel('field temporal order=120 alpha=1.25 beta=4 edges=anchored directions=all [cubic,linear,previous-frame,cubic-over-previous-frame]'),
      'field temporal order=120 alpha=1.25 beta=4 edges=anchored directions=all [cubic,linear,previous-frame,cubic-over-previous-frame,model,cubic-over-model,model-delta,cubic-over-model-delta]',
    );
    assert.equal(describedWithModel('table lorenzo [lorenzo]'), 'table lorenzo [lorenzo,model,lorenzo-over-model]');
    assert.equal(describedWithModel('not a configuration'), undefined);
  });

  it('samples large frames by a crop of every frame ending at the frame\'s end, tables and series by a run ending at the slab\'s end', () => {
    assert.equal(sampleOf([4, 100, 100], layoutOf([4, 100, 100], 'field')), undefined, 'small: no sample');
    const shape = [16, 256, 256];
    const sample = sampleOf(shape, layoutOf(shape, 'field'))!;
    assert.equal(sample.shape[0], 16, 'every frame');
    const size = sample.shape.reduce((a, b) => a * b, 1);
    assert.ok(size >= (16 * 256 * 256) / 17 && size <= (16 * 256 * 256) / 15, `${size}`);
    const values = Float64Array.from({ length: 16 * 256 * 256 }, (_, i) => i);
    const taken = sample.take(values);
    const [, h, w] = sample.shape;
    assert.equal(taken[0], (256 - h) * 256 + 256 - w);
    assert.equal(taken[taken.length - 1], 16 * 65536 - 1);
    const rows = sampleOf([100_000, 4], layoutOf([100_000, 4], 'table'))!;
    assert.equal(rows.shape[1], 4);
    const table = rows.take(Float64Array.from({ length: 400_000 }, (_, i) => i));
    assert.equal(table.length, rows.shape[0] * 4);
    assert.equal(table[table.length - 1], 399_999);
    const series = sampleOf([1000, 400], layoutOf([1000, 400], 'series'))!;
    assert.equal(series.shape.length, 1);
    assert.equal(series.take(Float64Array.from({ length: 400_000 }, (_, i) => i))[series.shape[0] - 1], 399_999);
  });
});
