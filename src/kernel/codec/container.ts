// The .baler container: one self-contained, versioned file.
//
//   magic        8 bytes   89 42 41 4C 45 52 0D 0A  ("\x89BALER\r\n": a text-mode CRLF/LF or 7-bit
//                          transfer breaks it; any other change of length fails the size check)
//   version      u16       format version; a reader rejects versions newer than its own
//   headerLength u32       then the UTF-8 JSON header, then u32 CRC32 of everything from byte 0 to here
//   sectionCount u16       then per section:
//                            u8 nameLength, name (UTF-8), u8 coding (0 raw, 1 zstd, 2 deflate),
//                            u8 shuffle (element bytes, 0 = none), u32 chunkCount,
//                            per chunk: u32 storedBytes, u32 rawBytes, u32 CRC32 of the stored bytes
//   tableCrc     u32       CRC32 of the section table (from sectionCount)
//   payload                the chunks of every section, in table order, back to back
//
// All integers little-endian. A chunk is shuffled and entropy-coded on its own (so chunks decode
// independently, in parallel or streamed); a chunk whose stored length equals its raw length is stored
// as is (the encoder falls back to that when coding would not make it smaller). The file must end
// exactly after the last chunk.
import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { BalerError } from '../errors';
import { compressBytes, decompressBytes, defaultLevel, normaliseCoding, shuffleBytes, unshuffleBytes } from './entropy';
import type { Coding, CodingName } from './entropy';

export const MAGIC = Uint8Array.from([0x89, 0x42, 0x41, 0x4c, 0x45, 0x52, 0x0d, 0x0a]);
export const FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_CHUNK_BYTES = 0xffff_ffff;
const CODING_IDS: Coding[] = ['raw', 'zstd', 'deflate'];

export interface SectionInput {
  name: string;
  data: Uint8Array;
  coding?: CodingName;
  /** Entropy-coding level; default: defaultLevel(coding, data.length) (zstd 19 up to 2 MiB, else 9). */
  level?: number;
  /** Element size in bytes for the byte-shuffle filter; 0 or 1 = none. */
  shuffle?: number;
  /** Raw bytes per chunk (rounded down to a whole number of shuffle elements). */
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
  /** Offset of the section's first chunk from the start of the file. */
  offset: number;
  chunks: ChunkLayout[];
}

export interface ContainerHeader {
  version: number;
  header: Record<string, unknown>;
  layout: SectionLayout[];
  /** Everything that is not section payload: magic, version, JSON header, section table, checksums. */
  headerBytes: number;
  /** headerBytes plus all stored section bytes: the exact length of a whole file. */
  totalBytes: number;
}

export interface DecodedContainer extends ContainerHeader {
  sections: Map<string, Uint8Array>;
}

// ---------------------------------------------------------------- writing

export async function encodeContainer(header: Record<string, unknown>, sections: SectionInput[]): Promise<Uint8Array> {
  checkSectionNames(sections.map((s) => s.name));
  const headerJson = new TextEncoder().encode(jsonOf(header));
  const encoded = [];
  for (const s of sections) encoded.push(await encodeSection(s));
  const writer = new ByteWriter();
  writer.bytes(MAGIC);
  writer.u16(FORMAT_VERSION);
  writer.u32(headerJson.length);
  writer.bytes(headerJson);
  writer.u32(crc32(writer.view()));
  const tableStart = writer.length;
  writer.u16(encoded.length);
  for (const s of encoded) writeSectionEntry(writer, s);
  writer.u32(crc32(writer.view().subarray(tableStart)));
  const chunks = encoded.flatMap((s) => s.chunks.map((c) => c.stored));
  const file = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, writer.length));
  file.set(writer.view());
  let at = writer.length;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  return file;
}

interface EncodedSection {
  name: Uint8Array;
  coding: Coding;
  shuffle: number;
  chunks: { stored: Uint8Array; rawBytes: number }[];
}

function checkSectionNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const len = new TextEncoder().encode(name).length;
    if (len === 0 || len > 255) throw new Error(`section name must be 1 to 255 bytes: '${name}'`);
    if (seen.has(name)) throw new Error(`duplicate section name '${name}'`);
    seen.add(name);
  }
  if (names.length > 0xffff) throw new Error(`too many sections (${names.length})`);
}

