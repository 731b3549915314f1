// Decoder (or encoder) weights as bytes, at float32, float16 or int8 precision.
//
//   u8 blob version (1), u16 tensorCount
//   per tensor: u8 nameLength, name (UTF-8), u8 rank, u32 × rank dims, u8 encoding
//   then every tensor's values in the same order:
//     float32: 4 bytes a value; float16: 2 bytes a value;
//     int8: one float32 scale per channel (the last axis), then one int8 a value (value = q × scale)
//
// A tensor falls back to float32 when its values are not all finite, or (float16) when one is beyond
// float16's range; int8 applies to tensors of rank 2 and more, smaller ones (biases) go as float16.
import { BalerError } from '../errors';
import type { WeightTensor } from '../types';
import { FLOAT16_MAX } from './numbers';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../data/float16';

export type WeightPrecision = 'float32' | 'float16' | 'int8';

const BLOB_VERSION = 1;
const ENCODINGS: WeightPrecision[] = ['float32', 'float16', 'int8'];

/** The encoding a tensor gets at a requested precision (see the fallbacks above). */
export function tensorEncoding(tensor: WeightTensor, precision: WeightPrecision): WeightPrecision {
  if (precision === 'float32') return 'float32';
  let maxAbs = 0;
  for (const v of tensor.values) {
    if (!Number.isFinite(v)) return 'float32';
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  if (precision === 'int8' && tensor.shape.length >= 2) return 'int8';
  return maxAbs <= FLOAT16_MAX ? 'float16' : 'float32';
}

export function encodeWeights(tensors: WeightTensor[], precision: WeightPrecision): Uint8Array {
  checkPrecision(precision);
  const encodings = tensors.map((t) => tensorEncoding(t, precision));
  const out = new Uint8Array(blobSize(tensors, encodings));
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint8(at++, BLOB_VERSION);
  view.setUint16(at, tensors.length, true);
  at += 2;
  tensors.forEach((t, i) => {
    checkTensor(t);
    const name = new TextEncoder().encode(t.name);
    view.setUint8(at++, name.length);
    out.set(name, at);
    at += name.length;
    view.setUint8(at++, t.shape.length);
    for (const d of t.shape) {
      view.setUint32(at, d, true);
      at += 4;
    }
    view.setUint8(at++, ENCODINGS.indexOf(encodings[i]));
  });
  tensors.forEach((t, i) => {
    const values = valueBytes(t, encodings[i]);
    out.set(values, at);
    at += values.length;
  });
  return out;
}

/** Exact length of encodeWeights(tensors, precision), without building it. */
export function weightsByteSize(tensors: WeightTensor[], precision: WeightPrecision): number {
  checkPrecision(precision);
  return blobSize(tensors, tensors.map((t) => tensorEncoding(t, precision)));
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
  const heads: { name: string; shape: number[]; encoding: WeightPrecision }[] = [];
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
    const size = valueByteSize(h.shape, h.encoding);
    need(size);
    const values = decodeValues(bytes.subarray(at, at + size), h.shape, h.encoding);
    at += size;
    return { name: h.name, shape: h.shape, values };
  });
  if (at !== bytes.length) fail(`${bytes.length - at} unexpected bytes after the last tensor`);
  return tensors;
}

function checkPrecision(precision: WeightPrecision): void {
  if (!ENCODINGS.includes(precision)) throw new Error(`unknown weight precision '${String(precision)}'`);
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

function blobSize(tensors: WeightTensor[], encodings: WeightPrecision[]): number {
  if (tensors.length > 0xffff) throw new Error(`too many weight tensors (${tensors.length})`);
  let size = 3;
  tensors.forEach((t, i) => {
    size += 1 + new TextEncoder().encode(t.name).length + 1 + 4 * t.shape.length + 1;
    size += valueByteSize(t.shape, encodings[i]);
  });
  return size;
}

function valueByteSize(shape: number[], encoding: WeightPrecision): number {
  const count = shape.reduce((a, b) => a * b, 1);
  if (encoding === 'float32') return count * 4;
  if (encoding === 'float16') return count * 2;
  return channelCount(shape) * 4 + count;
}

function channelCount(shape: number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

function asBytes(a: Float32Array | Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function valueBytes(t: WeightTensor, encoding: WeightPrecision): Uint8Array {
  if (encoding === 'float32') return asBytes(t.values);
  if (encoding === 'float16') return asBytes(float32ToFloat16Bits(t.values));
  return quantiseInt8(t.values, channelCount(t.shape));
}

/** Symmetric per-channel int8: scale = max |w| of the channel / 127; |w − q·scale| ≤ scale / 2. */
function quantiseInt8(values: Float32Array, channels: number): Uint8Array {
  const scales = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = i % channels;
    scales[c] = Math.max(scales[c], Math.abs(values[i]));
  }
  for (let c = 0; c < channels; c++) scales[c] = scales[c] / 127;
  const out = new Uint8Array(channels * 4 + values.length);
  out.set(asBytes(scales), 0);
  const q = new Int8Array(out.buffer, channels * 4, values.length);
  for (let i = 0; i < values.length; i++) {
    const scale = scales[i % channels];
    q[i] = scale === 0 ? 0 : Math.max(-127, Math.min(127, Math.round(values[i] / scale)));
  }
  return out;
}

function decodeValues(bytes: Uint8Array, shape: number[], encoding: WeightPrecision): Float32Array {
  const own = bytes.slice();
  const count = shape.reduce((a, b) => a * b, 1);
  if (encoding === 'float32') return new Float32Array(own.buffer, 0, count);
  if (encoding === 'float16') return float16BitsToFloat32(new Uint16Array(own.buffer, 0, count));
  const channels = channelCount(shape);
  const scales = new Float32Array(own.buffer, 0, channels);
  const q = new Int8Array(own.buffer, channels * 4, count);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = q[i] * scales[i % channels];
  return out;
}
