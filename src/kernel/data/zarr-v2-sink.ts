// Writes arrays as a Zarr v2 store (the format of the store they came from, when it was v2: zarr-python 2 reads no
// v3, and zarrita writes only v3): `.zgroup`/`.zattrs` at the root, a `.zgroup` in every folder between the root and
// an array (zarr-python finds no array below a folder without one), per array `.zarray`/`.zattrs`, and its chunks
// in the source's chunk shape, zlib-compressed as numcodecs' Zlib, edge chunks padded to the full chunk shape as the
// v2 spec asks. Rows arrive slab by slab; a row of chunks is written once its rows are all there, so memory holds one
// row of chunks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { DType, TypedArray } from '../types';
import { arrayBytes, DTYPE_BYTES } from './dtype';
import { AtomicOutput, outputError } from './files';
import { rowElements } from './npy-file';
import type { ArrayDescription, DataSink, SinkOptions } from './source';

/** numpy's type strings, as .zarray's `dtype` holds them (little-endian); float16 as float32 (zarrita reads no v2 '<f2'). */
const TYPESTR: Record<DType, string> = {
  float16: '<f4', float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8',
  uint8: '|u1', uint16: '<u2', uint32: '<u4', uint64: '<u8', bool: '|b1',
};

/** A chunk holds at most this many bytes (a source's chunks along the first axis are kept when they fit). */
const MAX_CHUNK_BYTES = 64 * 2 ** 20;
/** Rows per chunk when the source named none: about 1 MiB. */
const DEFAULT_CHUNK_BYTES = 2 ** 20;

interface ArrayOut {
  folder: string;
  description: ArrayDescription;
  chunkRows: number;
  /** Between the indices of a chunk's key: '.' ('0.1'), or '/' as the source had it (nested folders, '0/1'). */
  separator: '.' | '/';
  /** The chunk shape past the first axis (the source's, else the whole of each axis). */
  tile: number[];
  rowBytes: number;
  itemBytes: number;
  chunk: Uint8Array;
  /** Rows in `chunk` so far, and the index of the chunk being filled. */
  filled: number;
  index: number;
  written: number;
}

/**
 * The store path of an array (its own, else 'data' alone or 'arrayI'), without a leading '/'; '' for the array of a
 * store that was one array at its root, written back as such (not as a group holding 'data').
 */
export function zarrPathOf(a: ArrayDescription, i: number, count: number): string {
  if (a.path === '' && count === 1 && a.attributes?.zarr !== undefined) return '';
  return (a.path || (count === 1 ? 'data' : `array${i}`)).replace(/^\/+/, '');
}

/** Whether the arrays are one, written at the store's root (zarrPathOf ''). */
export function atRoot(arrays: ArrayDescription[]): boolean {
  return arrays.length === 1 && zarrPathOf(arrays[0], 0, 1) === '';
}