/** JSON of the header, refusing what JSON would silently change (NaN, Infinity, typed arrays). */
function jsonOf(header: Record<string, unknown>): string {
  const text = JSON.stringify(header, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`container header: '${key}' is ${value}, which JSON cannot hold`);
    }
    if (ArrayBuffer.isView(value)) throw new Error(`container header: '${key}' is a typed array; pass a plain array`);
    return value;
  });
  if (typeof text !== 'string' || !text.startsWith('{')) throw new Error('container header must be a JSON object');
  return text;
}

async function encodeSection(s: SectionInput): Promise<EncodedSection> {
  const coding = normaliseCoding(s.coding);
  const shuffle = s.shuffle ?? 0;
  if (!Number.isInteger(shuffle) || shuffle < 0 || shuffle > 255) {
    throw new Error(`section '${s.name}': shuffle element size must be 0 to 255, got ${shuffle}`);
  }
  const chunkBytes = chunkSizeFor(s.chunkBytes ?? DEFAULT_CHUNK_BYTES, shuffle);
  const level = s.level ?? defaultLevel(coding, s.data.length);
  const chunks = [];
  for (let start = 0; start < s.data.length; start += chunkBytes) {
    const raw = s.data.subarray(start, Math.min(start + chunkBytes, s.data.length));
    const filtered = shuffle > 1 ? shuffleBytes(raw, shuffle) : raw;
    const coded = coding === 'raw' ? filtered : await compressBytes(filtered, coding, level);
    // Stored length == raw length marks a chunk stored as is: coding that does not shrink it is dropped.
    const stored = coded.length < filtered.length ? coded : filtered;
    chunks.push({ stored, rawBytes: raw.length });
  }
  return { name: new TextEncoder().encode(s.name), coding, shuffle, chunks };
}

function chunkSizeFor(requested: number, shuffle: number): number {
  const element = Math.max(shuffle, 1);
  if (!Number.isInteger(requested) || requested < element) {
    throw new Error(`chunkBytes must be a whole number of at least ${element}, got ${requested}`);
  }
  const capped = Math.min(requested, MAX_CHUNK_BYTES);
  return capped - (capped % element);
}

