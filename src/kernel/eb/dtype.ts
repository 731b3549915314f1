// What a value becomes when written in the output dtype, and how an exactly stored value is kept in that
// dtype's own width. The casts match castValues in data/dataset.ts (the writer of every output file):
// integers round half up and clamp to the dtype's range, NaN becoming 0; bool is 1 where the value is
// NaN or rounds to a non-zero integer; float16 rounds directly from float64.

import { BalerError } from '../errors';
import type { DType } from '../types';
import { float16BitsToNumber, numberToFloat16Bits, roundToFloat16 } from '../data/float16';

/** How a dtype casts: one of these codes, so the hot loops switch on a small integer. */
export const CAST_FLOAT64 = 0;
export const CAST_FLOAT32 = 1;
export const CAST_FLOAT16 = 2;
export const CAST_INTEGER = 3;
export const CAST_BOOL = 4;

export interface ValueType {
  dtype: DType;
  cast: number;
  /** Range of an integer dtype (the clamp of CAST_INTEGER). */
  low: number;
  high: number;
  /** Bytes of one exactly stored value. */
  width: number;
  /** Whether every value of the dtype is an integer. */
  integer: boolean;
  /** Unit roundoff of a float dtype (2^-53, 2^-24, 2^-11): the relative error a cast may add; 0 for integers. */
  roundoff: number;
  /** Small code of the dtype in the slab header. */
  code: number;
}

const TYPES: Record<DType, Omit<ValueType, 'dtype'>> = {
  float64: { cast: CAST_FLOAT64, low: -Infinity, high: Infinity, width: 8, integer: false, roundoff: 2 ** -53, code: 0 },
  float32: { cast: CAST_FLOAT32, low: -Infinity, high: Infinity, width: 4, integer: false, roundoff: 2 ** -24, code: 1 },
  float16: { cast: CAST_FLOAT16, low: -Infinity, high: Infinity, width: 2, integer: false, roundoff: 2 ** -11, code: 2 },
  int8: { cast: CAST_INTEGER, low: -128, high: 127, width: 1, integer: true, roundoff: 0, code: 3 },
  int16: { cast: CAST_INTEGER, low: -32768, high: 32767, width: 2, integer: true, roundoff: 0, code: 4 },
  int32: { cast: CAST_INTEGER, low: -2147483648, high: 2147483647, width: 4, integer: true, roundoff: 0, code: 5 },
  int64: { cast: CAST_INTEGER, low: -(2 ** 63), high: 2 ** 63, width: 8, integer: true, roundoff: 0, code: 6 },
  uint8: { cast: CAST_INTEGER, low: 0, high: 255, width: 1, integer: true, roundoff: 0, code: 7 },
  uint16: { cast: CAST_INTEGER, low: 0, high: 65535, width: 2, integer: true, roundoff: 0, code: 8 },
  uint32: { cast: CAST_INTEGER, low: 0, high: 4294967295, width: 4, integer: true, roundoff: 0, code: 9 },
  uint64: { cast: CAST_INTEGER, low: 0, high: 2 ** 64, width: 8, integer: true, roundoff: 0, code: 10 },
  bool: { cast: CAST_BOOL, low: 0, high: 1, width: 1, integer: true, roundoff: 0, code: 11 },
};

export function valueType(dtype: DType): ValueType {
  const t = TYPES[dtype];
  if (!t) throw new BalerError(`unsupported dtype '${String(dtype)}' for error-bounded coding`);
  return { dtype, ...t };
}

/** `value` as written in a dtype of this cast (see the file comment). */
export function castValue(cast: number, low: number, high: number, value: number): number {
  switch (cast) {
    case CAST_FLOAT64:
      return value;
    case CAST_FLOAT32:
      return Math.fround(value);
    case CAST_FLOAT16:
      return roundToFloat16(value);
    case CAST_INTEGER: {
      if (value !== value) return 0;
      const r = Math.round(value);
      return r < low ? low : r > high ? high : r + 0; // + 0: no −0 in an integer dtype
    }
    default:
      return value !== value || Math.round(value) !== 0 ? 1 : 0;
  }
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
