// Writes one array as a TIFF file, slab by slab: strips (uncompressed, or Deflate with the horizontal predictor for
// integers) appended as the values come, then the image directories at the end. BigTIFF where the file could pass
// 4 GiB (or the source was BigTIFF). Written to a temporary file renamed into place when finished.
import * as fs from 'node:fs';
import { deflateSync } from 'node:zlib';
import { BalerError } from '../errors';
import type { DType } from '../types';
import { arrayBytes } from './dtype';
import { AtomicOutput, outputError, syncAndClose } from './files';
import type { ArrayDescription, DataSink, SinkOptions } from './source';
import type { TiffAttributes } from './tiff';
import { tiffLayoutOf, type TiffLayout } from './tiff-layout';
import { directorySize, pageFields, serialiseDirectory, type DirectoryOptions, type StripPlace } from './tiff-directories';

/** Bytes of one strip before compression. */
const STRIP_BYTES = 256 * 1024;
/** Classic TIFF's 32-bit offsets, less room for the directories. */
const CLASSIC_LIMIT = 2 ** 32 - 2 ** 24;

const SAMPLE_TYPE: Record<DType, { bits: number; format: number }> = {
  uint8: { bits: 8, format: 1 }, uint16: { bits: 16, format: 1 }, uint32: { bits: 32, format: 1 }, uint64: { bits: 64, format: 1 },
  int8: { bits: 8, format: 2 }, int16: { bits: 16, format: 2 }, int32: { bits: 32, format: 2 }, int64: { bits: 64, format: 2 },
  float16: { bits: 16, format: 3 }, float32: { bits: 32, format: 3 }, float64: { bits: 64, format: 3 }, bool: { bits: 8, format: 1 },
};

export function createTiffSink(file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions): DataSink {
  if (arrays.length !== 1) throw new BalerError(`a TIFF file holds one image or stack, not ${arrays.length} arrays; write .npz, .h5 or .zarr`, file);
  const [array] = arrays;
  const tiff = attributes.tiff as TiffAttributes | undefined;
  const layout = tiffLayoutOf(array.shape, tiff);
  const { bits, format } = SAMPLE_TYPE[array.dtype];
  const sampleBytes = bits / 8;
  const compress = opts.compress === true || (tiff !== undefined && tiff.compression !== 1);
  const spc = layout.planar ? 1 : layout.samples;
  const rowBytes = layout.width * spc * sampleBytes;
  const rowsPerStrip = Math.max(1, Math.min(layout.height, Math.floor(STRIP_BYTES / rowBytes)));
  const planes = layout.pages * (layout.planar ? layout.samples : 1);
  const rawBytes = planes * layout.height * rowBytes;
  const bigTiff = tiff?.bigTiff === true || needsBigTiff(rawBytes, planes * Math.ceil(layout.height / rowsPerStrip));
  const out = new AtomicOutput(file, opts);
  let fd: number;
  try {
    fd = fs.openSync(out.tempPath, 'wx');
  } catch (err) {
    out.discard();
    throw outputError(err, file);
  }
  const writer = new FileWriter(fd, file, bigTiff ? 16 : 8);
  const strips = new StripStream(layout, rowBytes, rowsPerStrip, (strip) => {
    const bytes = compress ? deflateSync(withPredictor(strip, array.dtype, layout.width * spc, spc, sampleBytes)) : strip;
    return { offset: writer.append(bytes), length: bytes.length };
  });
  const fail = (err: unknown): never => {
    try { fs.closeSync(fd); } catch { /* closed */ }
    out.discard();
    throw err;
  };
  return {
    async writeSlab(index, slab) {
      if (index !== 0) throw new Error(`tiff sink: no array ${index}`);
      try {
        strips.feed(arrayBytes(slab));
      } catch (err) {
        fail(err);
      }
    },
    async finish() {
      try {
        if (!strips.complete()) throw new Error(`tiff sink: ${strips.planesDone} of ${planes} planes written`);
        const first = writeDirectories(writer, layout, strips.written, {
          bigTiff, rowsPerStrip, bits, format, compress, predictor: compress ? predictorFor(array.dtype) : 1, tiff, file,
        });
        writer.header(bigTiff, first);
        syncAndClose(fd, file);
      } catch (err) {
        fail(err);
      }
      out.commit();
    },
    async abort() {
      try { fs.closeSync(fd); } catch { /* closed */ }
      out.discard();
    },
  };
}

/**
 * Whether values of `rawBytes` in `strips` strips could pass classic TIFF's 4 GiB (Deflate can grow incompressible
 * data by a little, and each strip costs its offset and byte count).
 */
export function needsBigTiff(rawBytes: number, strips: number): boolean {
  return rawBytes * 1.01 + strips * 16 > CLASSIC_LIMIT;
}

function predictorFor(dtype: DType): number {
  return SAMPLE_TYPE[dtype].format === 3 ? 1 : 2;
}