function writeSectionEntry(writer: ByteWriter, s: EncodedSection): void {
  writer.u8(s.name.length);
  writer.bytes(s.name);
  writer.u8(CODING_IDS.indexOf(s.coding));
  writer.u8(s.shuffle);
  writer.u32(s.chunks.length);
  for (const c of s.chunks) {
    writer.u32(c.stored.length);
    writer.u32(c.rawBytes);
    writer.u32(crc32(c.stored));
  }
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  private data = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.data = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.data.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.data.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.data.setUint32(this.length, v, true);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** The bytes written so far (a view; later writes may reallocate). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

// ---------------------------------------------------------------- reading

/**
 * Parses and checks magic, version, header and section table without decoding any payload.
 * `bytes` may be just the start of the file when `fileSize` gives the whole file's length.
 */
export function readContainerHeader(bytes: Uint8Array, file?: string, opts: { fileSize?: number } = {}): ContainerHeader {
  const fileSize = opts.fileSize ?? bytes.length;
  const reader = new ByteReader(bytes, file, fileSize);
  checkMagic(bytes, file);
  reader.skip(MAGIC.length);
  const version = reader.u16('format version');
  checkVersion(version, file);
  const header = readHeaderJson(reader, bytes, file);
  const tableStart = reader.offset;
  const entries = readSectionTable(reader);
  const tableCrc = reader.u32('section table checksum');
  if (crc32(bytes.subarray(tableStart, reader.offset - 4)) !== tableCrc) {
    throw new BalerError('corrupted: checksum mismatch in the section table', file, 'ECORRUPT');
  }
  checkEntries(entries, file);
  const headerBytes = reader.offset;
  const layout = placeSections(entries, headerBytes);
  const totalBytes = layout.reduce((sum, s) => sum + s.storedBytes, headerBytes);
  if (fileSize < totalBytes) {
    throw new BalerError(`truncated: file has ${fileSize} bytes, the container needs ${totalBytes}`, file, 'ETRUNCATED');
  }
  if (fileSize > totalBytes) {
    throw new BalerError(`corrupted: ${fileSize - totalBytes} unexpected bytes after the last section`, file, 'ECORRUPT');
  }
  return { version, header, layout, headerBytes, totalBytes };
}

/** readContainerHeader on a file on disk, reading only as much of its start as the header needs. */
export function readContainerHeaderFile(path: string): ContainerHeader {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    throw new BalerError('file not found or not readable', path, 'ENOENT');
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new BalerError('is a folder, not a file', path, 'EISDIR');
    const fileSize = stat.size;
    for (let want = 64 * 1024; ; want *= 4) {
      const prefix = new Uint8Array(Math.min(want, fileSize));
      fs.readSync(fd, prefix, 0, prefix.length, 0);
      try {
        return readContainerHeader(prefix, path, { fileSize });
      } catch (err) {
        if (!(err instanceof NeedMoreBytes) || prefix.length >= fileSize) throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

export async function decodeContainer(bytes: Uint8Array, file?: string): Promise<DecodedContainer> {
  const parsed = readContainerHeader(bytes, file);
  const sections = new Map<string, Uint8Array>();
  for (const s of parsed.layout) sections.set(s.name, await decodeSection(bytes, s, file));
  return { ...parsed, sections };
}

/** Decodes one section (a new array) of a container whose header was read with readContainerHeader. */
export async function decodeSection(bytes: Uint8Array, section: SectionLayout, file?: string): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = new Uint8Array(section.rawBytes);
  } catch {
    throw new BalerError(`section '${section.name}' (${section.rawBytes} bytes) is too large to decode in memory`, file, 'ETOOLARGE');
  }
  let at = 0;
  for (const [i, chunk] of section.chunks.entries()) {
    const stored = bytes.subarray(chunk.offset, chunk.offset + chunk.storedBytes);
    const raw = await decodeStoredChunk(stored, section, i, file);
    out.set(raw, at);
    at += raw.length;
  }
  return out;
}

/**
 * Checks and decodes chunk `index` of a section from its stored bytes alone (for streaming: read
 * `chunk.storedBytes` at `chunk.offset` of the file). The result may share memory with `stored`.
 */
export async function decodeStoredChunk(stored: Uint8Array, section: SectionLayout, index: number, file?: string): Promise<Uint8Array> {
  const chunk = section.chunks[index];
  const where = `section '${section.name}' chunk ${index + 1} of ${section.chunks.length}`;
  if (stored.length !== chunk.storedBytes) {
    throw new BalerError(`truncated: file ends inside ${where}`, file, 'ETRUNCATED');
  }
  if (crc32(stored) !== chunk.crc32) {
    throw new BalerError(`corrupted: checksum mismatch in ${where}`, file, 'ECORRUPT');
  }
  let filtered: Uint8Array;
  try {
    const storedAsIs = section.coding === 'raw' || chunk.storedBytes === chunk.rawBytes;
    filtered = storedAsIs ? stored : await decompressBytes(stored, section.coding, chunk.rawBytes);
  } catch (err) {
    throw new BalerError(`corrupted: cannot decode ${where} (${(err as Error).message})`, file, 'ECORRUPT');
  }
  return section.shuffle > 1 ? unshuffleBytes(filtered, section.shuffle) : filtered;
}

/** True when the bytes start with the .baler magic number. */
export function hasContainerMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

function checkMagic(bytes: Uint8Array, file?: string): void {
  if (hasContainerMagic(bytes)) return;
  const start = bytes.subarray(0, MAGIC.length);
  if (bytes.length === 0) throw new BalerError('empty file (not a .baler file)', file, 'EFORMAT');
  if (bytes.length < MAGIC.length && MAGIC.subarray(0, bytes.length).every((b, i) => start[i] === b)) {
    throw new BalerError(`truncated: file has only ${bytes.length} bytes`, file, 'ETRUNCATED');
  }
  throw new BalerError(`not a .baler file${describeForeign(start)}`, file, 'EFORMAT');
}

function describeForeign(start: Uint8Array): string {
  const ascii = String.fromCharCode(...start);
  if (ascii.startsWith('PK\x03\x04') || ascii.startsWith('PK\x05\x06')) return ' (it is a zip archive, e.g. .npz)';
  if (ascii.startsWith('\x93NUMPY')) return ' (it is a .npy file)';
  if (ascii.startsWith('\x89HDF')) return ' (it is an HDF5 file)';
  if (ascii.startsWith('BALER') || ascii.startsWith('\x89BALER\n') || ascii.startsWith('\x89BALER\r\r')) {
    return ' (its first bytes were changed by a text-mode transfer: copy it as binary)';
  }
  if (ascii.startsWith('\xC2\x89BALER') || ascii.startsWith('\xEF\xBF\xBDBALER')) {
    return ' (it was saved as text, which re-encoded its bytes: copy it as binary)';
  }
  return ' (wrong magic number)';
}

function checkVersion(version: number, file?: string): void {
  if (version > FORMAT_VERSION) {
    throw new BalerError(
      `made by a newer Baler (format ${version}); this one reads up to format ${FORMAT_VERSION}`, file, 'EVERSION');
  }
  if (version < 1) throw new BalerError(`corrupted: invalid format version ${version}`, file, 'ECORRUPT');
}

function readHeaderJson(reader: ByteReader, bytes: Uint8Array, file?: string): Record<string, unknown> {
  const length = reader.u32('header length');
  const json = reader.take(length, 'header');
  const crc = reader.u32('header checksum');
  if (crc32(bytes.subarray(0, reader.offset - 4)) !== crc) {
    throw new BalerError('corrupted: checksum mismatch in the header', file, 'ECORRUPT');
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new BalerError('corrupted: the header is not valid JSON', file, 'ECORRUPT');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new BalerError('corrupted: the header is not a JSON object', file, 'ECORRUPT');
  }
  return header as Record<string, unknown>;
}

interface SectionEntry {
  name: string;
  coding: Coding;
  shuffle: number;
  chunks: { storedBytes: number; rawBytes: number; crc32: number }[];
}

function readSectionTable(reader: ByteReader): SectionEntry[] {
  const count = reader.u16('section count');
  const entries: SectionEntry[] = [];
  for (let i = 0; i < count; i++) {
    const nameBytes = reader.take(reader.u8('section name length'), 'section name');
    const name = new TextDecoder().decode(nameBytes);
    const codingId = reader.u8(`coding of section '${name}'`);
    const shuffle = reader.u8(`filter of section '${name}'`);
    const chunkCount = reader.u32(`chunk count of section '${name}'`);
    reader.need(chunkCount * 12, `chunk index of section '${name}'`);
    const chunks = [];
    for (let c = 0; c < chunkCount; c++) {
      chunks.push({ storedBytes: reader.u32(''), rawBytes: reader.u32(''), crc32: reader.u32('') });
    }
    const coding = CODING_IDS[codingId];
    // Checked by checkEntries after the table's checksum, so a damaged table reports that first.
    entries.push({ name, coding: coding ?? (`#${codingId}` as Coding), shuffle, chunks });
  }
  return entries;
}

function checkEntries(entries: SectionEntry[], file?: string): void {
  for (const e of entries) {
    if (!CODING_IDS.includes(e.coding)) {
      throw new BalerError(`unknown coding ${e.coding} in section '${e.name}' (made by a newer Baler?)`, file, 'EFORMAT');
    }
    for (const [i, c] of e.chunks.entries()) {
      const badRaw = e.coding === 'raw' ? c.storedBytes !== c.rawBytes : c.storedBytes > c.rawBytes;
      if (badRaw) {
        throw new BalerError(`corrupted: impossible chunk sizes in section '${e.name}' chunk ${i + 1}`, file, 'ECORRUPT');
      }
    }
  }
}

function placeSections(entries: SectionEntry[], payloadStart: number): SectionLayout[] {
  let offset = payloadStart;
  return entries.map((e) => {
    const start = offset;
    const chunks = e.chunks.map((c) => {
      const placed = { offset, ...c };
      offset += c.storedBytes;
      return placed;
    });
    const rawBytes = chunks.reduce((sum, c) => sum + c.rawBytes, 0);
    return { name: e.name, coding: e.coding, shuffle: e.shuffle, rawBytes, storedBytes: offset - start, offset: start, chunks };
  });
}

/** Thrown when a prefix of a file was given and the header reaches past it. */
class NeedMoreBytes extends BalerError {
  constructor(file?: string) {
    super('header reaches past the bytes read so far', file, 'EPREFIX');
  }
}

class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly file: string | undefined, private readonly fileSize: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number, what: string): void {
    if (this.offset + n <= this.bytes.length) return;
    if (this.offset + n <= this.fileSize) throw new NeedMoreBytes(this.file);
    const part = what || 'section table';
    throw new BalerError(`truncated or corrupted: the ${part} reaches past the end of the file`, this.file, 'ETRUNCATED');
  }
  skip(n: number): void {
    this.offset += n;
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.offset++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}
