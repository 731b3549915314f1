import assert from 'node:assert/strict';
import { ExactReader, valueType } from '../../src/kernel/eb/dtype';
import { PointCoder } from '../../src/kernel/eb/pointcoder';
import { predictorsFor } from '../../src/kernel/eb/predictors';
import { Quantizer } from '../../src/kernel/eb/quantizer';
import { levelSteps } from '../../src/kernel/eb/layout';
import { codeByInterpolation, interpolationLevels } from '../../src/kernel/eb/interpolation';
import { Candidate, choiceBits, codeByLorenzo, GridView } from '../../src/kernel/eb/traversal';

const NONE = new Float64Array(0);
const plain = (mode: 'interpolation' | 'lorenzo'): Candidate[] => predictorsFor(mode, false).map((spec) => ({ spec, method: spec.method, base: NONE, baseOffset: 0 }));

/** Runs a traversal on both sides, recording the order points were coded in. */
function both(values: Float64Array, traverse: (pc: PointCoder, counts: Int32Array) => void, tolerance = 1e-3) {
  const type = valueType('float64');
  const make = () => {
    const q = new Quantizer(type, 'absolute');
    q.tolerance = tolerance;
    return q;
  };
  const visits: number[] = [];
  const enc = PointCoder.forEncoding(values, make(), type);
  const code = enc.code.bind(enc);
  enc.code = (i, ...rest) => { visits.push(i); code(i, ...rest); };
  const strip = enc.codeStrip.bind(enc);
  enc.codeStrip = (points, count, ...rest) => { for (let k = 0; k < count; k++) visits.push(points[k]); strip(points, count, ...rest); };
  const encCounts = new Int32Array(4);
  traverse(enc, encCounts);
  const dec = PointCoder.forDecoding(values.length, make(), enc.indices.finish(), new ExactReader(enc.exactBytes(), type));
  const decCounts = new Int32Array(4);
  traverse(dec, decCounts);
  return { enc, dec, visits, encCounts, decCounts };
}

describe('eb: traversals', () => {
  const [n0, n1, n2] = [5, 9, 13];
  const values = Float64Array.from({ length: n0 * n1 * n2 }, (_, i) => Math.sin(i / 17) + Math.cos(i / 5) * 0.1);
  const view: GridView = { offset: 0, dims: [n0, n1, n2], strides: [n1 * n2, n2, 1] };

  for (const [edges, directions] of [['anchored', 'one'], ['open', 'one'], ['anchored', 'all'], ['open', 'all']] as const) {
    it(`interpolation (${edges} edges, ${directions} directions) visits every point exactly once, coarse levels first, and both sides agree`, () => {
      const levels = interpolationLevels(view.dims, edges);
      assert.equal(levels, 4);
      const steps = Float64Array.from({ length: levels + 1 }, () => 2e-3);
      const { enc, dec, visits, encCounts, decCounts } = both(values, (pc, counts) => codeByInterpolation(pc, view, { order: [1, 2, 0], blockSize: 4, edges, directions }, steps, plain('interpolation'), counts));
      assert.deepEqual([...visits].sort((a, b) => a - b), Array.from(values.keys()));
      assert.equal(visits[0], 0, 'the origin first');
      if (edges === 'anchored') assert.deepEqual(visits.slice(1, 8).sort((a, b) => a - b), [12, 104, 116, 468, 480, 572, 584], 'then the corners');
      assert.deepEqual(Array.from(decCounts), Array.from(encCounts));
      assert.ok(encCounts[0] + encCounts[1] > 10, 'blocks choose between cubic and linear');
      assert.deepEqual(Array.from(dec.finishOutput()), Array.from(enc.finishOutput()));
      for (let i = 0; i < values.length; i++) assert.ok(Math.abs(dec.output[i] - values[i]) <= 1e-3);
    });
  }

  it('anchored edges: a smooth field whose axes are not 2^k + 1 long costs far less than with open edges', () => {
    const dims: [number, number, number] = [1, 45, 60];
    const smooth = Float64Array.from({ length: 45 * 60 }, (_, i) => Math.sin(Math.floor(i / 60) / 9) + Math.cos((i % 60) / 11));
    const field: GridView = { offset: 0, dims, strides: [2700, 60, 1] };
    const bytes = (edges: 'anchored' | 'open') => {
      const steps = Float64Array.from({ length: interpolationLevels(dims, edges) + 1 }, () => 2e-3);
      return both(smooth, (pc, counts) => codeByInterpolation(pc, field, { order: [1, 2, 0], blockSize: 16, edges, directions: 'one' }, steps, plain('interpolation'), counts)).enc.indices.finish().length;
    };
    const anchored = bytes('anchored');
    const open = bytes('open');
    assert.ok(anchored < open * 0.9, `anchored ${anchored} bytes, open ${open}`);
  });

  it('Lorenzo visits in raster order by blocks, and both sides agree', () => {
    const { enc, dec, visits } = both(values, (pc, counts) => codeByLorenzo(pc, view, 4, 2e-3, plain('lorenzo'), counts));
    assert.deepEqual([...visits].sort((a, b) => a - b), Array.from(values.keys()));
    assert.deepEqual(Array.from(dec.finishOutput()), Array.from(enc.finishOutput()));
  });

  it('interpolating along all directions averages the noise of a noisy smooth field: fewer bytes than along one', () => {
    const r = (() => { let seed = 7; return () => ((seed = (seed * 16807) % 2147483647) / 2147483647); })();
    const gaussian = () => Math.sqrt(-2 * Math.log(r())) * Math.cos(2 * Math.PI * r());
    const dims: [number, number, number] = [17, 128, 128];
    const noisy = Float64Array.from({ length: 17 * 128 * 128 }, (_, i) => {
      const [t, y, x] = [Math.floor(i / 16384), Math.floor(i / 128) % 128, i % 128];
      return Math.sin(2 * Math.PI * (1.5 * x / 128 + 0.01 * t)) + 0.5 * Math.sin(2 * Math.PI * (2.3 * y / 128 - 0.013 * t)) + 1e-3 * gaussian();
    });
    const field: GridView = { offset: 0, dims, strides: [128 * 128, 128, 1] };
    const bytes = (directions: 'one' | 'all') => {
      const steps = levelSteps(3.5e-3, false, interpolationLevels(dims, 'anchored'), 1.25, 4);
      return both(noisy, (pc, counts) => codeByInterpolation(pc, field, { order: [1, 2, 0], blockSize: 16, edges: 'anchored', directions }, steps, plain('interpolation'), counts), 3.5e-3).enc.indices.finish().length;
    };
    const one = bytes('one');
    const all = bytes('all');
    assert.ok(all < one * 0.9, `all ${all} bytes, one ${one}`);
  });

  it('a strided view (a table column) touches only its own points', () => {
    const table = Float64Array.from({ length: 40 * 3 }, (_, i) => (i % 3) * 100 + Math.floor(i / 3));
    const column: GridView = { offset: 1, dims: [1, 1, 40], strides: [0, 0, 3] };
    const steps = Float64Array.from({ length: interpolationLevels(column.dims, 'anchored') + 1 }, () => 2e-3);
    const { visits } = both(table, (pc, counts) => codeByInterpolation(pc, column, { order: [1, 2, 0], blockSize: 16, edges: 'anchored', directions: 'one' }, steps, plain('interpolation'), counts));
    assert.deepEqual([...visits].sort((a, b) => a - b), Array.from({ length: 40 }, (_, r) => 1 + 3 * r));
  });

  it('codes a choice among n candidates in the fewest bits', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 8].map(choiceBits), [0, 1, 2, 2, 3, 3]);
  });
});
