// .npy files read in slabs by positioned reads (never the whole file) and written slab by slab. The same array
// reader serves .npz members (npz-file.ts) through the ByteSource it reads from.
import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget, elementCount } from './budget';
import { AtomicOutput, closeInput, openInput, outputError, readAtInto, syncAndClose, writeAll, type InputFile } from './files';
import {
  decodeRaw, decodeStrings, encodeValues, isBigEndianNpy, NPY_BIG_ENDIAN, npyHeaderEnd, npyHeaderFor, parseHeader, reverseAxes, type NpyHeader,
} from './npy';
import type { ArrayDescription, ArraySource, DataSink, DataSource, SinkOptions } from './source';

/** Bytes of one .npy stream: a file region, or a deflated zip member inflated as it is read. */
export interface ByteSource {
  size: number;
  /** Exactly `length` bytes at `offset` (the caller checked the budget). */
  read(offset: number, length: number): Uint8Array;
  /** The same into `out` (a reused buffer), where the source can read in place. */
  readInto?(offset: number, out: Uint8Array): Uint8Array;
}

/** A region of an opened file, read with positioned reads; the CRC is checked once the whole region was read. */
export function fileRegion(input: InputFile, start: number, size: number, what: string, expectedCrc?: number): ByteSource {
  let crcEnd = 0;
  let crc = 0;
  const readInto = (offset: number, out: Uint8Array): Uint8Array => {
    const bytes = readAtInto(input, start + offset, out, what);
    const length = bytes.length;
    if (expectedCrc !== undefined && offset <= crcEnd && offset + length > crcEnd) {
      crc = crc32(bytes.subarray(crcEnd - offset), crc);
      crcEnd = offset + length;
      if (crcEnd === size && crc !== expectedCrc) throw new BalerError(`corrupted .npz file (${what} fails its CRC check)`, input.file);
    }
    return bytes;
  };
  return {
    size,
    read: (offset, length) => readInto(offset, new Uint8Array(length)),
    readInto,
  };
}

/** Elements of one row (everything after the first axis). */
export function rowElements(shape: number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Bytes a slab takes in memory once decoded (float16 is held as float32). */
export function decodedBytes(dtype: DType, elements: number): number {
  const size: Record<DType, number> = {
    float16: 4, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8,
    uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1,
  };
  return size[dtype] * elements;
}

/** Checks a slab request against an array's first axis. */
export function checkSlab(shape: number[], start: number, count: number, file: string): void {
  const rows = shape.length === 0 ? 1 : shape[0];
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > rows) {
    throw new BalerError(`rows ${start}…${start + count} requested of an array with ${rows} rows`, file);
  }
}

/** The parsed header of a .npy stream, read in two small reads. */
export function readNpyHeader(bytes: ByteSource, file: string, what: string): NpyHeader {
  const prefix = bytes.read(0, Math.min(12, bytes.size));
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (magic.some((b, i) => i < prefix.length && prefix[i] !== b)) throw new BalerError('not a .npy file (bad magic)', file);
  if (bytes.size < 10) throw new BalerError(`truncated .npy header${what ? ` (${what})` : ''}`, file);
  const end = npyHeaderEnd(prefix, file);
  if (end === undefined || end > bytes.size) throw new BalerError('truncated .npy header', file);
  return parseHeader(bytes.read(0, end), file);
}

export type NpyStream = { kind: 'numeric'; source: ArraySource } | { kind: 'strings'; strings: () => string[]; dtype: 'unicode' | 'bytes' };

