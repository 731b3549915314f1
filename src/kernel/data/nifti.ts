// NIfTI-1 and NIfTI-2 images (.nii, and .nii.gz inflated as a stream with node:zlib) read as one array.
//
// Axis order: NIfTI stores x fastest (dim[1] = x, then y, z, t, …: Fortran-like). The array is presented with the
// first axis slowest, i.e. reversed: dim = [x, y, z, t] reads as t × z × y × x, which is numpy's C-order view of the
// bytes on disk (nibabel's `img.dataobj` then `.T`). Slabs are along that first axis: volumes of a 4-D series,
// slices of a 3-D volume.
//
// Values are read raw: scl_slope/scl_inter are not applied (they stay in the kept header and are written back as
// they were). The whole header, and the extension bytes up to the voxels (up to MAX_KEPT_EXTRA), are kept in the
// DataSource's attributes (nifti) so that nifti-writer.ts writes back the same header. Every declared size is checked
// against the file (or, for gzip, against what the stream yields) and the memory budget before anything is allocated.
import * as fs from 'node:fs';
import { createGunzip } from 'node:zlib';
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget, elementCount, formatBytes } from './budget';
import { closeInput, openInput, readAt, type InputFile } from './files';
import { bytesOf, headerSizeOf, parseNiftiHeader, type NiftiHeader } from './nifti-header';
import { checkSlab } from './npy-file';
import type { ArraySource, DataSource } from './source';

/** The most bytes between the header and the voxels (extender and extensions) kept and written back. */
export const MAX_KEPT_EXTRA = 1 << 20;

/** What the writer needs to write the file back as it was (the DataSource's attributes.nifti). */
export interface NiftiAttributes {
  version: 1 | 2;
  byteOrder: 'little' | 'big';
  /** The header's bytes as in the file (its byte order), base64. */
  header: string;
  /** The bytes from the header's end to the voxels (extender, extensions), base64; '' when too large to keep. */
  extra: string;
  /** The source was gzip'd (.nii.gz). */
  gzip: boolean;
  /** For people reading the .baler's info: the datatype, the dimensions (x first) and the description. */
  dtype: DType;
  dims: number[];
  descrip: string;
}

/** The bytes of the file as the NIfTI stream: the file itself, or the gzip stream inflated. */
interface ByteStream {
  read(offset: number, length: number, what: string): Promise<Uint8Array>;
  /** After the last voxel: refuses a stream that yields more than `end` bytes (a gzip inflating beyond the header's size). */
  checkEnd(end: number): Promise<void>;
  close(): void;
}

export async function openNifti(file: string, budget: number): Promise<DataSource> {
  const input = openInput(file);
  let stream: ByteStream;
  let gzip: boolean;
  try {
    const head = readAt(input, 0, Math.min(2, input.size), 'the header');
    gzip = head[0] === 0x1f && head[1] === 0x8b; // by its content: a .nii that is gzip'd is read too
    stream = gzip ? new GunzipStream(input, budget) : plainStream(input);
  } catch (err) {
    closeInput(input);
    throw err;
  }
  try {
    return await describeNifti(input, stream, budget, gzip);
  } catch (err) {
    stream.close();
    throw err;
  }
}

async function describeNifti(input: InputFile, stream: ByteStream, budget: number, gzip: boolean): Promise<DataSource> {
  const { file } = input;
  const { size } = headerSizeOf(await stream.read(0, 4, 'the header'), file);
  const headerBytes = await stream.read(0, size, `the ${size}-byte header`);
  const header = parseNiftiHeader(headerBytes, file);
  const shape = [...header.dims].reverse(); // slowest first: see the comment at the top
  const itemBytes = bytesOf(header.dtype);
  const count = elementCount(shape, file);
  const dataBytes = count * itemBytes;
  const rowBytes = (count / shape[0]) * itemBytes;
  const rowWord = shape.length >= 4 ? 'volume' : shape.length === 3 ? 'slice' : 'row';
  checkBudget(rowBytes, budget, `one ${rowWord} of the NIfTI image (${shape.slice(1).join(' × ')} ${header.dtype})`, file);
  if (!Number.isSafeInteger(header.voxOffset + dataBytes)) throw new BalerError(`damaged NIfTI header: impossible size (${shape.join(' × ')} ${header.dtype})`, file);
  if (!gzip && header.voxOffset + dataBytes > input.size) {
    throw new BalerError(`truncated file: the header declares ${formatBytes(dataBytes)} of voxels (${header.dims.join(' × ')} ${header.dtype}) from byte ${header.voxOffset}, the file has ${input.size} bytes`, file);
  }
  const extraLength = header.voxOffset - header.size;
  const skipped: { path: string; reason: string; bytes?: number }[] = [];
  let extra: Uint8Array = new Uint8Array(0);
  if (extraLength > MAX_KEPT_EXTRA) {
    skipped.push({ path: 'NIfTI header extensions', reason: `take ${formatBytes(extraLength)}, more than the ${formatBytes(MAX_KEPT_EXTRA)} kept: written back without them`, bytes: extraLength });
  } else if (extraLength > 0) {
    extra = await stream.read(header.size, extraLength, 'the header extensions');
  }
  const attributes: NiftiAttributes = {
    version: header.version, byteOrder: header.littleEndian ? 'little' : 'big',
    header: Buffer.from(headerBytes).toString('base64'), extra: Buffer.from(extra).toString('base64'), gzip,
    dtype: header.dtype, dims: header.dims, descrip: header.descrip,
  };
  let queue: Promise<unknown> = Promise.resolve();
  const array: ArraySource = {
    path: '', dtype: header.dtype, shape, kind: kindOfArray(shape), names: [],
    readSlab(start: number, rows: number): Promise<NdArray> {
      // One read at a time: a gzip stream is read forward.
      const work = queue.then(() => readRows(stream, header, shape, rowBytes, start, rows, budget, file, dataBytes));
      queue = work.catch(() => undefined);
      return work;
    },
  };
  return {
    file, format: 'nifti', arrays: [array], ...(skipped.length ? { skipped } : {}),
    attributes: { nifti: attributes },
    close: async () => stream.close(),
  };
}

