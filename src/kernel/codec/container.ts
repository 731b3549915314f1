// The .baler container (format 4): chunks written as they are produced, the index at the end, so that a
// file larger than memory is written in one pass and read back chunk by chunk with positioned reads.
//
//   magic        8 bytes   89 42 41 4C 45 52 0D 0A  ("\x89BALER\r\n": a text-mode transfer breaks it)
//   version      u16       4 (a reader rejects versions it does not know; format 3 is format 4 with the 12-byte
//                          trailer below and header layout 1; format 2 is format 3 with the index always stored
//                          raw and without its coding byte)
//   chunks                 the stored chunks of every section, back to back, in the order of the chunk list
//   index                  u8 coding: 0 raw, or 1 brotli followed by the varuint length of the raw index (a
//                          small file's index is mostly names and source metadata, which compress well); the raw
//                          index is varuint headerLength, the typed header (header.ts), then the section table:
//                            varuint sectionCount, per section: varuint nameLength, name, u8 coding
//                            (0 raw, 1 zstd, 2 deflate), u8 shuffle (element bytes, 0 = none);
//                            varuint chunkCount, per chunk in file order: varuint section, varuint storedBytes,
//                            varuint rawBytes (format 4: absent in a raw section, where it is storedBytes),
//                            u32 CRC32 of the stored bytes
//   trailer      7 to 11   indexLength as a varuint with its bytes in reverse order (read backwards from the
//                bytes     checksum), u32 CRC32 of the index, "BR"; format 2 and 3: 12 bytes, u32 indexLength,
//                          u32 CRC32 of the index, "BALR"
//
// A small file's fixed cost is the magic and version (10 bytes), the trailer (7) and the index (header, section
// table): tens of bytes in all (docs/format.md). The magic and version are checked in container-start.ts.
// A chunk is shuffled and entropy-coded on its own, so chunks decode independently (streamed, in parallel,
// or only those a row range needs). A chunk whose stored length equals its raw length is stored as is.
// The file ends exactly after the trailer; every size is checked before anything is allocated.
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants, crc32 } from 'node:zlib';
import { BalerError } from '../errors';
import { ByteReader, ByteWriter } from './bytes';
import { compressBytes, decompressBytes, defaultLevel, normaliseCoding, shuffleBytes, unshuffleBytes } from './entropy';
import type { Coding, CodingName } from './entropy';
import { readHeader, writeHeader, type Header } from './header';
import type { ByteSink, RandomAccess } from './io';
import { checkMagic, checkVersion, FORMAT_VERSION, MAGIC, START_BYTES } from './container-start';

export { FORMAT_VERSION, hasContainerMagic, MAGIC } from './container-start';

/** Formats 2 and 3: u32 indexLength, u32 CRC32, "BALR". */
const TRAILER_BYTES_3 = 12;
const END_MARK_3 = 0x524c4142; // "BALR" little-endian
/** Format 4: reversed varuint indexLength, u32 CRC32, "BR". */
const END_MARK = Uint8Array.from([0x42, 0x52]);
const MAX_TRAILER_BYTES = 5 + 4 + END_MARK.length;
const MIN_TRAILER_BYTES = 1 + 4 + END_MARK.length;
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/** No chunk may decode to more than this: a crafted size never becomes an allocation. */
export const MAX_CHUNK_RAW_BYTES = 1 << 30;
const CODING_IDS: Coding[] = ['raw', 'zstd', 'deflate'];

export interface SectionCoding {
  coding?: CodingName;
  /** Entropy-coding level; default: defaultLevel(coding, chunk length). */
  level?: number;
  /** Element size in bytes for the byte-shuffle filter; 0 or 1 = none. */
  shuffle?: number;
}

export interface SectionInput extends SectionCoding {
  name: string;
  data: Uint8Array;
  /** Raw bytes per chunk (rounded down to whole shuffle elements); default 4 MiB. */
  chunkBytes?: number;
}

export interface ChunkLayout {
  /** Offset of the stored chunk from the start of the file. */
  offset: number;
  storedBytes: number;
  rawBytes: number;
  crc32: number;
}

export interface SectionLayout {
  name: string;
  coding: Coding;
  shuffle: number;
  rawBytes: number;
  storedBytes: number;
  chunks: ChunkLayout[];
}

export interface ContainerIndex {
  version: number;
  header: Header;
  sections: SectionLayout[];
  /** Everything that is not chunk payload: magic, version, index, trailer. */
  overheadBytes: number;
  /** The exact length of the whole file. */
  totalBytes: number;
}

