// Decoder (or encoder) weights as bytes, at float32, float16, int8 or int16 precision.
//
//   u8 blob version (1), u16 tensorCount
//   per tensor: u8 nameLength, name (UTF-8), u8 rank, u32 × rank dims, u8 encoding
//   then every tensor's values in the same order, by encoding tag:
//     0 float32: 4 bytes a value; 1 float16: 2 bytes a value;
//     2 int8 (read only; written by older versions): one float32 scale per channel (the last axis),
//       then one int8 a value (value = q × scale);
//     3 scaled int8: u8 flags, then the scales (float16, or float32 with SCALES_FLOAT32), then one
//       int8 a value (value = q × scale of its slice, |q| ≤ 127). Flags: bits 0–1 the scale axis
//       (AXIS_*: one scale for the tensor, one per index of the first axis, or one per index of the
//       last axis); DELTA: each q stored as its difference (mod 2^bits) from the previous q along the
//       last axis, which leaves small numbers for zstd where neighbouring weights are alike (smooth
//       fields, e.g. a decoder's basis images). GRID (with DELTA): a u16 width W follows the flags,
//       and each run along the last axis is taken as rows of W values: q is stored as its difference
//       from the 2-D Lorenzo prediction left + up − up-left (an image's smoothness in both directions).
//     4 scaled int16: as 3 with |q| ≤ 32767, every low byte of q, then every high byte (the high
//       bytes of small deltas are nearly all 0 or 255, which zstd all but removes).
//
// A tensor falls back to float32 when its values are not all finite, or (float16) when one is beyond
// float16's range. int8/int16 apply to tensors of rank 2 and more, scaled along whichever of the first
// or last axis costs fewer scale bytes unless that makes the steps too much coarser, and to rank-1
// tensors of at least INT8_MIN_VECTOR values (one scale); smaller ones (most biases) go as float16.
import { BalerError } from '../errors';
import type { WeightTensor } from '../types';
import { FLOAT16_MAX } from './numbers';
import { float16BitsToFloat32, float16BitsToNumber, float32ToFloat16Bits, numberToFloat16Bits } from '../data/float16';
import { byteEntropy, gridWidths, integerBytes, integersFromBytes, predictionResiduals, undoPrediction } from './weights-residuals';

export type WeightPrecision = 'float32' | 'float16' | 'int8' | 'int16';

const BLOB_VERSION = 1;
const PRECISIONS: WeightPrecision[] = ['float32', 'float16', 'int8', 'int16'];
/** Tag byte of each encoding; 'int8-channels' is the older int8 (float32 scale per last-axis channel). */
type Encoding = 'float32' | 'float16' | 'int8-channels' | 'int8-scaled' | 'int16-scaled';
const ENCODINGS: Encoding[] = ['float32', 'float16', 'int8-channels', 'int8-scaled', 'int16-scaled'];
/** Largest |q| and bytes a value of the scaled integer encodings. */
const INTEGER_LEVELS = { 'int8-scaled': 127, 'int16-scaled': 32767 } as const;
const INTEGER_BYTES = { 'int8-scaled': 1, 'int16-scaled': 2 } as const;
type ScaledEncoding = keyof typeof INTEGER_LEVELS;

function isScaled(encoding: Encoding): encoding is ScaledEncoding {
  return encoding === 'int8-scaled' || encoding === 'int16-scaled';
}

const AXIS_TENSOR = 0;
const AXIS_FIRST = 1;
const AXIS_LAST = 2;
const AXIS_MASK = 3;
const SCALES_FLOAT32 = 4;
const DELTA = 8;
const GRID = 16;
/** A prediction of q is used only if it cuts the estimated bits at least this much (noise: none does). */
const PREDICTION_GAIN_NEEDED = 0.98;
/** Rank-1 tensors this long or longer (e.g. the output bias of a decoder over a field) are quantised too. */
export const INT8_MIN_VECTOR = 256;
/**
 * Bits per value a doubling of the quantisation's RMS error is taken to cost when weighing fewer scale
 * bytes against coarser steps (rate–distortion would say 1 per value of the output; weights are
 * valued twice that, since their errors reach every output they feed).
 */
