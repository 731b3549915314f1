// Light decoders for the search: linear autoencoders fitted from principal components (no training) and
// small dense ones trained briefly, their decoders quantised (int8/float16) and their latents refitted to the
// quantised decoder.
import { tf } from './tf';
import type { BackendName, Hooks } from '../api';
import type { DenseArchitecture, Dataset, Normalisation, WeightTensor } from '../types';
import { sampleLayout } from '../types';
import { fitMinMax, normalise, denormalise } from '../normalise';
import { initBackend } from './backend';
import { trainAutoencoder } from './train';
import { encodeSamples, decodeLatents } from './infer';
import { LEAKY_ALPHA, layerPlan } from './architectures';
import { runLayers, flattenOutput } from './tf-layers';
import { encodeWeights, decodeWeights, weightsByteSize, type WeightPrecision } from '../codec/weights';
import { packFloats, unpackFloats } from '../codec/numbers';
import { linearAutoencoderWeights, principalComponents, refitLinearLatents } from './linear-ae';


/** A light dense autoencoder: latent size, hidden widths (empty: a linear decoder) and decoder precision. */
export interface LightModelSpec {
  latent: number;
  hidden: number[];
  precision: WeightPrecision;
}

export interface LightModel {
  architecture: DenseArchitecture;
  normalisation: Normalisation;
  decoderBytes: Uint8Array;
  latentBytes: Uint8Array;
  /** The reconstruction the decoder computes from the stored (rounded) latents and weights. */
  reconstruction: Float64Array;
  trainSeconds: number;
}

const LATENT_CHOICES = [2, 4, 8, 16, 32];
/**
 * Lower bounds of stored / raw decoder bytes for pruning: zstd shrinks float16 weights a little (measured
 * 0.73–0.90); integer weights of smooth fields are delta-coded and shrink far more (int8 0.30–0.33 on CFD).
 */
export const DECODER_SHRINK_BOUND: Record<WeightPrecision, number> = { float32: 0.7, float16: 0.7, int8: 0.2, int16: 0.4 };
/** Likewise for float16 latents (measured 0.9–1.0). */
export const LATENT_SHRINK_BOUND = 0.5;

/**
 * Light architectures for this data: linear decoders (fitted, no training) cheapest first, then decoders with
 * one hidden layer (trained; slower and, on smooth fields, rarely better per byte), cheapest first.
 */
export function lightModelSpecs(width: number): LightModelSpec[] {
  const linear: LightModelSpec[] = [];
  const hidden: LightModelSpec[] = [];
  for (const latent of LATENT_CHOICES.filter((k) => k < width)) {
    for (const precision of ['int8', 'float16'] as const) {
      linear.push({ latent, hidden: [], precision });
      if (2 * latent < width) hidden.push({ latent, hidden: [2 * latent], precision });
    }
  }
  // Each size computed once: decoderSizeOf quantises a zero decoder, which is slow for wide data.
  const bySize = (specs: LightModelSpec[]) =>
    specs.map((spec) => ({ spec, bytes: decoderSizeOf(width, spec) })).sort((a, b) => a.bytes - b.bytes).map((s) => s.spec);
  return [...bySize(linear), ...bySize(hidden)];
}

export function denseArchitecture(width: number, spec: Pick<LightModelSpec, 'latent' | 'hidden'>): DenseArchitecture {
  return { type: 'dense', inputSize: width, hidden: [...spec.hidden], latent: spec.latent, activation: 'leaky_relu', leakyAlpha: LEAKY_ALPHA };
}

/** Exact raw bytes of the decoder blob for a spec (before entropy coding). */
export function decoderSizeOf(width: number, spec: LightModelSpec): number {
  const plan = layerPlan(denseArchitecture(width, spec));
  const shapes: WeightTensor[] = [];
  for (const layer of plan.decoder) {
    if (layer.op !== 'dense') continue;
    // Values do not matter for the size except that they are finite (zeros are).
    shapes.push({ name: `${layer.name}.kernel`, shape: [layer.inputs, layer.outputs], values: new Float32Array(layer.inputs * layer.outputs) });
    shapes.push({ name: `${layer.name}.bias`, shape: [layer.outputs], values: new Float32Array(layer.outputs) });
  }
  return weightsByteSize(shapes, spec.precision);
}

const TRAIN_EPOCHS = 3000;

type LightWeights = { encoder: WeightTensor[]; decoder: WeightTensor[]; normalisation: Normalisation; seconds: number };

/** The linear autoencoder straight from the principal components: optimal for MSE, no training. */
export function fitLinear(ds: Dataset, spec: Pick<LightModelSpec, 'latent'>, seed = 42): LightWeights {
  const started = performance.now();
  const { count, width } = sampleLayout(ds);
  const normalisation = fitMinMax(ds);
  const samples = normalise(ds.values, width, normalisation);
  const weights = linearAutoencoderWeights(principalComponents(samples, count, width, spec.latent, seed));
  return { ...weights, normalisation, seconds: (performance.now() - started) / 1000 };
}