// ------------------------------------------------------------------------------------------ writing

interface OpenSection {
  name: string;
  coding: Coding;
  shuffle: number;
}

/** Writes a container to a sink: chunks first (in any order of sections), then finish(header). */
export class ContainerWriter {
  private readonly sections: OpenSection[] = [];
  private readonly chunks: { section: number; storedBytes: number; rawBytes: number; crc32: number }[] = [];
  private written = START_BYTES;

  constructor(private readonly sink: ByteSink) {
    const start = new Uint8Array(START_BYTES);
    start.set(MAGIC);
    new DataView(start.buffer).setUint16(MAGIC.length, FORMAT_VERSION, true);
    sink.write(start);
  }

  /** Appends one chunk of `section`; the section's coding and shuffle are fixed by its first chunk. */
  async addChunk(name: string, raw: Uint8Array, opts: SectionCoding = {}): Promise<void> {
    const section = this.section(name, opts);
    const { coding, shuffle } = this.sections[section];
    if (raw.length > MAX_CHUNK_RAW_BYTES) {
      // A slab is as large as its rows make it (a single frame of more than 2^27 float64 values, stored as it is, is
      // over 1 GiB): the data's size, not a bug, so a BalerError rather than an internal error.
      throw new BalerError(`one slab of section '${name}' takes ${raw.length} bytes, more than a chunk of a .baler holds (${MAX_CHUNK_RAW_BYTES}): a row (frame) of this array is too large for the format`, undefined, 'ETOOLARGE');
    }
    if (shuffle > 1 && raw.length % shuffle !== 0) throw new Error(`chunk of section '${name}' is not a whole number of ${shuffle}-byte elements`);
    const filtered = shuffle > 1 ? shuffleBytes(raw, shuffle) : raw;
    const coded = coding === 'raw' ? filtered : await compressBytes(filtered, coding, opts.level ?? defaultLevel(coding, raw.length));
    const stored = coded.length < filtered.length ? coded : filtered;
    this.sink.write(stored);
    this.chunks.push({ section, storedBytes: stored.length, rawBytes: raw.length, crc32: crc32(stored) });
    this.written += stored.length;
  }

  /** Appends a chunk exactly as another container stored it (merging parts): its checksum is checked first. */
  addStoredChunk(name: string, stored: Uint8Array, rawBytes: number, crc: number, coding: Coding, shuffle: number, file?: string): void {
    if (crc32(stored) !== crc) throw new BalerError(`corrupted: checksum mismatch in a chunk of section '${name}'`, file, 'ECORRUPT');
    const section = this.section(name, { coding, shuffle });
    const s = this.sections[section];
    if (s.coding !== coding || s.shuffle !== shuffle) throw new BalerError(`section '${name}' is coded differently in the parts`, file, 'EMERGE');
    this.sink.write(stored);
    this.chunks.push({ section, storedBytes: stored.length, rawBytes, crc32: crc });
    this.written += stored.length;
  }

  /** Appends a whole section, split into chunks of `chunkBytes`. */
  async addSection(s: SectionInput): Promise<void> {
    const element = Math.max(s.shuffle ?? 0, 1);
    const requested = s.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(requested) || requested < element) throw new Error(`chunkBytes must be a whole number of at least ${element}`);
    const chunkBytes = Math.min(requested, MAX_CHUNK_RAW_BYTES) - (Math.min(requested, MAX_CHUNK_RAW_BYTES) % element);
    this.section(s.name, s);
    for (let start = 0; start < s.data.length; start += chunkBytes) {
      await this.addChunk(s.name, s.data.subarray(start, Math.min(start + chunkBytes, s.data.length)), s);
    }
  }

  private section(name: string, opts: SectionCoding): number {
    const found = this.sections.findIndex((s) => s.name === name);
    if (found >= 0) return found;
    const len = new TextEncoder().encode(name).length;
    if (len === 0 || len > 255) throw new Error(`section name must be 1 to 255 bytes: '${name}'`);
    const shuffle = opts.shuffle ?? 0;
    if (!Number.isInteger(shuffle) || shuffle < 0 || shuffle > 255) throw new Error(`section '${name}': shuffle must be 0 to 255`);
    this.sections.push({ name, coding: normaliseCoding(opts.coding), shuffle });
    return this.sections.length - 1;
  }

  /** Writes the index and trailer; returns the layout of the complete file (`file`: its name, see writeHeader). */
  finish(header: Header, file?: string): ContainerIndex {
    const index = new ByteWriter();
    const headerBytes = writeHeader(header, file);
    index.varuint(headerBytes.length);
    index.bytes(headerBytes);
    index.varuint(this.sections.length);
    for (const s of this.sections) {
      index.str(s.name);
      index.u8(CODING_IDS.indexOf(s.coding));
      index.u8(s.shuffle);
    }
    index.varuint(this.chunks.length);
    for (const c of this.chunks) {
      index.varuint(c.section);
      index.varuint(c.storedBytes);
      if (this.sections[c.section].coding !== 'raw') index.varuint(c.rawBytes);
      index.u32(c.crc32);
    }
    const indexBytes = packIndex(index.finish());
    const trailer = trailerFor(indexBytes);
    this.sink.write(indexBytes);
    this.sink.write(trailer);
    const totalBytes = this.written + indexBytes.length + trailer.length;
    return { version: FORMAT_VERSION, header, sections: placeChunks(this.sections, this.chunks), overheadBytes: totalBytes - (this.written - START_BYTES), totalBytes };
  }
}

