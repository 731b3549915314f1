// Run by webgpu.test.ts in a child process that sees a Vulkan device (the loader and driver must be on the
// library path when the process starts): trains and encodes the same models from the same initial weights on
// the cpu backend (host Adam) and on webgpu (device Adam, asynchronous reads only), prints both as JSON.
import seedrandom from 'seedrandom';
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture, TrainOptions, WeightTensor } from '../../src/kernel/types';
import { initBackend } from '../../src/kernel/model/backend';
import { layerPlan } from '../../src/kernel/model/architectures';
import { encodeSamples } from '../../src/kernel/model/infer';
import { initialWeights, trainAutoencoder } from '../../src/kernel/model/train';

function lowRank(count: number, width: number, seed: string): Float32Array {
  const rng = seedrandom(seed);
  const basis = Array.from({ length: 3 }, () => Float64Array.from({ length: width }, () => rng() - 0.5));
  const out = new Float32Array(count * width);
  for (let s = 0; s < count; s++) {
    const coef = [rng(), rng(), rng()];
    for (let j = 0; j < width; j++) out[s * width + j] = 0.5 + 0.5 * (coef[0] * basis[0][j] + coef[1] * basis[1][j] + coef[2] * basis[2][j]);
  }
  return out;
}

interface Case {
  name: string;
  arch: Architecture;
  count: number;
  opts: TrainOptions;
}

const CASES: Case[] = [
  {
    name: 'dense 16-64-32-3',
    arch: { type: 'dense', inputSize: 16, hidden: [64, 32], latent: 3, activation: 'leaky_relu', leakyAlpha: 0.01 },
    count: 1024,
    opts: { epochs: 3, batchSize: 128, learningRate: 3e-3, seed: 7, validationSplit: 0.1 },
  },
  {
    name: 'conv 10x12 frames',
    arch: { type: 'conv', height: 10, width: 12, channels: [4, 8], kernelSize: 3, denseHidden: 16, latent: 4, activation: 'leaky_relu', leakyAlpha: 0.01 },
    count: 48,
    opts: { epochs: 2, batchSize: 16, learningRate: 1e-3, seed: 3, validationSplit: 0 },
  },
];

async function runOn(backend: 'cpu' | 'webgpu', c: Case, data: Float32Array, initial: { encoder: WeightTensor[]; decoder: WeightTensor[] }) {
  const report = await initBackend(backend);
  if (report.active !== backend) throw new Error(`backend ${backend} not active: ${JSON.stringify(report)}`);
  const clone = (ws: WeightTensor[]) => ws.map((w) => ({ ...w, values: Float32Array.from(w.values) }));
  const before = tf.memory().numTensors;
  const encodedInitial = await encodeSamples(c.arch, initial.encoder, data, c.count);
  const trained = await trainAutoencoder(data, c.count, c.arch, c.opts, {}, { initial: { encoder: clone(initial.encoder), decoder: clone(initial.decoder) } });
  const encodedTrained = await encodeSamples(c.arch, trained.encoder, data, c.count);
  return {
    report,
    leakedTensors: tf.memory().numTensors - before,
    loss: trained.history.loss,
    valLoss: trained.history.valLoss,
    historyBackend: trained.history.backend,
    weights: [...trained.encoder, ...trained.decoder].map((w) => Array.from(w.values)),
    encodedInitial: Array.from(encodedInitial),
    encodedTrained: Array.from(encodedTrained),
  };
}

async function main(): Promise<void> {
  const results: unknown[] = [];
  for (const c of CASES) {
    const plan = layerPlan(c.arch);
    const data = lowRank(c.count, plan.sampleSize, c.name);
    const initial = initialWeights(plan, seedrandom(c.name));
    const cpu = await runOn('cpu', c, data, initial);
    const webgpu = await runOn('webgpu', c, data, initial);
    results.push({ name: c.name, cpu, webgpu });
  }
  // Exit only once the (large) output is flushed: a pipe may take it asynchronously.
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(results), () => resolve()));
}

main().then(() => process.exit(0), (err) => {
  console.error(err?.stack ?? err);
  process.exit(1);
});
