// Benchmarks of the model layer (wired into `npm run bench` by src/bench/main.ts).
// Figures come from a shared machine: compare rows of one run, not runs with each other.
import { tf } from '../kernel/model/tf';
import seedrandom from 'seedrandom';
import { readDataset } from '../kernel/data/dataset';
import type { BackendName } from '../kernel/api';
import type { DenseArchitecture, TrainOptions } from '../kernel/types';
import { defaultArchitecture } from '../kernel/model/architectures';
import { initBackend } from '../kernel/model/backend';
import { countParameters, decodeLatents, encodeSamples } from '../kernel/model/infer';
import { trainAutoencoder, type TrainInternals } from '../kernel/model/train';
import { installWasmFixes, uninstallWasmFixes } from '../kernel/model/wasm-fixes';

export interface ThroughputRow {
  backend: string;
  variant: string;
  samplesPerSecond: number;
  epochs: number;
  seconds: number;
  /** CPU time of this process over the same run (a software GPU's threads included). */
  cpuSeconds: number;
}

export interface ThroughputResult {
  rows: ThroughputRow[];
  /** Backends asked for that could not run here, and why. */
  skipped: { backend: string; reason: string }[];
  /** How each measured backend was set up (adapter, package and where from). */
  setup: Record<string, string>;
}

export interface CfdRow {
  secondsToTarget: number;
  reachedTarget: boolean;
  epochs: number;
  psnr: number;
  maxAbsError: number;
  maxAbsErrorOverRange: number;
  decoderParameters: number;
  backend: string;
  schedule: string;
}

const THROUGHPUT_SAMPLES = 16384;
const THROUGHPUT_SECONDS = 4;

/**
 * Training samples/s of the reference dense AE 24-200-100-50-15 (batch 512, random data) per backend;
 * on wasm: stock kernels with autodiff, fixed kernels with autodiff, fixed kernels + hand-written gradients;
 * on GPU backends (webgpu, tfjs-node-gpu) also batch 4096, which a GPU needs to be busy.
 * A backend that cannot run here is listed with the reason (a software WebGPU adapter does run: asked for by name).
 */
export async function benchTrainingThroughput(backends: BackendName[]): Promise<ThroughputResult> {
  const result: ThroughputResult = { rows: [], skipped: [], setup: {} };
  const samples = randomSamples(THROUGHPUT_SAMPLES, 24, 1);
  const arch = defaultArchitecture('table', [THROUGHPUT_SAMPLES, 24], { latent: 15 }) as DenseArchitecture;
  for (const backend of backends) {
    const report = await initBackend(backend);
    const attempt = report.tried[0];
    if (!attempt?.ok) {
      result.skipped.push({ backend, reason: attempt?.reason ?? 'not available' });
      continue;
    }
    result.setup[backend] = attempt.reason;
    const gpu = backend === 'webgpu' || backend === 'tfjs-node-gpu';
    const variants: { name: string; fixes: boolean; internals: TrainInternals; batch: number }[] = backend === 'wasm'
      ? [
          { name: 'stock kernels, autodiff', fixes: false, internals: { handWrittenGradients: false }, batch: 512 },
          { name: 'fixed kernels, autodiff', fixes: true, internals: { handWrittenGradients: false }, batch: 512 },
          { name: 'fixed kernels, hand-written gradients', fixes: true, internals: {}, batch: 512 },
        ]
      : [
          { name: 'hand-written gradients', fixes: false, internals: {}, batch: 512 },
          ...(gpu ? [{ name: 'hand-written gradients, batch 4096', fixes: false, internals: {}, batch: 4096 }] : []),
        ];
    for (const v of variants) {
      if (backend === 'wasm') (v.fixes ? installWasmFixes : uninstallWasmFixes)();
      try {
        const count = backend === 'cpu' ? 2048 : THROUGHPUT_SAMPLES;
        result.rows.push({ backend: report.software ? `${backend} (software adapter)` : backend, variant: v.name, ...(await measureThroughput(samples, arch, v.internals, count, v.batch)) });
      } finally {
        if (backend === 'wasm') installWasmFixes();
      }
    }
  }
  return result;
}