/** A whole container in memory (small files, model files, measuring a candidate's exact size). */
export async function encodeContainer(header: Header, sections: SectionInput[], file?: string): Promise<{ bytes: Uint8Array; index: ContainerIndex }> {
  const parts: Uint8Array[] = [];
  const writer = new ContainerWriter({ write: (b) => parts.push(b.slice()) });
  for (const s of sections) await writer.addSection(s);
  const index = writer.finish(header, file);
  const bytes = new Uint8Array(index.totalBytes);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, index };
}

function placeChunks(sections: OpenSection[], chunks: { section: number; storedBytes: number; rawBytes: number; crc32: number }[]): SectionLayout[] {
  const layout: SectionLayout[] = sections.map((s) => ({ ...s, rawBytes: 0, storedBytes: 0, chunks: [] }));
  let offset = START_BYTES;
  for (const c of chunks) {
    const s = layout[c.section];
    s.chunks.push({ offset, storedBytes: c.storedBytes, rawBytes: c.rawBytes, crc32: c.crc32 });
    s.rawBytes += c.rawBytes;
    s.storedBytes += c.storedBytes;
    offset += c.storedBytes;
  }
  return layout;
}

// ------------------------------------------------------------------------------------------ reading

/** Reads and checks magic, version, trailer, index and header; decodes no chunk. */
export function readContainerIndex(source: RandomAccess, file?: string): ContainerIndex {
  const size = source.size;
  if (size === 0) throw new BalerError('empty file (not a .baler file)', file, 'EFORMAT');
  const start = source.read(0, Math.min(START_BYTES, size));
  checkMagic(start, file);
  if (size < START_BYTES) throw new BalerError(`truncated: file has only ${size} bytes`, file, 'ETRUNCATED');
  const version = new DataView(start.buffer, start.byteOffset).getUint16(MAGIC.length, true);
  checkVersion(version, file);
  const { indexLength, checksum, trailerBytes } = readTrailer(source, version, file);
  if (indexLength > size - START_BYTES - trailerBytes) throw new BalerError('corrupted: the index is longer than the file', file, 'ECORRUPT');
  const indexBytes = source.read(size - trailerBytes - indexLength, indexLength);
  if (crc32(indexBytes) !== checksum) throw new BalerError('corrupted: checksum mismatch in the index', file, 'ECORRUPT');
  const raw = version === 2 ? indexBytes : unpackIndex(indexBytes, file);
  const r = new ByteReader(raw, file, 'index');
  const header = readHeader(r.take(r.varuint('header length', raw.length), 'header'), file);
  const sections = readSectionTable(r, version);
  r.end();
  const payload = size - START_BYTES - indexLength - trailerBytes;
  const stored = sections.reduce((n, s) => n + s.storedBytes, 0);
  if (stored !== payload) {
    throw new BalerError(`corrupted: the chunks take ${stored} bytes, the file holds ${payload}`, file, 'ECORRUPT');
  }
  return { version, header, sections, overheadBytes: size - payload, totalBytes: size };
}

/** The trailer of a format-4 file closing this stored index. */
export function trailerFor(indexBytes: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.varuint(indexBytes.length);
  const length = w.finish().reverse();
  const trailer = new Uint8Array(length.length + 4 + END_MARK.length);
  trailer.set(length);
  new DataView(trailer.buffer).setUint32(length.length, crc32(indexBytes), true);
  trailer.set(END_MARK, length.length + 4);
  return trailer;
}

