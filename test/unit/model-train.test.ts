import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import { CancelledError } from '../../src/kernel/errors';
import type { DenseArchitecture, TrainOptions, TrainProgress } from '../../src/kernel/types';
import { defaultArchitecture } from '../../src/kernel/model/architectures';
import { initBackend } from '../../src/kernel/model/backend';
import { decodeLatents, encodeSamples } from '../../src/kernel/model/infer';
import { psnrFromMse, trainAutoencoder } from '../../src/kernel/model/train';

/** count × width samples in [0, 1] that lie on a rank-`rank` subspace. */
function lowRank(count: number, width: number, rank: number, seed = 'low-rank'): Float32Array {
  const rng = seedrandom(seed);
  const basis = Array.from({ length: rank }, () => Float64Array.from({ length: width }, () => rng() - 0.5));
  const out = new Float32Array(count * width);
  for (let s = 0; s < count; s++) {
    const coef = Array.from({ length: rank }, () => rng());
    for (let j = 0; j < width; j++) {
      let v = 0.5;
      for (let r = 0; r < rank; r++) v += 0.5 * coef[r] * basis[r][j];
      out[s * width + j] = v;
    }
  }
  return out;
}

const COUNT = 1024;
const WIDTH = 16;
const data = lowRank(COUNT, WIDTH, 3);
// Narrower than the default 200-100-50 to keep the suite quick on a shared 2-core machine.
const arch: DenseArchitecture = { type: 'dense', inputSize: WIDTH, hidden: [64, 32], latent: 3, activation: 'leaky_relu', leakyAlpha: 0.01 };
const base: TrainOptions = { epochs: 30, batchSize: 128, learningRate: 3e-3, seed: 7, validationSplit: 0.1 };

