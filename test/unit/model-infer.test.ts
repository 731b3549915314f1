import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';
import type { Architecture, WeightTensor } from '../../src/kernel/types';
import { defaultArchitecture, layerPlan } from '../../src/kernel/model/architectures';
import { initBackend } from '../../src/kernel/model/backend';
import { countParameters, decodeLatents, decodeLatentsTf, encodeSamples } from '../../src/kernel/model/infer';
import { initialWeights } from '../../src/kernel/model/train';

function randomModel(arch: Architecture, seed: string) {
  return initialWeights(layerPlan(arch), seedrandom(seed));
}

function randomValues(n: number, seed: string, scale = 1): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('model inference', () => {
  before(async () => {
    await initBackend('auto');
  });

  it('default architectures follow the reference tool', () => {
    const table = defaultArchitecture('table', [1000, 24], {});
    assert.deepEqual(table, { type: 'dense', inputSize: 24, hidden: [200, 100, 50], latent: 15, activation: 'leaky_relu', leakyAlpha: 0.01 });
    const cfd = defaultArchitecture('frames', [60, 50, 50], { compressionRatio: 100 });
    assert.equal(cfd.type === 'dense' && [cfd.inputSize, ...cfd.hidden, cfd.latent].join('-'), '2500-200-100-50-25');
    assert.equal((defaultArchitecture('table', [10, 3], { compressionRatio: 10 }) as { latent: number }).latent, 1);
    assert.deepEqual((defaultArchitecture('table', [10, 1000], { latent: 120 }) as { hidden: number[] }).hidden, [200]);
    const conv = defaultArchitecture('frames', [60, 50, 50], { modelType: 'conv', latent: 25 });
    assert.equal(conv.type, 'conv');
    assert.deepEqual(layerPlan(conv).frame, { height: 50, width: 50, paddedHeight: 52, paddedWidth: 52 });
    assert.throws(() => defaultArchitecture('table', [10, 4], { modelType: 'conv' }), /frame data/);
  });

  it('pure-JS dense decoding equals the tfjs decoder within 1e-5 and is deterministic', async () => {
    const arch = defaultArchitecture('table', [100, 24], { latent: 15 });
    const { decoder } = randomModel(arch, 'dense');
    const count = 37;
    const latents = randomValues(count * 15, 'latents', 2);
    const js = decodeLatents(arch, decoder, latents, count);
    const tfjs = await decodeLatentsTf(arch, decoder, latents, count);
    assert.equal(js.length, count * 24);
    assert.ok(maxAbsDiff(js, tfjs) < 1e-5, `max diff ${maxAbsDiff(js, tfjs)}`);
    assert.deepEqual(decodeLatents(arch, decoder, latents, count), js);
    // Decoding one sample at a time gives the same bits as decoding them together.
    const single = decodeLatents(arch, decoder, latents.subarray(15 * 5, 15 * 6), 1);
    assert.deepEqual(single, js.subarray(24 * 5, 24 * 6));
  });

  it('pure-JS conv decoding (odd frame sizes: padding and cropping) equals the tfjs decoder within 1e-5', async () => {
    for (const [h, w] of [[18, 14], [16, 16], [9, 11]]) {
      const arch = defaultArchitecture('frames', [10, h, w], { modelType: 'conv', latent: 6 });
      const { decoder } = randomModel(arch, `conv-${h}x${w}`);
      const count = 5;
      const latents = randomValues(count * 6, 'conv-latents', 2);
      const js = decodeLatents(arch, decoder, latents, count);
      const tfjs = await decodeLatentsTf(arch, decoder, latents, count);
      assert.equal(js.length, count * h * w);
      assert.ok(maxAbsDiff(js, tfjs) < 1e-5, `${h}x${w}: max diff ${maxAbsDiff(js, tfjs)}`);
    }
  });

  it('encodes in chunks to count × latent, the same as one sample at a time', async () => {
    const arch = defaultArchitecture('frames', [5000, 6, 4], { latent: 3 });
    const { encoder } = randomModel(arch, 'enc');
    const count = 5000;
    const samples = randomValues(count * 24, 'samples');
    const latents = await encodeSamples(arch, encoder, samples, count);
    assert.equal(latents.length, count * 3);
    const last = await encodeSamples(arch, encoder, samples.subarray(24 * 4999), 1);
    assert.ok(maxAbsDiff(last, latents.subarray(3 * 4999)) < 1e-6);
    const conv = defaultArchitecture('frames', [3, 18, 14], { modelType: 'conv', latent: 4 });
    const convLatents = await encodeSamples(conv, randomModel(conv, 'c').encoder, randomValues(3 * 18 * 14, 'f'), 3);
    assert.equal(convLatents.length, 12);
    assert.equal(tf.memory().numTensors, 0);
  });

  it('counts parameters and rejects weights that do not fit the architecture', () => {
    const cfd = defaultArchitecture('frames', [60, 50, 50], { latent: 25 });
    const { decoder } = randomModel(cfd, 'cfd');
    assert.equal(countParameters(decoder), 25 * 50 + 50 + 50 * 100 + 100 + 100 * 200 + 200 + 200 * 2500 + 2500);
    const broken: WeightTensor[] = decoder.map((w, i) => (i === 0 ? { ...w, shape: [50, 25] } : w));
    assert.throws(() => decodeLatents(cfd, broken, new Float32Array(25), 1), /needs \[25, 50\]/);
    assert.throws(() => decodeLatents(cfd, decoder.slice(2), new Float32Array(25), 1), /weight tensors/);
  });

  it('decodes 60 CFD-sized frames (2500-200-100-50-25 dense) fast', () => {
    const cfd = defaultArchitecture('frames', [60, 50, 50], { latent: 25 });
    const { decoder } = randomModel(cfd, 'cfd');
    const latents = randomValues(60 * 25, 'cfd-latents');
    decodeLatents(cfd, decoder, latents, 60);
    const start = performance.now();
    const out = decodeLatents(cfd, decoder, latents, 60);
    const ms = performance.now() - start;
    assert.equal(out.length, 60 * 2500);
    // Goal: well under 100 ms; the bound leaves room for a loaded CI machine.
    assert.ok(ms < 400, `decoding took ${ms.toFixed(1)} ms`);
  });
});
