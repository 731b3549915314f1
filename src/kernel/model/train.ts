// Trains an autoencoder with tfjs-core ops: seeded init and shuffling, Adam, MSE, validation split,
// early stopping, reduce-LR-on-plateau, PSNR target, time limit, progress and cancellation.
// The dataset stays in a typed array; each batch becomes a fresh tensor (slicing a big tensor is slow on wasm).
import { tf } from './tf';
import seedrandom from 'seedrandom';
import { CancelledError } from '../errors';
import type { Architecture, TrainHistory, TrainHooks, TrainOptions, TrainProgress, WeightTensor } from '../types';
import { initBackend, lastBackendReport } from './backend';
import { createAdam, type Optimizer } from './adam';
import { BatchLosses } from './batch-losses';
import { PlateauMonitor } from './plateau';
import { fanIn, layerPlan, weightShapes, type LayerPlan, type LayerSpec } from './architectures';
import { encoderInput, flattenOutput, runLayers, type ForwardOptions } from './tf-layers';

export interface TrainResult {
  encoder: WeightTensor[];
  decoder: WeightTensor[];
  history: TrainHistory;
}

/** Knobs for benchmarks and tests; the defaults are the fast paths. */
export interface TrainInternals extends ForwardOptions {
  /** Initial weights instead of the seeded initialisation. */
  initial?: { encoder: WeightTensor[]; decoder: WeightTensor[] };
  /** Start the output layer's bias at the mean sample (default true): the first thing an AE must learn. */
  meanOutputBias?: boolean;
}

const PROGRESS_INTERVAL_MS = 100;
const INTRA_EPOCH_PROGRESS_MS = 1000;
const YIELD_INTERVAL_MS = 50;
const EVAL_CHUNK = 4096;

export async function trainAutoencoder(
  samples: Float32Array,
  count: number,
  arch: Architecture,
  opts: TrainOptions,
  hooks: TrainHooks = {},
  internals: TrainInternals = {},
): Promise<TrainResult> {
  const plan = layerPlan(arch);
  validateInput(samples, count, plan, opts);
  if (!lastBackendReport()) await initBackend('auto');
  const rng = seedrandom(String(opts.seed));
  const initial = internals.initial ?? initialWeights(plan, rng);
  if (!internals.initial && internals.meanOutputBias !== false) setOutputBiasToMean(plan, initial.decoder, samples, count);
  const model = new ParamSet(plan, initial);
  let training: TrainingRun | undefined;
  try {
    training = new TrainingRun(plan, model, samples, count, opts, hooks, internals, rng);
    return await training.run();
  } finally {
    training?.dispose();
    model.dispose();
  }
}

function validateInput(samples: Float32Array, count: number, plan: LayerPlan, opts: TrainOptions): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`training needs at least one sample, got ${count}`);
  if (samples.length < count * plan.sampleSize) {
    throw new Error(`training data holds ${samples.length} values, ${count} samples of ${plan.sampleSize} need ${count * plan.sampleSize}`);
  }
  if (!(opts.batchSize >= 1)) throw new Error(`batch size must be at least 1, got ${opts.batchSize}`);
  if (!(opts.learningRate > 0)) throw new Error(`learning rate must be positive, got ${opts.learningRate}`);
  if (!(opts.epochs >= 1)) throw new Error(`epochs must be at least 1, got ${opts.epochs}`);
  if (!(opts.validationSplit >= 0 && opts.validationSplit < 1)) throw new Error(`validation split must be in [0, 1), got ${opts.validationSplit}`);
}

// ---------------------------------------------------------------------------------------------------------
// Initialisation: PyTorch's default for Linear/Conv (kaiming_uniform with a=√5): U(±1/√fan_in) for kernel and bias.

export function initialWeights(plan: LayerPlan, rng: () => number): { encoder: WeightTensor[]; decoder: WeightTensor[] } {
  return { encoder: initLayers(plan.encoder, rng), decoder: initLayers(plan.decoder, rng) };
}

