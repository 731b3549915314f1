import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { DeviceAdam, HostAdam, createAdam, type Parameters } from '../../src/kernel/model/adam';
import { initBackend } from '../../src/kernel/model/backend';

function randomTensors(shapes: number[][], seed: string): tf.Tensor[] {
  const rng = seedrandom(seed);
  return shapes.map((shape) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1), shape));
}

describe('Adam on the host and on the device', () => {
  after(async () => {
    await initBackend('auto');
  });

  it('take the same steps (within float32 rounding) over 20 updates with changing gradients and learning rate', async () => {
    await initBackend('cpu');
    const shapes = [[5, 7], [7], [7, 3], [3]];
    const host: Parameters = { tensors: randomTensors(shapes, 'p') };
    const device: Parameters = { tensors: randomTensors(shapes, 'p') };
    const before = tf.memory().numTensors;
    const hostAdam = new HostAdam(host);
    const deviceAdam = new DeviceAdam(device);
    for (let step = 0; step < 20; step++) {
      const grads = randomTensors(shapes, `g${step}`);
      const lr = step < 10 ? 1e-2 : 1e-3;
      hostAdam.apply(host, grads, lr);
      deviceAdam.apply(device, grads, lr);
      for (const g of grads) g.dispose();
    }
    let maxDiff = 0;
    let moved = 0;
    const start = randomTensors(shapes, 'p');
    for (let i = 0; i < shapes.length; i++) {
      assert.deepEqual(device.tensors[i].shape, shapes[i]);
      const a = await host.tensors[i].data();
      const b = await device.tensors[i].data();
      const s = await start[i].data();
      for (let j = 0; j < a.length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
        moved = Math.max(moved, Math.abs(a[j] - s[j]));
      }
    }
    assert.ok(moved > 0.05, `the parameters moved (${moved})`);
    assert.ok(maxDiff < 1e-5, `host and device Adam differ by ${maxDiff}`);
    for (const t of start) t.dispose();
    deviceAdam.dispose();
    hostAdam.dispose();
    for (const t of [...host.tensors, ...device.tensors]) t.dispose();
    assert.equal(tf.memory().numTensors, before - 2 * shapes.length, 'the device optimizer keeps no tensors after dispose');
  });

  it('createAdam picks the host optimizer where tensors are readable in place (wasm, cpu)', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend(backend);
      const params: Parameters = { tensors: randomTensors([[2, 2]], 'x') };
      const adam = createAdam(params);
      assert.ok(adam instanceof HostAdam, backend);
      adam.dispose();
      for (const t of params.tensors) t.dispose();
    }
  });
});
