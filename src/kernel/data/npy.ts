// numpy .npy reader and writer (format versions 1.0, 2.0 and 3.0).
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16';
import { isRecord, parsePythonLiteral } from './python-literal';

/** A numpy string array: '<U…' (unicode) or '|S…' (bytes), decoded to JS strings, C order. */
export interface StringNdArray {
  dtype: 'unicode' | 'bytes';
  shape: number[];
  strings: string[];
}

export type NpyContent = NdArray | StringNdArray;

export function isStringArray(arr: NpyContent): arr is StringNdArray {
  return 'strings' in arr;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NumericDescr {
  kind: 'numeric';
  dtype: DType;
  itemSize: number;
  bigEndian: boolean;
}

export interface StringDescr {
  kind: 'unicode' | 'bytes';
  /** Characters per element (unicode: 4 bytes each; bytes: 1). */
  length: number;
  itemSize: number;
  bigEndian: boolean;
}

export type Descr = NumericDescr | StringDescr;

export interface NpyHeader {
  descr: Descr;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

const NUMERIC_TYPES: Record<string, DType> = {
  f2: 'float16', f4: 'float32', f8: 'float64',
  i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64',
  u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  b1: 'bool',
};

const DESCR_OF: Record<DType, string> = {
  float16: '<f2', float32: '<f4', float64: '<f8',
  int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8',
  bool: '|b1',
};

// ---------------------------------------------------------------------------------------------- reading

/** Parses a .npy file holding a numeric array. A string array is refused (see parseNpyContent). */
export function parseNpy(bytes: Uint8Array, file?: string): NdArray {
  const content = parseNpyContent(bytes, file);
  if (isStringArray(content)) throw new BalerError('the array holds strings, not numbers', file);
  return content;
}

/** The strings of a string .npy file, C order; undefined when the file holds a numeric array. */
export function parseNpyStrings(bytes: Uint8Array, file?: string): string[] | undefined {
  const content = parseNpyContent(bytes, file);
  return isStringArray(content) ? content.strings : undefined;
}

/** Parses a .npy file holding a numeric or a string array. */
export function parseNpyContent(bytes: Uint8Array, file?: string): NpyContent {
  const header = parseHeader(bytes, file);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * header.descr.itemSize;
  const available = bytes.length - header.dataOffset;
  if (available < byteLength) {
    throw new BalerError(`truncated .npy data: expected ${byteLength} bytes of values, found ${available}`, file);
  }
  // A copy: aligned for typed arrays, and ours to byte-swap.
  const raw = Uint8Array.prototype.slice.call(bytes, header.dataOffset, header.dataOffset + byteLength);
  const { descr, shape, fortranOrder } = header;
  if (descr.kind !== 'numeric') {
    const strings = decodeStrings(raw, descr, count, file);
    return { dtype: descr.kind, shape, strings: fortranOrder ? reverseAxes(strings, [...shape].reverse()) : strings };
  }
  if (descr.bigEndian) swapBytes(raw, descr.itemSize);
  const values = decodeValues(raw, descr.dtype);
  return { dtype: descr.dtype, shape, data: fortranOrder ? reverseAxes(values, [...shape].reverse()) : values };
}

/** Bytes a header may take: numpy writes a few hundred; a larger claim is a corrupted or crafted file. */
export const MAX_NPY_HEADER = 16 * 2 ** 20;

/** Where the header ends, from the first 12 bytes (magic and version checked); undefined when fewer are given. */
export function npyHeaderEnd(prefix: Uint8Array, file?: string): number | undefined {
  if (prefix.length < 10 || MAGIC.some((b, i) => prefix[i] !== b)) throw new BalerError('not a .npy file (bad magic)', file);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const major = prefix[6];
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major !== 2 && major !== 3) {
    throw new BalerError(`unsupported .npy format version ${major}.${prefix[7]} (supported: 1.0, 2.0, 3.0)`, file);
  }
  if (prefix.length < 12) return undefined;
  const length = view.getUint32(8, true);
  if (length > MAX_NPY_HEADER) throw new BalerError(`bad .npy header (claims ${length} bytes)`, file);
  return 12 + length;
}

/** Parses the magic, version and header dictionary; `bytes` must hold at least the whole header. */
export function parseHeader(bytes: Uint8Array, file?: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new BalerError('not a .npy file (bad magic)', file);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new BalerError('truncated .npy header', file);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new BalerError(`unsupported .npy format version ${major}.${bytes[7]} (supported: 1.0, 2.0, 3.0)`, file);
  }
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) throw new BalerError('truncated .npy header', file);
  const encoding = major === 3 ? 'utf-8' : 'latin1';
  const text = new TextDecoder(encoding).decode(bytes.subarray(headerStart, dataOffset));
  return { ...interpretHeader(text, file), dataOffset };
}

