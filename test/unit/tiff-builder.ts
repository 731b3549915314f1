// Crafts TIFF files byte by byte for the reader's tests, independently of the product's writer: either byte order,
// classic or BigTIFF, strips or tiles, chunky or planar samples, and each compression and predictor the reader decodes.
import { deflateSync } from 'node:zlib';

export interface PageSpec {
  width: number;
  height: number;
  samples?: number;
  bits: 8 | 16 | 32 | 64;
  /** SampleFormat: 1 unsigned, 2 signed, 3 float. */
  format?: number;
  planar?: boolean;
  /** Tile width and height; strips otherwise. */
  tile?: [number, number];
  rowsPerStrip?: number;
  compression?: 1 | 5 | 8 | 32773 | number;
  predictor?: 1 | 2 | 3;
  photometric?: number;
  /** Values in C order of the page: [height, width, samples] chunky, [samples, height, width] planar. */
  values: ArrayLike<number>;
  extraTags?: { tag: number; type: number; values: number[] | string }[];
  subfileType?: number;
}

export interface FileSpec {
  littleEndian?: boolean;
  bigTiff?: boolean;
  /** Make the last page's directory link back to the first. */
  loop?: boolean;
}

/** A TIFF file holding `pages`. */
export function buildTiff(pages: PageSpec[], spec: FileSpec = {}): Uint8Array {
  const le = spec.littleEndian ?? true;
  const big = spec.bigTiff ?? false;
  const parts: Uint8Array[] = [];
  let size = big ? 16 : 8;
  const append = (bytes: Uint8Array): number => {
    if (size % 2) { parts.push(new Uint8Array(1)); size++; }
    parts.push(bytes);
    const at = size;
    size += bytes.length;
    return at;
  };
  const placed = pages.map((page) => chunksOf(page, le).map((c) => ({ offset: append(c), length: c.length })));
  const ifdOffsets: number[] = [];
  const directories = pages.map((page, k) => directoryFields(page, placed[k], big));
  // lay out the directories, then write them linked
  let at = size + (size % 2);
  for (const fields of directories) {
    ifdOffsets.push(at);
    const bytes = serialise(fields, 0, 0, le, big).length;
    at += bytes + (bytes % 2);
  }
  directories.forEach((fields, k) => {
    const next = k + 1 < pages.length ? ifdOffsets[k + 1] : spec.loop ? ifdOffsets[0] : 0;
    append(serialise(fields, ifdOffsets[k], next, le, big));
  });
  const head = new DataView(new ArrayBuffer(big ? 16 : 8));
  head.setUint8(0, le ? 0x49 : 0x4d);
  head.setUint8(1, le ? 0x49 : 0x4d);
  head.setUint16(2, big ? 43 : 42, le);
  if (big) {
    head.setUint16(4, 8, le);
    head.setBigUint64(8, BigInt(ifdOffsets[0]), le);
  } else {
    head.setUint32(4, ifdOffsets[0], le);
  }
  const out = new Uint8Array(size);
  out.set(new Uint8Array(head.buffer), 0);
  let pos = big ? 16 : 8;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}

type Field = { tag: number; type: number; values: number[] | string };

function directoryFields(page: PageSpec, chunks: { offset: number; length: number }[], big: boolean): Field[] {
  const samples = page.samples ?? 1;
  const offsetType = big ? 16 : 4;
  const fields: Field[] = [
    { tag: 256, type: 4, values: [page.width] }, { tag: 257, type: 4, values: [page.height] },
    { tag: 258, type: 3, values: Array(samples).fill(page.bits) }, { tag: 259, type: 3, values: [page.compression ?? 1] },
    { tag: 262, type: 3, values: [page.photometric ?? (samples >= 3 ? 2 : 1)] }, { tag: 277, type: 3, values: [samples] },
    { tag: 284, type: 3, values: [page.planar ? 2 : 1] }, { tag: 339, type: 3, values: Array(samples).fill(page.format ?? 1) },
    ...(page.subfileType !== undefined ? [{ tag: 254, type: 4, values: [page.subfileType] }] : []),
    ...(page.predictor && page.predictor !== 1 ? [{ tag: 317, type: 3, values: [page.predictor] }] : []),
    ...(page.extraTags ?? []),
  ];
  if (page.tile) {
    fields.push({ tag: 322, type: 3, values: [page.tile[0]] }, { tag: 323, type: 3, values: [page.tile[1]] });
    fields.push({ tag: 324, type: offsetType, values: chunks.map((c) => c.offset) }, { tag: 325, type: offsetType, values: chunks.map((c) => c.length) });
  } else {
    fields.push({ tag: 278, type: 4, values: [page.rowsPerStrip ?? page.height] });
    fields.push({ tag: 273, type: offsetType, values: chunks.map((c) => c.offset) }, { tag: 279, type: offsetType, values: chunks.map((c) => c.length) });
  }
  return fields.sort((a, b) => a.tag - b.tag);
}

const SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 11: 4, 12: 8, 16: 8 };

function valueBytes(f: Field, le: boolean): Uint8Array {
  if (typeof f.values === 'string') return new Uint8Array(Buffer.from(`${f.values}\0`, 'latin1'));
  const word = f.type === 5 ? 4 : SIZES[f.type];
  const out = new Uint8Array(f.values.length * word);
  const view = new DataView(out.buffer);
  f.values.forEach((v, i) => {
    const at = i * word;
    if (word === 1) view.setUint8(at, v);
    else if (f.type === 3) view.setUint16(at, v, le);
    else if (f.type === 4 || f.type === 5) view.setUint32(at, v, le);
    else if (f.type === 11) view.setFloat32(at, v, le);
    else if (f.type === 12) view.setFloat64(at, v, le);
    else view.setBigUint64(at, BigInt(v), le);
  });
  return out;
}

function serialise(fields: Field[], offset: number, next: number, le: boolean, big: boolean): Uint8Array {
  const inline = big ? 8 : 4;
  const entry = big ? 20 : 12;
  const head = big ? 8 : 2;
  const values = fields.map((f) => valueBytes(f, le));
  let extra = head + fields.length * entry + (big ? 8 : 4);
  const total = extra + values.reduce((n, v) => n + (v.length > inline ? v.length + (v.length % 2) : 0), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  if (big) view.setBigUint64(0, BigInt(fields.length), le);
  else view.setUint16(0, fields.length, le);
  fields.forEach((f, k) => {
    const at = head + k * entry;
    const v = values[k];
    const count = typeof f.values === 'string' ? v.length : f.type === 5 ? f.values.length / 2 : f.values.length;
    view.setUint16(at, f.tag, le);
    view.setUint16(at + 2, f.type, le);
    if (big) view.setBigUint64(at + 4, BigInt(count), le);
    else view.setUint32(at + 4, count, le);
    const field = at + (big ? 12 : 8);
    if (v.length <= inline) out.set(v, field);
    else {
      out.set(v, extra);
      if (big) view.setBigUint64(field, BigInt(offset + extra), le);
      else view.setUint32(field, offset + extra, le);
      extra += v.length + (v.length % 2);
    }
  });
  if (big) view.setBigUint64(head + fields.length * entry, BigInt(next), le);
  else view.setUint32(head + fields.length * entry, next, le);
  return out;
}

/** The page's strips or tiles, predicted, in the file's byte order and compressed. */
function chunksOf(page: PageSpec, le: boolean): Uint8Array[] {
  const samples = page.samples ?? 1;
  const sampleBytes = page.bits / 8;
  const spc = page.planar ? 1 : samples;
  const [cw, ch] = page.tile ?? [page.width, page.rowsPerStrip ?? page.height];
  const across = Math.ceil(page.width / cw);
  const down = Math.ceil(page.height / ch);
  const planeValues = page.width * page.height * spc;
  const chunks: Uint8Array[] = [];
  for (let p = 0; p < (page.planar ? samples : 1); p++) {
    for (let ty = 0; ty < down; ty++) {
      for (let tx = 0; tx < across; tx++) {
        const rows = page.tile ? ch : Math.min(ch, page.height - ty * ch);
        const values: number[] = [];
        for (let y = 0; y < rows; y++) {
          for (let x = 0; x < cw; x++) {
            for (let s = 0; s < spc; s++) {
              const yy = ty * ch + y;
              const xx = tx * cw + x;
              values.push(yy < page.height && xx < page.width ? Number(page.values[p * planeValues + (yy * page.width + xx) * spc + s]) : 0);
            }
          }
        }
        let bytes = encodeSamples(values, page.bits, page.format ?? 1);
        if (page.predictor === 2) bytes = horizontalDifference(bytes, cw * spc, spc, sampleBytes);
        if (page.predictor === 3) bytes = floatDifference(bytes, cw * spc, spc, sampleBytes);
        else if (!le) swap(bytes, sampleBytes);
        chunks.push(compress(bytes, page.compression ?? 1));
      }
    }
  }
  return chunks;
}

function encodeSamples(values: number[], bits: number, format: number): Uint8Array {
  const bytes = new Uint8Array(values.length * (bits / 8));
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const at = i * (bits / 8);
    if (format === 3) (bits === 32 ? view.setFloat32(at, v, true) : view.setFloat64(at, v, true));
    else if (bits === 8) view.setUint8(at, v & 0xff);
    else if (bits === 16) view.setUint16(at, v & 0xffff, true);
    else if (bits === 32) view.setUint32(at, v >>> 0, true);
    else view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true);
  });
  return bytes;
}

