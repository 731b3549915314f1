// Writes one array as a NIfTI file, slab by slab: .nii, or .nii.gz (gzip'd as it is written, node:zlib) by the output's
// extension. An array read from NIfTI gets its own header back (nifti.ts keeps it: affine, pixdim, qform/sform,
// descrip, intent, xyzt_units, scl_slope/scl_inter as they were) in its own byte order, with its extension bytes;
// only datatype/bitpix, vox_offset and (when the shape changed) dim are set. Any other array gets a plain NIfTI-1
// header (NIfTI-2 past 32767 along an axis). The array's first axis is the slowest: shape t × z × y × x is written as
// dim = [x, y, z, t] (nifti.ts). Written to a temporary file renamed into place when finished.
import { once } from 'node:events';
import * as fs from 'node:fs';
import { createGzip } from 'node:zlib';
import { BalerError } from '../errors';
import { arrayBytes } from './dtype';
import { AtomicOutput, outputError, syncAndClose, writeAll } from './files';
import type { NiftiAttributes } from './nifti';
import { swapInPlace } from './nifti';
import { bytesOf, datatypeOf, freshHeader, headerSizeOf, patchedHeader } from './nifti-header';
import type { ArrayDescription, DataSink, SinkOptions } from './source';

export function createNiftiSink(file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions): DataSink {
  if (arrays.length !== 1) throw new BalerError(`a NIfTI file holds one image, not ${arrays.length} arrays; write .npz, .h5 or .zarr`, file);
  const [array] = arrays;
  if (datatypeOf(array.dtype) === undefined) {
    throw new BalerError(`NIfTI has no ${array.dtype} datatype: write .npy, .h5 or .tif, or convert the array to float32 first`, file);
  }
  if (array.shape.length > 7) throw new BalerError(`a NIfTI image has at most 7 dimensions, this array has ${array.shape.length}`, file);
  const dims = array.shape.length === 0 ? [1] : [...array.shape].reverse();
  const { header, extra, littleEndian } = headerFor(array, dims, attributes.nifti as NiftiAttributes | undefined);
  const itemBytes = bytesOf(array.dtype);
  const expected = dims.reduce((a, b) => a * b, 1) * itemBytes;
  const gzip = file.toLowerCase().endsWith('.gz');
  const out = new AtomicOutput(file, opts);
  let target: Target;
  try {
    target = gzip ? gzipTarget(out.tempPath, file) : plainTarget(out.tempPath, file);
  } catch (err) {
    out.discard();
    throw err;
  }
  let written = 0;
  let failed = false;
  const fail = async (err: unknown): Promise<never> => {
    failed = true;
    await target.abort();
    out.discard();
    throw err;
  };
  const start = (async () => {
    await target.write(header);
    await target.write(extra);
  })();
  start.catch(() => undefined); // awaited by writeSlab and finish, which report it
  return {
    async writeSlab(index, slab) {
      if (index !== 0) throw new Error(`nifti sink: no array ${index}`);
      try {
        await start;
        const bytes = arrayBytes(slab);
        written += bytes.length;
        if (written > expected) throw new Error('nifti sink: more values than the array holds');
        // A copy: the caller may reuse its buffer once this resolves, and a gzip stream holds what it is given.
        const copy = new Uint8Array(bytes);
        if (!littleEndian && itemBytes > 1) swapInPlace(copy, itemBytes);
        await target.write(copy);
      } catch (err) {
        await fail(err);
      }
    },
    async finish() {
      try {
        await start;
        if (written !== expected) throw new Error(`nifti sink: ${written} of ${expected} bytes of voxels written`);
        await target.finish();
      } catch (err) {
        if (!failed) await fail(err);
        throw err;
      }
      out.commit();
    },
    async abort() {
      await target.abort();
      out.discard();
    },
  };
}

/** The header and extension bytes to write, and their byte order. */
function headerFor(array: ArrayDescription, dims: number[], nifti: NiftiAttributes | undefined): { header: Uint8Array; extra: Uint8Array; littleEndian: boolean } {
  const source = nifti && typeof nifti.header === 'string' ? new Uint8Array(Buffer.from(nifti.header, 'base64')) : undefined;
  let sourceHeader: ReturnType<typeof headerSizeOf> | undefined;
  try {
    sourceHeader = source ? headerSizeOf(source, '') : undefined;
  } catch {
    sourceHeader = undefined;
  }
  const fits = sourceHeader && source!.length === sourceHeader.size && (sourceHeader.version === 2 || dims.every((d) => d <= 32767));
  if (!fits) return { header: freshHeader(array.dtype, dims), extra: new Uint8Array(4), littleEndian: true };
  const kept = typeof nifti!.extra === 'string' ? new Uint8Array(Buffer.from(nifti!.extra, 'base64')) : new Uint8Array(0);
  const extra = kept.length > 0 ? kept : new Uint8Array(4); // the extender: no extensions
  return { header: patchedHeader(source!, array.dtype, dims, source!.length + extra.length), extra, littleEndian: sourceHeader!.littleEndian };
}

interface Target {
  write(bytes: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

function plainTarget(tempPath: string, file: string): Target {
  let fd: number | undefined;
  try {
    fd = fs.openSync(tempPath, 'wx');
  } catch (err) {
    throw outputError(err, file);
  }
  return {
    write: async (bytes) => writeAll(fd!, bytes, file),
    finish: async () => {
      syncAndClose(fd!, file);
      fd = undefined;
    },
    abort: async () => {
      if (fd !== undefined) try { fs.closeSync(fd); } catch { /* closed */ }
      fd = undefined;
    },
  };
}

function gzipTarget(tempPath: string, file: string): Target {
  const gzip = createGzip({ level: 6 });
  const stream = fs.createWriteStream(tempPath, { flags: 'wx' });
  let error: unknown;
  const onError = (err: unknown) => { error ??= err; };
  gzip.on('error', onError);
  stream.on('error', onError);
  gzip.pipe(stream);
  const check = () => {
    if (error) throw outputError(error, file);
  };
  return {
    async write(bytes) {
      check();
      if (!gzip.write(bytes)) await Promise.race([once(gzip, 'drain'), once(stream, 'error'), once(gzip, 'error')]).catch(onError);
      check();
    },
    async finish() {
      check();
      const closed = new Promise<void>((resolve, reject) => {
        stream.on('close', () => (error ? reject(outputError(error, file)) : resolve()));
        stream.on('error', (err) => reject(outputError(err, file)));
      });
      gzip.end();
      await closed;
    },
    async abort() {
      gzip.destroy();
      stream.destroy();
      await new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
    },
  };
}