/** A copy of a strip with the horizontal predictor applied (integers; floats are deflated as they are). */
function withPredictor(strip: Uint8Array, dtype: DType, rowSamples: number, spc: number, sampleBytes: number): Uint8Array {
  if (predictorFor(dtype) === 1) return strip;
  const copy = strip.slice();
  const n = copy.length / sampleBytes;
  const view = sampleBytes === 1 ? copy : sampleBytes === 2 ? new Uint16Array(copy.buffer) : sampleBytes === 4 ? new Uint32Array(copy.buffer) : new BigUint64Array(copy.buffer);
  for (let base = 0; base < n; base += rowSamples) {
    for (let i = base + rowSamples - 1; i >= base + spc; i--) {
      if (view instanceof BigUint64Array) view[i] = BigInt.asUintN(64, view[i] - view[i - spc]);
      else view[i] -= view[i - spc];
    }
  }
  return copy;
}

/** Cuts the values, in C order, into the strips of each plane (a page, or one sample plane of a planar page). */
class StripStream {
  /** Offsets and lengths of the strips of each plane. */
  readonly written: StripPlace[][] = [];
  planesDone = 0;
  private pending: Uint8Array;
  private filled = 0;
  private rowInPlane = 0;
  private current: StripPlace[] = [];

  constructor(private readonly layout: TiffLayout, private readonly rowBytes: number, private readonly rowsPerStrip: number,
    private readonly emit: (strip: Uint8Array) => StripPlace) {
    this.pending = new Uint8Array(rowsPerStrip * rowBytes);
  }

  feed(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      if (this.complete()) throw new Error('tiff sink: more values than the array holds');
      const stripBytes = Math.min(this.rowsPerStrip, this.layout.height - this.rowInPlane) * this.rowBytes;
      const take = Math.min(stripBytes - this.filled, bytes.length - at);
      this.pending.set(bytes.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === stripBytes) this.flush(stripBytes);
    }
  }

  complete(): boolean {
    return this.planesDone === this.layout.pages * (this.layout.planar ? this.layout.samples : 1);
  }

  private flush(stripBytes: number): void {
    this.current.push(this.emit(this.pending.subarray(0, stripBytes)));
    this.filled = 0;
    this.rowInPlane += stripBytes / this.rowBytes;
    if (this.rowInPlane === this.layout.height) {
      this.written.push(this.current);
      this.current = [];
      this.rowInPlane = 0;
      this.planesDone++;
    }
  }
}

/** Sequential writes with the position known, and the header patched at the end. */
class FileWriter {
  position: number;

  constructor(private readonly fd: number, private readonly file: string, headerBytes: number) {
    this.position = headerBytes;
  }

  /** Writes `bytes` at the end (word-aligned); returns where. */
  append(bytes: Uint8Array): number {
    if (this.position % 2 === 1) this.writeAt(new Uint8Array(1), this.position++);
    const at = this.position;
    this.writeAt(bytes, at);
    this.position += bytes.length;
    return at;
  }

  header(bigTiff: boolean, firstIfd: number): void {
    const head = new DataView(new ArrayBuffer(bigTiff ? 16 : 8));
    head.setUint8(0, 0x49);
    head.setUint8(1, 0x49);
    head.setUint16(2, bigTiff ? 43 : 42, true);
    if (bigTiff) {
      head.setUint16(4, 8, true);
      head.setBigUint64(8, BigInt(firstIfd), true);
    } else {
      head.setUint32(4, firstIfd, true);
    }
    this.writeAt(new Uint8Array(head.buffer), 0);
  }

  private writeAt(bytes: Uint8Array, at: number): void {
    try {
      for (let done = 0; done < bytes.length;) done += fs.writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    } catch (err) {
      throw outputError(err, this.file);
    }
  }
}

/** Writes every page's directory after the strips, each linked to the next; returns the first one's offset. */
function writeDirectories(writer: FileWriter, layout: TiffLayout, strips: StripPlace[][], o: DirectoryOptions): number {
  // A directory's size does not depend on where it lies: lay them all out, then write each with its link to the next.
  const fieldsOf = (page: number) => pageFields(layout, strips, page, o);
  const offsets: number[] = [];
  let at = writer.position + (writer.position % 2);
  for (let page = 0; page < layout.pages; page++) {
    offsets.push(at);
    const size = directorySize(fieldsOf(page), o.bigTiff);
    at += size + (size % 2);
  }
  for (let page = 0; page < layout.pages; page++) {
    const next = page + 1 < layout.pages ? offsets[page + 1] : 0;
    const written = writer.append(serialiseDirectory(fieldsOf(page), offsets[page], next, o.bigTiff));
    if (written !== offsets[page]) throw new Error(`tiff sink: directory ${page} at ${written}, laid out at ${offsets[page]}`);
  }
  if (!o.bigTiff && writer.position > 2 ** 32) throw new BalerError('the TIFF file grew past 4 GiB as classic TIFF', o.file);
  return offsets[0];
}