describe('model training', function () {
  this.timeout(60000);
  before(async () => {
    const report = await initBackend('auto');
    assert.equal(report.active, 'wasm');
  });

  it('a small dense AE learns a low-rank dataset: loss drops 10x, with validation loss and lr history', async () => {
    const r = await trainAutoencoder(data, COUNT, arch, base);
    const h = r.history;
    assert.equal(h.epochs, 30);
    assert.equal(h.stoppedBecause, 'epochs');
    assert.equal(h.backend, 'wasm');
    assert.equal(h.loss.length, 30);
    assert.equal(h.valLoss.length, 30);
    assert.equal(h.learningRate.length, 30);
    assert.ok(h.loss[29] < h.loss[0] / 10, `loss ${h.loss[0]} → ${h.loss[29]}`);
    assert.ok(h.valLoss[29] < h.valLoss[0] / 10);
    assert.deepEqual(r.encoder.map((w) => w.name), ['encoder.dense0.kernel', 'encoder.dense0.bias', 'encoder.dense1.kernel', 'encoder.dense1.bias', 'encoder.dense2.kernel', 'encoder.dense2.bias']);
    assert.deepEqual(r.decoder[r.decoder.length - 2].shape, [64, WIDTH]);
  });

  it('is repeatable: the same seed gives the same loss history, another seed a different one', async () => {
    const opts = { ...base, epochs: 4 };
    const a = await trainAutoencoder(data, COUNT, arch, opts);
    const b = await trainAutoencoder(data, COUNT, arch, opts);
    const c = await trainAutoencoder(data, COUNT, arch, { ...opts, seed: 8 });
    assert.deepEqual(a.history.loss, b.history.loss);
    assert.deepEqual(a.history.valLoss, b.history.valLoss);
    assert.deepEqual(a.decoder[0].values, b.decoder[0].values);
    assert.notDeepEqual(a.history.loss, c.history.loss);
  });

  it('early stopping and LR reduction on plateau trigger', async () => {
    const stopped = await trainAutoencoder(data, COUNT, arch, { ...base, epochs: 50, earlyStopping: { patience: 2, minDelta: 1 } });
    assert.equal(stopped.history.stoppedBecause, 'early-stopping');
    assert.equal(stopped.history.epochs, 4, 'epoch 1 sets the best; 3 more without a gain of minDelta stop it');

    // Noise cannot be compressed to one latent value: the loss soon stalls and the schedule halves the lr.
    const noise = Float32Array.from({ length: 256 * 8 }, seedrandom('noise'));
    const small = defaultArchitecture('table', [256, 8], { latent: 1 });
    const r = await trainAutoencoder(noise, 256, small, {
      epochs: 40, batchSize: 64, learningRate: 1e-2, seed: 1, validationSplit: 0,
      reduceLrOnPlateau: { factor: 0.5, patience: 1, minLr: 1e-3 },
    });
    const lrs = r.history.learningRate;
    assert.equal(lrs[0], 1e-2);
    assert.ok(lrs.some((lr) => lr === 5e-3), `learning rates: ${lrs.join(', ')}`);
    assert.ok(lrs.every((lr) => lr >= 1e-3));
  });

  it('stops at a PSNR target (normalised scale) and at a time limit', async () => {
    const r = await trainAutoencoder(data, COUNT, arch, { ...base, epochs: 500, validationSplit: 0, targetPsnr: 30 });
    assert.equal(r.history.stoppedBecause, 'target-reached');
    assert.ok(r.history.epochs < 500);
    const decoded = decodeLatents(arch, r.decoder, await encodeSamples(arch, r.encoder, data, COUNT), COUNT);
    let sq = 0;
    for (let i = 0; i < decoded.length; i++) sq += (decoded[i] - data[i]) ** 2;
    assert.ok(psnrFromMse(sq / decoded.length) >= 30 - 1e-3);

    const t = await trainAutoencoder(data, COUNT, arch, { ...base, epochs: 100000, timeLimitSeconds: 0.3 });
    assert.equal(t.history.stoppedBecause, 'time-limit');
    assert.ok(t.history.seconds < 3);
  });

  it('reports progress at most ~10 times a second and cancels through an AbortSignal', async () => {
    const events: { p: TrainProgress; at: number }[] = [];
    await trainAutoencoder(data, COUNT, arch, { ...base, epochs: 60 }, { onProgress: (p) => events.push({ p, at: performance.now() }) });
    assert.ok(events.length >= 2);
    const last = events[events.length - 1].p;
    assert.equal(last.epoch, 60);
    assert.equal(last.epochs, 60);
    assert.equal(last.etaSeconds, 0);
    assert.ok(last.valLoss! > 0 && last.learningRate === 3e-3 && last.elapsedSeconds > 0);
    for (let i = 1; i + 1 < events.length; i++) assert.ok(events[i].at - events[i - 1].at >= 95, 'throttled to 10 per second');

    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      trainAutoencoder(data, COUNT, arch, { ...base, epochs: 1000 }, { signal: controller.signal, onProgress: () => { seen++; controller.abort(); } }),
      (e: unknown) => e instanceof CancelledError,
    );
    assert.equal(seen, 1);

    // An abort from outside (a timer, as a cancel message would arrive) is seen between batches.
    const outside = new AbortController();
    setTimeout(() => outside.abort(), 150);
    await assert.rejects(trainAutoencoder(data, COUNT, arch, { ...base, epochs: 100000 }, { signal: outside.signal }), CancelledError);
  });

  it('leaks no tensors: the count is stable across epochs and back to the start afterwards', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainAutoencoder(data, COUNT, arch, { ...base, epochs: 8 }, { onProgress: () => counts.push(tf.memory().numTensors) });
    await assert.rejects(trainAutoencoder(data, COUNT, arch, { ...base, epochs: 8 }, { signal: AbortSignal.abort() }), CancelledError);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(counts.length >= 1);
    assert.ok(counts.every((c) => c === counts[0]), `tensor counts per epoch: ${counts.join(', ')}`);
  });

  it('a convolutional AE trains on wasm, frames not divisible by 4 included', async () => {
    const frames = 24;
    const [h, w] = [18, 14];
    const x = lowRank(frames, h * w, 2, 'frames');
    const conv = defaultArchitecture('frames', [frames, h, w], { modelType: 'conv', latent: 4 });
    assert.equal(conv.type, 'conv');
    const r = await trainAutoencoder(x, frames, conv, { epochs: 15, batchSize: 8, learningRate: 3e-3, seed: 1, validationSplit: 0 });
    const loss = r.history.loss;
    assert.ok(loss.every(Number.isFinite));
    assert.ok(loss[loss.length - 1] < loss[0] / 2, `loss ${loss[0]} → ${loss[loss.length - 1]}`);
  });

  it('rejects bad input with a clear message', async () => {
    await assert.rejects(trainAutoencoder(data.subarray(0, 10), COUNT, arch, base), /training data holds 10 values/);
    await assert.rejects(trainAutoencoder(data, COUNT, arch, { ...base, batchSize: 0 }), /batch size/);
  });
});