/** Output bias = mean of each output value over the samples (conv: one channel, so the overall mean). */
function setOutputBiasToMean(plan: LayerPlan, decoder: WeightTensor[], samples: Float32Array, count: number): void {
  const bias = decoder[decoder.length - 1].values;
  const width = plan.sampleSize;
  const sums = new Float64Array(width);
  for (let s = 0; s < count; s++) for (let j = 0; j < width; j++) sums[j] += samples[s * width + j];
  if (bias.length === width) {
    for (let j = 0; j < width; j++) bias[j] = sums[j] / count;
  } else {
    const total = sums.reduce((a, b) => a + b, 0);
    bias.fill(total / (count * width));
  }
}

function initLayers(layers: LayerSpec[], rng: () => number): WeightTensor[] {
  const out: WeightTensor[] = [];
  for (const layer of layers) {
    const bound = 1 / Math.sqrt(fanIn(layer));
    const shapes = weightShapes(layer);
    for (const [suffix, shape] of [['kernel', shapes.kernel], ['bias', shapes.bias]] as const) {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < values.length; i++) values[i] = (rng() * 2 - 1) * bound;
      out.push({ name: `${layer.name}.${suffix}`, shape: [...shape], values });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Parameters as tensors; Adam replaces them after every step.

class ParamSet {
  readonly names: string[];
  readonly shapes: number[][];
  tensors: tf.Tensor[];
  readonly encoderCount: number;

  constructor(readonly plan: LayerPlan, weights: { encoder: WeightTensor[]; decoder: WeightTensor[] }) {
    const all = [...weights.encoder, ...weights.decoder];
    this.names = all.map((w) => w.name);
    this.shapes = all.map((w) => w.shape);
    this.encoderCount = weights.encoder.length;
    this.tensors = all.map((w) => tf.keep(tf.tensor(Float32Array.from(w.values), w.shape, 'float32')));
  }

  get encoder(): tf.Tensor[] {
    return this.tensors.slice(0, this.encoderCount);
  }

  get decoder(): tf.Tensor[] {
    return this.tensors.slice(this.encoderCount);
  }

  /** Asynchronous: GPU backends (webgpu) cannot read synchronously. */
  async toWeights(): Promise<{ encoder: WeightTensor[]; decoder: WeightTensor[] }> {
    const values = await Promise.all(this.tensors.map((t) => t.data() as Promise<Float32Array>));
    const all = this.tensors.map((_, i) => ({ name: this.names[i], shape: [...this.shapes[i]], values: Float32Array.from(values[i]) }));
    return { encoder: all.slice(0, this.encoderCount), decoder: all.slice(this.encoderCount) };
  }

  dispose(): void {
    for (const t of this.tensors) t.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------

class TrainingRun {
  private readonly width: number;
  private readonly trainIdx: Uint32Array;
  private readonly valIdx: Uint32Array;
  private readonly batchBuf: Float32Array;
  private readonly adam: Optimizer;
  private readonly history: TrainHistory;
  private readonly start = performance.now();
  private lr: number;
  private lastProgress = -Infinity;
  private lastYield = performance.now();

  constructor(
    private readonly plan: LayerPlan,
    private readonly params: ParamSet,
    private readonly samples: Float32Array,
    count: number,
    private readonly opts: TrainOptions,
    private readonly hooks: TrainHooks,
    private readonly internals: TrainInternals,
    private readonly rng: () => number,
  ) {
    this.width = plan.sampleSize;
    const order = shuffled(identity(count), rng);
    const nVal = opts.validationSplit > 0 && count > 1 ? Math.min(count - 1, Math.max(1, Math.round(count * opts.validationSplit))) : 0;
    this.trainIdx = order.slice(0, count - nVal).sort();
    this.valIdx = order.slice(count - nVal).sort();
    this.batchBuf = new Float32Array(Math.min(opts.batchSize, this.trainIdx.length) * this.width);
    this.adam = createAdam(params);
    this.lr = opts.learningRate;
    this.history = { loss: [], valLoss: [], learningRate: [], epochs: 0, seconds: 0, stoppedBecause: 'epochs', backend: tf.getBackend() };
  }

  async run(): Promise<TrainResult> {
    const monitor = new PlateauMonitor(this.opts);
    for (let epoch = 1; epoch <= this.opts.epochs; epoch++) {
      const lrUsed = this.lr;
      const outcome = await this.trainEpoch();
      if (outcome.stopped) {
        if (outcome.loss !== undefined) this.record(outcome.loss, undefined, lrUsed);
        this.history.stoppedBecause = outcome.stopped;
        break;
      }
      const loss = outcome.loss!;
      const valLoss = this.valIdx.length > 0 ? await this.meanSquaredError(this.valIdx) : undefined;
      this.record(loss, valLoss, lrUsed);
      this.emitProgress(epoch, epoch === this.opts.epochs);

      if (await this.reachedTarget(loss)) {
        this.history.stoppedBecause = 'target-reached';
        break;
      }
      const decision = monitor.observe(valLoss ?? loss, this.lr);
      this.lr = decision.lr;
      if (decision.stop) {
        this.history.stoppedBecause = 'early-stopping';
        break;
      }
    }
    this.emitProgress(this.history.epochs, true);
    this.history.seconds = this.elapsed();
    return { ...(await this.params.toWeights()), history: this.history };
  }

  dispose(): void {
    this.adam.dispose();
  }

  private record(loss: number, valLoss: number | undefined, lr: number): void {
    this.history.loss.push(loss);
    if (valLoss !== undefined) this.history.valLoss.push(valLoss);
    this.history.learningRate.push(lr);
    this.history.epochs = this.history.loss.length;
  }

  /**
   * One pass over the shuffled training samples; returns the mean batch loss (before each update). Batch losses
   * stay on the device and are read together (see BatchLosses), so a GPU backend is not stalled every batch.
   */
  private async trainEpoch(): Promise<{ loss?: number; stopped?: 'time-limit' }> {
    const order = shuffled(this.trainIdx, this.rng);
    const batchSize = Math.min(this.opts.batchSize, order.length);
    const losses = new BatchLosses();
    try {
      for (let startRow = 0; startRow < order.length; startRow += batchSize) {
        const n = Math.min(batchSize, order.length - startRow);
        losses.add(this.trainBatch(order, startRow, n), n);
        if (performance.now() - this.lastYield >= YIELD_INTERVAL_MS) {
          // Reading the losses waits for the queued work: a GPU queue never runs more than this far ahead.
          await losses.settle();
          this.emitBatchProgress(losses.seen / order.length, losses.mean);
        }
        const stopped = await this.checkInterrupts();
        if (stopped) {
          await losses.settle();
          return { loss: losses.seen > 0 && startRow + n >= order.length ? losses.mean : undefined, stopped };
        }
      }
      await losses.settle();
      return { loss: losses.mean };
    } finally {
      losses.dispose();
    }
  }

  /** One Adam step on a batch; returns the batch's loss as a (kept) scalar tensor. */
  private trainBatch(order: Uint32Array, startRow: number, n: number): tf.Scalar {
    const batch = this.gather(order, startRow, n);
    const lr = this.lr;
    const { value, grads } = tf.tidy(() => {
      const x = encoderInput(this.plan, batch, n);
      const target = tf.tensor2d(batch, [n, this.width]);
      const lossFn = (...params: tf.Tensor[]) => this.reconstructionLoss(x, target, params);
      const result = tf.valueAndGrads(lossFn)(this.params.tensors);
      return { value: result.value, grads: result.grads };
    });
    this.adam.apply(this.params, grads, lr);
    for (const g of grads) g.dispose();
    return value;
  }

  private reconstructionLoss(x: tf.Tensor, target: tf.Tensor2D, params: tf.Tensor[]): tf.Scalar {
    const y = this.forward(x, params);
    return tf.mean(tf.squaredDifference(y, target));
  }

  private forward(x: tf.Tensor, params: tf.Tensor[]): tf.Tensor2D {
    const nEnc = this.params.encoderCount;
    const latent = runLayers(this.plan.encoder, params.slice(0, nEnc), x, this.plan.leakyAlpha, { ...this.internals, inputIsData: true });
    const y = runLayers(this.plan.decoder, params.slice(nEnc), latent, this.plan.leakyAlpha, this.internals);
    return flattenOutput(this.plan, y);
  }

  private gather(order: Uint32Array, startRow: number, n: number): Float32Array {
    const w = this.width;
    const buf = n * w === this.batchBuf.length ? this.batchBuf : new Float32Array(n * w);
    for (let r = 0; r < n; r++) {
      const src = order[startRow + r] * w;
      buf.set(this.samples.subarray(src, src + w), r * w);
    }
    return buf;
  }

  /** Mean squared reconstruction error over the given samples (forward only, in chunks). */
  private async meanSquaredError(indices: Uint32Array): Promise<number> {
    let sum = 0;
    for (let start = 0; start < indices.length; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, indices.length - start);
      const batch = this.gather(indices, start, n);
      const chunkSum = tf.tidy(() => {
        const y = this.forward(encoderInput(this.plan, batch, n), this.params.tensors);
        return tf.sum(tf.squaredDifference(y, tf.tensor2d(batch, [n, this.width])));
      });
      sum += (await chunkSum.data())[0];
      chunkSum.dispose();
    }
    return sum / (indices.length * this.width);
  }

  /**
   * PSNR on the normalised scale (range 1): −10·log10(MSE). The epoch's mean batch loss is only an estimate
   * (weights move during the epoch), so once it is within 1 dB the exact training-set error decides.
   */
  private async reachedTarget(epochLoss: number): Promise<boolean> {
    const target = this.opts.targetPsnr;
    if (target === undefined) return false;
    if (psnrFromMse(epochLoss) < target - 1) return false;
    return psnrFromMse(await this.meanSquaredError(this.trainIdx)) >= target;
  }

  /** Throws CancelledError on abort; returns 'time-limit' once the time budget is spent. */
  private async checkInterrupts(): Promise<'time-limit' | undefined> {
    const now = performance.now();
    if (now - this.lastYield >= YIELD_INTERVAL_MS) {
      // Let messages (such as a cancel request) reach the AbortSignal.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    if (this.hooks.signal?.aborted) throw new CancelledError();
    const limit = this.opts.timeLimitSeconds;
    if (limit !== undefined && this.elapsed() >= limit) return 'time-limit';
    return undefined;
  }

  private emitProgress(epoch: number, force: boolean): void {
    const onProgress = this.hooks.onProgress;
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    if (force && this.lastProgress >= 0 && epoch === this.lastEmittedEpoch) return;
    this.lastProgress = now;
    this.lastEmittedEpoch = epoch;
    const elapsed = this.elapsed();
    const eta = this.eta(epoch, elapsed);
    const last = this.history.loss.length - 1;
    const progress: TrainProgress = {
      epoch,
      epochs: this.opts.epochs,
      loss: this.history.loss[last] ?? NaN,
      learningRate: this.history.learningRate[last] ?? this.lr,
      elapsedSeconds: elapsed,
      etaSeconds: eta,
    };
    if (this.history.valLoss.length > 0) progress.valLoss = this.history.valLoss[this.history.valLoss.length - 1];
    onProgress(progress);
  }

  private lastEmittedEpoch = -1;

  /** Long epochs also report within the epoch (fractional epoch, running loss), at most once a second. */
  private emitBatchProgress(fraction: number, runningLoss: number): void {
    const onProgress = this.hooks.onProgress;
    const now = performance.now();
    if (!onProgress || fraction >= 1 || now - this.lastProgress < INTRA_EPOCH_PROGRESS_MS) return;
    this.lastProgress = now;
    const epoch = this.history.epochs + Math.round(fraction * 100) / 100;
    const elapsed = this.elapsed();
    onProgress({
      epoch,
      epochs: this.opts.epochs,
      loss: runningLoss,
      learningRate: this.lr,
      elapsedSeconds: elapsed,
      etaSeconds: this.eta(epoch, elapsed),
    });
  }

  private eta(epoch: number, elapsed: number): number {
    let eta = epoch > 0 ? (elapsed / epoch) * (this.opts.epochs - epoch) : 0;
    if (this.opts.timeLimitSeconds !== undefined) eta = Math.min(eta, Math.max(0, this.opts.timeLimitSeconds - elapsed));
    return eta;
  }

  private elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }
}

export function psnrFromMse(mse: number): number {
  return mse > 0 ? -10 * Math.log10(mse) : Infinity;
}

function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

/** Fisher–Yates shuffle of a copy, driven by the seeded generator. */
function shuffled(values: Uint32Array, rng: () => number): Uint32Array {
  const a = Uint32Array.from(values);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
