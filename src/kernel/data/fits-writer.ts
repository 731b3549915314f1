// Writes arrays as a FITS file, slab by slab: the first array in the primary HDU (or an empty primary first, where
// the source's primary held none), the others as IMAGE extensions, each with the cards it was read with. Only what
// must change is changed: SIMPLE/XTENSION, BITPIX, NAXIS and NAXISn (from the array written: --rows shortens the
// slowest axis), PCOUNT/GCOUNT, EXTEND = T where extensions follow; CHECKSUM and DATASUM are removed (the bytes they
// summed may differ: a lossy bound changes the values). Values big-endian, header and data padded to 2880 bytes.
// Written to a temporary file renamed into place when finished.
import * as fs from 'node:fs';
import { BalerError } from '../errors';
import type { DType, NdArray } from '../types';
import { arrayBytes, DTYPE_BYTES } from './dtype';
import { AtomicOutput, outputError, syncAndClose } from './files';
import { BLOCK, formatCard, headerBytes, keywordOf, valueOf } from './fits-header';
import { OFFSET_DTYPE, toLittleEndian, type FitsAttributes } from './fits';
import type { ArrayDescription, DataSink, SinkOptions } from './source';

/** BITPIX of each dtype, and the BZERO its values are stored with (unsigned and int8, as astropy writes them). */
const BITPIX_OF: Record<DType, { bitpix: number; bzero?: number }> = {
  uint8: { bitpix: 8 }, bool: { bitpix: 8 }, int8: { bitpix: 8, bzero: -128 },
  int16: { bitpix: 16 }, uint16: { bitpix: 16, bzero: 32768 },
  int32: { bitpix: 32 }, uint32: { bitpix: 32, bzero: 2 ** 31 },
  int64: { bitpix: 64 }, uint64: { bitpix: 64, bzero: 2 ** 63 },
  float16: { bitpix: -32 }, float32: { bitpix: -32 }, float64: { bitpix: -64 },
};

/** Keywords the writer sets itself (the structure), and those it drops (checksums of other bytes). */
const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT)$/;
const DROPPED = /^(CHECKSUM|DATASUM)$/;

interface OutputHdu {
  /** The array written in it, or -1 (an empty primary). */
  array: number;
  cards: string[];
}