export async function trainLight(
  ds: Dataset, spec: LightModelSpec, opts: { backend?: BackendName; seed?: number }, seconds: number, hooks?: Hooks,
): Promise<LightWeights> {
  await initBackend(opts.backend ?? 'auto');
  const { count, width } = sampleLayout(ds);
  const normalisation = fitMinMax(ds);
  const samples = normalise(ds.values, width, normalisation);
  const architecture = denseArchitecture(width, spec);
  const result = await trainAutoencoder(samples, count, architecture, {
    epochs: TRAIN_EPOCHS,
    batchSize: Math.min(count, 256),
    learningRate: 3e-3,
    seed: opts.seed ?? 42,
    validationSplit: 0,
    earlyStopping: { patience: 200, minDelta: 0 },
    reduceLrOnPlateau: { factor: 0.5, patience: 50, minLr: 1e-5 },
    timeLimitSeconds: seconds,
  }, { signal: hooks?.signal });
  return { encoder: result.encoder, decoder: result.decoder, normalisation, seconds: result.history.seconds };
}

/**
 * Quantises the decoder, then fine-tunes for it: the latents are stored, not computed at decode time, so
 * they are refitted to the quantised decoder (least squares for a linear decoder; otherwise Adam on the
 * latents with the decoder frozen). `refineSteps` 0 keeps the encoder's latents.
 */
export async function quantiseAndRefine(
  ds: Dataset, spec: LightModelSpec, weights: LightWeights, refineSeconds: number, refineSteps = 300,
): Promise<LightModel> {
  const { count, width } = sampleLayout(ds);
  const architecture = denseArchitecture(width, spec);
  const samples = normalise(ds.values, width, weights.normalisation);
  const decoderBytes = encodeWeights(weights.decoder, spec.precision);
  const decoder = decodeWeights(decoderBytes);
  let latents = await encodeSamples(architecture, weights.encoder, samples, count);
  if (refineSteps > 0) {
    latents = spec.hidden.length === 0
      ? refitLinearLatents(decoder, samples, count)
      : await refineLatents(architecture, decoder, samples, latents, count, refineSteps, refineSeconds);
  }
  const latentBytes = packFloats(latents, 'float16');
  const stored = unpackFloats(latentBytes, 'float16', latents.length);
  const reconstruction = denormalise(decodeLatents(architecture, decoder, stored, count), width, weights.normalisation);
  return { architecture, normalisation: weights.normalisation, decoderBytes, latentBytes, reconstruction, trainSeconds: weights.seconds };
}

/** Minimises the reconstruction MSE over the latents with the decoder fixed. Keeps the best latents seen. */
export async function refineLatents(
  architecture: DenseArchitecture, decoder: WeightTensor[], samples: Float32Array, latents: Float32Array,
  count: number, steps: number, seconds: number,
): Promise<Float32Array> {
  const plan = layerPlan(architecture);
  const started = performance.now();
  const params = decoder.map((w) => tf.tensor(w.values, w.shape, 'float32'));
  const target = tf.tensor2d(samples, [count, plan.sampleSize]);
  const z = tf.variable(tf.tensor2d(latents, [count, plan.latent]));
  const optimizer = tf.train.adam(latentStepSize(latents));
  const lossOf = (codes: tf.Tensor) =>
    tf.mean(tf.squaredDifference(flattenOutput(plan, runLayers(plan.decoder, params, codes, plan.leakyAlpha)), target)) as tf.Scalar;
  const lossValue = async (codes: tf.Tensor) => {
    const loss = tf.tidy(() => lossOf(codes));
    try {
      return (await loss.data())[0];
    } finally {
      loss.dispose();
    }
  };
  try {
    const initialLoss = await lossValue(z);
    for (let step = 0; step < steps && (performance.now() - started) / 1000 < seconds; step++) {
      optimizer.minimize(() => lossOf(z), false, [z]);
    }
    return (await lossValue(z)) < initialLoss ? Float32Array.from((await z.data()) as Float32Array) : latents;
  } finally {
    z.dispose();
    target.dispose();
    optimizer.dispose();
    for (const p of params) p.dispose();
  }
}

/** Adam moves each latent by about its step size per step: a small fraction of the latents' spread. */
function latentStepSize(latents: Float32Array): number {
  let sum = 0;
  let sumSquares = 0;
  for (const v of latents) {
    sum += v;
    sumSquares += v * v;
  }
  const n = Math.max(1, latents.length);
  const spread = Math.sqrt(Math.max(0, sumSquares / n - (sum / n) ** 2));
  return Math.max(1e-4, 0.01 * spread);
}

