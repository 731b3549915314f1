// The block kernels (eb/kernels.ts) against predictAlong point by point: the same bits (Object.is, so −0 and
// NaN count) for every predictor they serve, one to three directions, both kinds of axis ends, and blocks that
// start inside the sweep's lists. The coded bytes depend on these predictions bit for bit.
import assert from 'node:assert/strict';
import { blockPoints, NOT_WANTED, pointsOf, predictBlock } from '../../src/kernel/eb/kernels';
import { METHOD_BASE, METHOD_CUBIC, METHOD_CUBIC_OVER_BASE, METHOD_LINEAR, predictAlong } from '../../src/kernel/eb/predictors';
import { Block, setSweepGeometry } from '../../src/kernel/eb/sweep';
import type { Edges } from '../../src/kernel/eb/interpolation';

/** Odd multiples of s below n − 1 (the points a level interpolates), or every multiple of s then n − 1. */
function list(n: number, s: number, fresh: boolean): Int32Array {
  const out: number[] = [];
  for (let c = fresh ? s : 0; c < n - 1; c += fresh ? 2 * s : s) out.push(c);
  if (!fresh) out.push(n - 1);
  return Int32Array.from(out);
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/** predictAt's arithmetic: one direction's value, or 0 + each direction's in order, divided by their count. */
function reference(method: number, recon: Float64Array, base: Float64Array, o: number, i: number, b: Block, strides: number[], xs: number[]): number {
  if (method === METHOD_BASE) return base[i + o];
  const along = (e: number) =>
    predictAlong(method, recon, base, o, i, strides[e], b.s, b.before3[e][xs[e]] === 1, b.right1[e][xs[e]], b.right3[e][xs[e]]);
  if (b.nd === 1) return along(b.dirs[0]);
  let sum = 0;
  for (let m = 0; m < b.nd; m++) sum += along(b.dirs[m]);
  return sum / b.nd;
}

describe('eb: block kernels', () => {
  const dims: [number, number, number] = [11, 12, 14];
  const strides = [dims[1] * dims[2], dims[2], 1];
  const size = dims[0] * dims[1] * dims[2];
  const random = seeded(9);
  const recon = Float64Array.from({ length: size }, (_, i) => (i % 17 === 0 ? -0 : i % 23 === 0 ? 0 : (random() - 0.5) * 10 ** Math.floor(random() * 6)));
  const base = Float64Array.from({ length: size + 5 }, () => random() - 0.5);

  for (const edges of ['anchored', 'open'] as Edges[])
    for (const s of [1, 2])
      for (const dirs of [[2], [0], [1, 2], [2, 0], [0, 1, 2], [1, 0, 2]])
        it(`predicts as predictAlong does: ${edges} edges, stride ${s}, directions ${dirs.join(',')}`, () => {
          const lists = [0, 1, 2].map((e) => list(dims[e], s, dirs.includes(e)));
          const b: Block = {
            d: dirs[0], s, dirs: Int32Array.from(dirs), nd: dirs.length, previous: 0,
            before3: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
            right1: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
            right3: [new Int32Array(0), new Int32Array(0), new Int32Array(0)],
            stencil: [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)],
            L0: lists[0], L1: lists[1], L2: lists[2],
            // A block inside the lists (not from 0) and one to their ends.
            a0: 1, b0: lists[0].length, a1: 0, b1: lists[1].length, a2: lists[2].length > 2 ? 1 : 0, b2: lists[2].length,
          };
          setSweepGeometry(b, dims, edges);
          const total = pointsOf(b);
          const points = new Int32Array(total);
          blockPoints(b, 0, strides, points);
          for (const method of [METHOD_CUBIC, METHOD_LINEAR, METHOD_BASE, METHOD_CUBIC_OVER_BASE]) {
            const out = new Float64Array(3 * total + 2).fill(NaN);
            assert.ok(predictBlock(method, recon, base, 3, b, strides, points, out, 1, total + 2));
            let j = 0;
            for (let x0 = b.a0; x0 < b.b0; x0++)
              for (let x1 = b.a1; x1 < b.b1; x1++)
                for (let x2 = b.a2; x2 < b.b2; x2++, j++) {
                  const i = points[j];
                  assert.equal(i, lists[0][x0] * strides[0] + lists[1][x1] * strides[1] + lists[2][x2]);
                  const want = reference(method, recon, base, 3, i, b, strides, [x0, x1, x2]);
                  assert.ok(Object.is(out[1 + j], want), `method ${method} at ${[x0, x1, x2]}: ${out[1 + j]} ≠ ${want}`);
                  if (method === METHOD_CUBIC || method === METHOD_LINEAR) {
                    // The other of the two, from the same neighbours, beside it.
                    const other = reference(method === METHOD_CUBIC ? METHOD_LINEAR : METHOD_CUBIC, recon, base, 3, i, b, strides, [x0, x1, x2]);
                    assert.ok(Object.is(out[total + 2 + j], other), `other of ${method} at ${[x0, x1, x2]}`);
                  }
                }
          }
          for (const method of [METHOD_CUBIC, METHOD_LINEAR]) {
            // The decoder's call: the same predictions, and nothing written for the other of the two.
            const both = new Float64Array(2 * total);
            predictBlock(method, recon, base, 0, b, strides, points, both, 0, total);
            const alone = new Float64Array(total + 1).fill(NaN);
            predictBlock(method, recon, base, 0, b, strides, points, alone, 0, NOT_WANTED);
            for (let j = 0; j < total; j++) assert.ok(Object.is(alone[j], both[j]), `method ${method} alone at ${j}`);
            assert.ok(Number.isNaN(alone[total]));
          }
          assert.equal(predictBlock(99, recon, base, 0, b, strides, points, new Float64Array(total), 0, 0), false);
        });
});
