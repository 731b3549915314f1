// How the fuzzer damages a valid file. Two families:
//  - damage that leaves the checksums as they are (bit flips, truncations, splices): the file must be refused
//    or decode to exactly what the valid file decodes to;
//  - forged edits that recompute the index checksum (header and section-table bytes, semantic header fields)
//    or every checksum (chunk payloads), so that the validation behind the checksums is reached: the file must
//    be refused cleanly or decode without crashing; a self-consistent forged file may decode to other data.
import { crc32 } from 'node:zlib';
import { ByteReader, ByteWriter } from '../../src/kernel/codec/bytes';
import { readHeader, writeHeader, type DataHeader, type Header } from '../../src/kernel/codec/header';
import { DTYPES } from '../../src/kernel/codec/header';
import { packIndex, readTrailer, trailerFor, unpackIndex } from '../../src/kernel/codec/container';
import { bytesAccess } from '../../src/kernel/codec/io';
import { DTYPE_BYTES } from '../../src/kernel/data/dtype';

export type Rng = () => number;

export interface Mutant {
  kind: string;
  bytes: Uint8Array;
  /** Checksums were recomputed: a decodable result may legitimately differ from the valid file's. */
  forged: boolean;
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff];

/** The parts of a container (format 3 or 4): chunk payload, index (header, section table) and trailer. */
interface Parsed {
  version: number;
  payloadStart: number;
  payloadEnd: number;
  header: Uint8Array;
  sections: { name: string; coding: number; shuffle: number }[];
  chunks: { section: number; stored: number; raw: number; crc: number }[];
}

/** Format 4 stores no raw size for a chunk of a raw section (coding 0): it is the stored size. */
const storesRawSize = (version: number, coding: number) => version < 4 || coding !== 0;

function parse(bytes: Uint8Array): Parsed {
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(8, true);
  const { indexLength, trailerBytes } = readTrailer(bytesAccess(bytes), version);
  const indexStart = bytes.length - trailerBytes - indexLength;
  const r = new ByteReader(unpackIndex(bytes.subarray(indexStart, bytes.length - trailerBytes)));
  const header = r.take(r.varuint('h'), 'h');
  const sections = Array.from({ length: r.varuint('s') }, () => ({ name: r.str('n'), coding: r.u8('c'), shuffle: r.u8('s') }));
  const chunks = Array.from({ length: r.varuint('c') }, () => {
    const section = r.varuint('s');
    const stored = r.varuint('s');
    const raw = storesRawSize(version, sections[section].coding) ? r.varuint('r') : stored;
    return { section, stored, raw, crc: r.u32('c') };
  });
  return { version, payloadStart: 10, payloadEnd: indexStart, header, sections, chunks };
}

function assemble(bytes: Uint8Array, p: Parsed, payload = bytes.subarray(p.payloadStart, p.payloadEnd)): Uint8Array {
  const w = new ByteWriter();
  w.varuint(p.header.length);
  w.bytes(p.header);
  w.varuint(p.sections.length);
  for (const s of p.sections) {
    w.str(s.name);
    w.u8(s.coding);
    w.u8(s.shuffle);
  }
  w.varuint(p.chunks.length);
  for (const c of p.chunks) {
    w.varuint(c.section);
    w.varuint(c.stored);
    // A forged section number may name no section: its raw size is written as format 3 would.
    if (storesRawSize(p.version, p.sections[c.section]?.coding ?? 1)) w.varuint(c.raw);
    w.u32(c.crc);
  }
  const index = packIndex(w.finish());
  const trailer = p.version >= 4 ? trailerFor(index) : trailer3(index);
  const out = new Uint8Array(p.payloadStart + payload.length + index.length + trailer.length);
  out.set(bytes.subarray(0, p.payloadStart));
  out.set(payload, p.payloadStart);
  out.set(index, p.payloadStart + payload.length);
  out.set(trailer, out.length - trailer.length);
  return out;
}

/** Format 3's trailer: u32 index length, u32 CRC32 of the index, "BALR". */
function trailer3(index: Uint8Array): Uint8Array {
  const trailer = new Uint8Array(12);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, index.length, true);
  view.setUint32(4, crc32(index), true);
  trailer.set([0x42, 0x41, 0x4c, 0x52], 8);
  return trailer;
}