const CUT_SHORT = 'truncated or corrupted: the file does not end with the container\'s index (was it cut short?)';

/** The stored index's length and checksum from the end of a file of this version, and the trailer's own length. */
export function readTrailer(source: RandomAccess, version: number, file?: string): { indexLength: number; checksum: number; trailerBytes: number } {
  const size = source.size;
  const truncated = () => new BalerError(`truncated: file has only ${size} bytes`, file, 'ETRUNCATED');
  if (version <= 3) {
    if (size < START_BYTES + TRAILER_BYTES_3) throw truncated();
    const trailer = source.read(size - TRAILER_BYTES_3, TRAILER_BYTES_3);
    const view = new DataView(trailer.buffer, trailer.byteOffset, TRAILER_BYTES_3);
    if (view.getUint32(8, true) !== END_MARK_3) throw new BalerError(CUT_SHORT, file, 'ETRUNCATED');
    return { indexLength: view.getUint32(0, true), checksum: view.getUint32(4, true), trailerBytes: TRAILER_BYTES_3 };
  }
  if (size < START_BYTES + MIN_TRAILER_BYTES) throw truncated();
  const tail = source.read(size - Math.min(MAX_TRAILER_BYTES, size - START_BYTES), Math.min(MAX_TRAILER_BYTES, size - START_BYTES));
  const end = tail.length;
  if (tail[end - 2] !== END_MARK[0] || tail[end - 1] !== END_MARK[1]) throw new BalerError(CUT_SHORT, file, 'ETRUNCATED');
  const checksum = new DataView(tail.buffer, tail.byteOffset + end - 6, 4).getUint32(0, true);
  // The length's varuint, read backwards from just before the checksum.
  let indexLength = 0;
  for (let k = 0, at = end - 7; ; k++, at--) {
    if (at < 0 || k >= 5) throw new BalerError('corrupted: the index length in the trailer is not a valid varint', file, 'ECORRUPT');
    indexLength += (tail[at] & 0x7f) * 2 ** (7 * k);
    if ((tail[at] & 0x80) === 0) return { indexLength, checksum, trailerBytes: end - at };
  }
}

/** No index may decode to more than this (a few hundred bytes per chunk: far above any real file's). */
const MAX_INDEX_RAW_BYTES = 256 * 1024 * 1024;
const INDEX_RAW = 0;
const INDEX_BROTLI = 1;

/**
 * Up to this size the index is coded with brotli's best quality (about 2 s a MB); beyond it (strings kept beside the
 * data) with quality 5, 40 times faster for a fifth more bytes.
 */
const BEST_INDEX_CODING_BYTES = 1 << 20;

/** The index as stored: its coding byte, then the raw index or its brotli coding when that is smaller. */
export function packIndex(raw: Uint8Array): Uint8Array {
  const quality = raw.length <= BEST_INDEX_CODING_BYTES ? 11 : 5;
  const packed = brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: quality, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  const w = new ByteWriter();
  if (packed.length + 5 < raw.length) {
    w.u8(INDEX_BROTLI);
    w.varuint(raw.length);
    w.bytes(packed);
  } else {
    w.u8(INDEX_RAW);
    w.bytes(raw);
  }
  return w.finish();
}

/** The raw index of a stored one; a crafted length never becomes an allocation beyond the limit. */
export function unpackIndex(stored: Uint8Array, file?: string): Uint8Array {
  const r = new ByteReader(stored, file, 'index');
  const coding = r.u8('index coding');
  if (coding === INDEX_RAW) return stored.subarray(1);
  if (coding !== INDEX_BROTLI) r.fail(`unknown index coding ${coding}`);
  const rawLength = r.varuint('index length', MAX_INDEX_RAW_BYTES);
  let raw: Uint8Array;
  try {
    raw = brotliDecompressSync(r.take(r.remaining, 'index'), { maxOutputLength: Math.max(1, rawLength) });
  } catch {
    throw new BalerError('corrupted: the index does not decompress', file, 'ECORRUPT');
  }
  if (raw.length !== rawLength) throw new BalerError(`corrupted: the index decompresses to ${raw.length} bytes, not ${rawLength}`, file, 'ECORRUPT');
  return raw;
}