function interpretHeader(text: string, file?: string): Omit<NpyHeader, 'dataOffset'> {
  let dict: unknown;
  try {
    dict = parsePythonLiteral(text.trim());
  } catch (err) {
    throw new BalerError(`bad .npy header (${(err as Error).message})`, file);
  }
  if (!isRecord(dict)) throw new BalerError('bad .npy header (not a dictionary)', file);
  const { descr, fortran_order: fortranOrder, shape } = dict;
  if (Array.isArray(descr)) throw new BalerError('structured arrays (record dtypes) are not supported', file);
  if (typeof descr !== 'string') throw new BalerError("bad .npy header (no 'descr')", file);
  if (typeof fortranOrder !== 'boolean') throw new BalerError("bad .npy header (no 'fortran_order')", file);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new BalerError("bad .npy header ('shape' is not a tuple of sizes)", file);
  }
  return { descr: interpretDescr(descr, file), fortranOrder, shape: shape as number[] };
}

function interpretDescr(descr: string, file?: string): Descr {
  const match = /^([<>|=]?)([a-zA-Z?])(\d*)(.*)$/.exec(descr);
  if (!match) throw new BalerError(`unsupported dtype '${descr}'`, file);
  const [, order, typeChar, sizeText, rest] = match;
  const bigEndian = order === '>';
  const size = sizeText === '' ? undefined : Number(sizeText);
  if (typeChar === 'O') throw new BalerError('object arrays (pickled Python objects) are not supported', file);
  if (typeChar === 'U' || typeChar === 'S' || typeChar === 'a') {
    const length = size ?? 0;
    return typeChar === 'U'
      ? { kind: 'unicode', length, itemSize: 4 * length, bigEndian }
      : { kind: 'bytes', length, itemSize: length, bigEndian };
  }
  const key = typeChar === '?' ? 'b1' : `${typeChar}${size ?? ''}`;
  const dtype = rest === '' ? NUMERIC_TYPES[key] : undefined;
  if (!dtype) {
    throw new BalerError(
      `unsupported dtype '${descr}' (supported: float16/32/64, int8–64, uint8–64, bool and strings)`, file);
  }
  return { kind: 'numeric', dtype, itemSize: size ?? 1, bigEndian };
}

/** Values of raw little- or big-endian bytes (`raw` is modified when byte-swapped; it must start at offset 0). */
export function decodeRaw(raw: Uint8Array, descr: NumericDescr): TypedArray {
  if (descr.bigEndian) swapBytes(raw, descr.itemSize);
  return decodeValues(raw, descr.dtype);
}

function decodeValues(raw: Uint8Array, dtype: DType): TypedArray {
  // raw is a buffer of its own from offset 0 (perhaps longer than raw: a reused one); the values are views of it.
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

export function decodeStrings(raw: Uint8Array, descr: StringDescr, count: number, file?: string): string[] {
  const strings: string[] = [];
  const utf8 = new TextDecoder('utf-8');
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < count; i++) {
    const start = i * descr.itemSize;
    if (descr.kind === 'bytes') {
      let end = start + descr.itemSize;
      while (end > start && raw[end - 1] === 0) end--;
      strings.push(utf8.decode(raw.subarray(start, end)));
      continue;
    }
    const codePoints: number[] = [];
    for (let c = 0; c < descr.length; c++) codePoints.push(view.getUint32(start + 4 * c, !descr.bigEndian));
    while (codePoints.length > 0 && codePoints[codePoints.length - 1] === 0) codePoints.pop();
    if (codePoints.some((p) => p > 0x10ffff)) throw new BalerError('bad unicode string data (not a code point)', file);
    strings.push(String.fromCodePoint(...codePoints));
  }
  return strings;
}

/** Reverses the bytes of each item in place (big- to little-endian and back). */
export function swapBytes(raw: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return;
  for (let start = 0; start < raw.length; start += itemSize) {
    for (let a = start, b = start + itemSize - 1; a < b; a++, b--) {
      const t = raw[a];
      raw[a] = raw[b];
      raw[b] = t;
    }
  }
}

/**
 * Takes C-order values of `shape` and returns the C-order values of the array with its axes reversed
 * (shape reversed). Fortran-order data of shape S is C-order data of reverse(S), so this converts both ways.
 */