async function measureThroughput(samples: Float32Array, arch: DenseArchitecture, internals: TrainInternals, count: number, batchSize: number) {
  const opts: TrainOptions = { epochs: 1, batchSize, learningRate: 1e-3, seed: 1, validationSplit: 0 };
  const warmUp = await trainAutoencoder(samples, count, arch, opts, {}, internals);
  const epochs = Math.max(1, Math.round(THROUGHPUT_SECONDS / warmUp.history.seconds));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await trainAutoencoder(samples, count, arch, { ...opts, epochs }, {}, internals);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { samplesPerSecond: Math.round((epochs * count) / seconds), epochs, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function randomSamples(count: number, width: number, seed: number): Float32Array {
  const rng = seedrandom(String(seed));
  const out = new Float32Array(count * width);
  for (let i = 0; i < out.length; i++) out[i] = rng();
  return out;
}

/** The schedule found fastest to PSNR ≥ 38 dB on CFD_animation (see benchCfdTimeToPsnr). */
export const CFD_SCHEDULE = { learningRate: 1.5e-3, epochs: 3000, plateauPatience: 50, factor: 0.5 };

/**
 * Time to PSNR ≥ 38 dB (range / RMSE on the original scale) on CFD_animation.npz with the frame dense AE
 * 2500-200-100-50-25, full batch (60 frames), min-max normalised with one range for all frames.
 */
export async function benchCfdTimeToPsnr(file: string, targetPsnr = 38): Promise<CfdRow> {
  const report = await initBackend('auto');
  const ds = await readDataset(file);
  const count = ds.shape[0];
  let min = Infinity;
  let max = -Infinity;
  for (const v of ds.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const samples = new Float32Array(ds.values.length);
  for (let i = 0; i < samples.length; i++) samples[i] = (ds.values[i] - min) / range;

  const arch = defaultArchitecture('frames', ds.shape, { latent: 25 });
  const s = CFD_SCHEDULE;
  const opts: TrainOptions = {
    epochs: s.epochs,
    batchSize: count,
    learningRate: s.learningRate,
    seed: 1,
    validationSplit: 0,
    reduceLrOnPlateau: { factor: s.factor, patience: s.plateauPatience, minLr: s.learningRate / 100 },
    // A margin on the normalised target: float32 rounding on the original scale costs a few hundredths of a dB.
    targetPsnr: targetPsnr + 0.05,
    timeLimitSeconds: 120,
  };
  const start = performance.now();
  const trained = await trainAutoencoder(samples, count, arch, opts);
  const seconds = (performance.now() - start) / 1000;

  const latents = await encodeSamples(arch, trained.encoder, samples, count);
  const decoded = decodeLatents(arch, trained.decoder, latents, count);
  let sq = 0;
  let maxAbs = 0;
  for (let i = 0; i < decoded.length; i++) {
    const err = Math.abs(decoded[i] * range + min - ds.values[i]);
    sq += err * err;
    if (err > maxAbs) maxAbs = err;
  }
  const psnr = 20 * Math.log10(range / Math.sqrt(sq / decoded.length));
  return {
    secondsToTarget: seconds,
    reachedTarget: psnr >= targetPsnr,
    epochs: trained.history.epochs,
    psnr,
    maxAbsError: maxAbs,
    maxAbsErrorOverRange: maxAbs / range,
    decoderParameters: countParameters(trained.decoder),
    backend: report.active + (tf.getBackend() === 'wasm' ? ' (fixed kernels)' : ''),
    schedule: `Adam lr ${s.learningRate}, full batch, halve lr after ${s.plateauPatience} epochs without gain`,
  };
}
