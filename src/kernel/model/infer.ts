// Encoding runs on tfjs. Decoding is pure TypeScript: float64 accumulation in a fixed order, no backend,
// so every machine reproduces the same prediction bit for bit (error-bounded mode codes residuals against it).
import { tf } from './tf';
import type { Architecture, WeightTensor } from '../types';
import { layerPlan, matchWeights, type ConvLayer, type DenseLayer, type LayerPlan, type LayerSpec } from './architectures';
import { encoderInput, flattenOutput, runLayers } from './tf-layers';

const ENCODE_CHUNK = 4096;

/**
 * Latent codes (count × latent, C order) of flat samples (count × width), on the active tfjs backend.
 * Asynchronous: GPU backends (webgpu) cannot read results synchronously.
 */
export async function encodeSamples(arch: Architecture, encoder: WeightTensor[], samples: Float32Array, count: number): Promise<Float32Array> {
  const plan = layerPlan(arch);
  checkLength(samples, count * plan.sampleSize, 'samples');
  return runTf(plan, plan.encoder, encoder, samples, count, plan.sampleSize, plan.latent, (p, x) => encoderInput(p, x.data, x.n));
}

/** The tfjs decoder: reference for tests and benchmarks. Decompression uses decodeLatents. */
export async function decodeLatentsTf(arch: Architecture, decoder: WeightTensor[], latents: Float32Array, count: number): Promise<Float32Array> {
  const plan = layerPlan(arch);
  checkLength(latents, count * plan.latent, 'latents');
  return runTf(plan, plan.decoder, decoder, latents, count, plan.latent, plan.sampleSize, (_p, x) => tf.tensor2d(x.data, [x.n, plan.latent]), true);
}

async function runTf(
  plan: LayerPlan,
  layers: LayerSpec[],
  weights: WeightTensor[],
  input: Float32Array,
  count: number,
  inWidth: number,
  outWidth: number,
  makeInput: (plan: LayerPlan, x: { data: Float32Array; n: number }) => tf.Tensor,
  crop = false,
): Promise<Float32Array> {
  matchWeights(layers, weights);
  const params = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
  const out = new Float32Array(count * outWidth);
  try {
    for (let start = 0; start < count; start += ENCODE_CHUNK) {
      const n = Math.min(ENCODE_CHUNK, count - start);
      const chunk = input.subarray(start * inWidth, (start + n) * inWidth);
      const y = tf.tidy(() => {
        const h = runLayers(layers, params, makeInput(plan, { data: chunk, n }), plan.leakyAlpha);
        return crop ? flattenOutput(plan, h) : tf.reshape(h, [n, outWidth]);
      });
      try {
        out.set((await y.data()) as Float32Array, start * outWidth);
      } finally {
        y.dispose();
      }
    }
  } finally {
    for (const p of params) p.dispose();
  }
  return out;
}

function checkLength(values: Float32Array, needed: number, what: string): void {
  if (values.length < needed) throw new Error(`${what} hold ${values.length} values, ${needed} are needed`);
}