async function readRows(stream: ByteStream, header: NiftiHeader, shape: number[], rowBytes: number, start: number, rows: number,
  budget: number, file: string, dataBytes: number): Promise<NdArray> {
  checkSlab(shape, start, rows, file);
  const bytes = rows * rowBytes;
  checkBudget(bytes, budget, `a slab of ${rows} of ${shape[0]} along the NIfTI image's last axis`, file);
  const raw = await stream.read(header.voxOffset + start * rowBytes, bytes, 'the voxels');
  if (start + rows === shape[0]) await stream.checkEnd(header.voxOffset + dataBytes);
  const data = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
  const itemBytes = bytesOf(header.dtype);
  if (!header.littleEndian && itemBytes > 1) swapInPlace(data, itemBytes);
  return { dtype: header.dtype, shape: [rows, ...shape.slice(1)], data: typedOf(data, header.dtype) };
}

export function swapInPlace(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

function typedOf(bytes: Uint8Array, dtype: DType): TypedArray {
  const b = bytes.buffer;
  switch (dtype) {
    case 'uint8': return bytes;
    case 'int8': return new Int8Array(b);
    case 'uint16': return new Uint16Array(b);
    case 'int16': return new Int16Array(b);
    case 'uint32': return new Uint32Array(b);
    case 'int32': return new Int32Array(b);
    case 'uint64': return new BigUint64Array(b);
    case 'int64': return new BigInt64Array(b);
    case 'float32': return new Float32Array(b);
    default: return new Float64Array(b);
  }
}

function plainStream(input: InputFile): ByteStream {
  return {
    read: async (offset, length, what) => readAt(input, offset, length, what),
    checkEnd: async () => undefined,
    close: () => closeInput(input),
  };
}

/**
 * A .nii.gz inflated forward as it is read (from the start again when an earlier byte is asked for): only what a read
 * needs is held, plus one inflated chunk, so memory stays bounded whatever the file inflates to.
 */
class GunzipStream implements ByteStream {
  private iterator: AsyncIterator<Buffer> | undefined;
  private source: fs.ReadStream | undefined;
  /** Inflated bytes [position, position + pending.length) not yet consumed. */
  private pending: Buffer = Buffer.alloc(0);
  private position = 0;
  private ended = false;

  constructor(private readonly input: InputFile, private readonly budget: number) {}

  private restart(): void {
    this.stop();
    const source = fs.createReadStream(this.input.file, { highWaterMark: 64 * 1024 });
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    source.on('error', (err) => gunzip.destroy(err));
    this.source = source;
    this.iterator = source.pipe(gunzip)[Symbol.asyncIterator]();
    this.pending = Buffer.alloc(0);
    this.position = 0;
    this.ended = false;
  }

  private stop(): void {
    if (this.source) {
      this.source.unpipe();
      this.source.destroy();
    }
    void this.iterator?.return?.().catch(() => undefined);
    this.iterator = undefined;
    this.source = undefined;
  }

  /** The next inflated chunk, or undefined at the end of the stream. */
  private async next(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    try {
      const r = await this.iterator!.next();
      if (r.done) {
        this.ended = true;
        return undefined;
      }
      return r.value;
    } catch (err) {
      const message = (err as Error).message;
      const truncated = /unexpected end/i.test(message);
      throw new BalerError(truncated ? 'truncated file: the gzip stream ends before its end marker' : `corrupted .nii.gz file (${message})`, this.input.file);
    }
  }

  async read(offset: number, length: number, what: string): Promise<Uint8Array> {
    checkBudget(length, this.budget, what, this.input.file);
    if (!this.iterator || offset < this.position) this.restart();
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.pending.length === 0) {
        const chunk = await this.next();
        if (!chunk) {
          throw new BalerError(`truncated file: the gzip stream inflates to ${this.position} bytes, short of ${what} (bytes up to ${offset + length})`, this.input.file);
        }
        this.pending = chunk;
      }
      const skip = Math.min(this.pending.length, Math.max(0, offset - this.position));
      if (skip > 0) {
        this.pending = this.pending.subarray(skip);
        this.position += skip;
        continue;
      }
      const n = Math.min(this.pending.length, length - filled);
      out.set(this.pending.subarray(0, n), filled);
      this.pending = this.pending.subarray(n);
      this.position += n;
      filled += n;
    }
    return out;
  }

  async checkEnd(end: number): Promise<void> {
    if (this.position !== end) return;
    if (this.pending.length > 0 || (await this.next()) !== undefined) {
      this.stop();
      throw new BalerError(`corrupted .nii.gz file: the gzip stream inflates beyond the ${end} bytes its header declares`, this.input.file);
    }
  }

  close(): void {
    this.stop();
    closeInput(this.input);
  }
}
