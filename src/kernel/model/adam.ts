// Adam as in PyTorch (bias-corrected, eps added to the corrected sqrt(v)), in two places:
// - on the host, in JS on master copies, for backends whose tensors live in JS-visible memory (wasm heap, cpu
//   arrays): no copy at all to read a gradient;
// - on the device, as tensor ops on one flat vector of all parameters, for backends whose tensors live on a
//   GPU (webgpu, tfjs-node-gpu): no read-back per step, and about 30 kernel launches instead of ~15 per tensor.
// Both update the same formula; they differ only in rounding (float64 host arithmetic vs float32 kernels).
import { tf } from './tf';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** The parameters an optimizer updates: replaced (not mutated) after each step. */
export interface Parameters {
  tensors: tf.Tensor[];
}

export interface Optimizer {
  /** One step with these gradients (same order as the parameters); the caller disposes the gradients. */
  apply(params: Parameters, grads: tf.Tensor[], lr: number): void;
  dispose(): void;
}

/** The optimizer suited to the active backend: host Adam where tensors are readable in place, else device Adam. */
export function createAdam(params: Parameters): Optimizer {
  return hostView(params.tensors[0]) ? new HostAdam(params) : new DeviceAdam(params);
}

/** Host-memory view of a tensor's data on backends that keep it in JS-visible memory (wasm heap, cpu arrays). */
export function hostView(t: tf.Tensor): Float32Array | undefined {
  const name = tf.getBackend();
  const backend = tf.backend() as unknown as {
    typedArrayFromHeap?: (info: tf.TensorInfo) => Float32Array;
    data?: { get(id: tf.DataId): { values?: Float32Array } | undefined };
  };
  if (name === 'wasm' && backend.typedArrayFromHeap) return backend.typedArrayFromHeap(t);
  if (name === 'cpu') {
    const values = backend.data?.get(t.dataId)?.values;
    return values instanceof Float32Array ? values : undefined;
  }
  return undefined;
}

function biasCorrections(step: number, lr: number): { stepSize: number; sqrtBc2: number } {
  return { stepSize: lr / (1 - BETA1 ** step), sqrtBc2: Math.sqrt(1 - BETA2 ** step) };
}

/**
 * Runs in JS on master copies of the parameters. Each step uploads fresh tensors: updating wasm tensors in
 * place would be wrong because XNNPACK caches packed weights by tensor id.
 */
export class HostAdam implements Optimizer {
  private step = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private readonly master: Float32Array[];

  constructor(params: Parameters) {
    this.m = params.tensors.map((t) => new Float32Array(t.size));
    this.v = params.tensors.map((t) => new Float32Array(t.size));
    this.master = params.tensors.map((t) => Float32Array.from(hostView(t) ?? (t.dataSync() as Float32Array)));
  }

  apply(params: Parameters, grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const { stepSize, sqrtBc2 } = biasCorrections(this.step, lr);
    // The cpu backend keeps the array it is given; every other backend copies it.
    const copyOnUpload = tf.getBackend() === 'cpu';
    params.tensors = params.tensors.map((p, i) => {
      const g = hostView(grads[i]) ?? (grads[i].dataSync() as Float32Array);
      this.update(this.master[i], g, this.m[i], this.v[i], stepSize, sqrtBc2);
      const values = copyOnUpload ? Float32Array.from(this.master[i]) : this.master[i];
      const next = tf.keep(tf.tensor(values, p.shape, 'float32'));
      p.dispose();
      return next;
    });
  }

  private update(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, stepSize: number, sqrtBc2: number): void {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      const mi = BETA1 * m[i] + (1 - BETA1) * gi;
      const vi = BETA2 * v[i] + (1 - BETA2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + EPSILON);
    }
  }

  dispose(): void {
    // JS arrays only.
  }
}

/** Runs as tensor ops on the active backend; parameters, moments and gradients never leave the device. */
export class DeviceAdam implements Optimizer {
  private step = 0;
  private readonly sizes: number[];
  private readonly shapes: number[][];
  private master: tf.Tensor1D;
  private m: tf.Tensor1D;
  private v: tf.Tensor1D;

  constructor(params: Parameters) {
    this.sizes = params.tensors.map((t) => t.size);
    this.shapes = params.tensors.map((t) => [...t.shape]);
    this.master = tf.keep(flatConcat(params.tensors));
    this.m = tf.keep(tf.zerosLike(this.master));
    this.v = tf.keep(tf.zerosLike(this.master));
  }

  apply(params: Parameters, grads: tf.Tensor[], lr: number): void {
    this.step += 1;
    const { stepSize, sqrtBc2 } = biasCorrections(this.step, lr);
    const [m, v, master, ...parts] = tf.tidy(() => {
      const g = flatConcat(grads);
      const m = tf.add(tf.mul(this.m, BETA1), tf.mul(g, 1 - BETA1)) as tf.Tensor1D;
      const v = tf.add(tf.mul(this.v, BETA2), tf.mul(tf.square(g), 1 - BETA2)) as tf.Tensor1D;
      const denominator = tf.add(tf.div(tf.sqrt(v), sqrtBc2), EPSILON);
      const master = tf.sub(this.master, tf.div(tf.mul(m, stepSize), denominator)) as tf.Tensor1D;
      const split = this.sizes.length > 1 ? tf.split(master, this.sizes) : [master];
      return [m, v, master, ...split.map((t, i) => tf.reshape(t, this.shapes[i]))];
    });
    this.m.dispose();
    this.v.dispose();
    this.master.dispose();
    [this.m, this.v, this.master] = [m as tf.Tensor1D, v as tf.Tensor1D, master as tf.Tensor1D];
    for (const p of params.tensors) p.dispose();
    params.tensors = parts.map((t) => tf.keep(t));
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.master.dispose();
  }
}

function flatConcat(tensors: tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1])) as tf.Tensor1D[]));
}
