// Default autoencoder architectures and the layer plan every model path (training, tfjs inference,
// pure-JS decoding) builds from, so that all of them agree on layer order, shapes and weight names.
import type { Architecture, ConvArchitecture, DataKind, DenseArchitecture, WeightTensor } from '../types';

/** PyTorch's default negative slope for F.leaky_relu, as used by the reference tool. */
export const LEAKY_ALPHA = 0.01;
/** Hidden widths of the reference tool's dense autoencoder (encoder side; the decoder mirrors them). */
export const REFERENCE_HIDDEN = [200, 100, 50];
/** Reference compression ratios when none is given: CMS tables 24 → 15 columns; CFD frames 2500 → 25. */
export const DEFAULT_COMPRESSION_RATIO: Record<DataKind, number> = { table: 1.6, frames: 100 };

/** One line naming the layers, e.g. "dense 24-200-100-50-15" or "conv 50×50, channels 8-16, kernel 3, latent 40". */
export function describeArchitecture(a: Architecture): string {
  const tiles = a.tile ? ` on ${a.tile.height}×${a.tile.width} tiles` : '';
  if (a.type === 'dense') return `dense ${[a.inputSize, ...a.hidden, a.latent].join('-')}${tiles}`;
  return `conv ${a.height}×${a.width}${tiles}, channels ${a.channels.join('-') || 'none (no downsampling)'}, kernel ${a.kernelSize}` +
    `${a.denseHidden > 0 ? `, dense ${a.denseHidden}` : ''}, latent ${a.latent}`;
}

export interface ArchitectureOptions {
  modelType?: 'dense' | 'conv';
  latent?: number;
  compressionRatio?: number;
}

export function defaultArchitecture(kind: DataKind, shape: number[], opts: ArchitectureOptions = {}): Architecture {
  const sampleShape = shape.slice(1);
  const width = sampleShape.reduce((a, b) => a * b, 1);
  if (!(width >= 1)) throw new Error(`cannot build a model for samples of shape [${sampleShape.join(', ')}]`);
  const latent = latentSize(width, kind, opts);
  if (opts.modelType === 'conv') {
    if (kind !== 'frames' || sampleShape.length !== 2) {
      throw new Error('the convolutional autoencoder needs frame data (frames × height × width)');
    }
    return convArchitecture(sampleShape[0], sampleShape[1], latent);
  }
  const dense: DenseArchitecture = {
    type: 'dense',
    inputSize: width,
    // A hidden layer narrower than the latent would be a tighter bottleneck than the latent itself.
    hidden: REFERENCE_HIDDEN.filter((h) => h > latent),
    latent,
    activation: 'leaky_relu',
    leakyAlpha: LEAKY_ALPHA,
  };
  return dense;
}

function latentSize(width: number, kind: DataKind, opts: ArchitectureOptions): number {
  if (opts.latent !== undefined) {
    if (!Number.isInteger(opts.latent) || opts.latent < 1) throw new Error(`latent size must be a positive integer, got ${opts.latent}`);
    return opts.latent;
  }
  const ratio = opts.compressionRatio ?? DEFAULT_COMPRESSION_RATIO[kind];
  if (!(ratio > 0)) throw new Error(`compression ratio must be positive, got ${ratio}`);
  return Math.max(1, Math.round(width / ratio));
}

function convArchitecture(height: number, width: number, latent: number): ConvArchitecture {
  // Two stride-2 stages when the frame is big enough, one for small frames, none below 4 pixels.
  const minSide = Math.min(height, width);
  const channels = minSide >= 16 ? [8, 16] : minSide >= 4 ? [8] : [];
  return { type: 'conv', height, width, channels, kernelSize: 3, denseHidden: 0, latent, activation: 'leaky_relu', leakyAlpha: LEAKY_ALPHA };
}

// ---------------------------------------------------------------------------------------------------------
// Layer plan

export interface DenseLayer {
  op: 'dense';
  name: string;
  inputs: number;
  outputs: number;
  leaky: boolean;
}

/** A stride-2 'same' convolution (conv: halves H and W) or its transpose (deconv: doubles them). NHWC. */
export interface ConvLayer {
  op: 'conv' | 'deconv';
  name: string;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outChannels: number;
  kernel: number;
  leaky: boolean;
}

export type LayerSpec = DenseLayer | ConvLayer;

export interface LayerPlan {
  encoder: LayerSpec[];
  decoder: LayerSpec[];
  /** Values per sample going in and coming out (H·W for frames). */
  sampleSize: number;
  latent: number;
  leakyAlpha: number;
  /** Conv models pad frames (zeros, bottom/right) to a multiple of 2^stages and crop the output back. */
  frame?: { height: number; width: number; paddedHeight: number; paddedWidth: number };
}