function swap(bytes: Uint8Array, word: number): void {
  for (let i = 0; i < bytes.length; i += word) bytes.subarray(i, i + word).reverse();
}

function horizontalDifference(bytes: Uint8Array, rowSamples: number, spc: number, sampleBytes: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const get = (i: number) => (sampleBytes === 1 ? view.getUint8(i) : sampleBytes === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true));
  const set = (i: number, v: number) => (sampleBytes === 1 ? view.setUint8(i, v & 0xff) : sampleBytes === 2 ? view.setUint16(i * 2, v & 0xffff, true) : view.setUint32(i * 4, v >>> 0, true));
  const n = out.length / sampleBytes;
  for (let base = 0; base < n; base += rowSamples) for (let i = base + rowSamples - 1; i >= base + spc; i--) set(i, get(i) - get(i - spc));
  return out;
}

/** The floating-point predictor: each row's bytes as planes, most significant first, then differenced byte by byte. */
function floatDifference(bytes: Uint8Array, rowSamples: number, spc: number, sampleBytes: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  const rowBytes = rowSamples * sampleBytes;
  for (let r = 0; r < bytes.length / rowBytes; r++) {
    const row = out.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let s = 0; s < rowSamples; s++) {
      for (let b = 0; b < sampleBytes; b++) row[(sampleBytes - 1 - b) * rowSamples + s] = bytes[r * rowBytes + s * sampleBytes + b];
    }
    for (let i = rowBytes - 1; i >= spc; i--) row[i] = (row[i] - row[i - spc]) & 0xff;
  }
  return out;
}

function compress(bytes: Uint8Array, compression: number): Uint8Array {
  if (compression === 8) return new Uint8Array(deflateSync(bytes));
  if (compression === 5) return lzwEncode(bytes);
  if (compression === 32773) return packBitsEncode(bytes);
  return bytes;
}

/** PackBits: runs of three or more equal bytes as repeats, the rest as literals. */
export function packBitsEncode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && run < 128 && bytes[i + run] === bytes[i]) run++;
    if (run >= 3) {
      out.push((1 - run) & 0xff, bytes[i]);
      i += run;
      continue;
    }
    const start = i;
    while (i < bytes.length && i - start < 128 && !(i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2])) i++;
    out.push(i - start - 1, ...bytes.subarray(start, i));
  }
  return Uint8Array.from(out);
}

/** TIFF LZW: a clear code first, codes MSB first growing from 9 to 12 bits one code early, cleared when full. */
export function lzwEncode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let nbits = 0;
  let width = 9;
  const emit = (code: number): void => {
    acc = (acc << width) | code;
    nbits += width;
    while (nbits >= 8) {
      out.push((acc >>> (nbits - 8)) & 0xff);
      nbits -= 8;
    }
    acc &= (1 << nbits) - 1;
  };
  let dict = new Map<string, number>();
  let next = 258;
  emit(256);
  let w = -1;
  let key = '';
  for (const c of bytes) {
    if (w < 0) { w = c; key = String(c); continue; }
    const wc = `${key},${c}`;
    const known = dict.get(wc);
    if (known !== undefined) { w = known; key = wc; continue; }
    emit(w);
    dict.set(wc, next++);
    if (next > (1 << width) - 1 && width < 12) width++;
    if (next >= 4094) {
      emit(256);
      dict = new Map();
      next = 258;
      width = 9;
    }
    w = c;
    key = String(c);
  }
  if (w >= 0) {
    emit(w);
    if (++next > (1 << width) - 1 && width < 12) width++; // as libtiff: the last code counts as an entry
  }
  emit(257);
  if (nbits > 0) out.push((acc << (8 - nbits)) & 0xff);
  return Uint8Array.from(out);
}
