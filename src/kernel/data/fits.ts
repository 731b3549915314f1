// FITS files (astronomy: telescope images, data cubes, spectra): the primary HDU and IMAGE extensions, each
// non-empty one an array named by its EXTNAME (else hdu{N}, N counting the primary as 0), its shape NAXISn reversed
// (NAXIS1 varies fastest: a 2-D image is NAXIS2 × NAXIS1, as astropy gives it), big-endian values read slab by slab.
// BZERO/BSCALE are not applied, except the unsigned convention astropy reads too: BSCALE 1 and BZERO 2^(bits-1)
// with BITPIX 16/32/64 (or BZERO -128 with BITPIX 8) is read as uint16/uint32/uint64 (int8), and written back with the
// same cards and bytes. An integer image's BLANK is its declared missing value (fill.ts). Tables (BINTABLE, TABLE),
// tile-compressed images (ZIMAGE) and random groups are left out with the reason. Every header card of every HDU is
// kept as text in the attributes; fits-writer.ts writes them back. Every size is checked against the file and the
// memory budget before anything is allocated.
import { BalerError } from '../errors';
import type { DType, NdArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget, elementCount } from './budget';
import { DTYPE_BYTES } from './dtype';
import { fillExactness, maskedFillAttribute } from './fill';
import { closeInput, openInput, readAt, type InputFile } from './files';
import { BLOCK, readHeader } from './fits-header';
import { checkSlab } from './npy-file';
import { notInFile, type ArraySource, type DataSource, type SourceSelection } from './source';

/** One HDU as the writer needs it: its cards, and the array it holds (its path) if one was read from it. */
export interface FitsHduAttributes {
  cards: string[];
  array?: string;
}

/** The DataSource's attributes.fits. */
export interface FitsAttributes {
  hdus: FitsHduAttributes[];
}

const BITPIX_DTYPE: Record<number, DType> = { 8: 'uint8', 16: 'int16', 32: 'int32', 64: 'int64', [-32]: 'float32', [-64]: 'float64' };
/** The dtype a BITPIX holds with BZERO = the offset and BSCALE = 1 (astropy's unsigned and signed-byte convention). */
export const OFFSET_DTYPE: Record<number, { bzero: number; dtype: DType }> = {
  8: { bzero: -128, dtype: 'int8' }, 16: { bzero: 32768, dtype: 'uint16' }, 32: { bzero: 2 ** 31, dtype: 'uint32' }, 64: { bzero: 2 ** 63, dtype: 'uint64' },
};
/** An HDU holds at most this many axes (the standard's NAXIS ≤ 999). */
const MAX_AXES = 999;