export function countParameters(weights: WeightTensor[]): number {
  return weights.reduce((n, w) => n + w.values.length, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Pure-TypeScript decoder

/** Samples (count × width) from latent codes, without tfjs; identical output on every platform. */
export function decodeLatents(arch: Architecture, decoder: WeightTensor[], latents: Float32Array, count: number): Float32Array {
  const plan = layerPlan(arch);
  checkLength(latents, count * plan.latent, 'latents');
  const pairs = matchWeights(plan.decoder, decoder);
  const alpha = plan.leakyAlpha;
  // Activations stay float64 between layers; only the final output is rounded to float32.
  let h: Float64Array = Float64Array.from(latents.subarray(0, count * plan.latent));
  plan.decoder.forEach((layer, i) => {
    const [kernel, bias] = pairs[i];
    h = layer.op === 'dense' ? denseForward(layer, kernel.values, bias.values, h, count) : deconvForward(layer, kernel.values, bias.values, h, count);
    if (layer.leaky) leakyInPlace(h, alpha);
  });
  return cropFrames(plan, h, count);
}

function leakyInPlace(h: Float64Array, alpha: number): void {
  for (let i = 0; i < h.length; i++) if (h[i] < 0) h[i] *= alpha;
}

const transposedKernels = new WeakMap<Float32Array, Float64Array>();

/** Kernel [in, out] as float64 [out, in], so that each output is a contiguous dot product. Cached per kernel. */
function transposedKernel(kernel: Float32Array, inputs: number, outputs: number): Float64Array {
  let t = transposedKernels.get(kernel);
  if (!t || t.length !== kernel.length) {
    t = new Float64Array(kernel.length);
    const block = 32;
    for (let i0 = 0; i0 < inputs; i0 += block) {
      const i1 = Math.min(i0 + block, inputs);
      for (let o0 = 0; o0 < outputs; o0 += block) {
        const o1 = Math.min(o0 + block, outputs);
        for (let i = i0; i < i1; i++) for (let o = o0; o < o1; o++) t[o * inputs + i] = kernel[i * outputs + o];
      }
    }
    transposedKernels.set(kernel, t);
  }
  return t;
}

/** y[s, o] = b[o] + Σ_i x[s, i]·W[i, o], summed in order of i; four samples share each pass over a kernel row. */
function denseForward(layer: DenseLayer, kernel: Float32Array, bias: Float32Array, x: Float64Array, count: number): Float64Array {
  const nIn = layer.inputs;
  const nOut = layer.outputs;
  const wt = transposedKernel(kernel, nIn, nOut);
  const y = new Float64Array(count * nOut);
  let s = 0;
  for (; s + 4 <= count; s += 4) {
    const x0 = s * nIn;
    const x1 = x0 + nIn;
    const x2 = x1 + nIn;
    const x3 = x2 + nIn;
    for (let o = 0; o < nOut; o++) {
      const row = o * nIn;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let i = 0; i < nIn; i++) {
        const w = wt[row + i];
        a0 += x[x0 + i] * w;
        a1 += x[x1 + i] * w;
        a2 += x[x2 + i] * w;
        a3 += x[x3 + i] * w;
      }
      const b = bias[o];
      y[s * nOut + o] = a0 + b;
      y[(s + 1) * nOut + o] = a1 + b;
      y[(s + 2) * nOut + o] = a2 + b;
      y[(s + 3) * nOut + o] = a3 + b;
    }
  }
  for (; s < count; s++) {
    const x0 = s * nIn;
    for (let o = 0; o < nOut; o++) {
      const row = o * nIn;
      let a = 0;
      for (let i = 0; i < nIn; i++) a += x[x0 + i] * wt[row + i];
      y[s * nOut + o] = a + bias[o];
    }
  }
  return y;
}

/**
 * Transposed stride-2 'same' convolution, NHWC, kernel [k, k, out, in] (tfjs conv2dTranspose layout).
 * As the gradient of the forward conv: y[p] = Σ_t x[(p + pad − t) / 2]·f[t] over taps t where that index is
 * a whole number inside the input. Gathered per output pixel, taps and input channels in a fixed order.
 */
function deconvForward(layer: ConvLayer, kernel: Float32Array, bias: Float32Array, x: Float64Array, count: number): Float64Array {
  const { inHeight, inWidth, inChannels, outChannels, kernel: k } = layer;
  const outHeight = inHeight * 2;
  const outWidth = inWidth * 2;
  const pad = Math.floor(Math.max(k - 2, 0) / 2);
  const y = new Float64Array(count * outHeight * outWidth * outChannels);
  const acc = new Float64Array(outChannels);
  for (let s = 0; s < count; s++) {
    const xBase = s * inHeight * inWidth * inChannels;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        acc.fill(0);
        for (let ty = 0; ty < k; ty++) {
          const qy = oy + pad - ty;
          if (qy < 0 || qy & 1 || qy >> 1 >= inHeight) continue;
          for (let tx = 0; tx < k; tx++) {
            const qx = ox + pad - tx;
            if (qx < 0 || qx & 1 || qx >> 1 >= inWidth) continue;
            const xi = xBase + ((qy >> 1) * inWidth + (qx >> 1)) * inChannels;
            const fi = (ty * k + tx) * outChannels * inChannels;
            for (let oc = 0; oc < outChannels; oc++) {
              const f = fi + oc * inChannels;
              let a = acc[oc];
              for (let ic = 0; ic < inChannels; ic++) a += x[xi + ic] * kernel[f + ic];
              acc[oc] = a;
            }
          }
        }
        const yi = ((s * outHeight + oy) * outWidth + ox) * outChannels;
        for (let oc = 0; oc < outChannels; oc++) y[yi + oc] = acc[oc] + bias[oc];
      }
    }
  }
  return y;
}

function cropFrames(plan: LayerPlan, h: Float64Array, count: number): Float32Array {
  const out = new Float32Array(count * plan.sampleSize);
  const f = plan.frame;
  if (!f || plan.decoder[plan.decoder.length - 1].op === 'dense' || (f.paddedHeight === f.height && f.paddedWidth === f.width)) {
    out.set(h.subarray(0, out.length));
    return out;
  }
  for (let s = 0; s < count; s++) {
    for (let r = 0; r < f.height; r++) {
      const from = (s * f.paddedHeight + r) * f.paddedWidth;
      out.set(h.subarray(from, from + f.width), (s * f.height + r) * f.width);
    }
  }
  return out;
}
