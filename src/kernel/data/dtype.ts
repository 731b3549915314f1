// Facts about the dtypes an array may have: element sizes, little-endian bytes to and from an NdArray's data,
// float64 views for coding, and the cast of decoded float64 values back to the dtype as written.
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { float16BitsToFloat32, float32ToFloat16Bits, roundToFloat16 } from './float16';

export const DTYPE_BYTES: Record<DType, number> = {
  float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
};

export const INTEGER_DTYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

export function isIntegerDtype(dtype: DType): boolean {
  return INTEGER_DTYPES.includes(dtype);
}

export const INTEGER_RANGES: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295], bool: [0, 1],
};

const TYPED_ARRAY_OF: Record<Exclude<DType, 'float16'>, new (buffer: ArrayBuffer, offset?: number, length?: number) => TypedArray> = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array, bool: Uint8Array,
};

/** The array's values as little-endian bytes of its dtype (float16 as its bit patterns). */
export function arrayBytes(arr: NdArray): Uint8Array {
  if (arr.dtype === 'float16') {
    const bits = float32ToFloat16Bits(arr.data as Float32Array);
    return new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  }
  const d = arr.data;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** An NdArray from little-endian bytes of its dtype; the byte count must match the shape exactly. */
export function arrayFromBytes(bytes: Uint8Array, dtype: DType, shape: number[], file?: string): NdArray {
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * DTYPE_BYTES[dtype]) {
    throw new BalerError(`corrupted: ${count} ${dtype} values need ${count * DTYPE_BYTES[dtype]} bytes, found ${bytes.length}`, file, 'ECORRUPT');
  }
  const own = bytes.slice(); // aligned, owned
  if (dtype === 'float16') return { dtype, shape: [...shape], data: float16BitsToFloat32(new Uint16Array(own.buffer, 0, count)) };
  return { dtype, shape: [...shape], data: new TYPED_ARRAY_OF[dtype](own.buffer, 0, count) };
}

/** The values as float64 for coding; `exact` is false when a 64-bit integer is beyond ±2^53 (then float64 would lose it). */
export function toFloat64(data: TypedArray): { values: Float64Array; exact: boolean } {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const values = new Float64Array(data.length);
    let exact = true;
    const limit = BigInt(Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v > limit || v < -limit) exact = false;
      values[i] = Number(v);
    }
    return { values, exact };
  }
  return { values: new Float64Array(data), exact: true };
}

/**
 * Decoded float64 values cast to the dtype as written: floats rounded to the dtype (float16 directly, no
 * double rounding), integers rounded (halves away from zero by Math.round's rule: up) and clamped to the
 * dtype's range, NaN becoming 0; bool is 1 where the value rounds to a non-zero integer. `room`: the buffer a
 * float64, float32 or 8–32-bit integer result is written in, of at least the bytes asked (default: a new one).
 */
export function castToDtype(values: Float64Array, dtype: DType, room: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes)): TypedArray {
  const n = values.length;
  switch (dtype) {
    case 'float64': {
      const out = new Float64Array(room(n * 8), 0, n);
      out.set(values);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(room(n * 4), 0, n);
      out.set(values);
      return out;
    }
    case 'float16': return Float32Array.from(values, roundToFloat16);
    case 'bool': return Uint8Array.from(values, (v) => (Number.isNaN(v) || Math.round(v) !== 0 ? 1 : 0));
    case 'int64': return BigInt64Array.from(values, (v) => clampToBigInt(v, -(2n ** 63n), 2n ** 63n - 1n));
    case 'uint64': return BigUint64Array.from(values, (v) => clampToBigInt(v, 0n, 2n ** 64n - 1n));
    default: {
      const [low, high] = INTEGER_RANGES[dtype]!;
      const Type = TYPED_ARRAY_OF[dtype] as unknown as { new (buffer: ArrayBuffer, offset: number, length: number): Exclude<TypedArray, BigInt64Array | BigUint64Array>; BYTES_PER_ELEMENT: number };
      const out = new Type(room(n * Type.BYTES_PER_ELEMENT), 0, n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        out[i] = Number.isNaN(v) ? 0 : Math.min(high, Math.max(low, Math.round(v)));
      }
      return out;
    }
  }
}

/** One value as `castToDtype` would write it, back as a number (for checks value by value). */
export function castOne(v: number, dtype: DType): number {
  switch (dtype) {
    case 'float64': return v;
    case 'float32': return Math.fround(v);
    case 'float16': return roundToFloat16(v);
    case 'bool': return Number.isNaN(v) || Math.round(v) !== 0 ? 1 : 0;
    default: {
      const [low, high] = integerCastRange(dtype)!;
      return Number.isNaN(v) ? 0 : Math.min(high, Math.max(low, Math.round(v)));
    }
  }
}

/** The range castOne clamps an integer dtype's values to (int64 and uint64 as the doubles that bound them); undefined for a float dtype. */
export function integerCastRange(dtype: DType): [number, number] | undefined {
  if (dtype === 'int64') return [-(2 ** 63), 2 ** 63];
  if (dtype === 'uint64') return [0, 2 ** 64];
  return INTEGER_RANGES[dtype];
}

function clampToBigInt(value: number, low: bigint, high: bigint): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= Number(high)) return high; // Number(2^63 - 1) rounds up to 2^63: anything at or above is out of range
  if (value <= Number(low)) return low;
  return BigInt(Math.round(value));
}

/** A slab of rows [start, start + count) of an array held whole in memory (a view, no copy). */
export function sliceRows(arr: NdArray, start: number, count: number): NdArray {
  const rowSize = arr.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = arr.data.subarray(start * rowSize, (start + count) * rowSize) as TypedArray;
  return { dtype: arr.dtype, shape: [count, ...arr.shape.slice(1)], data };
}

/** The values as `castToDtype` would write them, kept as float64 (exact for every dtype within ±2^53). */
export function castFloat64(values: Float64Array, dtype: DType): Float64Array {
  if (dtype === 'float64') return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = castOne(values[i], dtype);
  return out;
}

/** Whether two arrays hold the same values: the sign of zero told apart, any NaN the same as any other. */
export function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}
