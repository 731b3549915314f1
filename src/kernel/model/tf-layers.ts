// The tfjs forward pass of a layer plan, used for training (differentiable) and for encoding.
// Dense layers carry hand-written gradients: autodiff of matMul + add + leakyRelu goes through slow wasm paths
// (transposed MatMul, Greater + Select, Sum over axis 0), and one custom gradient is also fewer tape entries.
import { tf } from './tf';
import type { ConvLayer, LayerPlan, LayerSpec } from './architectures';

export interface ForwardOptions {
  /** Use tf.customGrad for dense layers and LeakyReLU (default true); false gives plain autodiff. */
  handWrittenGradients?: boolean;
  /** x is training data, not a differentiated tensor: the first layer may skip its input gradient. */
  inputIsData?: boolean;
}

type CustomGradientFunc = Parameters<typeof tf.customGrad>[0];
type DenseFn = (x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;

const denseCache = new Map<string, DenseFn>();

/**
 * y = act(x·W + b) with the backward pass written out: dz = dy·act'(y), dx = dz·Wᵀ, dW = xᵀ·dz, db = Σ dz.
 * For the model's input layer dx is never used, so it is returned as zeros instead of a costly MatMul.
 */
function customDense(leakyAlpha: number | null, inputGradient: boolean): DenseFn {
  const key = `${leakyAlpha}/${inputGradient}`;
  let fn = denseCache.get(key);
  if (!fn) {
    const f = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, save: tf.GradSaveFunc) => {
      // Fused linear + separate LeakyRelu: wasm's fused 'leakyrelu' activation is 5x slower than this pair.
      const z = tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias });
      const y = leakyAlpha === null ? z : tf.leakyRelu(z, leakyAlpha);
      save([x, kernel, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, ks, ys] = saved;
          const dz = leakyAlpha === null ? dy : tf.mul(dy, tf.step(ys, leakyAlpha));
          const dx = inputGradient ? tf.matMul(dz, ks, false, true) : tf.zerosLike(xs);
          return [dx, tf.matMul(xs, dz, true, false), tf.sum(dz, 0)];
        },
      };
    };
    fn = tf.customGrad(f as unknown as CustomGradientFunc) as unknown as DenseFn;
    denseCache.set(key, fn);
  }
  return fn;
}

const leakyCache = new Map<number, (x: tf.Tensor) => tf.Tensor>();

/** LeakyReLU whose gradient is dy·step(y, α) instead of core's Greater + Select. */
function customLeaky(alpha: number): (x: tf.Tensor) => tf.Tensor {
  let fn = leakyCache.get(alpha);
  if (!fn) {
    const f = (x: tf.Tensor, save: tf.GradSaveFunc) => {
      const y = tf.leakyRelu(x, alpha);
      save([y]);
      return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.step(saved[0], alpha)) };
    };
    fn = tf.customGrad(f as unknown as CustomGradientFunc) as unknown as (x: tf.Tensor) => tf.Tensor;
    leakyCache.set(alpha, fn);
  }
  return fn;
}

function dense(x: tf.Tensor2D, kernel: tf.Tensor, bias: tf.Tensor, alpha: number | null, opts: ForwardOptions, isModelInput: boolean): tf.Tensor2D {
  if (opts.handWrittenGradients === false) {
    const z = tf.add(tf.matMul(x, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
    return alpha === null ? z : tf.leakyRelu(z, alpha);
  }
  return customDense(alpha, !isModelInput)(x, kernel as tf.Tensor2D, bias as tf.Tensor1D);
}

function addChannelBias(x: tf.Tensor4D, bias: tf.Tensor): tf.Tensor4D {
  // As a 2-D add so that the bias gradient is a Sum over axis 0 (fast on wasm with the fixes).
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.add(tf.reshape(x, [n * h * w, c]), bias), [n, h, w, c]);
}

function convLayer(x: tf.Tensor4D, layer: ConvLayer, kernel: tf.Tensor, bias: tf.Tensor, alpha: number, opts: ForwardOptions): tf.Tensor4D {
  const n = x.shape[0];
  const z = layer.op === 'conv'
    ? tf.conv2d(x, kernel as tf.Tensor4D, 2, 'same')
    : tf.conv2dTranspose(x, kernel as tf.Tensor4D, [n, layer.inHeight * 2, layer.inWidth * 2, layer.outChannels], 2, 'same');
  const zb = addChannelBias(z, bias);
  if (!layer.leaky) return zb;
  return (opts.handWrittenGradients === false ? tf.leakyRelu(zb, alpha) : customLeaky(alpha)(zb)) as tf.Tensor4D;
}

/** Runs layers on x ([n, features] for dense input, [n, H, W, C] for conv input); reshapes between kinds. */
export function runLayers(layers: LayerSpec[], params: tf.Tensor[], x: tf.Tensor, alpha: number, opts: ForwardOptions = {}): tf.Tensor {
  let h = x;
  layers.forEach((layer, i) => {
    const kernel = params[2 * i];
    const bias = params[2 * i + 1];
    if (layer.op === 'dense') {
      if (h.rank !== 2) h = tf.reshape(h, [h.shape[0], -1]);
      h = dense(h as tf.Tensor2D, kernel, bias, layer.leaky ? alpha : null, opts, h === x && opts.inputIsData === true);
    } else {
      if (h.rank !== 4) h = tf.reshape(h, [h.shape[0], layer.inHeight, layer.inWidth, layer.inChannels]);
      h = convLayer(h as tf.Tensor4D, layer, kernel, bias, alpha, opts);
    }
  });
  return h;
}

/** Encoder input tensor for a batch of flat samples (conv models: zero-padded NHWC frames). */
export function encoderInput(plan: LayerPlan, batch: Float32Array, count: number): tf.Tensor {
  if (!plan.frame || plan.encoder[0].op === 'dense') return tf.tensor2d(batch, [count, plan.sampleSize]);
  const { height, width, paddedHeight, paddedWidth } = plan.frame;
  if (paddedHeight === height && paddedWidth === width) return tf.tensor4d(batch, [count, height, width, 1]);
  const padded = new Float32Array(count * paddedHeight * paddedWidth);
  for (let s = 0; s < count; s++) {
    for (let r = 0; r < height; r++) {
      const from = (s * height + r) * width;
      padded.set(batch.subarray(from, from + width), (s * paddedHeight + r) * paddedWidth);
    }
  }
  return tf.tensor4d(padded, [count, paddedHeight, paddedWidth, 1]);
}

/** Decoder output as [n, sampleSize]: conv models crop the padded frame back to H × W. */
export function flattenOutput(plan: LayerPlan, y: tf.Tensor): tf.Tensor2D {
  const n = y.shape[0];
  if (plan.frame && y.rank === 4) {
    const { height, width, paddedHeight, paddedWidth } = plan.frame;
    if (paddedHeight !== height || paddedWidth !== width) y = tf.slice(y, [0, 0, 0, 0], [n, height, width, 1]);
  }
  return tf.reshape(y, [n, plan.sampleSize]);
}
