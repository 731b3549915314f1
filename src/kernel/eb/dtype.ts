// The dtype facts the coder needs: how a value is cast when written (data/dtype.ts castOne, with float64 and
// float32 as fast paths in the quantiser), the cast's roundoff, a small code for the slab header, and how
// an exactly stored value is kept in the dtype's own width.

import { BalerError } from '../errors';
import type { DType } from '../types';
import { DTYPE_BYTES, isIntegerDtype } from '../data/dtype';
import { float16BitsToNumber, numberToFloat16Bits } from '../data/float16';

/** How a dtype casts, as a small integer the quantiser switches on. */
export const CAST_FLOAT64 = 0;
export const CAST_FLOAT32 = 1;
/** Any other dtype: data/dtype.ts castOne. */
export const CAST_OTHER = 2;

export interface ValueType {
  dtype: DType;
  cast: number;
  /** Bytes of one exactly stored value. */
  width: number;
  /** Whether every value of the dtype is an integer. */
  integer: boolean;
  /** Unit roundoff of a float dtype (2^-53, 2^-24, 2^-11): the relative error a cast may add; 0 for integers. */
  roundoff: number;
  /** Small code of the dtype in the slab header. */
  code: number;
}

const CODES: DType[] = ['float64', 'float32', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
const ROUNDOFF: Partial<Record<DType, number>> = { float64: 2 ** -53, float32: 2 ** -24, float16: 2 ** -11 };

/** Relative rounding a float64 value takes when written in `dtype` (half its unit in the last place): none in float64 itself or an integer dtype. */
export function castRoundoff(dtype: DType): number {
  return dtype === 'float64' ? 0 : ROUNDOFF[dtype] ?? 0;
}

export function valueType(dtype: DType): ValueType {
  const code = CODES.indexOf(dtype);
  if (code < 0) throw new BalerError(`unsupported dtype '${String(dtype)}' for error-bounded coding`);
  const cast = dtype === 'float64' ? CAST_FLOAT64 : dtype === 'float32' ? CAST_FLOAT32 : CAST_OTHER;
  return { dtype, cast, width: DTYPE_BYTES[dtype], integer: isIntegerDtype(dtype), roundoff: ROUNDOFF[dtype] ?? 0, code };
}

/** Exactly stored values, each in its dtype's width, little-endian, in coding order. */
export class ExactWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private length = 0;
  count = 0;

  constructor(private readonly type: ValueType) {
    this.bytes = new Uint8Array(256);
    this.view = new DataView(this.bytes.buffer);
  }

  /**
   * Appends `value` and returns it as the decoder will read it back (−0 becomes 0 in an integer dtype); a
   * BalerError when the dtype cannot hold it exactly (the caller's data is not of this dtype).
   */
  push(value: number, index: number): number {
    const width = this.type.width;
    if (this.length + width > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    writeValue(this.view, this.length, this.type, value);
    const back = readValue(this.view, this.length, this.type);
    // === lets −0 stand for 0 in integer dtypes; float dtypes keep the sign of zero through the bytes anyway.
    if (back !== value && !(back !== back && value !== value)) {
      throw new BalerError(`value ${value} at index ${index} is not representable as ${this.type.dtype}`);
    }
    this.length += width;
    this.count++;
    return back;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export class ExactReader {
  private readonly view: DataView;
  private position = 0;

  constructor(bytes: Uint8Array, private readonly type: ValueType) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The next stored value; a RangeError when there is none left (the decoder reports it as corruption). */
  next(): number {
    if (this.position + this.type.width > this.view.byteLength) throw new RangeError('more exact values used than stored');
    const v = readValue(this.view, this.position, this.type);
    this.position += this.type.width;
    return v;
  }

  get remaining(): number {
    return (this.view.byteLength - this.position) / this.type.width;
  }
}

function writeValue(view: DataView, at: number, type: ValueType, v: number): void {
  switch (type.dtype) {
    case 'float64': return view.setFloat64(at, v, true);
    case 'float32': return view.setFloat32(at, v, true);
    case 'float16': return view.setUint16(at, numberToFloat16Bits(v), true);
    case 'int8': return view.setInt8(at, v);
    case 'uint8': case 'bool': return view.setUint8(at, v);
    case 'int16': return view.setInt16(at, v, true);
    case 'uint16': return view.setUint16(at, v, true);
    case 'int32': return view.setInt32(at, v, true);
    case 'uint32': return view.setUint32(at, v, true);
    case 'int64': return view.setBigInt64(at, Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : 0n, true);
    case 'uint64': return view.setBigUint64(at, Number.isInteger(v) && v >= 0 && v < 2 ** 64 ? BigInt(v) : 0n, true);
  }
}

function readValue(view: DataView, at: number, type: ValueType): number {
  switch (type.dtype) {
    case 'float64': return view.getFloat64(at, true);
    case 'float32': return view.getFloat32(at, true);
    case 'float16': return float16BitsToNumber(view.getUint16(at, true));
    case 'int8': return view.getInt8(at);
    case 'uint8': return view.getUint8(at);
    case 'bool': return view.getUint8(at) === 0 ? 0 : 1;
    case 'int16': return view.getInt16(at, true);
    case 'uint16': return view.getUint16(at, true);
    case 'int32': return view.getInt32(at, true);
    case 'uint32': return view.getUint32(at, true);
    case 'int64': return Number(view.getBigInt64(at, true));
    case 'uint64': return Number(view.getBigUint64(at, true));
  }
}