const BITS_PER_ERROR_DOUBLING = 2;
/** Coarser steps are never worth fewer scale bytes than this (small layers keep per-channel scales). */
const MIN_SCALE_BYTES_SAVED = 512;
/** The smallest normal float16: smaller scales lose relative precision, so they go as float32. */
const FLOAT16_MIN_NORMAL = 2 ** -14;

/** The encoding a tensor gets at a requested precision (see the fallbacks above). */
export function tensorEncoding(tensor: WeightTensor, precision: WeightPrecision): WeightPrecision {
  const encoding = encodingOf(tensor, precision);
  return encoding === 'int16-scaled' ? 'int16' : encoding === 'int8-scaled' || encoding === 'int8-channels' ? 'int8' : encoding;
}

function encodingOf(tensor: WeightTensor, precision: WeightPrecision): Encoding {
  if (precision === 'float32') return 'float32';
  let maxAbs = 0;
  for (const v of tensor.values) {
    if (!Number.isFinite(v)) return 'float32';
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const rank = tensor.shape.length;
  const integer = precision === 'int8' || precision === 'int16';
  if (integer && (rank >= 2 || (rank === 1 && tensor.values.length >= INT8_MIN_VECTOR))) return precision === 'int8' ? 'int8-scaled' : 'int16-scaled';
  return maxAbs <= FLOAT16_MAX ? 'float16' : 'float32';
}

interface TensorPlan {
  encoding: Encoding;
  /** The scaled integer encodings only. */
  flags: number;
  /** Row width of the GRID prediction (flags & GRID). */
  width?: number;
}

function planOf(tensor: WeightTensor, precision: WeightPrecision): TensorPlan {
  const encoding = encodingOf(tensor, precision);
  return isScaled(encoding) ? { encoding, ...scaledIntegerPlan(tensor, encoding) } : { encoding, flags: 0 };
}

export function encodeWeights(tensors: WeightTensor[], precision: WeightPrecision): Uint8Array {
  checkPrecision(precision);
  tensors.forEach(checkTensor);
  const plans = tensors.map((t) => planOf(t, precision));
  const out = new Uint8Array(blobSize(tensors, plans));
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at++, BLOB_VERSION);
  view.setUint16(at, tensors.length, true);
  at += 2;
  tensors.forEach((t, i) => {
    const name = new TextEncoder().encode(t.name);
    view.setUint8(at++, name.length);
    out.set(name, at);
    at += name.length;
    view.setUint8(at++, t.shape.length);
    for (const d of t.shape) {
      view.setUint32(at, d, true);
      at += 4;
    }
    view.setUint8(at++, ENCODINGS.indexOf(plans[i].encoding));
  });
  tensors.forEach((t, i) => {
    const values = valueBytes(t, plans[i]);
    out.set(values, at);
    at += values.length;
  });
  return out;
}

/** Exact length of encodeWeights(tensors, precision), without building it. */
export function weightsByteSize(tensors: WeightTensor[], precision: WeightPrecision): number {
  checkPrecision(precision);
  return blobSize(tensors, tensors.map((t) => planOf(t, precision)));
}

