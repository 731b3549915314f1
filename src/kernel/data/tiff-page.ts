// One page (image directory) of a TIFF file as Baler reads it: its size, samples, dtype, compression and where its
// strips or tiles lie, checked against the file; what Baler does not read is a one-line BalerError naming it.
import { BalerError } from '../errors';
import type { DType } from '../types';
import { checkBudget } from './budget';
import { NumberReader, type TiffIfd } from './tiff-ifd';
import { OTHER_COMPRESSIONS, READ_COMPRESSIONS } from './tiff-codecs';

export const TAG = {
  NewSubfileType: 254, ImageWidth: 256, ImageLength: 257, BitsPerSample: 258, Compression: 259, Photometric: 262,
  ImageDescription: 270, StripOffsets: 273, SamplesPerPixel: 277, RowsPerStrip: 278, StripByteCounts: 279,
  XResolution: 282, YResolution: 283, PlanarConfiguration: 284, ResolutionUnit: 296, Predictor: 317, ColorMap: 320,
  TileWidth: 322, TileLength: 323, TileOffsets: 324, TileByteCounts: 325, ExtraSamples: 338, SampleFormat: 339,
} as const;

export interface TiffPage {
  /** Which directory of the file (0 first). */
  index: number;
  width: number;
  height: number;
  samples: number;
  dtype: DType;
  /** Bytes of one sample. */
  sampleBytes: number;
  compression: number;
  predictor: number;
  /** Samples stored plane by plane (PlanarConfiguration 2) rather than interleaved. */
  planar: boolean;
  photometric: number;
  /** Reduced-resolution or mask page (NewSubfileType bits 0 or 2): not part of the image stack. */
  auxiliary: boolean;
  tiled: boolean;
  /** Size of one strip (width × rows per strip) or tile. */
  chunkWidth: number;
  chunkHeight: number;
  offsets: number[];
  byteCounts: number[];
}

const PHOTOMETRIC_NOT_READ: Record<number, string> = {
  3: 'a palette (colour-mapped) image', 4: 'a transparency mask', 6: 'YCbCr colour', 8: 'CIE L*a*b* colour', 9: 'ICC L*a*b* colour',
  10: 'ITU L*a*b* colour', 32844: 'LogL colour', 32845: 'LogLuv colour',
};

