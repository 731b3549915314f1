// How an array is laid out as TIFF pages when written: as the TIFF it was read from (its pages, samples, planar or
// interleaved) where the attributes say so and the shape still fits, else pages of the last two axes, the shape kept
// in a tifffile-style description ({"shape": [...]}) where a stack of pages would not say it.
import type { TiffAttributes } from './tiff';

export interface TiffLayout {
  pages: number;
  height: number;
  width: number;
  samples: number;
  planar: boolean;
  photometric: number;
  /** The first page's description, if any. */
  description?: string;
  /** Laid out from the TIFF it was read from (its kept tags are written back). */
  asRead: boolean;
}

export function tiffLayoutOf(shape: number[], tiff: TiffAttributes | undefined): TiffLayout {
  const fromSource = tiff ? layoutAsRead(shape, tiff) : undefined;
  if (fromSource) return fromSource;
  const r = shape.length;
  const pages = r <= 2 ? 1 : shape.slice(0, r - 2).reduce((a, b) => a * b, 1);
  const height = r === 1 ? 1 : shape[r - 2];
  const width = shape[r - 1] ?? 1;
  const description = r === 1 || r > 3 ? JSON.stringify({ shape }) : undefined;
  return { pages, height, width, samples: 1, planar: false, photometric: 1, ...(description ? { description } : {}), asRead: false };
}

function layoutAsRead(shape: number[], tiff: TiffAttributes): TiffLayout | undefined {
  const { samples, planar } = tiff;
  const pageRank = samples > 1 ? 3 : 2;
  const stacked = shape.length === pageRank + 1;
  if (shape.length !== pageRank && !stacked) return undefined;
  const page = stacked ? shape.slice(1) : shape;
  const [height, width] = samples === 1 ? page : planar ? page.slice(1) : page.slice(0, 2);
  if (samples > 1 && (planar ? page[0] : page[2]) !== samples) return undefined;
  const sameShape = tiff.shape.length === shape.length && tiff.shape.every((d, k) => d === shape[k]);
  const description = sameShape ? tiff.tags.find((t) => t.tag === 270)?.value : undefined;
  return {
    pages: stacked ? shape[0] : 1, height, width, samples, planar, photometric: tiff.photometric,
    ...(typeof description === 'string' ? { description } : {}), asRead: true,
  };
}
