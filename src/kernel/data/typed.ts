// Typed arrays by dtype, and the one dtype a table of mixed columns is held in.
import type { DType, TypedArray } from '../types';
import { float16BitsToFloat32 } from './float16';

export function allocate(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float16': case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int8': return new Int8Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'uint64': return new BigUint64Array(n);
  }
}

const INTEGER_BITS: Partial<Record<DType, [boolean, number]>> = {
  bool: [false, 1], int8: [true, 8], int16: [true, 16], int32: [true, 32], int64: [true, 64],
  uint8: [false, 8], uint16: [false, 16], uint32: [false, 32], uint64: [false, 64],
};

/**
 * The integer columns of a table that mixes them with floats (source.ts ArraySource.integerColumns): undefined when
 * every column is an integer, where the bound is for them all (a table of ADC counts), or none is.
 */
export function integerColumnsOf(dtypes: DType[]): number[] | undefined {
  const columns = dtypes.flatMap((d, c) => (INTEGER_BITS[d] !== undefined ? [c] : []));
  return columns.length > 0 && columns.length < dtypes.length ? columns : undefined;
}

/**
 * One dtype holding every column of a table exactly: the common dtype; for integers only, the smallest signed
 * integer that holds them all (float64 past int64); with floats, float32 when every column fits float32 exactly
 * (float16/32 and integers of ≤ 16 bits), else float64.
 */
export function commonDtype(dtypes: DType[]): DType {
  if (dtypes.length === 0) return 'float64';
  if (dtypes.every((d) => d === dtypes[0])) return dtypes[0];
  const ints = dtypes.map((d) => INTEGER_BITS[d]);
  if (ints.every((i) => i !== undefined)) {
    const bits = Math.max(...ints.map(([signed, b]) => (signed ? b : b + 1)));
    if (bits <= 8) return 'int8';
    if (bits <= 16) return 'int16';
    if (bits <= 32) return 'int32';
    return bits <= 64 ? 'int64' : 'float64';
  }
  const fitsFloat32 = dtypes.every((d) => d === 'float16' || d === 'float32' || ((INTEGER_BITS[d]?.[1] ?? 64) <= 16));
  return fitsFloat32 ? 'float32' : 'float64';
}

/** The values of little-endian bytes in `dtype` (float16 as float32, bool as 0/1): views of raw's buffer where they can be. */
export function valuesOfBytes(raw: Uint8Array, dtype: DType): TypedArray {
  // raw starts its buffer (which may be longer: a reused one); the values are views of it.
  const { buffer } = raw;
  const n = (size: number) => raw.length / size;
  switch (dtype) {
    case 'float16': return float16BitsToFloat32(new Uint16Array(buffer, 0, n(2)));
    case 'float32': return new Float32Array(buffer, 0, n(4));
    case 'float64': return new Float64Array(buffer, 0, n(8));
    case 'int8': return new Int8Array(buffer, 0, n(1));
    case 'int16': return new Int16Array(buffer, 0, n(2));
    case 'int32': return new Int32Array(buffer, 0, n(4));
    case 'int64': return new BigInt64Array(buffer, 0, n(8));
    case 'uint8': return raw;
    case 'uint16': return new Uint16Array(buffer, 0, n(2));
    case 'uint32': return new Uint32Array(buffer, 0, n(4));
    case 'uint64': return new BigUint64Array(buffer, 0, n(8));
    case 'bool': return raw.map((b) => (b === 0 ? 0 : 1));
  }
}