function readSectionTable(r: ByteReader, version: number): SectionLayout[] {
  const count = r.count('section count', 3, 0xffff);
  const sections: OpenSection[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.str('section name', 255);
    if (name.length === 0 || sections.some((s) => s.name === name)) r.fail(`bad or repeated section name '${name}'`);
    const coding = r.choice(`coding of section '${name}'`, CODING_IDS);
    const shuffle = r.u8(`shuffle of section '${name}'`);
    sections.push({ name, coding, shuffle });
  }
  const chunkCount = r.count('chunk count', version >= 4 ? 6 : 7);
  const chunks = [];
  for (let i = 0; i < chunkCount; i++) {
    const section = r.varuint('chunk section', Math.max(0, count - 1));
    const { coding, shuffle } = sections[section] ?? r.fail('chunk of an unknown section');
    const storedBytes = r.varuint('chunk stored size');
    const rawBytes = version >= 4 && coding === 'raw' ? storedBytes : r.varuint('chunk size', MAX_CHUNK_RAW_BYTES);
    if (rawBytes > MAX_CHUNK_RAW_BYTES) r.fail(`chunk size ${rawBytes} is out of range (at most ${MAX_CHUNK_RAW_BYTES})`);
    const crc = r.u32('chunk checksum');
    const badSize = coding === 'raw' ? storedBytes !== rawBytes : storedBytes > rawBytes;
    if (badSize || (shuffle > 1 && rawBytes % shuffle !== 0)) r.fail(`impossible chunk sizes in section '${sections[section].name}'`);
    chunks.push({ section, storedBytes, rawBytes, crc32: crc });
  }
  return placeChunks(sections, chunks);
}

/** Chunk `index` of a section as stored, its length and checksum checked (not decoded). */
function readStoredChunk(source: RandomAccess, section: SectionLayout, index: number, file?: string): { chunk: ChunkLayout; stored: Uint8Array; where: string } {
  const chunk = section.chunks[index];
  const where = `section '${section.name}' chunk ${index + 1} of ${section.chunks.length}`;
  if (!chunk) throw new BalerError(`corrupted: ${where} is missing`, file, 'ECORRUPT');
  const stored = source.read(chunk.offset, chunk.storedBytes);
  if (stored.length !== chunk.storedBytes) throw new BalerError(`truncated: file ends inside ${where}`, file, 'ETRUNCATED');
  if (crc32(stored) !== chunk.crc32) throw new BalerError(`corrupted: checksum mismatch in ${where}`, file, 'ECORRUPT');
  return { chunk, stored, where };
}

/**
 * Checks every chunk's checksum against the bytes stored, one chunk in memory at a time, decoding none: what a
 * look at a file (`info`) can say of its bytes without decompressing it. Throws on the first that does not match.
 */
export function checkChunks(source: RandomAccess, sections: SectionLayout[], file?: string): { chunks: number; bytes: number } {
  let chunks = 0;
  let bytes = 0;
  for (const section of sections) {
    for (let i = 0; i < section.chunks.length; i++) {
      bytes += readStoredChunk(source, section, i, file).stored.length;
      chunks++;
    }
  }
  return { chunks, bytes };
}

/** Reads, checks and decodes chunk `index` of a section. The result may share memory with the read. */
export async function readChunk(source: RandomAccess, section: SectionLayout, index: number, file?: string): Promise<Uint8Array> {
  const { chunk, stored, where } = readStoredChunk(source, section, index, file);
  let filtered: Uint8Array;
  try {
    const asIs = section.coding === 'raw' || chunk.storedBytes === chunk.rawBytes;
    filtered = asIs ? stored : await decompressBytes(stored, section.coding, chunk.rawBytes);
  } catch (err) {
    if (err instanceof BalerError) throw err; // not the bytes: zstd could not start
    throw new BalerError(`corrupted: cannot decode ${where} (${(err as Error).message})`, file, 'ECORRUPT');
  }
  if (filtered.length !== chunk.rawBytes) throw new BalerError(`corrupted: ${where} decodes to the wrong size`, file, 'ECORRUPT');
  return section.shuffle > 1 ? unshuffleBytes(filtered, section.shuffle) : filtered;
}

/** A whole section, chunks concatenated; refused when it is larger than `maxBytes`. */
export async function readSection(source: RandomAccess, section: SectionLayout, file?: string, maxBytes = MAX_CHUNK_RAW_BYTES): Promise<Uint8Array> {
  if (section.rawBytes > maxBytes) {
    throw new BalerError(`section '${section.name}' (${section.rawBytes} bytes) is larger than the memory budget allows`, file, 'ETOOLARGE');
  }
  const out = new Uint8Array(section.rawBytes);
  let at = 0;
  for (let i = 0; i < section.chunks.length; i++) {
    const raw = await readChunk(source, section, i, file);
    out.set(raw, at);
    at += raw.length;
  }
  return out;
}
