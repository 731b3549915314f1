// The TIFF tags a user would lose if only the pixels were kept: the image description (ImageJ's and OME-XML's
// metadata live there), resolution, provenance and GeoTIFF georeferencing. Read from the first page into the
// .baler header's attributes and written back on decompress, value for value. (The orientation is kept, not
// applied: the pixels are the array as stored, as tifffile reads them.)
import { BalerError } from '../errors';
import type { TiffEntry, TiffIfd, NumberReader } from './tiff-ifd';
import { TYPE_BYTES } from './tiff-ifd';

/** A kept tag: ASCII tags as text, the others as numbers (rationals as numerator, denominator pairs). */
export interface KeptTag {
  tag: number;
  type: number;
  value: string | number[];
}

/** Tags written on every page (ImageJ and tifffile repeat them); the others go on the first page only. */
export const EVERY_PAGE_TAGS = new Set([274, 282, 283, 296]);

export const KEPT_TAGS: Record<number, string> = {
  269: 'DocumentName', 270: 'ImageDescription', 274: 'Orientation', 282: 'XResolution', 283: 'YResolution', 285: 'PageName', 296: 'ResolutionUnit',
  305: 'Software', 306: 'DateTime', 315: 'Artist', 316: 'HostComputer', 33432: 'Copyright',
  33550: 'ModelPixelScale', 33922: 'ModelTiepoint', 34264: 'ModelTransformation', 34735: 'GeoKeyDirectory',
  34736: 'GeoDoubleParams', 34737: 'GeoAsciiParams', 42112: 'GDAL_METADATA', 42113: 'GDAL_NODATA',
  50838: 'IJMetadataByteCounts', 50839: 'IJMetadata',
};

/** Bytes of tag values kept at most (a large OME-XML description is kept whole up to this). */
export const MAX_KEPT_TAG_BYTES = 4 * 2 ** 20;

/** The kept tags of a page, and those left out because they are too large (named, for the log). */
export function keptTagsOf(ifd: TiffIfd, reader: NumberReader, budget: number): { tags: KeptTag[]; tooLarge: string[] } {
  const tags: KeptTag[] = [];
  const tooLarge: string[] = [];
  let bytes = 0;
  for (const entry of [...ifd.entries.values()].sort((a, b) => a.tag - b.tag)) {
    if (!KEPT_TAGS[entry.tag]) continue;
    const size = entry.count * TYPE_BYTES[entry.type];
    if (bytes + size > MAX_KEPT_TAG_BYTES) { tooLarge.push(KEPT_TAGS[entry.tag]); continue; }
    bytes += size;
    const value = tagValue(entry, reader, budget);
    if (value !== undefined) tags.push({ tag: entry.tag, type: entry.type, value });
  }
  return { tags, tooLarge };
}

function tagValue(entry: TiffEntry, reader: NumberReader, budget: number): string | number[] | undefined {
  const raw = reader.rawLittleEndian(entry, budget);
  if (entry.type === 2) {
    // ASCII: NUL-terminated; the terminator is written back, not kept.
    const end = raw.length > 0 && raw[raw.length - 1] === 0 ? raw.length - 1 : raw.length;
    return Buffer.from(raw.subarray(0, end)).toString('latin1');
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  const word = entry.type === 5 || entry.type === 10 ? 4 : TYPE_BYTES[entry.type];
  for (let at = 0; at < raw.length; at += word) {
    switch (entry.type) {
      case 1: case 7: out.push(view.getUint8(at)); break;
      case 6: out.push(view.getInt8(at)); break;
      case 3: out.push(view.getUint16(at, true)); break;
      case 8: out.push(view.getInt16(at, true)); break;
      case 4: case 5: case 13: out.push(view.getUint32(at, true)); break;
      case 9: case 10: out.push(view.getInt32(at, true)); break;
      case 11: out.push(view.getFloat32(at, true)); break;
      case 12: out.push(view.getFloat64(at, true)); break;
      default: return undefined; // 64-bit integers in a kept tag: none of the kept tags has them
    }
  }
  return out.every(Number.isFinite) ? out : undefined; // JSON holds finite numbers only
}

/** A kept tag's values as little-endian bytes and its count, for the writer. */
export function encodeKeptTag(tag: KeptTag, file: string): { bytes: Uint8Array; count: number } {
  if (tag.type === 2) {
    const text = Buffer.from(`${String(tag.value)}\0`, 'latin1');
    return { bytes: new Uint8Array(text.buffer, text.byteOffset, text.length), count: text.length };
  }
  if (!Array.isArray(tag.value)) throw new BalerError(`the kept TIFF tag ${tag.tag} is not a list of numbers`, file);
  const word = tag.type === 5 || tag.type === 10 ? 4 : TYPE_BYTES[tag.type];
  if (!word) throw new BalerError(`the kept TIFF tag ${tag.tag} has an unknown type ${tag.type}`, file);
  const bytes = new Uint8Array(tag.value.length * word);
  const view = new DataView(bytes.buffer);
  tag.value.forEach((v, i) => {
    const at = i * word;
    switch (tag.type) {
      case 1: case 7: view.setUint8(at, v); break;
      case 6: view.setInt8(at, v); break;
      case 3: view.setUint16(at, v, true); break;
      case 8: view.setInt16(at, v, true); break;
      case 4: case 5: case 13: view.setUint32(at, v, true); break;
      case 9: case 10: view.setInt32(at, v, true); break;
      case 11: view.setFloat32(at, v, true); break;
      case 12: view.setFloat64(at, v, true); break;
    }
  });
  const count = tag.type === 5 || tag.type === 10 ? tag.value.length / 2 : tag.value.length;
  return { bytes, count };
}
