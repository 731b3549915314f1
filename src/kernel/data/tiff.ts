// TIFF images (classic and BigTIFF, either byte order, strips or tiles, chunky or planar samples) read as one array:
// a page is height × width (× samples; samples × height × width when stored plane by plane), and a stack of pages of
// one shape is pages × that. Read slab by slab, only the strips or tiles a slab needs decoded, every size checked
// against the file and the memory budget first (tiff-ifd.ts, tiff-page.ts). The writer is tiff-writer.ts.
import { BalerError } from '../errors';
import type { NdArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget } from './budget';
import { closeInput, openInput, readAt, type InputFile } from './files';
import { checkSlab } from './npy-file';
import type { ArraySource, DataSource } from './source';
import { decodeChunk, swapBytes, undoFloatPredictor, undoHorizontalPredictor } from './tiff-codecs';
import { NumberReader, readTiffStructure } from './tiff-ifd';
import { describePage, sameShape, TAG, type TiffPage } from './tiff-page';
import { keptTagsOf, type KeptTag } from './tiff-tags';
import { declaredFills, fillExactness, maskedFillAttribute, withFillMask } from './fill';

const GDAL_NODATA = 42113;
import { valuesOfBytes } from './typed';

/** What the writer needs to write a TIFF back as it was (the DataSource's attributes.tiff). */
export interface TiffAttributes {
  /** Pages of the stack (1 for a single image). */
  pages: number;
  samples: number;
  planar: boolean;
  photometric: number;
  extraSamples?: number[];
  /** The first page's compression code (1: none); the writer deflates what was compressed. */
  compression: number;
  bigTiff: boolean;
  byteOrder: 'little' | 'big';
  tiled: boolean;
  /** The array's shape as read: the description is written back only when the output has it. */
  shape: number[];
  tags: KeptTag[];
}

