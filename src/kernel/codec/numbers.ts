// Latent codes as bytes: little-endian float32 or float16.
import { BalerError } from '../errors';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../data/float16';

export type FloatPrecision = 'float32' | 'float16';

export const BYTES_PER_VALUE: Record<FloatPrecision, number> = { float32: 4, float16: 2 };

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('Baler needs a little-endian machine');
}

export function packFloats(values: Float32Array, precision: FloatPrecision): Uint8Array {
  const packed = precision === 'float16' ? float32ToFloat16Bits(values) : values.slice();
  return new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

export function unpackFloats(bytes: Uint8Array, precision: FloatPrecision, count: number, file?: string): Float32Array {
  const size = BYTES_PER_VALUE[precision];
  if (size === undefined) throw new BalerError(`unknown value precision '${String(precision)}'`, file, 'EFORMAT');
  if (bytes.length !== count * size) {
    throw new BalerError(
      `corrupted: expected ${count} ${precision} values (${count * size} bytes), found ${bytes.length} bytes`, file, 'ECORRUPT');
  }
  const aligned = bytes.slice(); // own, aligned buffer
  if (precision === 'float32') return new Float32Array(aligned.buffer, 0, count);
  return float16BitsToFloat32(new Uint16Array(aligned.buffer, 0, count));
}

/** Largest finite float16 value; larger magnitudes become infinity when packed. */
export const FLOAT16_MAX = 65504;

/** True when every value is finite and stays finite as float16 (NaN and ±Infinity do not). */
export function fitsFloat16(values: Float32Array): boolean {
  for (const v of values) if (!(Math.abs(v) <= FLOAT16_MAX)) return false;
  return true;
}

const F32_MAX = 3.4028234663852886e38;

/** The largest float32 value not above v (NaN stays NaN, ±Infinity stays). */
export function roundDownToFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (v > F32_MAX) return F32_MAX;
  const f = Math.fround(v);
  return f <= v ? f : nextFloat32(f, -1);
}

/** The smallest float32 value not below v (NaN stays NaN, ±Infinity stays). */
export function roundUpToFloat32(v: number): number {
  if (!Number.isFinite(v)) return v;
  if (v < -F32_MAX) return -F32_MAX;
  const f = Math.fround(v);
  return f >= v ? f : nextFloat32(f, 1);
}

function nextFloat32(f: number, direction: 1 | -1): number {
  if (f === 0) return direction * 1.401298464324817e-45;
  const buf = new Float32Array([f]);
  const bits = new Int32Array(buf.buffer);
  bits[0] += (f > 0) === (direction > 0) ? 1 : -1;
  return buf[0];
}
