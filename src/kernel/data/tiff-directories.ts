// The image directories (IFDs) the TIFF writer writes: each page's tags (size, samples, strips, compression, and the
// tags kept from the source), serialised little-endian as classic TIFF or BigTIFF.
import type { TiffAttributes } from './tiff';
import type { TiffLayout } from './tiff-layout';
import { TAG } from './tiff-page';
import { encodeKeptTag, EVERY_PAGE_TAGS } from './tiff-tags';

/** Where a strip was written. */
export interface StripPlace {
  offset: number;
  length: number;
}

export interface DirectoryOptions {
  bigTiff: boolean;
  rowsPerStrip: number;
  bits: number;
  format: number;
  compress: boolean;
  predictor: number;
  tiff?: TiffAttributes;
  file: string;
}

interface Field {
  tag: number;
  type: number;
  count: number;
  /** The values, little-endian. */
  bytes: Uint8Array;
}

const SHORT = 3;
const LONG = 4;
const LONG8 = 16;

/** The fields of one page, sorted by tag. */
export function pageFields(layout: TiffLayout, strips: StripPlace[][], page: number, o: DirectoryOptions): Field[] {
  const planesPerPage = layout.planar ? layout.samples : 1;
  const pageStrips = strips.slice(page * planesPerPage, (page + 1) * planesPerPage).flat();
  const fields: Field[] = [
    numbers(TAG.ImageWidth, LONG, [layout.width]), numbers(TAG.ImageLength, LONG, [layout.height]),
    numbers(TAG.BitsPerSample, SHORT, Array(layout.samples).fill(o.bits)), numbers(TAG.Compression, SHORT, [o.compress ? 8 : 1]),
    numbers(TAG.Photometric, SHORT, [layout.photometric]),
    numbers(TAG.StripOffsets, o.bigTiff ? LONG8 : LONG, pageStrips.map((s) => s.offset)),
    numbers(TAG.SamplesPerPixel, SHORT, [layout.samples]), numbers(TAG.RowsPerStrip, LONG, [o.rowsPerStrip]),
    numbers(TAG.StripByteCounts, o.bigTiff ? LONG8 : LONG, pageStrips.map((s) => s.length)),
    numbers(TAG.PlanarConfiguration, SHORT, [layout.planar ? 2 : 1]),
    numbers(TAG.SampleFormat, SHORT, Array(layout.samples).fill(o.format)),
  ];
  if (o.predictor !== 1) fields.push(numbers(TAG.Predictor, SHORT, [o.predictor]));
  if (layout.asRead && o.tiff?.extraSamples) fields.push(numbers(TAG.ExtraSamples, SHORT, o.tiff.extraSamples));
  if (page === 0 && layout.description !== undefined) fields.push(kept({ tag: TAG.ImageDescription, type: 2, value: layout.description }, o.file));
  const keptTags = layout.asRead ? (o.tiff?.tags ?? []).filter((t) => t.tag !== TAG.ImageDescription) : [];
  for (const tag of keptTags) if (page === 0 || EVERY_PAGE_TAGS.has(tag.tag)) fields.push(kept(tag, o.file));
  return fields.sort((a, b) => a.tag - b.tag);
}

function kept(tag: Parameters<typeof encodeKeptTag>[0], file: string): Field {
  const { bytes, count } = encodeKeptTag(tag, file);
  return { tag: tag.tag, type: tag.type, count, bytes };
}

function numbers(tag: number, type: number, values: number[]): Field {
  const size = type === SHORT ? 2 : type === LONG ? 4 : 8;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    if (type === SHORT) view.setUint16(i * size, v, true);
    else if (type === LONG) view.setUint32(i * size, v, true);
    else view.setBigUint64(i * size, BigInt(v), true);
  });
  return { tag, type, count: values.length, bytes };
}

/** Bytes of a directory with its values that do not fit in their entries. */
export function directorySize(fields: Field[], bigTiff: boolean): number {
  const inline = bigTiff ? 8 : 4;
  let size = (bigTiff ? 16 : 6) + fields.length * (bigTiff ? 20 : 12);
  for (const f of fields) if (f.bytes.length > inline) size += f.bytes.length + (f.bytes.length % 2);
  return size;
}

/** A directory at `offset`, linked to `next` (0: the last), its overflowing values right after it. */
export function serialiseDirectory(fields: Field[], offset: number, next: number, bigTiff: boolean): Uint8Array {
  const out = new Uint8Array(directorySize(fields, bigTiff));
  const view = new DataView(out.buffer);
  const inline = bigTiff ? 8 : 4;
  const entryBytes = bigTiff ? 20 : 12;
  const head = bigTiff ? 8 : 2;
  if (bigTiff) view.setBigUint64(0, BigInt(fields.length), true);
  else view.setUint16(0, fields.length, true);
  let extra = head + fields.length * entryBytes + (bigTiff ? 8 : 4);
  fields.forEach((f, k) => {
    const at = head + k * entryBytes;
    view.setUint16(at, f.tag, true);
    view.setUint16(at + 2, f.type, true);
    const valueAt = at + (bigTiff ? 12 : 8);
    if (bigTiff) view.setBigUint64(at + 4, BigInt(f.count), true);
    else view.setUint32(at + 4, f.count, true);
    if (f.bytes.length <= inline) {
      out.set(f.bytes, valueAt);
    } else {
      out.set(f.bytes, extra);
      if (bigTiff) view.setBigUint64(valueAt, BigInt(offset + extra), true);
      else view.setUint32(valueAt, offset + extra, true);
      extra += f.bytes.length + (f.bytes.length % 2);
    }
  });
  const nextAt = head + fields.length * entryBytes;
  if (bigTiff) view.setBigUint64(nextAt, BigInt(next), true);
  else view.setUint32(nextAt, next, true);
  return out;
}
