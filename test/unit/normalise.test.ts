import { strict as assert } from 'node:assert';
import { fitMinMax, normalise, denormalise } from '../../src/kernel/normalise';
import type { Dataset } from '../../src/kernel/types';

function table(values: number[], cols: number): Dataset {
  return { kind: 'table', shape: [values.length / cols, cols], dtype: 'float64', names: [], values: Float64Array.from(values) };
}

describe('min-max normalisation', () => {
  it('maps each table column onto [0, 1] and back', () => {
    const ds = table([1, 10, 3, 30, 2, 20], 2);
    const norm = fitMinMax(ds);
    assert.deepEqual(norm.min, [1, 10]);
    assert.deepEqual(norm.max, [3, 30]);
    const n = normalise(ds.values, 2, norm);
    assert.deepEqual([...n], [0, 0, 1, 1, 0.5, 0.5]);
    const back = denormalise(n, 2, norm);
    assert.deepEqual([...back], [1, 10, 3, 30, 2, 20]);
  });

  it('uses one range for frames and survives constant and non-finite values', () => {
    const frames: Dataset = { kind: 'frames', shape: [2, 1, 2], dtype: 'float64', names: [], values: Float64Array.from([0, 4, NaN, 2]) };
    const norm = fitMinMax(frames);
    assert.deepEqual(norm.min, [0]);
    assert.deepEqual(norm.max, [4]);
    const constant = fitMinMax(table([5, 5, 5], 1));
    const n = normalise(Float64Array.from([5, 5, 5]), 1, constant);
    assert.deepEqual([...n], [0, 0, 0]);
    assert.deepEqual([...denormalise(n, 1, constant)], [5, 5, 5]);
  });
});
