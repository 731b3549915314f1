import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { candidateLayouts, layoutOf, levelSteps, threeDimensional, viewTolerances } from '../../src/kernel/eb/layout';

describe('eb: layout', () => {
  it('lays a table out as one view per column, a field as one 3-D view, a series as one 1-D view', () => {
    const table = layoutOf([7, 3], 'table');
    assert.equal(table.views.length, 3);
    assert.deepEqual(table.views[2], { offset: 2, dims: [1, 1, 7], strides: [0, 0, 3] });
    assert.deepEqual(threeDimensional([2, 3, 4, 5]), [6, 4, 5]);
    assert.deepEqual(threeDimensional([9]), [1, 1, 9]);
    assert.deepEqual(layoutOf([7, 3], 'field').views, [{ offset: 0, dims: [1, 7, 3], strides: [21, 3, 1] }]);
    assert.deepEqual(layoutOf([7, 3], 'series').views, [{ offset: 0, dims: [1, 1, 21], strides: [0, 0, 1] }]);
    assert.throws(() => layoutOf([2, 7, 3], 'table'), RangeError);
    // Channels first: an RGB image of 2 × 5 pixels as 3 planes of 2 × 5, channel c + 1 one value after c.
    assert.deepEqual(layoutOf([2, 5, 3], 'channels').views, [{ offset: 0, dims: [3, 2, 5], strides: [1, 15, 3] }]);
    assert.deepEqual(layoutOf([4, 2, 5, 3], 'channels').views, [{ offset: 0, dims: [3, 8, 5], strides: [1, 15, 3] }]);
    assert.throws(() => layoutOf([2, 5, 6], 'channels'), RangeError);
  });

  it('offers every layout for 2-D arrays (a table\'s first), the field and channels for a short last axis, the field alone otherwise, and the one the user names', () => {
    assert.deepEqual(candidateLayouts([7, 3], 'table'), ['table', 'field', 'series']);
    assert.deepEqual(candidateLayouts([7, 3], 'frames'), ['field', 'table', 'series']);
    assert.deepEqual(candidateLayouts([4, 7, 3], 'frames'), ['field', 'channels']);
    assert.deepEqual(candidateLayouts([4, 7, 5], 'frames'), ['field']);
    assert.deepEqual(candidateLayouts([9], 'frames'), ['field']);
    assert.deepEqual(candidateLayouts([1, 300], 'table'), ['field', 'series'], 'one row: nothing to predict down the columns');
    assert.deepEqual(candidateLayouts([300, 1], 'table'), ['table'], 'one column: one sequence, whichever layout sees it');
    assert.deepEqual(candidateLayouts([300, 1], 'frames'), ['field']);
    assert.deepEqual(candidateLayouts([7, 3], 'table', 'series'), ['series']);
    assert.deepEqual(candidateLayouts([4, 7, 3], 'frames', 'series'), ['series']);
    assert.throws(() => candidateLayouts([4, 7, 3], 'frames', 'table'), BalerError);
    assert.throws(() => candidateLayouts([4, 7, 5], 'frames', 'channels'), /the channels layout needs 3 or more axes, the last of 2 to 4/);
    assert.throws(() => candidateLayouts([7, 3], 'table', 'image' as 'field'), BalerError);
  });

  it('steps: 2τ_l with τ_l = τ/min(alpha^l, beta) per level, odd whole units on a grid', () => {
    assert.deepEqual(Array.from(levelSteps(1, false, 3, 2, 4)), [2, 1, 0.5, 0.5]);
    assert.deepEqual(Array.from(levelSteps(2.7, true, 2, 1, 1)), [5, 5, 5]);
    assert.deepEqual(Array.from(levelSteps(2.7, true, 2, 2, 4)), [5, 3, 1]);
    assert.deepEqual(Array.from(levelSteps(0.3, true, 1, 1, 1)), [1, 1]);
    assert.equal(levelSteps(Number.MAX_VALUE, false, 0, 1, 1)[0], Number.MAX_VALUE);
  });

  it('gives each view its tolerance: one for all, one per column, the smallest for a view across columns', () => {
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'table'), [0.5]), [0.5, 0.5, 0.5]);
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'table'), [1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'field'), [2, 1, 3]), [1]);
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'series'), [0.5]), [0.5]);
  });
});