export function reverseAxes<T extends TypedArray | string[]>(values: T, shape: number[]): T {
  const n = shape.length;
  const out = emptyLike(values);
  if (n < 2 || values.length === 0) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  const outShape = [...shape].reverse();
  const inStrides = cStrides(shape);
  const sourceStride = outShape.map((_, axis) => inStrides[n - 1 - axis]);
  const inner = outShape[n - 1];
  const innerStride = sourceStride[n - 1];
  const counter = new Array<number>(n - 1).fill(0);
  let base = 0;
  let target = 0;
  for (let block = values.length / inner; block > 0; block--) {
    for (let j = 0; j < inner; j++) out[target++] = values[base + j * innerStride];
    for (let axis = n - 2; axis >= 0; axis--) {
      base += sourceStride[axis];
      if (++counter[axis] < outShape[axis]) break;
      base -= sourceStride[axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
  return out;
}

function emptyLike<T extends TypedArray | string[]>(values: T): T {
  if (Array.isArray(values)) return new Array<string>(values.length) as T;
  return new (values.constructor as new (length: number) => TypedArray)(values.length) as T;
}

function cStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

// ---------------------------------------------------------------------------------------------- writing

/** Encodes an array as a .npy file (version 1.0 unless the header needs more), little-endian. */
export function encodeNpy(arr: NpyContent, opts: { fortranOrder?: boolean } = {}): Uint8Array {
  const fortranOrder = opts.fortranOrder ?? false;
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (isStringArray(arr)) {
    if (arr.strings.length !== count) throw new Error(`encodeNpy: ${arr.strings.length} strings for shape (${arr.shape})`);
    const strings = fortranOrder ? reverseAxes(arr.strings, arr.shape) : arr.strings;
    const { descr, body } = encodeStrings(strings, arr.dtype);
    return withHeader(descr, fortranOrder, arr.shape, body);
  }
  if (arr.data.length !== count) throw new Error(`encodeNpy: ${arr.data.length} values for shape (${arr.shape})`);
  const data = fortranOrder ? reverseAxes(arr.data, arr.shape) : arr.data;
  return withHeader(DESCR_OF[arr.dtype], fortranOrder, arr.shape, encodeValues(data, arr.dtype));
}

/** Little-endian bytes of values in the .npy layout of `dtype` (float16 as half floats, bool as 0/1). */
export function encodeValues(data: TypedArray, dtype: DType, bigEndian = false): Uint8Array {
  if (dtype === 'float16') {
    const bits = float32ToFloat16Bits(data as Float32Array);
    if (bigEndian) swapBytes(new Uint8Array(bits.buffer), 2);
    return new Uint8Array(bits.buffer);
  }
  if (dtype === 'bool') return Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0));
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!bigEndian || data.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = bytes.slice();
  swapBytes(swapped, data.BYTES_PER_ELEMENT);
  return swapped;
}

/** Key of an array's attributes saying the .npy it came from was big-endian ('>f4'): written back so. */
export const NPY_BIG_ENDIAN = 'npyBigEndian';

export function isBigEndianNpy(attributes: Record<string, unknown> | undefined): boolean {
  return attributes?.[NPY_BIG_ENDIAN] === true;
}

function encodeStrings(strings: string[], kind: StringNdArray['dtype']): { descr: string; body: Uint8Array } {
  if (kind === 'bytes') {
    const encoded = strings.map((s) => new TextEncoder().encode(s));
    const length = encoded.reduce((longest, e) => Math.max(longest, e.length), 1);
    const body = new Uint8Array(length * strings.length);
    encoded.forEach((e, i) => body.set(e, i * length));
    return { descr: `|S${length}`, body };
  }
  const codePoints = strings.map((s) => Array.from(s, (ch) => ch.codePointAt(0) as number));
  const length = codePoints.reduce((longest, c) => Math.max(longest, c.length), 1);
  const body = new Uint8Array(4 * length * strings.length);
  const view = new DataView(body.buffer);
  codePoints.forEach((points, i) => points.forEach((p, c) => view.setUint32(4 * (i * length + c), p, true)));
  return { descr: `<U${length}`, body };
}

/** The header of a little-endian, C-order .npy file holding `dtype` values of `shape`. */
export function npyHeaderFor(dtype: DType, shape: number[], bigEndian = false): Uint8Array {
  return withHeader(bigEndian ? DESCR_OF[dtype].replace(/^</, '>') : DESCR_OF[dtype], false, shape, new Uint8Array(0));
}

function withHeader(descr: string, fortranOrder: boolean, shape: number[], body: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  // numpy pads the header with spaces and a newline so that the data starts at a multiple of 64.
  const prefixV1 = 10;
  const version = prefixV1 + dict.length + 1 <= 0xffff ? 1 : 2;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerText = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerText.length, true);
  else view.setUint32(8, headerText.length, true);
  for (let i = 0; i < headerText.length; i++) out[prefix + i] = headerText.charCodeAt(i);
  out.set(body, total);
  return out;
}