export async function openFits(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const input = openInput(file);
  try {
    return describeFits(input, selection, budget);
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

interface HduFacts {
  index: number;
  name: string;
  bitpix: number;
  dtype: DType;
  /** The raw values' sign bit is flipped (BZERO unsigned convention). */
  offset: boolean;
  shape: number[];
  dataStart: number;
  blank?: number;
}

function integerKey(values: Map<string, unknown>, key: string, what: string, file: string, fallback?: number): number {
  const v = values.get(key);
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new BalerError(`${what}: ${v === undefined ? `no ${key} keyword` : `${key} = ${String(v)} is not a size`} (damaged or not FITS)`, file);
  }
  return v;
}

function describeFits(input: InputFile, selection: SourceSelection, budget: number): DataSource {
  const { file } = input;
  const hdus: FitsHduAttributes[] = [];
  const images: HduFacts[] = [];
  const skipped: { path: string; reason: string; bytes?: number }[] = [];
  const names = new Set<string>();
  let at = 0;
  for (let index = 0; at < input.size; index++) {
    const what = index === 0 ? 'the primary HDU' : `HDU ${index}`;
    if (index > 0 && isZeroPadding(input, at)) break; // some writers pad the file's end with blocks of zeros
    const header = readHeader(input, at, budget, what);
    const { values, cards } = header;
    const first = cards[0] ?? '';
    if (index === 0 && !(first.startsWith('SIMPLE  =') && values.get('SIMPLE') === true)) {
      throw new BalerError('not a FITS file (its first card is not SIMPLE = T)', file);
    }
    const xtension = index === 0 ? undefined : values.get('XTENSION');
    if (index > 0 && (!first.startsWith('XTENSION=') || typeof xtension !== 'string')) throw new BalerError(`${what}: its first card is not XTENSION (damaged file)`, file);
    const bitpix = values.get('BITPIX');
    if (typeof bitpix !== 'number' || !(bitpix in BITPIX_DTYPE)) throw new BalerError(`${what}: BITPIX ${String(bitpix)} is not 8, 16, 32, 64, -32 or -64 (damaged or not FITS)`, file);
    const naxis = integerKey(values, 'NAXIS', what, file);
    if (naxis > MAX_AXES) throw new BalerError(`${what}: NAXIS = ${naxis}, more than FITS allows (999)`, file);
    const axes: number[] = [];
    for (let k = 1; k <= naxis; k++) axes.push(integerKey(values, `NAXIS${k}`, what, file));
    const pcount = integerKey(values, 'PCOUNT', what, file, 0);
    const gcount = integerKey(values, 'GCOUNT', what, file, 1);
    const groups = index === 0 && naxis > 0 && axes[0] === 0 && values.get('GROUPS') === true;
    const elements = naxis === 0 ? 0 : gcount * (pcount + elementCount(groups ? axes.slice(1) : axes, file));
    const dataBytes = elements * (Math.abs(bitpix) / 8);
    if (!Number.isSafeInteger(dataBytes)) throw new BalerError(`${what}: impossible data size (NAXIS ${axes.join(' × ')})`, file);
    const dataStart = header.end;
    if (dataStart + dataBytes > input.size) {
      throw new BalerError(`truncated file: the data of ${what} (${dataBytes} bytes from byte ${dataStart}) lies beyond the end of the file (${input.size} bytes)`, file);
    }
    at = dataStart + Math.ceil(dataBytes / BLOCK) * BLOCK;
    const extname = values.get('EXTNAME');
    const entry: FitsHduAttributes = { cards };
    hdus.push(entry);
    const label = typeof extname === 'string' && extname.trim() !== '' ? extname.trim() : `hdu${index}`;
    const kind = typeof xtension === 'string' ? xtension.trim() : '';
    const isImage = index === 0 || kind === 'IMAGE';
    if (!isImage) {
      const reason = values.get('ZIMAGE') === true ? 'is a tile-compressed image (fpack, ZIMAGE), not read: uncompress it first (funpack, or astropy)'
        : kind === 'BINTABLE' ? 'is a binary table (BINTABLE), not read' : kind === 'TABLE' ? 'is an ASCII table (TABLE), not read' : `is a ${kind} extension, not read`;
      skipped.push({ path: `HDU ${index} '${label}'`, reason, bytes: dataBytes });
      continue;
    }
    if (groups) {
      skipped.push({ path: `HDU 0 '${label}'`, reason: 'holds random groups, not read', bytes: dataBytes });
      continue;
    }
    if (elements === 0) continue; // no data (an empty primary before the extensions)
    if (pcount !== 0 || gcount !== 1) {
      skipped.push({ path: `HDU ${index} '${label}'`, reason: `is an image with PCOUNT ${pcount} and GCOUNT ${gcount}, not read`, bytes: dataBytes });
      continue;
    }
    const bzero = values.get('BZERO');
    const bscale = values.get('BSCALE');
    const offsetType = OFFSET_DTYPE[bitpix];
    const offset = offsetType !== undefined && bzero === offsetType.bzero && (bscale === undefined || bscale === 1);
    const blank = values.get('BLANK');
    const name = names.has(label) ? `hdu${index}` : label;
    names.add(name);
    entry.array = name;
    images.push({
      index, name, bitpix, dtype: offset ? offsetType.dtype : BITPIX_DTYPE[bitpix], offset, shape: [...axes].reverse(), dataStart,
      ...(bitpix > 0 && typeof blank === 'number' && Number.isSafeInteger(blank) ? { blank } : {}),
    });
  }
  const wanted = selection.dataset?.replace(/^\/+/, '');
  const chosen = wanted === undefined ? images : images.filter((h) => h.name === wanted);
  if (wanted !== undefined && chosen.length === 0) throw notInFile('image', selection.dataset!, images.map((h) => h.name), file);
  if (images.length === 0) {
    const why = skipped.map((s) => `${s.path} ${s.reason}`).join('; ');
    throw new BalerError(`the FITS file holds no image data${why ? ` (${why})` : ''}`, file);
  }
  const arrays = chosen.map((h) => imageArray(input, h, budget));
  const attributes: FitsAttributes = { hdus };
  return {
    file, format: 'fits', arrays, ...(skipped.length ? { skipped } : {}),
    ...(chosen.length < images.length ? { unselected: images.length - chosen.length } : {}),
    attributes: { fits: attributes },
    close: async () => closeInput(input),
  };
}

/** Whether the file's rest is zeros from `at` (checked a block at a time, at most 16 blocks). */
function isZeroPadding(input: InputFile, at: number): boolean {
  if (input.size - at > 16 * BLOCK) return false;
  const rest = readAt(input, at, input.size - at, 'the end of the file');
  return rest.every((b) => b === 0);
}

function imageArray(input: InputFile, h: HduFacts, budget: number): ArraySource {
  const { file } = input;
  const { shape, dtype } = h;
  const size = DTYPE_BYTES[dtype];
  const rowBytes = shape.slice(1).reduce((a, b) => a * b, 1) * size;
  // BLANK is a raw value; read as unsigned, the missing value is BLANK + BZERO.
  const blank = h.blank === undefined ? undefined : h.offset ? h.blank + OFFSET_DTYPE[h.bitpix].bzero : h.blank;
  const blankAttrs = blank === undefined ? {} : { _FillValue: blank };
  return {
    path: h.name, dtype, shape, kind: kindOfArray(shape), names: [],
    attributes: { fits: { hdu: h.index }, ...maskedFillAttribute(blankAttrs, dtype) },
    ...fillExactness(blankAttrs, dtype),
    async readSlab(start: number, count: number): Promise<NdArray> {
      checkSlab(shape, start, count, file);
      const bytes = count * rowBytes;
      checkBudget(bytes * 2, budget, `a slab of ${count} rows of '${h.name}'`, file);
      const raw = readAt(input, h.dataStart + start * rowBytes, bytes, `rows ${start}…${start + count} of '${h.name}'`);
      toLittleEndian(raw, size, h.offset);
      return { dtype, shape: [count, ...shape.slice(1)], data: typedOf(raw, dtype) };
    },
  };
}

/** Big-endian values to little-endian, in place; with `flip`, the sign bit flipped too (BZERO's offset applied). */
export function toLittleEndian(bytes: Uint8Array, size: number, flip: boolean): void {
  if (size > 1) {
    for (let i = 0; i < bytes.length; i += size) {
      for (let a = i, b = i + size - 1; a < b; a++, b--) {
        const t = bytes[a];
        bytes[a] = bytes[b];
        bytes[b] = t;
      }
    }
  }
  if (flip) for (let i = size - 1; i < bytes.length; i += size) bytes[i] ^= 0x80;
}

function typedOf(bytes: Uint8Array, dtype: DType): NdArray['data'] {
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