export function decodeWeights(bytes: Uint8Array, file?: string): WeightTensor[] {
  const fail = (why: string): never => {
    throw new BalerError(`corrupted model weights: ${why}`, file, 'ECORRUPT');
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) fail('they end too early');
  };
  need(3);
  const version = view.getUint8(at++);
  if (version !== BLOB_VERSION) fail(`unknown weights layout ${version}`);
  const count = view.getUint16(at, true);
  at += 2;
  const heads: { name: string; shape: number[]; encoding: Encoding }[] = [];
  for (let i = 0; i < count; i++) {
    need(1);
    const nameLength = view.getUint8(at++);
    need(nameLength + 1);
    const name = new TextDecoder().decode(bytes.subarray(at, at + nameLength));
    at += nameLength;
    const rank = view.getUint8(at++);
    need(rank * 4 + 1);
    const shape = [];
    for (let d = 0; d < rank; d++, at += 4) shape.push(view.getUint32(at, true));
    const encoding = ENCODINGS[view.getUint8(at++)] ?? fail(`tensor '${name}' has an unknown encoding`);
    heads.push({ name, shape, encoding });
  }
  const tensors = heads.map((h) => {
    const plan: TensorPlan = { encoding: h.encoding, flags: 0 };
    if (isScaled(h.encoding)) {
      need(1);
      const flags = (plan.flags = view.getUint8(at));
      const badGrid = (flags & GRID) !== 0 && (flags & DELTA) === 0;
      if ((flags & AXIS_MASK) === 3 || flags >= 32 || badGrid) fail(`tensor '${h.name}' has unknown integer flags ${flags}`);
      if ((flags & AXIS_MASK) !== AXIS_TENSOR && h.shape.length < 1) fail(`tensor '${h.name}' has no axis to scale along`);
      if ((flags & GRID) !== 0) {
        need(3);
        plan.width = view.getUint16(at + 1, true);
        if (plan.width < 1 || channelCount(h.shape) % plan.width !== 0) fail(`tensor '${h.name}' has a bad grid width ${plan.width}`);
      }
    }
    const size = valueByteSize(h.shape, plan);
    need(size);
    const values = decodeValues(bytes.subarray(at, at + size), h.shape, plan);
    at += size;
    return { name: h.name, shape: h.shape, values };
  });
  if (at !== bytes.length) fail(`${bytes.length - at} unexpected bytes after the last tensor`);
  return tensors;
}

function checkPrecision(precision: WeightPrecision): void {
  if (!PRECISIONS.includes(precision)) throw new Error(`unknown weight precision '${String(precision)}'`);
}

function checkTensor(t: WeightTensor): void {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.values.length) {
    throw new Error(`weight tensor '${t.name}' has ${t.values.length} values for shape [${t.shape}]`);
  }
  if (new TextEncoder().encode(t.name).length > 255 || t.shape.length > 255) {
    throw new Error(`weight tensor '${t.name}': name longer than 255 bytes or rank above 255`);
  }
}

function blobSize(tensors: WeightTensor[], plans: TensorPlan[]): number {
  if (tensors.length > 0xffff) throw new Error(`too many weight tensors (${tensors.length})`);
  let size = 3;
  tensors.forEach((t, i) => {
    size += 1 + new TextEncoder().encode(t.name).length + 1 + 4 * t.shape.length + 1;
    size += valueByteSize(t.shape, plans[i]);
  });
  return size;
}

function valueByteSize(shape: number[], plan: TensorPlan): number {
  const count = shape.reduce((a, b) => a * b, 1);
  const { encoding, flags } = plan;
  if (encoding === 'float32') return count * 4;
  if (encoding === 'float16') return count * 2;
  if (encoding === 'int8-channels') return channelCount(shape) * 4 + count;
  return scaledHeaderBytes(flags) + scaleCount(shape, flags) * ((flags & SCALES_FLOAT32) !== 0 ? 4 : 2) + count * INTEGER_BYTES[encoding];
}

/** The flags byte, and the grid width when there is one. */
function scaledHeaderBytes(flags: number): number {
  return (flags & GRID) !== 0 ? 3 : 1;
}

