import assert from 'node:assert/strict';
import { layoutOf, levelSteps, threeDimensional, viewTolerances } from '../../src/kernel/eb/layout';

describe('eb: layout', () => {
  it('lays a table out as one view per column, anything else as one 3-D view', () => {
    const table = layoutOf([7, 3], 'table');
    assert.equal(table.views.length, 3);
    assert.deepEqual(table.views[2], { offset: 2, dims: [1, 1, 7], strides: [0, 0, 3] });
    assert.deepEqual(threeDimensional([2, 3, 4, 5]), [6, 4, 5]);
    assert.deepEqual(threeDimensional([9]), [1, 1, 9]);
    assert.equal(layoutOf([7, 3], 'frames').views.length, 1);
  });

  it('steps: 2τ/min(alpha^l, beta) per level, odd integers on the integer path', () => {
    assert.deepEqual(Array.from(levelSteps(1, false, 3, 2, 4)), [2, 1, 0.5, 0.5]);
    assert.deepEqual(Array.from(levelSteps(2.7, true, 2, 2, 4)), [5, 5, 5]);
    assert.deepEqual(Array.from(levelSteps(0.3, true, 1, 1, 1)), [1, 1]);
    assert.equal(levelSteps(Number.MAX_VALUE, false, 0, 1, 1)[0], Number.MAX_VALUE);
  });

  it('gives each view its tolerance: one for all, or one per column', () => {
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'table'), [0.5]), [0.5, 0.5, 0.5]);
    assert.deepEqual(viewTolerances(layoutOf([7, 3], 'table'), [1, 2, 3]), [1, 2, 3]);
  });
});
