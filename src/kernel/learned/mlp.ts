// A small fully connected network with one output (a column's prediction from the columns before it):
// LeakyReLU hidden layers, weights stored as float16. The forward pass is pure TypeScript in float64, each
// dot product summed over its inputs in order, so the encoder and every decoder compute the same bits.
import type { ByteReader, ByteWriter } from '../codec/bytes';
import { float16BitsToNumber, numberToFloat16Bits } from '../data/float16';

/** Slope of LeakyReLU for negative inputs (exact in binary). */
export const MLP_LEAKY_ALPHA = 0.125;
const MAX_WIDTH = 1024;
const MAX_LAYERS = 8;

export interface MlpLayer {
  inputs: number;
  outputs: number;
  /** inputs × outputs, row-major (input-major). */
  kernel: Float64Array;
  bias: Float64Array;
}

export interface Mlp {
  layers: MlpLayer[];
}

/** Rounds every weight to float16, as stored. */
export function roundMlp(net: Mlp): Mlp {
  const round = (a: Float64Array) => a.map((v) => float16BitsToNumber(numberToFloat16Bits(v)));
  return { layers: net.layers.map((l) => ({ ...l, kernel: round(l.kernel), bias: round(l.bias) })) };
}

const transposed = new WeakMap<Float64Array, Float64Array>();

/** The kernel as outputs × inputs, so that each dot product reads contiguous weights (cached). */
function outputMajor(layer: MlpLayer): Float64Array {
  let t = transposed.get(layer.kernel);
  if (!t) {
    t = new Float64Array(layer.kernel.length);
    for (let i = 0; i < layer.inputs; i++) for (let o = 0; o < layer.outputs; o++) t[o * layer.inputs + i] = layer.kernel[i * layer.outputs + o];
    transposed.set(layer.kernel, t);
  }
  return t;
}

/**
 * One output per row of `x` (rows × the first layer's inputs). Each unit is (Σ_i x_i·w_i, summed over i in
 * order) + bias; four units share each pass over a row's inputs (the order of each sum does not change).
 */
export function forwardMlp(net: Mlp, x: Float64Array, rows: number): Float64Array {
  let h = x;
  net.layers.forEach((layer, index) => {
    const { inputs: n, outputs, bias } = layer;
    const w = outputMajor(layer);
    const last = index === net.layers.length - 1;
    const alpha = last ? 1 : MLP_LEAKY_ALPHA;
    const y = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) {
      const x0 = r * n;
      const y0 = r * outputs;
      let o = 0;
      for (; o + 4 <= outputs; o += 4) {
        const w0 = o * n;
        const w1 = w0 + n;
        const w2 = w1 + n;
        const w3 = w2 + n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < n; i++) {
          const v = h[x0 + i];
          s0 += v * w[w0 + i];
          s1 += v * w[w1 + i];
          s2 += v * w[w2 + i];
          s3 += v * w[w3 + i];
        }
        s0 += bias[o];
        s1 += bias[o + 1];
        s2 += bias[o + 2];
        s3 += bias[o + 3];
        y[y0 + o] = s0 >= 0 ? s0 : s0 * alpha;
        y[y0 + o + 1] = s1 >= 0 ? s1 : s1 * alpha;
        y[y0 + o + 2] = s2 >= 0 ? s2 : s2 * alpha;
        y[y0 + o + 3] = s3 >= 0 ? s3 : s3 * alpha;
      }
      for (; o < outputs; o++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += h[x0 + i] * w[o * n + i];
        s += bias[o];
        y[y0 + o] = s >= 0 ? s : s * alpha;
      }
    }
    h = y;
  });
  return h;
}

export function mlpParameters(net: Mlp): number {
  return net.layers.reduce((n, l) => n + l.kernel.length + l.bias.length, 0);
}

export function writeMlp(w: ByteWriter, net: Mlp): void {
  w.varuint(net.layers.length);
  for (const l of net.layers) {
    w.varuint(l.outputs);
    for (const v of l.kernel) w.u16(numberToFloat16Bits(v));
    for (const v of l.bias) w.u16(numberToFloat16Bits(v));
  }
}

/** Reads a network whose first layer takes `inputs` values; its last layer must have one output. */
export function readMlp(r: ByteReader, inputs: number): Mlp {
  const count = r.varuint('network layers', MAX_LAYERS);
  if (count === 0) r.fail('a network without layers');
  const layers: MlpLayer[] = [];
  let n = inputs;
  for (let i = 0; i < count; i++) {
    const outputs = r.varuint('layer width', MAX_WIDTH);
    if (outputs === 0) r.fail('a layer of width 0');
    if ((n * outputs + outputs) * 2 > r.remaining) r.fail('a layer larger than the bytes left');
    const kernel = Float64Array.from({ length: n * outputs }, () => float16BitsToNumber(r.u16('weight')));
    const bias = Float64Array.from({ length: outputs }, () => float16BitsToNumber(r.u16('bias')));
    for (const v of kernel) if (!Number.isFinite(v)) r.fail('a network weight is not finite');
    for (const v of bias) if (!Number.isFinite(v)) r.fail('a network bias is not finite');
    layers.push({ inputs: n, outputs, kernel, bias });
    n = outputs;
  }
  if (n !== 1) r.fail(`the network ends in ${n} outputs, not 1`);
  return { layers };
}