/** The page at `ifd`, validated; `budget` bounds the lists it reads. */
export function describePage(ifd: TiffIfd, index: number, reader: NumberReader, budget: number): TiffPage {
  const file = reader.input.file;
  const where = `page ${index + 1}`;
  const get = (tag: number): number[] | undefined => {
    const entry = ifd.entries.get(tag);
    return entry ? reader.numbers(entry, budget) : undefined;
  };
  const one = (tag: number, name: string, fallback?: number): number => {
    const values = get(tag);
    if (values && values.length > 0) return values[0];
    if (fallback === undefined) throw new BalerError(`corrupted TIFF: ${where} lacks the ${name} tag`, file);
    return fallback;
  };
  const width = one(TAG.ImageWidth, 'ImageWidth');
  const height = one(TAG.ImageLength, 'ImageLength');
  const samples = one(TAG.SamplesPerPixel, 'SamplesPerPixel', 1);
  if (!(width > 0 && height > 0 && samples > 0) || ![width, height, samples].every(Number.isSafeInteger)) {
    throw new BalerError(`corrupted TIFF: ${where} is ${width} × ${height} pixels of ${samples} samples`, file);
  }
  const subfile = one(TAG.NewSubfileType, 'NewSubfileType', 0);
  const auxiliary = (subfile & 0b101) !== 0;
  const photometric = one(TAG.Photometric, 'PhotometricInterpretation', samples >= 3 ? 2 : 1);
  const compression = one(TAG.Compression, 'Compression', 1);
  const bits = get(TAG.BitsPerSample) ?? [1];
  const formats = get(TAG.SampleFormat) ?? [1];
  const bitsOf = bits[0];
  const formatOf = formats[0];
  if (!auxiliary) {
    if (!READ_COMPRESSIONS[compression]) {
      const name = OTHER_COMPRESSIONS[compression] ?? `code ${compression}`;
      throw new BalerError(`${where} uses ${name} compression, which is not read (supported: none, LZW, Deflate, PackBits)`, file);
    }
    if (PHOTOMETRIC_NOT_READ[photometric]) throw new BalerError(`${where} is ${PHOTOMETRIC_NOT_READ[photometric]}, which is not read`, file);
    if (bits.some((b) => b !== bitsOf) || formats.some((f) => f !== formatOf)) {
      throw new BalerError(`${where} has samples of different types (bits ${bits.join('/')}), which is not read`, file);
    }
  }
  const dtype = dtypeOf(bitsOf, formatOf);
  if (!auxiliary && typeof dtype === 'string' && dtype.startsWith('!')) throw new BalerError(`${where} ${dtype.slice(1)}, which is not read`, file);
  const planar = one(TAG.PlanarConfiguration, 'PlanarConfiguration', 1) === 2 && samples > 1;
  const predictor = one(TAG.Predictor, 'Predictor', 1);
  const tiled = ifd.entries.has(TAG.TileWidth);
  const chunkWidth = tiled ? one(TAG.TileWidth, 'TileWidth') : width;
  const chunkHeight = tiled ? one(TAG.TileLength, 'TileLength') : Math.min(height, one(TAG.RowsPerStrip, 'RowsPerStrip', height) || height);
  if (!(chunkWidth > 0 && chunkHeight > 0)) throw new BalerError(`corrupted TIFF: ${where} has tiles or strips of ${chunkWidth} × ${chunkHeight}`, file);
  const across = Math.ceil(width / chunkWidth);
  const down = Math.ceil(height / chunkHeight);
  const chunks = across * down * (planar ? samples : 1);
  const offsets = get(tiled ? TAG.TileOffsets : TAG.StripOffsets);
  const byteCounts = get(tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  const kind = tiled ? 'tile' : 'strip';
  if (!auxiliary) {
    if (!offsets) throw new BalerError(`corrupted TIFF: ${where} lacks the ${kind} offsets`, file);
    if (offsets.length < chunks) throw new BalerError(`corrupted TIFF: ${where} lists ${offsets.length} ${kind}s, not ${chunks}`, file);
    if (!byteCounts || byteCounts.length < chunks) throw new BalerError(`corrupted TIFF: ${where} lacks the byte counts of its ${kind}s`, file);
    for (let k = 0; k < chunks; k++) {
      if (offsets[k] + byteCounts[k] > reader.input.size || !Number.isSafeInteger(offsets[k] + byteCounts[k])) {
        throw new BalerError(`truncated file: ${kind} ${k + 1} of ${where} lies beyond the end of the file`, file);
      }
    }
    if (predictor !== 1 && predictor !== 2 && predictor !== 3) throw new BalerError(`${where} uses predictor ${predictor}, which is not read`, file);
    if (predictor === 3 && formatOf !== 3) throw new BalerError(`corrupted TIFF: ${where} uses the floating-point predictor on integers`, file);
  }
  const sampleBytes = Math.max(1, bitsOf / 8);
  const chunkBytes = chunkWidth * chunkHeight * (planar ? 1 : samples) * sampleBytes;
  if (!auxiliary) checkBudget(chunkBytes, budget, `a ${kind} of ${where} (${chunkWidth} × ${chunkHeight})`, file);
  return {
    index, width, height, samples, dtype: dtype as DType, sampleBytes, compression, predictor, planar, photometric, auxiliary, tiled,
    chunkWidth, chunkHeight, offsets: offsets ?? [], byteCounts: byteCounts ?? [],
  };
}

/** The dtype of samples of `bits` bits in SampleFormat `format`, or '!' and why it is not read. */
function dtypeOf(bits: number, format: number): DType | `!${string}` {
  const unsigned: Record<number, DType> = { 8: 'uint8', 16: 'uint16', 32: 'uint32', 64: 'uint64' };
  const signed: Record<number, DType> = { 8: 'int8', 16: 'int16', 32: 'int32', 64: 'int64' };
  const float: Record<number, DType> = { 16: 'float16', 32: 'float32', 64: 'float64' };
  if (bits % 8 !== 0 || bits === 0) return `!has ${bits}-bit samples (sub-byte or odd bit depths)`;
  if (format === 1 || format === 4) return unsigned[bits] ?? `!has ${bits}-bit unsigned samples`;
  if (format === 2) return signed[bits] ?? `!has ${bits}-bit signed samples`;
  if (format === 3) return float[bits] ?? `!has ${bits}-bit floating-point samples`;
  if (format === 5 || format === 6) return '!has complex samples';
  return `!has samples of SampleFormat ${format}`;
}

/** Whether two pages stack into one array (same size, samples, dtype and layout of samples). */
export function sameShape(a: TiffPage, b: TiffPage): boolean {
  return a.width === b.width && a.height === b.height && a.samples === b.samples && a.dtype === b.dtype && a.planar === b.planar;
}
