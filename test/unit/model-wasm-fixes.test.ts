import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import seedrandom from 'seedrandom';
import { initBackend } from '../../src/kernel/model/backend';
import { wasmFixesInstalled } from '../../src/kernel/model/wasm-fixes';

const rng = seedrandom('wasm-fixes');
const data = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);

/** Runs f on a backend and returns the values of its result(s). */
async function on(backend: 'wasm' | 'cpu', f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  tf.dispose(list);
  return values;
}

async function assertSameOnCpu(label: string, f: () => tf.Tensor | tf.Tensor[], tol = 2e-5): Promise<void> {
  const wasm = await on('wasm', f);
  const cpu = await on('cpu', f);
  await tf.setBackend('wasm');
  assert.equal(wasm.length, cpu.length);
  wasm.forEach((w, k) => {
    assert.equal(w.length, cpu[k].length, `${label}: output ${k} length`);
    let scale = 1;
    for (const v of cpu[k]) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < w.length; i++) {
      assert.ok(Math.abs(w[i] - cpu[k][i]) <= tol * scale, `${label}: output ${k}[${i}] wasm ${w[i]} vs cpu ${cpu[k][i]}`);
    }
  });
}

describe('wasm kernel fixes match the cpu backend', () => {
  before(async () => {
    await initBackend('wasm');
    assert.ok(wasmFixesInstalled());
  });
  after(async () => {
    await initBackend('auto');
  });

  const a = data(37 * 23);
  const b = data(37 * 19);
  const c = data(23 * 19);
  const batched = data(3 * 11 * 7);
  const batchedB = data(3 * 11 * 5);

  it('MatMul with transposeA / transposeB (2-D and batched)', async () => {
    await assertSameOnCpu('aT·b', () => tf.matMul(tf.tensor2d(a, [37, 23]), tf.tensor2d(b, [37, 19]), true, false));
    await assertSameOnCpu('a·cT', () => tf.matMul(tf.tensor2d(b, [37, 19]), tf.tensor2d(c, [23, 19]), false, true));
    await assertSameOnCpu('aT·bT', () => tf.matMul(tf.tensor2d(a, [37, 23]), tf.tensor2d(b, [19, 37]), true, true));
    await assertSameOnCpu('plain', () => tf.matMul(tf.tensor2d(a, [37, 23]), tf.tensor2d(c, [23, 19])));
    await assertSameOnCpu('batched aT', () => tf.matMul(tf.tensor3d(batched, [3, 11, 7]), tf.tensor3d(batchedB, [3, 11, 5]), true, false));
  });

  it('LeakyRelu (via Prelu) and its gradient', async () => {
    for (const alpha of [0.01, 0.2]) {
      await assertSameOnCpu(`leaky ${alpha}`, () => tf.leakyRelu(tf.tensor2d(a, [37, 23]), alpha));
      await assertSameOnCpu(`leaky grad ${alpha}`, () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(x, alpha), x)))(tf.tensor2d(a, [37, 23])));
    }
    await assertSameOnCpu('leaky 1-D', () => tf.leakyRelu(tf.tensor1d(a.subarray(0, 50)), 0.01));
  });

  it('Sum over axis 0 (via ones-vector MatMul), other reductions unchanged', async () => {
    await assertSameOnCpu('sum0', () => tf.sum(tf.tensor2d(a, [37, 23]), 0));
    await assertSameOnCpu('sum0 keepDims', () => tf.sum(tf.tensor2d(a, [37, 23]), 0, true));
    await assertSameOnCpu('sum -2', () => tf.sum(tf.tensor2d(a, [37, 23]), -2));
    await assertSameOnCpu('sum1', () => tf.sum(tf.tensor2d(a, [37, 23]), 1));
    await assertSameOnCpu('sum all', () => tf.sum(tf.tensor2d(a, [37, 23])));
    await assertSameOnCpu('sum 3-D axis 0', () => tf.sum(tf.tensor3d(batched, [3, 11, 7]), 0));
  });

  it('Conv2DBackpropFilter (missing in stock wasm) via a dilated Conv2D', async () => {
    const cases: { x: [number, number, number, number]; k: number; cout: number; stride: number; pad: 'same' | 'valid' }[] = [
      { x: [2, 8, 8, 1], k: 3, cout: 4, stride: 2, pad: 'same' },
      { x: [3, 7, 9, 2], k: 3, cout: 3, stride: 2, pad: 'same' },
      { x: [2, 6, 5, 3], k: 3, cout: 2, stride: 1, pad: 'same' },
      { x: [2, 9, 8, 2], k: 3, cout: 2, stride: 2, pad: 'valid' },
      { x: [1, 10, 10, 2], k: 5, cout: 3, stride: 2, pad: 'same' },
    ];
    for (const t of cases) {
      const xv = data(t.x.reduce((p, q) => p * q, 1));
      const fv = data(t.k * t.k * t.x[3] * t.cout);
      const label = JSON.stringify(t);
      await assertSameOnCpu(label, () => {
        const x = tf.tensor4d(xv, t.x);
        const f = tf.tensor4d(fv, [t.k, t.k, t.x[3], t.cout]);
        const loss = (xx: tf.Tensor, ff: tf.Tensor) => {
          const y = tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, t.stride, t.pad);
          return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
        };
        return tf.grads(loss)([x, f]);
      });
    }
  });

  it('conv2dTranspose trains: gradients for input and filter', async () => {
    const xv = data(2 * 4 * 5 * 3);
    const fv = data(3 * 3 * 2 * 3);
    await assertSameOnCpu('deconv grads', () => {
      const loss = (xx: tf.Tensor, ff: tf.Tensor) => {
        const y = tf.conv2dTranspose(xx as tf.Tensor4D, ff as tf.Tensor4D, [2, 8, 10, 2], 2, 'same');
        return tf.sum(tf.square(y));
      };
      return [tf.conv2dTranspose(tf.tensor4d(xv, [2, 4, 5, 3]), tf.tensor4d(fv, [3, 3, 2, 3]), [2, 8, 10, 2], 2, 'same'),
        ...tf.grads(loss)([tf.tensor4d(xv, [2, 4, 5, 3]), tf.tensor4d(fv, [3, 3, 2, 3])])];
    });
  });

  it('the fixed kernels leak no wasm memory', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const idsBefore = dataIds();
    tf.tidy(() => {
      const x = tf.tensor2d(a, [37, 23]);
      tf.matMul(x, x, true, false);
      tf.sum(x, 0);
      tf.leakyRelu(x, 0.01);
      tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 6, 6, 1]) as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(tf.ones([3, 3, 1, 2]));
    });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytesBefore);
    assert.equal(dataIds(), idsBefore, 'every temporary heap buffer of the fixed kernels is freed');
  });
});
