// The structure of a TIFF file (classic and BigTIFF, either byte order): its header and the chain of image file
// directories (IFDs), each a list of tags. Every offset and count is checked against the file's size, and every
// list against the memory budget, before anything is read or allocated; a chain that loops is refused.
import { BalerError } from '../errors';
import { checkBudget } from './budget';
import { readAt, type InputFile } from './files';

/** One tag of an IFD: where its values lie (in the entry itself or elsewhere in the file). */
export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  /** File offset of the values. */
  valueOffset: number;
}

export interface TiffIfd {
  /** File offset of the directory. */
  offset: number;
  entries: Map<number, TiffEntry>;
}

export interface TiffStructure {
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: TiffIfd[];
}

/** Bytes of one value of each TIFF field type. */
export const TYPE_BYTES: Record<number, number> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8,
};

/** Directories read at most: a file with more pages than this is refused rather than walked forever. */
const MAX_PAGES = 1_000_000;

/** Reads the header and every IFD of the main chain (SubIFDs, such as pyramid levels, are not followed). */
export function readTiffStructure(input: InputFile, budget: number): TiffStructure {
  const { file } = input;
  if (input.size < 8) throw new BalerError('not a TIFF file (too short for a TIFF header)', file);
  const head = readAt(input, 0, Math.min(16, input.size), 'the TIFF header');
  const order = String.fromCharCode(head[0], head[1]);
  if (order !== 'II' && order !== 'MM') throw new BalerError('not a TIFF file (no II/MM byte-order mark)', file);
  const littleEndian = order === 'II';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint16(2, littleEndian);
  if (magic !== 42 && magic !== 43) throw new BalerError(`not a TIFF file (version ${magic}, expected 42 or BigTIFF's 43)`, file);
  const bigTiff = magic === 43;
  if (bigTiff && (head.length < 16 || view.getUint16(4, littleEndian) !== 8)) throw new BalerError('corrupted BigTIFF header', file);
  const reader = new NumberReader(input, littleEndian);
  let next = bigTiff ? reader.uint64(view, 8) : view.getUint32(4, littleEndian);
  const ifds: TiffIfd[] = [];
  const seen = new Set<number>();
  while (next !== 0) {
    if (seen.has(next)) throw new BalerError(`corrupted TIFF: the chain of image directories loops (back to offset ${next})`, file);
    if (ifds.length >= MAX_PAGES) throw new BalerError(`more than ${MAX_PAGES} pages: not read`, file);
    seen.add(next);
    const ifd = readIfd(input, reader, next, bigTiff, budget);
    ifds.push(ifd.ifd);
    next = ifd.next;
  }
  if (ifds.length === 0) throw new BalerError('the TIFF file holds no image (no image directory)', file);
  return { littleEndian, bigTiff, ifds };
}

function readIfd(input: InputFile, reader: NumberReader, offset: number, bigTiff: boolean, budget: number): { ifd: TiffIfd; next: number } {
  const what = `the image directory at offset ${offset}`;
  const countBytes = bigTiff ? 8 : 2;
  const entryBytes = bigTiff ? 20 : 12;
  const head = readAt(input, offset, countBytes, what);
  const headView = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = bigTiff ? reader.uint64(headView, 0) : headView.getUint16(0, reader.littleEndian);
  const size = count * entryBytes + (bigTiff ? 8 : 4);
  checkBudget(size, budget, what, input.file);
  const bytes = readAt(input, offset + countBytes, size, what); // refused when it lies beyond the end of the file
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = new Map<number, TiffEntry>();
  const inline = bigTiff ? 8 : 4;
  for (let k = 0; k < count; k++) {
    const at = k * entryBytes;
    const tag = view.getUint16(at, reader.littleEndian);
    const type = view.getUint16(at + 2, reader.littleEndian);
    const n = bigTiff ? reader.uint64(view, at + 4) : view.getUint32(at + 4, reader.littleEndian);
    const fieldAt = at + (bigTiff ? 12 : 8);
    const valueBytes = (TYPE_BYTES[type] ?? 0) * n;
    if (TYPE_BYTES[type] === undefined) continue; // a type this version of TIFF does not define: the tag is ignored, as libtiff does
    const valueOffset = valueBytes <= inline
      ? offset + countBytes + fieldAt
      : bigTiff ? reader.uint64(view, fieldAt) : view.getUint32(fieldAt, reader.littleEndian);
    if (!Number.isSafeInteger(valueBytes) || valueOffset + valueBytes > input.size) {
      throw new BalerError(`truncated file: the values of TIFF tag ${tag} (${n} of them) lie beyond the end of the file`, input.file);
    }
    entries.set(tag, { tag, type, count: n, valueOffset });
  }
  const nextAt = count * entryBytes;
  const next = bigTiff ? reader.uint64(view, nextAt) : view.getUint32(nextAt, reader.littleEndian);
  return { ifd: { offset, entries }, next };
}

/** Reads tag values in the file's byte order. */
export class NumberReader {
  constructor(readonly input: InputFile, readonly littleEndian: boolean) {}

  /** A 64-bit unsigned value, refused when beyond 2^53 (no file is that large). */
  uint64(view: DataView, at: number): number {
    const value = view.getBigUint64(at, this.littleEndian);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BalerError(`corrupted TIFF: an offset or count of ${value}`, this.input.file);
    return Number(value);
  }

  /** The values of a numeric tag as numbers (a rational as numerator / denominator), checked against the budget. */
  numbers(entry: TiffEntry, budget: number): number[] {
    const size = TYPE_BYTES[entry.type];
    checkBudget(entry.count * (size + 8), budget, `the values of TIFF tag ${entry.tag}`, this.input.file);
    const bytes = readAt(this.input, entry.valueOffset, entry.count * size, `the values of TIFF tag ${entry.tag}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = this.littleEndian;
    const out = new Array<number>(entry.count);
    for (let i = 0; i < entry.count; i++) {
      const at = i * size;
      switch (entry.type) {
        case 1: case 2: case 7: out[i] = view.getUint8(at); break;
        case 6: out[i] = view.getInt8(at); break;
        case 3: out[i] = view.getUint16(at, le); break;
        case 8: out[i] = view.getInt16(at, le); break;
        case 4: case 13: out[i] = view.getUint32(at, le); break;
        case 9: out[i] = view.getInt32(at, le); break;
        case 5: out[i] = view.getUint32(at, le) / view.getUint32(at + 4, le); break;
        case 10: out[i] = view.getInt32(at, le) / view.getInt32(at + 4, le); break;
        case 11: out[i] = view.getFloat32(at, le); break;
        case 12: out[i] = view.getFloat64(at, le); break;
        case 16: case 18: out[i] = this.uint64(view, at); break;
        case 17: out[i] = Number(view.getBigInt64(at, le)); break;
      }
    }
    return out;
  }

  /** The raw values of a tag with each value in little-endian order (rationals as two 32-bit numbers), for copying. */
  rawLittleEndian(entry: TiffEntry, budget: number): Uint8Array {
    const size = TYPE_BYTES[entry.type];
    checkBudget(entry.count * size, budget, `the values of TIFF tag ${entry.tag}`, this.input.file);
    const bytes = readAt(this.input, entry.valueOffset, entry.count * size, `the values of TIFF tag ${entry.tag}`);
    const word = entry.type === 5 || entry.type === 10 ? 4 : size;
    if (!this.littleEndian && word > 1) for (let i = 0; i < bytes.length; i += word) bytes.subarray(i, i + word).reverse();
    return bytes;
  }
}
