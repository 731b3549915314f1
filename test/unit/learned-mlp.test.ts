// The small networks of the cross-column model: the pure-TS forward pass equals a plain reference summed in
// the same order, survives serialisation as float16, refuses damage; training on tfjs learns a product that a
// linear predictor cannot.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { ByteReader, ByteWriter } from '../../src/kernel/codec/bytes';
import { forwardMlp, MLP_LEAKY_ALPHA, readMlp, roundMlp, writeMlp, type Mlp } from '../../src/kernel/learned/mlp';
import { trainColumnNets } from '../../src/kernel/learned/train-mlp';
import { initBackend } from '../../src/kernel/model/backend';
import { BalerError } from '../../src/kernel/errors';

function randomNet(inputs: number, hidden: number, seed = 3): Mlp {
  let s = seed;
  const random = () => ((s = (s * 48271) % 2147483647) / 2147483647) - 0.5;
  const layer = (n: number, m: number) => ({ inputs: n, outputs: m, kernel: Float64Array.from({ length: n * m }, random), bias: Float64Array.from({ length: m }, random) });
  return roundMlp({ layers: [layer(inputs, hidden), layer(hidden, hidden), layer(hidden, 1)] });
}

/** The textbook forward pass: for each row and unit, Σ_i x_i·w_i in order, then + bias. */
function reference(net: Mlp, x: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let h = Array.from(x.subarray(r * net.layers[0].inputs, (r + 1) * net.layers[0].inputs));
    net.layers.forEach((l, k) => {
      h = Array.from({ length: l.outputs }, (_, o) => {
        let s = 0;
        for (let i = 0; i < l.inputs; i++) s += h[i] * l.kernel[i * l.outputs + o];
        s += l.bias[o];
        return k === net.layers.length - 1 || s >= 0 ? s : s * MLP_LEAKY_ALPHA;
      });
    });
    out[r] = h[0];
  }
  return out;
}

describe('learned networks (cross-column)', () => {
  it('computes exactly the reference forward pass (fixed summation order)', () => {
    for (const [inputs, hidden, rows] of [[1, 4, 3], [7, 16, 101], [23, 5, 8]]) {
      const net = randomNet(inputs, hidden);
      const x = Float64Array.from({ length: rows * inputs }, (_, i) => Math.sin(i * 1.7) * 3);
      assert.deepEqual(forwardMlp(net, x, rows), reference(net, x, rows));
    }
  });

  it('round-trips through float16 bytes and refuses truncation and non-finite weights', () => {
    const net = randomNet(6, 8);
    const w = new ByteWriter();
    writeMlp(w, net);
    const bytes = w.finish();
    assert.deepEqual(readMlp(new ByteReader(bytes), 6), net);
    for (let n = 0; n < bytes.length; n++) assert.throws(() => readMlp(new ByteReader(bytes.subarray(0, n)), 6), BalerError);
    const inf = bytes.slice();
    inf.set([0x00, 0x7c], 2); // the first weight becomes +Inf in float16
    assert.throws(() => readMlp(new ByteReader(inf), 6), /not finite/);
    assert.throws(() => readMlp(new ByteReader(bytes), 5), BalerError, 'a network for other inputs');
  });

  it('learns a product of two columns, which a linear predictor cannot', async function () {
    this.timeout(60_000);
    const rows = 4096;
    const inputs = new Float64Array(rows * 3);
    const targets = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      const a = Math.sin(r * 0.37) * 1.7;
      const b = Math.cos(r * 0.71 + 1) * 1.7;
      inputs.set([a, b, 0], r * 3);
      targets.set([a, b, a * b], r * 3);
    }
    await initBackend('auto');
    const tensors = tf.memory().numTensors;
    const nets = await trainColumnNets(inputs, targets, rows, 3, { seconds: 4, seed: 1 });
    assert.equal(tf.memory().numTensors, tensors, 'training leaves no tensor behind');
    assert.equal(nets[0], undefined);
    const out = forwardMlp(nets[2]!, Float64Array.from({ length: rows * 2 }, (_, i) => inputs[Math.floor(i / 2) * 3 + (i % 2)]), rows);
    let error = 0;
    let spread = 0;
    for (let r = 0; r < rows; r++) {
      error += Math.abs(out[r] - targets[r * 3 + 2]);
      spread += Math.abs(targets[r * 3 + 2]);
    }
    assert.ok(error < 0.3 * spread, `mean absolute error ${(error / rows).toFixed(3)} against a mean |a·b| of ${(spread / rows).toFixed(3)}`);
  });
});