export function createZarrV2Sink(file: string, arrays: ArrayDescription[], rootAttributes: Record<string, unknown>, opts: SinkOptions): DataSink {
  const out = new AtomicOutput(file, opts, true);
  const write = (relative: string, bytes: Uint8Array | string): void => {
    const target = path.join(out.tempPath, relative);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, bytes);
    } catch (err) {
      throw outputError(err, file);
    }
  };
  const outs: ArrayOut[] = [];
  try {
    const rootArray = atRoot(arrays);
    if (!rootArray) write('.zattrs', JSON.stringify(rootAttributes));
    const groups = new Set<string>();
    for (const [i, a] of arrays.entries()) {
      const folder = zarrPathOf(a, i, arrays.length);
      if (!rootArray) for (const group of groupsAbove(folder)) groups.add(group);
      const stored: DType = a.dtype === 'float16' ? 'float32' : a.dtype;
      const rowBytes = rowElements(a.shape) * DTYPE_BYTES[stored];
      const info = a.attributes?.zarr as { attrs?: Record<string, unknown>; chunks?: number[]; fillValue?: unknown; dimensionSeparator?: string } | undefined;
      const separator = info?.dimensionSeparator === '/' ? '/' : '.';
      const wanted = info?.chunks?.[0] ?? Math.floor(DEFAULT_CHUNK_BYTES / Math.max(1, rowBytes));
      const chunkRows = Math.max(1, Math.min(a.shape[0], wanted, Math.floor(MAX_CHUNK_BYTES / Math.max(1, rowBytes))));
      const tile = a.shape.slice(1).map((n, axis) => Math.max(1, Math.min(n, info?.chunks?.[axis + 1] ?? n)));
      const attrs: Record<string, unknown> = { ...(rootArray ? rootAttributes : {}), ...(info?.attrs ?? {}) };
      if (a.names.length > 0) attrs.columns = a.names;
      // A Zarr source's exactness is its own attribute, carried in info.attrs; this link is for exactness from elsewhere.
      if (a.exact && !info) attrs.baler_exact = true;
      if (a.dtype === 'float16') attrs.baler_dtype = 'float16';
      write(path.join(folder, '.zarray'), JSON.stringify({
        zarr_format: 2, shape: a.shape, chunks: [chunkRows, ...tile], dtype: TYPESTR[a.dtype], order: 'C',
        compressor: { id: 'zlib', level: 1 }, filters: null, fill_value: fillValueOf(info), dimension_separator: separator,
      }));
      write(path.join(folder, '.zattrs'), JSON.stringify(attrs));
      outs.push({ folder, description: a, chunkRows, separator, tile, rowBytes, itemBytes: DTYPE_BYTES[stored], chunk: new Uint8Array(chunkRows * rowBytes), filled: 0, index: 0, written: 0 });
    }
    for (const group of groups) write(path.join(group, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  } catch (err) {
    out.discard();
    throw err;
  }
  const flush = (o: ArrayOut): void => {
    // The last chunk is written whole, its rows past the array's end zero (the fill value).
    o.chunk.fill(0, o.filled * o.rowBytes);
    for (const { key, bytes } of chunksOfRows(o)) write(path.join(o.folder, [o.index, ...key].join(o.separator)), deflateSync(bytes, { level: 1 }));
    o.index++;
    o.filled = 0;
  };
  return {
    async writeSlab(index, slab) {
      const o = outs[index];
      // float16 values come as float32 (the NdArray of a float16 slab), written as they are.
      const stored = slab.dtype === 'float16' ? { ...slab, dtype: 'float32' as DType } : slab;
      const bytes = arrayBytes(stored as { dtype: DType; shape: number[]; data: TypedArray });
      const rows = slab.shape[0];
      for (let r = 0; r < rows;) {
        const take = Math.min(rows - r, o.chunkRows - o.filled);
        o.chunk.set(bytes.subarray(r * o.rowBytes, (r + take) * o.rowBytes), o.filled * o.rowBytes);
        o.filled += take;
        r += take;
        if (o.filled === o.chunkRows) flush(o);
      }
      o.written += rows;
    },
    async finish() {
      const missing = outs.find((o) => o.written !== o.description.shape[0]);
      if (missing) {
        out.discard();
        throw new Error(`zarr sink: ${missing.written} rows of '${missing.description.path}' written of ${missing.description.shape[0]}`);
      }
      for (const o of outs) if (o.filled > 0) flush(o);
      out.commit();
    },
    async abort() { out.discard(); },
  };
}

/**
 * The chunks of a block of whole rows (o.chunk): one per tile of the axes past the first, each the full chunk shape,
 * its part past an axis's end zero (the fill value), as the v2 spec asks of edge chunks.
 */
function* chunksOfRows(o: ArrayOut): Generator<{ key: number[]; bytes: Uint8Array }> {
  const inner = o.description.shape.slice(1);
  if (inner.every((n, axis) => o.tile[axis] === n)) {
    yield { key: inner.map(() => 0), bytes: o.chunk };
    return;
  }
  const counts = inner.map((n, axis) => Math.ceil(n / o.tile[axis]));
  const tileBytes = o.chunkRows * o.tile.reduce((a, b) => a * b, 1) * o.itemBytes;
  // Row-major strides, in items, of the rows' axes past the first and of a tile's.
  const strides = stridesOf(inner);
  const tileStrides = stridesOf(o.tile);
  const rowItems = inner.reduce((a, b) => a * b, 1);
  const tileItems = o.tile.reduce((a, b) => a * b, 1);
  const last = inner.length - 1;
  for (const key of gridOf(counts)) {
    const bytes = new Uint8Array(tileBytes);
    const origin = key.map((k, axis) => k * o.tile[axis]);
    const extent = origin.map((start, axis) => Math.min(o.tile[axis], inner[axis] - start));
    const run = extent[last] * o.itemBytes;
    for (let r = 0; r < o.chunkRows; r++) {
      // Each line along the last axis within the tile: a run of contiguous bytes in both.
      for (const at of gridOf(extent.slice(0, last))) {
        let from = r * rowItems + origin[last];
        let to = r * tileItems;
        for (let axis = 0; axis < last; axis++) {
          from += (origin[axis] + at[axis]) * strides[axis];
          to += at[axis] * tileStrides[axis];
        }
        bytes.set(o.chunk.subarray(from * o.itemBytes, from * o.itemBytes + run), to * o.itemBytes);
      }
    }
    yield { key, bytes };
  }
}

/** The groups that hold an array at `folder` ('a/b/x'): the root '' and each folder between ('a', 'a/b'). */
export function groupsAbove(folder: string): string[] {
  const parts = folder.split('/');
  return parts.map((_, k) => parts.slice(0, k).join('/'));
}

function stridesOf(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * shape[axis + 1];
  return strides;
}

/** Every index of a grid of `counts`, row-major (one empty index for no axes). */
function* gridOf(counts: number[]): Generator<number[]> {
  const index = counts.map(() => 0);
  if (counts.some((n) => n === 0)) return;
  for (;;) {
    yield index.slice();
    let axis = counts.length - 1;
    while (axis >= 0 && ++index[axis] === counts[axis]) index[axis--] = 0;
    if (axis < 0) return;
  }
}

/**
 * A Zarr v2 source's fill_value as it was; else none (null): every chunk is written, and xarray takes fill_value as
 * _FillValue, so a fill_value of 0 would have it mask every real zero as missing.
 */
function fillValueOf(info: { fillValue?: unknown } | undefined): unknown {
  return info && info.fillValue !== undefined ? info.fillValue : null;
}