function channelCount(shape: number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

function scaleCount(shape: number[], flags: number): number {
  const axis = flags & AXIS_MASK;
  return axis === AXIS_TENSOR ? 1 : axis === AXIS_FIRST ? shape[0] : shape[shape.length - 1];
}

/** The slice (scale index) of value i under the axis in `flags`. */
function sliceIndexer(shape: number[], flags: number): (i: number) => number {
  const axis = flags & AXIS_MASK;
  if (axis === AXIS_TENSOR) return () => 0;
  if (axis === AXIS_LAST) {
    const channels = channelCount(shape);
    return (i) => i % channels;
  }
  const perRow = shape.slice(1).reduce((a, b) => a * b, 1);
  return (i) => Math.floor(i / perRow);
}

function asBytes(a: Float32Array | Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function valueBytes(t: WeightTensor, plan: TensorPlan): Uint8Array {
  const { encoding } = plan;
  if (encoding === 'float32') return asBytes(t.values);
  if (encoding === 'float16') return asBytes(float32ToFloat16Bits(t.values));
  if (encoding === 'int8-channels') throw new Error('the per-channel float32-scale int8 encoding is read only');
  return quantiseScaled(t, encoding, plan.flags, plan.width);
}

/** max |w| of each slice along the axis in `flags`. */
function sliceMaxima(t: WeightTensor, flags: number): Float64Array {
  const maxima = new Float64Array(scaleCount(t.shape, flags));
  const slice = sliceIndexer(t.shape, flags);
  for (let i = 0; i < t.values.length; i++) {
    const k = slice(i);
    const a = Math.abs(t.values[i]);
    if (a > maxima[k]) maxima[k] = a;
  }
  return maxima;
}

/**
 * The axis (fewer scale bytes, unless the steps get too much coarser for it), the scales' precision
 * and the prediction of each q (none, the previous one, or 2-D Lorenzo on rows of some width) whose
 * residual bytes have the least entropy, for a tensor to be quantised to integers.
 */
function scaledIntegerPlan(t: WeightTensor, encoding: ScaledEncoding): { flags: number; width?: number } {
  let axis = AXIS_TENSOR;
  if (t.shape.length >= 2) {
    const first = t.shape[0];
    const last = t.shape[t.shape.length - 1];
    const [cheap, fine] = first < last ? [AXIS_FIRST, AXIS_LAST] : [AXIS_LAST, AXIS_FIRST];
    const savedBits = Math.abs(last - first) * 16;
    const noiseRatio = quantisationNoise(t, cheap) / quantisationNoise(t, fine);
    const lostBits = (t.values.length * BITS_PER_ERROR_DOUBLING * Math.log2(noiseRatio)) / 2;
    // All-zero tensors (0/0 noise) take the cheap axis.
    axis = savedBits >= MIN_SCALE_BYTES_SAVED * 8 && !(lostBits > savedBits) ? cheap : fine;
  }
  let flags = axis;
  const levels = INTEGER_LEVELS[encoding];
  const maxima = sliceMaxima(t, flags);
  if (maxima.some((m) => m > 0 && !(m / levels >= FLOAT16_MIN_NORMAL && m / levels <= FLOAT16_MAX))) flags |= SCALES_FLOAT32;
  const plain = quantisedValues(t, flags, scalesFor(maxima, flags, levels), levels);
  const bits = INTEGER_BYTES[encoding] * 8;
  const run = channelCount(t.shape);
  let best = { flags, width: undefined as number | undefined, bits: byteEntropy(integerBytes(plain, bits)) };
  for (const width of [run, ...gridWidths(run)]) {
    const entropy = byteEntropy(integerBytes(predictionResiduals(plain, run, width, bits), bits));
    if (entropy < best.bits * PREDICTION_GAIN_NEEDED) best = { flags: width === run ? flags | DELTA : flags | DELTA | GRID, width: width === run ? undefined : width, bits: entropy };
  }
  return best.width === undefined ? { flags: best.flags } : { flags: best.flags, width: best.width };
}

/** Σ over values of (scale of its slice)²: proportional to the quantisation's mean squared error. */
function quantisationNoise(t: WeightTensor, flags: number): number {
  const maxima = sliceMaxima(t, flags);
  const perSlice = t.values.length / Math.max(1, maxima.length);
  let noise = 0;
  for (const m of maxima) noise += perSlice * m * m;
  return noise;
}

/** Scales as the decoder reads them: max/levels rounded up to a float16 (or a float32) so |q| ≤ levels. */
function scalesFor(maxima: Float64Array, flags: number, levels: number): Float32Array {
  const scales = new Float32Array(maxima.length);
  maxima.forEach((m, k) => {
    const wanted = m / levels;
    if ((flags & SCALES_FLOAT32) !== 0) {
      scales[k] = wanted;
      return;
    }
    let bits = numberToFloat16Bits(wanted);
    if (float16BitsToNumber(bits) < wanted) bits += 1;
    scales[k] = float16BitsToNumber(bits);
  });
  return scales;
}

function quantisedValues(t: WeightTensor, flags: number, scales: Float32Array, levels: number): Int32Array {
  const slice = sliceIndexer(t.shape, flags);
  const q = new Int32Array(t.values.length);
  for (let i = 0; i < q.length; i++) {
    const scale = scales[slice(i)];
    q[i] = scale === 0 ? 0 : Math.max(-levels, Math.min(levels, Math.round(t.values[i] / scale)));
  }
  return q;
}

/** Symmetric integers per slice: |w − q·scale| ≤ scale / 2, scale ≥ max |w| of the slice / levels. */
function quantiseScaled(t: WeightTensor, encoding: ScaledEncoding, flags: number, width?: number): Uint8Array {
  const levels = INTEGER_LEVELS[encoding];
  const bits = INTEGER_BYTES[encoding] * 8;
  const scales = scalesFor(sliceMaxima(t, flags), flags, levels);
  const scaleBytes = (flags & SCALES_FLOAT32) !== 0 ? asBytes(scales) : asBytes(float32ToFloat16Bits(scales));
  let q = quantisedValues(t, flags, scales, levels);
  const run = channelCount(t.shape);
  if ((flags & DELTA) !== 0) q = predictionResiduals(q, run, (flags & GRID) !== 0 ? width! : run, bits);
  const stored = integerBytes(q, bits);
  const head = scaledHeaderBytes(flags);
  const out = new Uint8Array(head + scaleBytes.length + stored.length);
  out[0] = flags;
  if ((flags & GRID) !== 0) new DataView(out.buffer).setUint16(1, width!, true);
  out.set(scaleBytes, head);
  out.set(stored, head + scaleBytes.length);
  return out;
}

function decodeValues(bytes: Uint8Array, shape: number[], plan: TensorPlan): Float32Array {
  const own = bytes.slice();
  const count = shape.reduce((a, b) => a * b, 1);
  const { encoding, flags } = plan;
  if (encoding === 'float32') return new Float32Array(own.buffer, 0, count);
  if (encoding === 'float16') return float16BitsToFloat32(new Uint16Array(own.buffer, 0, count));
  if (encoding === 'int8-channels') {
    const channels = channelCount(shape);
    const scales = new Float32Array(own.buffer, 0, channels);
    const q = new Int8Array(own.buffer, channels * 4, count);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = q[i] * scales[i % channels];
    return out;
  }
  const float32Scales = (flags & SCALES_FLOAT32) !== 0;
  const head = scaledHeaderBytes(flags);
  const scaleBytes = scaleCount(shape, flags) * (float32Scales ? 4 : 2);
  const scales = float32Scales
    ? new Float32Array(own.buffer.slice(head, head + scaleBytes))
    : float16BitsToFloat32(new Uint16Array(own.buffer.slice(head, head + scaleBytes)));
  const bits = INTEGER_BYTES[encoding] * 8;
  const q = integersFromBytes(own.subarray(head + scaleBytes), count, bits);
  const run = channelCount(shape);
  if ((flags & DELTA) !== 0) undoPrediction(q, run, (flags & GRID) !== 0 ? plan.width! : run, bits);
  const slice = sliceIndexer(shape, flags);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = q[i] * scales[slice(i)];
  return out;
}