export function createFitsSink(file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions): DataSink {
  const hdus = layoutHdus(arrays, attributes.fits as FitsAttributes | undefined);
  const out = new AtomicOutput(file, opts);
  let fd: number;
  try {
    fd = fs.openSync(out.tempPath, 'wx');
  } catch (err) {
    out.discard();
    throw outputError(err, file);
  }
  const write = (bytes: Uint8Array): void => {
    try {
      for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
    } catch (err) {
      throw outputError(err, file);
    }
  };
  let next = 0; // the next HDU whose header is to be written
  let current = -1; // the array whose data is being written
  let written = 0; // its bytes so far
  const expected = (k: number) => arrays[k].shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[storedDtype(arrays[k].dtype)];
  const endData = () => {
    if (current < 0) return;
    if (written !== expected(current)) throw new Error(`fits sink: array ${current} has ${written} of ${expected(current)} bytes`);
    const pad = (BLOCK - (written % BLOCK)) % BLOCK;
    if (pad) write(new Uint8Array(pad));
    current = -1;
  };
  /** Writes the headers (and empty data) up to the HDU of array `k` (all that are left when k is undefined). */
  const advance = (k?: number) => {
    endData();
    while (next < hdus.length) {
      const hdu = hdus[next];
      if (k !== undefined && hdu.array > k) throw new Error(`fits sink: array ${k} after array ${hdu.array}`);
      write(headerBytes(hdu.cards));
      next++;
      if (hdu.array >= 0) {
        current = hdu.array;
        written = 0;
        if (hdu.array === k) return;
        endData(); // an array of no values
      }
    }
    if (k !== undefined) throw new Error(`fits sink: no array ${k}`);
  };
  const fail = (err: unknown): never => {
    try { fs.closeSync(fd); } catch { /* closed */ }
    out.discard();
    throw err;
  };
  return {
    async writeSlab(index: number, slab: NdArray) {
      try {
        if (index !== current) advance(index);
        const bytes = bigEndian(slab);
        written += bytes.length;
        if (written > expected(index)) throw new Error(`fits sink: more values than array ${index} holds`);
        write(bytes);
      } catch (err) {
        fail(err);
      }
    },
    async finish() {
      try {
        advance();
        endData();
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

/** The dtype the values are written in (float16 as float32, bool as uint8). */
function storedDtype(dtype: DType): DType {
  return dtype === 'float16' ? 'float32' : dtype === 'bool' ? 'uint8' : dtype;
}

/** A slab's values as FITS stores them: big-endian, offset integers with the sign bit flipped. */
function bigEndian(slab: NdArray): Uint8Array {
  const dtype = storedDtype(slab.dtype);
  const values = slab.dtype === 'float16' ? { ...slab, dtype, data: Float32Array.from(slab.data as Float32Array) } : slab;
  const bytes = arrayBytes(values).slice();
  const size = DTYPE_BYTES[dtype];
  // The offset first (the sign bit is in the last byte of a little-endian value), then the swap, its own inverse.
  if (BITPIX_OF[dtype].bzero !== undefined) for (let i = size - 1; i < bytes.length; i += size) bytes[i] ^= 0x80;
  toLittleEndian(bytes, size, false);
  return bytes;
}

/**
 * The HDUs to write, in the arrays' order: each array with the cards of the HDU it was read from (by its path), or
 * new ones; an empty primary first where the first array is not the source's primary image.
 */
export function layoutHdus(arrays: ArrayDescription[], fits: FitsAttributes | undefined): OutputHdu[] {
  const source = fits?.hdus ?? [];
  const cardsOf = (k: number): string[] | undefined => source.find((h) => h.array !== undefined && h.array === arrays[k].path)?.cards;
  const out: OutputHdu[] = [];
  const primaryCards = source[0]?.cards;
  // Without a FITS source, one array is the primary image; several follow an empty primary, as extensions.
  const firstIsPrimary = source.length === 0 ? arrays.length === 1 : source[0].array !== undefined && source[0].array === arrays[0].path;
  if (!firstIsPrimary) out.push({ array: -1, cards: structure(true, primaryCards ?? [], undefined, arrays.length > 0) });
  arrays.forEach((a, k) => {
    const primary = k === 0 && firstIsPrimary;
    const own = cardsOf(k) ?? newCards(a);
    out.push({ array: k, cards: structure(primary, own, a, primary && arrays.length > 1) });
  });
  return out;
}

/** Cards for an array that was not read from a FITS HDU: its name as EXTNAME where it has one. */
function newCards(a: ArrayDescription): string[] {
  const name = a.path.replace(/^\/+/, '');
  return name === '' ? [] : [formatCard('EXTNAME', name.slice(0, 68))];
}

/**
 * The cards of an HDU: the structural ones first, set for `array` (none: an empty primary), then the others as they
 * were, without CHECKSUM/DATASUM; BZERO/BSCALE set where the dtype is stored with an offset.
 */
function structure(primary: boolean, cards: string[], array: ArrayDescription | undefined, extend: boolean): string[] {
  const dtype = array ? storedDtype(array.dtype) : undefined;
  const { bitpix, bzero } = dtype ? BITPIX_OF[dtype] : { bitpix: bitpixOf(cards), bzero: undefined };
  const axes = array ? [...array.shape].reverse() : [];
  const head = [
    primary ? formatCard('SIMPLE', true, 'conforms to FITS standard') : formatCard('XTENSION', 'IMAGE', 'Image extension'),
    formatCard('BITPIX', bitpix, 'array data type'),
    formatCard('NAXIS', axes.length, 'number of array dimensions'),
    ...axes.map((n, i) => formatCard(`NAXIS${i + 1}`, n)),
    ...(primary ? [] : [formatCard('PCOUNT', 0, 'number of parameters'), formatCard('GCOUNT', 1, 'number of groups')]),
  ];
  // A structural card of the source whose value is still right is kept as it was (with its comment).
  const kept = (made: string): string => {
    const key = keywordOf(made);
    const own = cards.find((c) => keywordOf(c) === key);
    return own !== undefined && valueOf(own) === valueOf(made) ? own : made;
  };
  for (let i = 0; i < head.length; i++) head[i] = kept(head[i]);
  let rest = cards.filter((c) => !STRUCTURAL.test(keywordOf(c)) && !DROPPED.test(keywordOf(c)));
  // EXTEND kept as it was (a primary alone keeps its EXTEND = T, as astropy writes it); T where extensions follow.
  if (primary && extend && !rest.some((c) => keywordOf(c) === 'EXTEND' && valueOf(c) === true)) {
    rest = [formatCard('EXTEND', true), ...rest.filter((c) => keywordOf(c) !== 'EXTEND')];
  }
  if (!array) rest = rest.filter((c) => !/^(BZERO|BSCALE|BLANK)$/.test(keywordOf(c)));
  if (array && bzero !== undefined) {
    // The offset that makes the stored integers these unsigned values: astropy's cards, the source's where they agree.
    const agrees = (key: string, v: number) => rest.some((c) => keywordOf(c) === key && valueOf(c) === v);
    if (!agrees('BZERO', bzero) || rest.some((c) => keywordOf(c) === 'BSCALE' && valueOf(c) !== 1)) {
      rest = rest.filter((c) => !/^(BZERO|BSCALE)$/.test(keywordOf(c)));
      rest.unshift(formatCard('BZERO', bzero === 2 ** 63 ? 9223372036854775808n : bzero, 'offset data range to that of unsigned'), formatCard('BSCALE', 1));
    }
  } else if (array && rest.some((c) => keywordOf(c) === 'BZERO' && valueOf(c) === OFFSET_DTYPE[bitpix]?.bzero) && !rest.some((c) => keywordOf(c) === 'BSCALE' && valueOf(c) !== 1)) {
    // Signed values under an unsigned offset (an int16 array written where the source was uint16): not that offset.
    rest = rest.filter((c) => !/^(BZERO|BSCALE)$/.test(keywordOf(c)));
  }
  for (const c of rest) if (c.length > 80) throw new BalerError(`a FITS card longer than 80 characters: ${c.slice(0, 20)}…`);
  return [...head, ...rest];
}

function bitpixOf(cards: string[]): number {
  const v = valueOf(cards.find((c) => keywordOf(c) === 'BITPIX') ?? '');
  return typeof v === 'number' ? v : 8;
}