function flipBits(bytes: Uint8Array, rng: Rng): Mutant {
  const out = bytes.slice();
  for (let k = 1 + int(rng, 3); k > 0; k--) out[int(rng, out.length)] ^= 1 << int(rng, 8);
  return { kind: 'bit flips', bytes: out, forged: false };
}

function truncate(bytes: Uint8Array, rng: Rng): Mutant {
  return { kind: 'truncation', bytes: bytes.slice(0, int(rng, bytes.length)), forged: false };
}

function splice(bytes: Uint8Array, rng: Rng, other: Uint8Array): Mutant {
  const a = int(rng, bytes.length);
  const b = Math.min(bytes.length, a + 1 + int(rng, 64));
  switch (int(rng, 4)) {
    case 0: return { kind: 'splice: delete', bytes: Uint8Array.from([...bytes.subarray(0, a), ...bytes.subarray(b)]), forged: false };
    case 1: return { kind: 'splice: insert', bytes: Uint8Array.from([...bytes.subarray(0, a), ...Array.from({ length: 1 + int(rng, 16) }, () => int(rng, 256)), ...bytes.subarray(a)]), forged: false };
    case 2: return { kind: 'splice: duplicate', bytes: Uint8Array.from([...bytes.subarray(0, b), ...bytes.subarray(a, b), ...bytes.subarray(b)]), forged: false };
    default: {
      const out = bytes.slice();
      out.set(other.subarray(a, Math.min(other.length, b)), a);
      return { kind: 'splice: other file', bytes: out, forged: false };
    }
  }
}

function headerBytes(bytes: Uint8Array, rng: Rng): Mutant {
  const p = parse(bytes);
  const header = p.header.slice();
  for (let k = 1 + int(rng, 2); k > 0; k--) header[int(rng, header.length)] = rng() < 0.5 ? INTERESTING[int(rng, INTERESTING.length)] : int(rng, 256);
  return { kind: 'header bytes (index checksum forged)', bytes: assemble(bytes, { ...p, header }), forged: true };
}

function tableEntries(bytes: Uint8Array, rng: Rng): Mutant {
  const p = parse(bytes);
  if (p.chunks.length === 0) return headerBytes(bytes, rng); // a file of constants has no section
  const chunks = p.chunks.map((c) => ({ ...c }));
  const sections = p.sections.map((s) => ({ ...s }));
  const c = chunks[int(rng, chunks.length)];
  switch (int(rng, 6)) {
    case 0: c.raw = [0, 1, c.raw + 1, c.raw * 2, 2 ** 31, 2 ** 40][int(rng, 6)]; break;
    case 1: c.stored = Math.max(0, c.stored + [-1, 1, 8][int(rng, 3)]); break;
    case 2: c.section = int(rng, sections.length + 1); break;
    case 3: sections[int(rng, sections.length)].shuffle = [0, 2, 3, 4, 8, 255][int(rng, 6)]; break;
    case 4: sections[int(rng, sections.length)].coding = int(rng, 4); break;
    default: if (chunks.length > 1) chunks.splice(int(rng, chunks.length), 1); break;
  }
  return { kind: 'section table (index checksum forged)', bytes: assemble(bytes, { ...p, chunks, sections }), forged: true };
}

function semanticHeader(bytes: Uint8Array, rng: Rng): Mutant {
  const p = parse(bytes);
  const h: Header = readHeader(p.header);
  if (h.kind === 'data') mutateData(h, rng);
  else if (h.kind === 'model') h.decoderPrecision = (['float32', 'float16', 'int8', 'int16'] as const)[int(rng, 4)];
  else h.family = (['basis', 'columns'] as const)[int(rng, 2)];
  let header: Uint8Array;
  try {
    header = writeHeader(h);
  } catch {
    return headerBytes(bytes, rng);
  }
  return { kind: 'header fields (index checksum forged)', bytes: assemble(bytes, { ...p, header }), forged: true };
}