/** An array source over a .npy stream; string arrays are returned as strings (read on demand). */
export function npyStream(bytes: ByteSource, file: string, path: string, budget: number): NpyStream {
  const header = readNpyHeader(bytes, file, path);
  const { descr, shape, dataOffset } = header;
  const count = elementCount(shape, file);
  const byteLength = count * descr.itemSize;
  if (bytes.size - dataOffset < byteLength) {
    throw new BalerError(`truncated .npy data: expected ${byteLength} bytes of values, found ${bytes.size - dataOffset}`, file);
  }
  if (descr.kind !== 'numeric') {
    return {
      kind: 'strings', dtype: descr.kind,
      strings: () => {
        checkBudget(byteLength * 2, budget, `the string array '${path}'`, file);
        const strings = decodeStrings(Uint8Array.prototype.slice.call(bytes.read(dataOffset, byteLength)), descr, count, file);
        return header.fortranOrder ? reverseAxes(strings, [...shape].reverse()) : strings;
      },
    };
  }
  const perRow = rowElements(shape);
  let fortranValues: TypedArray | undefined;
  const source: ArraySource = {
    path, dtype: descr.dtype, shape: [...shape], kind: kindOfArray(shape), names: [],
    ...(descr.bigEndian && descr.itemSize > 1 ? { attributes: { [NPY_BIG_ENDIAN]: true } } : {}),
    async readSlab(start, rows, buffers): Promise<NdArray> {
      checkSlab(shape, start, rows, file);
      const slabShape = shape.length === 0 ? [] : [rows, ...shape.slice(1)];
      const elements = shape.length === 0 ? 1 : rows * perRow;
      if (header.fortranOrder && shape.length >= 2) {
        // Rows of a Fortran-order array are not contiguous: read the whole array once (within the budget).
        if (!fortranValues) {
          checkBudget(byteLength + decodedBytes(descr.dtype, count) * 2, budget, `the Fortran-order array '${path || file}'`, file);
          const raw = Uint8Array.prototype.slice.call(bytes.read(dataOffset, byteLength));
          fortranValues = reverseAxes(decodeRaw(raw, descr), [...shape].reverse());
        }
        return { dtype: descr.dtype, shape: slabShape, data: fortranValues.slice(start * perRow, (start + rows) * perRow) };
      }
      const length = elements * descr.itemSize;
      checkBudget(length + decodedBytes(descr.dtype, elements), budget, `a slab of ${rows} rows of '${path || file}'`, file);
      const offset = dataOffset + start * perRow * descr.itemSize;
      // Read in place into a buffer of its own (reused from `buffers` when given), aligned for the typed array.
      const raw = bytes.readInto
        ? bytes.readInto(offset, new Uint8Array(buffers ? buffers.take(length) : new ArrayBuffer(length), 0, length))
        : Uint8Array.prototype.slice.call(bytes.read(offset, length));
      const data = decodeRaw(raw, descr);
      // float16, bool and byte-swapped values are decoded into an array of their own: the raw buffer can go back.
      if (buffers && data.buffer !== raw.buffer && buffers.lent(raw.buffer)) buffers.give(raw.buffer as ArrayBuffer);
      return { dtype: descr.dtype, shape: slabShape, data };
    },
  };
  return { kind: 'numeric', source };
}

export async function openNpy(file: string, budget: number): Promise<DataSource> {
  const input = openInput(file);
  try {
    const stream = npyStream(fileRegion(input, 0, input.size, 'the array'), file, '', budget);
    if (stream.kind === 'strings') throw new BalerError('the array holds strings, not numbers', file);
    return { file, format: 'npy', arrays: [stream.source], close: async () => closeInput(input) };
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

/** Writes one array as .npy: the header (the shape is known), then each slab as it comes. */
export function createNpySink(file: string, arrays: ArrayDescription[], opts: SinkOptions = {}): DataSink {
  if (arrays.length !== 1) throw new BalerError(`a .npy file holds one array, not ${arrays.length}; write .npz, .h5 or .zarr`, file);
  const [array] = arrays;
  const out = new AtomicOutput(file, opts);
  let fd: number | undefined;
  let rows = 0;
  const write = (bytes: Uint8Array): void => {
    try {
      fd ??= fs.openSync(out.tempPath, 'wx');
    } catch (err) {
      throw outputError(err, file);
    }
    writeAll(fd, bytes, file);
  };
  const bigEndian = isBigEndianNpy(array.attributes);
  write(npyHeaderFor(array.dtype, array.shape, bigEndian));
  const close = (): void => {
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
  };
  return {
    async writeSlab(index, slab) {
      if (index !== 0) throw new Error(`npy sink: no array ${index}`);
      write(encodeValues(slab.data, array.dtype, bigEndian));
      rows += array.shape.length === 0 ? 1 : slab.shape[0];
    },
    async finish() {
      try {
        if (fd !== undefined) syncAndClose(fd, file);
      } catch (err) {
        out.discard();
        throw err;
      } finally {
        fd = undefined;
      }
      const expected = array.shape.length === 0 ? 1 : array.shape[0];
      if (rows !== expected) {
        out.discard();
        throw new Error(`npy sink: ${rows} rows written of ${expected}`);
      }
      out.commit();
    },
    async abort() {
      close();
      out.discard();
    },
  };
}