export function layerPlan(arch: Architecture): LayerPlan {
  return arch.type === 'dense' ? densePlan(arch) : convPlan(arch);
}

function densePlan(arch: DenseArchitecture): LayerPlan {
  const encoderSizes = [arch.inputSize, ...arch.hidden, arch.latent];
  const decoderSizes = [...encoderSizes].reverse();
  return {
    encoder: denseChain('encoder', encoderSizes),
    decoder: denseChain('decoder', decoderSizes),
    sampleSize: arch.inputSize,
    latent: arch.latent,
    leakyAlpha: arch.leakyAlpha,
  };
}

/** Dense layers through the given sizes; every layer but the last is followed by LeakyReLU. */
function denseChain(prefix: string, sizes: number[], startIndex = 0, lastLeaky = false): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers.push({ op: 'dense', name: `${prefix}.dense${startIndex + i}`, inputs: sizes[i], outputs: sizes[i + 1], leaky: !last || lastLeaky });
  }
  return layers;
}

function convPlan(arch: ConvArchitecture): LayerPlan {
  const stages = arch.channels.length;
  const factor = 2 ** stages;
  const paddedHeight = Math.ceil(arch.height / factor) * factor;
  const paddedWidth = Math.ceil(arch.width / factor) * factor;
  const encoder: LayerSpec[] = [];
  let h = paddedHeight;
  let w = paddedWidth;
  let c = 1;
  arch.channels.forEach((outChannels, i) => {
    encoder.push({ op: 'conv', name: `encoder.conv${i}`, inHeight: h, inWidth: w, inChannels: c, outChannels, kernel: arch.kernelSize, leaky: true });
    h /= 2;
    w /= 2;
    c = outChannels;
  });
  const flat = h * w * c;
  const denseSizes = arch.denseHidden > 0 ? [flat, arch.denseHidden, arch.latent] : [flat, arch.latent];
  encoder.push(...denseChain('encoder', denseSizes));

  const decoder: LayerSpec[] = [...denseChain('decoder', [...denseSizes].reverse(), 0, stages > 0)];
  for (let i = stages - 1; i >= 0; i--) {
    const outChannels = i === 0 ? 1 : arch.channels[i - 1];
    decoder.push({ op: 'deconv', name: `decoder.deconv${stages - 1 - i}`, inHeight: h, inWidth: w, inChannels: c, outChannels, kernel: arch.kernelSize, leaky: i > 0 });
    h *= 2;
    w *= 2;
    c = outChannels;
  }
  return {
    encoder,
    decoder,
    sampleSize: arch.height * arch.width,
    latent: arch.latent,
    leakyAlpha: arch.leakyAlpha,
    frame: { height: arch.height, width: arch.width, paddedHeight, paddedWidth },
  };
}

/** Kernel and bias shapes: dense [in, out]; conv [k, k, in, out]; deconv [k, k, out, in] (tfjs layout). */
export function weightShapes(layer: LayerSpec): { kernel: number[]; bias: number[] } {
  if (layer.op === 'dense') return { kernel: [layer.inputs, layer.outputs], bias: [layer.outputs] };
  const k = layer.kernel;
  const kernel = layer.op === 'conv' ? [k, k, layer.inChannels, layer.outChannels] : [k, k, layer.outChannels, layer.inChannels];
  return { kernel, bias: [layer.outChannels] };
}

/** Fan-in of a layer (inputs that feed one output), for initialisation. */
export function fanIn(layer: LayerSpec): number {
  return layer.op === 'dense' ? layer.inputs : layer.kernel * layer.kernel * layer.inChannels;
}

/** Checks that weights match the layers (count, names, shapes) and returns them as [kernel, bias] pairs. */
export function matchWeights(layers: LayerSpec[], weights: WeightTensor[]): [WeightTensor, WeightTensor][] {
  if (weights.length !== layers.length * 2) {
    throw new Error(`model has ${weights.length} weight tensors, the architecture needs ${layers.length * 2}`);
  }
  return layers.map((layer, i) => {
    const kernel = weights[2 * i];
    const bias = weights[2 * i + 1];
    const shapes = weightShapes(layer);
    for (const [w, shape] of [[kernel, shapes.kernel], [bias, shapes.bias]] as const) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (w.values.length !== size || w.shape.join(',') !== shape.join(',')) {
        throw new Error(`weight ${w.name} has shape [${w.shape.join(', ')}], layer ${layer.name} needs [${shape.join(', ')}]`);
      }
    }
    return [kernel, bias];
  });
}