function mutateData(h: DataHeader, rng: Rng): void {
  const a = h.arrays[int(rng, h.arrays.length)];
  const c = a.codec;
  const model = c.mode === 'autoencoder' ? c.model : c.mode === 'error-bounded' ? c.prediction : undefined;
  const choices: (() => void)[] = [
    () => { const d = int(rng, a.shape.length); a.shape[d] = Math.max(1, [a.shape[d] * 2, a.shape[d] + 1, a.shape[d] - 1, 4_000_000_000, 1][int(rng, 5)]); },
    () => { a.slabRows = Math.max(1, [1, a.slabRows - 1, a.slabRows + 1, a.shape[0]][int(rng, 4)]); },
    () => { a.dtype = DTYPES[int(rng, DTYPES.length)]; },
    () => { a.kind = a.kind === 'table' ? 'frames' : 'table'; },
    () => { a.names = a.names.length ? a.names.slice(1) : ['x']; },
    () => { h.arrays.push({ ...a, path: `${a.path}/copy` }); },
    () => { if (c.mode === 'error-bounded') c.tolerances = c.tolerances.length > 1 ? [c.tolerances[0]] : [1, 2]; },
    () => { if (c.mode === 'error-bounded') c.bound = { kind: (['abs', 'rel', 'pw-rel'] as const)[int(rng, 3)], value: [0, 1e-9, 0.5, 0.999][int(rng, 4)] }; },
    () => { a.codec = { mode: 'lossless' }; },
    () => { a.codec = { mode: 'constant', value: new Uint8Array(DTYPE_BYTES[a.dtype]).fill([0, 0x7f, 0xff][int(rng, 3)]) }; },
    () => { if (c.mode === 'constant') a.dtype = DTYPES[int(rng, DTYPES.length)]; },
    () => { if (model) model.latentSize = model.architecture.latent = model.latentSize + 1; },
    () => { if (model) model.normalisation = { kind: 'minmax', min: [0], max: [1] }; },
    () => { if (model) model.latentPrecision = model.latentPrecision === 'float16' ? 'float32' : 'float16'; },
    () => { if (model?.architecture.type === 'dense') model.architecture.hidden = [...model.architecture.hidden, 3]; },
    () => { if (model) model.shared = model.shared ? undefined : { hash: 'ab'.repeat(32), bytes: 10, fileName: 'm.balermodel' }; },
    () => { h.search = h.search ? undefined : { target: 'psnr:40', objective: 'total', points: 3, chosen: 1 }; },
  ];
  choices[int(rng, choices.length)]();
}

function forgedPayload(bytes: Uint8Array, rng: Rng): Mutant {
  const p = parse(bytes);
  const payload = bytes.slice(p.payloadStart, p.payloadEnd);
  if (payload.length === 0) return flipBits(bytes, rng);
  const k = int(rng, p.chunks.length);
  const start = p.chunks.slice(0, k).reduce((n, c) => n + c.stored, 0);
  const c = p.chunks[k];
  if (c.stored === 0) return flipBits(bytes, rng);
  for (let n = 1 + int(rng, 4); n > 0; n--) payload[start + int(rng, c.stored)] = rng() < 0.5 ? INTERESTING[int(rng, INTERESTING.length)] : int(rng, 256);
  const chunks = p.chunks.map((x, i) => (i === k ? { ...x, crc: crc32(payload.subarray(start, start + c.stored)) } : x));
  return { kind: 'chunk payload (every checksum forged)', bytes: assemble(bytes, { ...p, chunks }, payload), forged: true };
}

/** One random mutation of `bytes` (`other` is another valid file, for splices). */
export function mutate(bytes: Uint8Array, other: Uint8Array, rng: Rng): Mutant {
  const r = rng();
  if (r < 0.25) return flipBits(bytes, rng);
  if (r < 0.35) return truncate(bytes, rng);
  if (r < 0.5) return splice(bytes, rng, other);
  if (r < 0.62) return headerBytes(bytes, rng);
  if (r < 0.74) return tableEntries(bytes, rng);
  if (r < 0.88) return semanticHeader(bytes, rng);
  return forgedPayload(bytes, rng);
}