export async function openTiff(file: string, budget: number): Promise<DataSource> {
  const input = openInput(file);
  try {
    return describeTiff(input, budget);
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

function describeTiff(input: InputFile, budget: number): DataSource {
  const { file } = input;
  const structure = readTiffStructure(input, budget);
  const reader = new NumberReader(input, structure.littleEndian);
  const all = structure.ifds.map((ifd, k) => describePage(ifd, k, reader, budget));
  const pages = all.filter((p) => !p.auxiliary);
  if (pages.length === 0) throw new BalerError('the TIFF file holds only reduced-resolution or mask pages, no image', file);
  const first = pages[0];
  for (const page of pages) {
    if (!sameShape(first, page)) {
      throw new BalerError(`page ${page.index + 1} is ${pageWords(page)} and page ${first.index + 1} ${pageWords(first)}: pages of different shapes are not read as one stack (split the file into one TIFF per shape)`, file);
    }
  }
  const pageShape = first.planar ? [first.samples, first.height, first.width] : first.samples > 1 ? [first.height, first.width, first.samples] : [first.height, first.width];
  const shape = pages.length > 1 ? [pages.length, ...pageShape] : pageShape;
  const firstIfd = structure.ifds[first.index];
  const { tags, tooLarge } = keptTagsOf(firstIfd, reader, budget);
  const extra = firstIfd.entries.get(TAG.ExtraSamples);
  const attributes: TiffAttributes = {
    pages: pages.length, samples: first.samples, planar: first.planar, photometric: first.photometric,
    ...(extra ? { extraSamples: reader.numbers(extra, budget) } : {}),
    compression: first.compression, bigTiff: structure.bigTiff, byteOrder: structure.littleEndian ? 'little' : 'big', tiled: first.tiled,
    shape, tags,
  };
  const skipped = [
    ...all.filter((p) => p.auxiliary).map((p) => ({ path: `page ${p.index + 1}`, reason: 'is a reduced-resolution or mask page, not part of the image' })),
    ...tooLarge.map((name) => ({ path: name, reason: 'is a TIFF tag too large to keep in the header' })),
  ];
  const regions = new RegionReader(input, structure.littleEndian, budget);
  // GDAL's no-data value (a GeoTIFF's -9999 or 1e20 over the sea) is the image's declared missing value (fill.ts).
  const nodata = gdalNodata(tags);
  const fillAttrs = nodata !== undefined ? { _FillValue: nodata } : {};
  const description = {
    path: '', dtype: first.dtype, shape, kind: kindOfArray(shape), names: [],
    attributes: maskedFillAttribute(fillAttrs, first.dtype), ...fillExactness(fillAttrs, first.dtype),
  };
  const readAsWritten: ArraySource['readSlab'] = async (start: number, count: number): Promise<NdArray> => {
    checkSlab(shape, start, count, file);
    const slabShape = [count, ...shape.slice(1)];
    const bytes = slabShape.reduce((a, b) => a * b, 1) * first.sampleBytes;
    checkBudget(bytes * 2 + regions.cachedBytes(first), budget, `a slab of ${count} ${pages.length > 1 ? 'pages' : 'rows'} of the image`, file);
    const out = new Uint8Array(bytes);
    if (pages.length > 1) {
      const pageBytes = bytes / Math.max(1, count);
      for (let k = 0; k < count; k++) regions.read(pages[start + k], 0, first.planar ? first.samples : 1, 0, first.height, out.subarray(k * pageBytes, (k + 1) * pageBytes));
    } else if (first.planar) {
      regions.read(first, start, start + count, 0, first.height, out);
    } else {
      regions.read(first, 0, 1, start, start + count, out);
    }
    return { dtype: first.dtype, shape: slabShape, data: valuesOfBytes(out, first.dtype) };
  };
  const array = withFillMask(description, declaredFills(fillAttrs, first.dtype), readAsWritten, 'the image', file);
  return {
    file, format: 'tiff', arrays: [array], ...(skipped.length ? { skipped } : {}),
    attributes: { tiff: attributes },
    close: async () => closeInput(input),
  };
}

/** The GDAL_NODATA tag's number (ASCII, "-9999"), if the image has one. */
function gdalNodata(tags: KeptTag[]): number | undefined {
  const tag = tags.find((t) => t.tag === GDAL_NODATA);
  const value = typeof tag?.value === 'string' ? Number(tag.value.replace(/\0+$/, '').trim()) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

function pageWords(page: TiffPage): string {
  return `${page.width} × ${page.height} pixels of ${page.samples} ${page.dtype} sample${page.samples > 1 ? 's' : ''}${page.planar ? ' (planar)' : ''}`;
}


/**
 * Reads a region of a page (sample planes [p0, p1) — one plane of interleaved samples for chunky pages — and rows
 * [r0, r1), all columns) as little-endian samples, decoding the strips or tiles it covers; those of the last read are
 * kept, so that slabs of rows that cut a strip or tile decode it once.
 */
class RegionReader {
  private cache = new Map<string, Uint8Array>();

  constructor(private readonly input: InputFile, private readonly littleEndian: boolean, private readonly budget: number) {}

  /** Bytes the cache may hold at once: one band of strips or tiles across the page. */
  cachedBytes(page: TiffPage): number {
    return page.chunkHeight * Math.ceil(page.width / page.chunkWidth) * page.chunkWidth * (page.planar ? 1 : page.samples) * page.sampleBytes;
  }

  read(page: TiffPage, p0: number, p1: number, r0: number, r1: number, out: Uint8Array): void {
    const across = Math.ceil(page.width / page.chunkWidth);
    const down = Math.ceil(page.height / page.chunkHeight);
    const spc = page.planar ? 1 : page.samples;
    const pixelBytes = spc * page.sampleBytes;
    const outRowBytes = page.width * pixelBytes;
    const chunkRowBytes = page.chunkWidth * pixelBytes;
    const kept = new Map<string, Uint8Array>();
    for (let p = p0; p < p1; p++) {
      for (let ty = Math.floor(r0 / page.chunkHeight); ty < down && ty * page.chunkHeight < r1; ty++) {
        const y0 = ty * page.chunkHeight;
        const rows = page.tiled ? page.chunkHeight : Math.min(page.chunkHeight, page.height - y0);
        for (let tx = 0; tx < across; tx++) {
          const k = p * across * down + ty * across + tx;
          const key = `${page.index}:${k}`;
          const chunk = this.cache.get(key) ?? this.decode(page, k, rows * chunkRowBytes, spc);
          kept.set(key, chunk);
          const x0 = tx * page.chunkWidth;
          const length = (Math.min(x0 + page.chunkWidth, page.width) - x0) * pixelBytes;
          for (let y = Math.max(r0, y0); y < Math.min(r1, y0 + rows); y++) {
            const from = (y - y0) * chunkRowBytes;
            out.set(chunk.subarray(from, from + length), ((p - p0) * (r1 - r0) + (y - r0)) * outRowBytes + x0 * pixelBytes);
          }
        }
      }
    }
    this.cache = kept;
  }

  private decode(page: TiffPage, k: number, expected: number, spc: number): Uint8Array {
    const what = `${page.tiled ? 'tile' : 'strip'} ${k + 1} of page ${page.index + 1}`;
    const file = this.input.file;
    if (page.byteCounts[k] === 0) return new Uint8Array(expected); // a sparse tile (GDAL): never written, zeros
    checkBudget(page.byteCounts[k] + expected, this.budget, what, file);
    const raw = readAt(this.input, page.offsets[k], page.byteCounts[k], what);
    const chunk = decodeChunk(page.compression, raw, expected, file, what).slice();
    const rowSamples = page.chunkWidth * spc;
    if (page.predictor === 3) {
      undoFloatPredictor(chunk, rowSamples, spc, page.sampleBytes);
      return chunk;
    }
    if (!this.littleEndian) swapBytes(chunk, page.sampleBytes);
    if (page.predictor === 2) undoHorizontalPredictor(chunk, rowSamples, spc, page.sampleBytes);
    return chunk;
  }
}
