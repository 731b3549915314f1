import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { BalerError } from '../../src/kernel/errors';
import {
  FORMAT_VERSION, MAGIC, MAX_CHUNK_RAW_BYTES, ContainerWriter, encodeContainer, packIndex, readChunk, readContainerIndex, readSection, readTrailer, trailerFor, unpackIndex,
} from '../../src/kernel/codec/container';
import type { ContainerIndex, SectionInput } from '../../src/kernel/codec/container';
import type { DataHeader } from '../../src/kernel/codec/header';
import { bytesAccess, openFileAccess } from '../../src/kernel/codec/io';

const FORMAT3 = path.join(__dirname, '..', 'fixtures', 'format3');

function smoothFloats(count: number, seed = 1): Uint8Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = Math.sin(i / 37 + seed) * 100 + Math.cos(i / 5) * 0.01;
  return new Uint8Array(values.buffer);
}

function noise(count: number, seed = 7): Uint8Array {
  const out = new Uint8Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Decodes every section of a container in memory. */
async function decodeAll(bytes: Uint8Array, file?: string): Promise<{ index: ContainerIndex; sections: Map<string, Uint8Array> }> {
  const access = bytesAccess(bytes);
  const index = readContainerIndex(access, file);
  const sections = new Map<string, Uint8Array>();
  for (const s of index.sections) sections.set(s.name, await readSection(access, s, file));
  return { index, sections };
}

/** Raises a BalerError and never returns data. */
async function assertRejected(bytes: Uint8Array, what: string): Promise<BalerError> {
  let result: unknown;
  try {
    result = await decodeAll(bytes, 'x.baler');
  } catch (err) {
    assert.ok(err instanceof BalerError, `${what}: threw ${String(err)} instead of a BalerError`);
    assert.equal(err.file, 'x.baler');
    return err;
  }
  assert.fail(`${what}: returned data (${result ? 'sections decoded' : ''}) instead of an error`);
}

const errors = { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 1 };
const header: DataHeader = {
  kind: 'data', createdBy: 'test', source: { name: 'x.npz', bytes: 1234, format: 'npz' },
  arrays: [{ path: '', kind: 'table', shape: [1000, 6], dtype: 'float32', names: ['a', 'b', 'ü', 'd', 'e', 'f'], attributes: '', slabRows: 1000, codec: { mode: 'lossless' }, errors }],
};

const versionOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(MAGIC.length, true);

/** The index (header + section table) starts right after the last chunk; the trailer follows it. */
function indexRange(bytes: Uint8Array): [number, number] {
  const { indexLength, trailerBytes } = readTrailer(bytesAccess(bytes), versionOf(bytes));
  return [bytes.length - trailerBytes - indexLength, bytes.length - trailerBytes];
}

/** The trailer of a file of `version` closing this stored index (formats 2 and 3: 12 bytes). */
function trailerOf(index: Uint8Array, version: number): Uint8Array {
  if (version >= 4) return trailerFor(index);
  const trailer = new Uint8Array(12);
  const view = new DataView(trailer.buffer);
  view.setUint32(0, index.length, true);
  view.setUint32(4, crc32(index), true);
  trailer.set(Buffer.from('BALR'), 8);
  return trailer;
}

/** The file with its index replaced by `index` as stored, as a file of `version` (length and checksum made to match). */
function withStoredIndex(bytes: Uint8Array, index: Uint8Array, version = versionOf(bytes)): Uint8Array {
  const [start] = indexRange(bytes);
  const trailer = trailerOf(index, version);
  const out = new Uint8Array(start + index.length + trailer.length);
  out.set(bytes.subarray(0, start));
  out.set(index, start);
  out.set(trailer, start + index.length);
  new DataView(out.buffer).setUint16(MAGIC.length, version, true);
  return out;
}

/** The file with its raw (unpacked) index edited, then packed again as a writer would. */
function withEditedIndex(bytes: Uint8Array, edit: (raw: Uint8Array) => void): Uint8Array {
  const [start, end] = indexRange(bytes);
  const raw = unpackIndex(bytes.subarray(start, end)).slice();
  edit(raw);
  return withStoredIndex(bytes, packIndex(raw));
}

function mixedSections(): SectionInput[] {
  return [
    { name: 'latents', data: smoothFloats(600), coding: 'zstd', shuffle: 4, chunkBytes: 1000 },
    { name: 'decoder', data: smoothFloats(300, 2), coding: 'deflate', level: 9 },
    { name: 'residuals', data: noise(700), coding: 'raw', chunkBytes: 256 },
    { name: 'outliers', data: new Uint8Array(0), coding: 'zstd' },
    { name: 'incompressible', data: noise(300, 3), coding: 'zstd', shuffle: 2 },
  ];
}

describe('codec: .baler container', () => {
  it('round-trips every coding with and without shuffle', async () => {
    const data = smoothFloats(5000);
    for (const coding of ['raw', 'zstd', 'deflate', 'none'] as const) {
      for (const shuffle of [0, 1, 2, 4, 8]) {
        const { bytes } = await encodeContainer(header, [{ name: 'values', data, coding, shuffle }]);
        const decoded = await decodeAll(bytes);
        assert.deepEqual(decoded.index.header, header);
        assert.equal(decoded.index.version, FORMAT_VERSION);
        assert.ok(Buffer.from(decoded.sections.get('values')!).equals(data), `${coding} shuffle ${shuffle}`);
        assert.equal(decoded.index.sections[0].coding, coding === 'none' ? 'raw' : coding);
        assert.equal(decoded.index.sections[0].shuffle, shuffle);
      }
    }
  });

  it('round-trips empty, multi-chunk and incompressible sections; sizes add up to the file; the writer returns the layout the reader finds', async () => {
    const inputs = mixedSections();
    const { bytes, index: written } = await encodeContainer(header, inputs);
    const decoded = await decodeAll(bytes, 'x.baler');
    for (const s of inputs) assert.ok(Buffer.from(decoded.sections.get(s.name)!).equals(s.data), s.name);
    const layout = decoded.index.sections;
    assert.deepEqual(layout, written.sections);
    assert.deepEqual(layout.map((s) => s.name), inputs.map((s) => s.name));
    const stored = layout.reduce((sum, s) => sum + s.storedBytes, 0);
    assert.equal(decoded.index.overheadBytes + stored, bytes.length);
    assert.equal(decoded.index.totalBytes, bytes.length);
    assert.equal(written.totalBytes, bytes.length);
    const latents = layout[0];
    assert.equal(latents.chunks.length, Math.ceil(2400 / 1000), 'chunks of 1000 bytes (whole float32 elements)');
    assert.ok(latents.chunks.every((c, i) => c.rawBytes === (i < 2 ? 1000 : 400)));
    assert.equal(layout[2].chunks.length, 3);
    assert.equal(layout[3].rawBytes, 0);
    assert.equal(layout[3].chunks.length, 0);
    const incompressible = layout[4];
    assert.equal(incompressible.storedBytes, incompressible.rawBytes, 'stored as is when coding does not shrink it');
    for (const s of layout) {
      for (const c of s.chunks) assert.equal(c.crc32, crc32(bytes.subarray(c.offset, c.offset + c.storedBytes)));
    }
  });

  it('interleaves chunks of several sections as they are written (streaming) and reads each chunk on its own', async () => {
    const parts: Uint8Array[] = [];
    const writer = new ContainerWriter({ write: (b) => parts.push(b.slice()) });
    const slabs = [smoothFloats(100, 1), smoothFloats(100, 2), smoothFloats(60, 3)];
    for (const [j, slab] of slabs.entries()) {
      await writer.addChunk('0.data', slab, { coding: 'zstd', shuffle: 4 });
      await writer.addChunk('0.latents', noise(10 + j), { coding: 'raw' });
    }
    writer.finish(header);
    const bytes = Buffer.concat(parts);
    const access = bytesAccess(bytes);
    const index = readContainerIndex(access, 'x.baler');
    const data = index.sections.find((s) => s.name === '0.data')!;
    assert.equal(data.chunks.length, 3);
    for (const [j, slab] of slabs.entries()) assert.ok(Buffer.from(await readChunk(access, data, j, 'x.baler')).equals(slab), `slab ${j}`);
    const offsets = index.sections.flatMap((s) => s.chunks.map((c) => c.offset)).sort((a, b) => a - b);
    assert.equal(offsets[0], MAGIC.length + 2, 'chunks start right after the magic and version');
  });

  it('refuses a slab larger than a chunk holds with a BalerError (the data\'s size, not an internal error)', async () => {
    const writer = new ContainerWriter({ write: () => {} });
    // Only the length is read before the refusal: a stand-in spares the test 1 GiB.
    const huge = { length: MAX_CHUNK_RAW_BYTES + 1 } as unknown as Uint8Array;
    await assert.rejects(writer.addChunk('0.data', huge, { coding: 'zstd' }), (e: unknown) => e instanceof BalerError && e.code === 'ETOOLARGE' && /too large for the format/.test(e.message));
  });

  it('reads a file on disk with positioned reads and refuses a truncated one', async () => {
    const { bytes } = await encodeContainer(header, mixedSections());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-container-'));
    try {
      const p = path.join(dir, 'x.baler');
      fs.writeFileSync(p, bytes);
      const access = openFileAccess(p);
      try {
        assert.deepEqual(readContainerIndex(access, p).sections, readContainerIndex(bytesAccess(bytes)).sections);
      } finally {
        access.close();
      }
      fs.writeFileSync(p, bytes.subarray(0, bytes.length - 1));
      const cut = openFileAccess(p);
      try {
        assert.throws(() => readContainerIndex(cut, p), (e: unknown) => e instanceof BalerError && /truncated/.test(e.message));
      } finally {
        cut.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file truncated at any byte', async () => {
    const { bytes } = await encodeContainer(header, mixedSections());
    for (let end = 0; end < bytes.length; end += 1) {
      const err = await assertRejected(bytes.slice(0, end), `truncated at ${end}`);
      if (end >= MAGIC.length) assert.match(err.message, /truncated/, `truncated at ${end}: ${err.message}`);
    }
  });

  it('rejects a single flipped bit anywhere in the file', async () => {
    const { bytes } = await encodeContainer(header, mixedSections());
    const [indexStart] = indexRange(bytes);
    for (let at = 0; at < bytes.length; at++) {
      const bits = at < MAGIC.length + 2 || at >= indexStart ? [0, 1, 2, 3, 4, 5, 6, 7] : [at % 8];
      for (const bit of bits) {
        const bad = bytes.slice();
        bad[at] ^= 1 << bit;
        await assertRejected(bad, `bit ${bit} of byte ${at}`);
      }
    }
  });

  it('names the section and chunk of a payload checksum mismatch', async () => {
    const { bytes, index } = await encodeContainer(header, mixedSections());
    const chunk = index.sections[0].chunks[2];
    const bad = bytes.slice();
    bad[chunk.offset + 3] ^= 0x10;
    const err = await assertRejected(bad, 'payload');
    assert.equal(err.message, "corrupted: checksum mismatch in section 'latents' chunk 3 of 3");
    assert.equal(err.toLine(), "x.baler: corrupted: checksum mismatch in section 'latents' chunk 3 of 3");
  });

  it('rejects extra bytes, a newer or older version, an unknown coding, and an index that fails its checksum', async () => {
    const { bytes } = await encodeContainer(header, mixedSections());
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    await assertRejected(longer, 'extra byte');

    const newer = bytes.slice();
    new DataView(newer.buffer).setUint16(8, FORMAT_VERSION + 1, true);
    assert.equal((await assertRejected(newer, 'version')).message,
      `made by a newer Baler (format ${FORMAT_VERSION + 1}); this one reads format ${FORMAT_VERSION}`);
    const older = bytes.slice();
    new DataView(older.buffer).setUint16(8, 1, true);
    assert.match((await assertRejected(older, 'version 1')).message, /Baler 0\.1 \(format 1\)/);

    const unknownCoding = withEditedIndex(bytes, (raw) => {
      raw[Buffer.from(raw).indexOf(Buffer.from('latents')) + 'latents'.length] = 9;
    });
    assert.match((await assertRejected(unknownCoding, 'coding')).message, /unknown coding of section 'latents' 9/);

    const badIndex = bytes.slice();
    badIndex[indexRange(bytes)[0] + 5] ^= 0x01;
    assert.equal((await assertRejected(badIndex, 'index')).message, 'corrupted: checksum mismatch in the index');
  });

  it('stores the index compressed when that is smaller, raw otherwise, and reads both', async () => {
    const manyNames = { ...header, arrays: [{ ...header.arrays[0], shape: [1000, 60], names: Array.from({ length: 60 }, (_, i) => `Muon_pfRelIso03_chg_${i}`) }] };
    const named = await encodeContainer(manyNames, mixedSections());
    const [start, end] = indexRange(named.bytes);
    const stored = named.bytes.subarray(start, end);
    assert.equal(stored[0], 1, 'brotli');
    assert.ok(unpackIndex(stored).length > 2 * stored.length, `60 similar names compress (${stored.length} B stored)`);
    assert.deepEqual((await decodeAll(named.bytes)).index.header, manyNames);

    const tiny = packIndex(Uint8Array.from([1, 2, 3]));
    assert.deepEqual([...tiny], [0, 1, 2, 3], 'a raw index behind its coding byte');
  });

  it('still reads formats 3 and 2 (a file written by the format-3 writer; format 2: its index raw, without its coding byte)', async () => {
    for (const fixture of ['walk-f3.baler', 'ints-f3.baler']) {
      const bytes = new Uint8Array(fs.readFileSync(path.join(FORMAT3, fixture)));
      const three = await decodeAll(bytes);
      assert.equal(three.index.version, 3);
      assert.equal(three.index.header.createdBy, 'baler-vscode 0.1.0');
      const [start, end] = indexRange(bytes);
      const format2 = withStoredIndex(bytes, unpackIndex(bytes.subarray(start, end)), 2);
      const two = await decodeAll(format2);
      assert.equal(two.index.version, 2);
      assert.deepEqual(two.index.header, three.index.header);
      assert.deepEqual(two.sections, three.sections);
    }
  });

  it('closes a format-4 file with a trailer of 7 bytes for a small index and refuses a bad length in it', async () => {
    const { bytes } = await encodeContainer(header, [{ name: 'a', data: noise(50), coding: 'raw' }]);
    const { trailerBytes, indexLength } = readTrailer(bytesAccess(bytes), FORMAT_VERSION);
    assert.equal(trailerBytes, 7);
    assert.ok(indexLength < 128);
    const end = bytes.length - 1 - 6; // the length's one byte, before the checksum and "BR"
    const longer = bytes.slice();
    longer[end] = 0x7f;
    assert.match((await assertRejected(longer, 'long')).message, /index is longer than the file|checksum mismatch in the index/);
    const unending = bytes.slice();
    unending[end] |= 0x80;
    assert.match((await assertRejected(unending, 'varint')).message, /not a valid varint|checksum|longer than the file/);
  });

  it('refuses an index that does not decompress, decompresses to another length, or has an unknown coding', async () => {
    const { bytes } = await encodeContainer(header, mixedSections());
    const [start, end] = indexRange(bytes);
    const raw = unpackIndex(bytes.subarray(start, end));
    const packed = packIndex(new Uint8Array(raw.length * 4).map((_, i) => raw[i % raw.length]));
    assert.equal(packed[0], 1);
    const garbage = Uint8Array.from([1, 100, 0xde, 0xad, 0xbe, 0xef]);
    assert.equal((await assertRejected(withStoredIndex(bytes, garbage), 'garbage')).message, 'corrupted: the index does not decompress');
    const lying = packed.slice();
    lying[1] ^= 1; // the declared raw length (first varuint byte) no longer matches
    assert.match((await assertRejected(withStoredIndex(bytes, lying), 'length')).message, /index decompresses to|does not decompress/);
    assert.match((await assertRejected(withStoredIndex(bytes, Uint8Array.from([7, ...raw])), 'coding')).message, /unknown index coding 7/);
  });

  it('recognises foreign and text-mangled files', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, ...new Array(40).fill(0)]);
    assert.match((await assertRejected(zip, 'npz')).message, /not a \.baler file \(it is a zip archive, e\.g\. \.npz\)/);
    const npy = Buffer.from('\x93NUMPY\x01\x00v\x00{}', 'latin1');
    assert.match((await assertRejected(npy, 'npy')).message, /\.npy/);
    assert.equal((await assertRejected(new Uint8Array(0), 'empty')).message, 'empty file (not a .baler file)');

    const { bytes } = await encodeContainer(header, [{ name: 'a', data: new TextEncoder().encode('one\ntwo\r\n'), coding: 'raw' }]);
    const crlfToLf = Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    assert.match((await assertRejected(crlfToLf, 'crlf')).message, /text-mode/);
    const lfToCrlf = Buffer.from(Buffer.from(bytes).toString('latin1').replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
    await assertRejected(lfToCrlf, 'lf to crlf');
    const asText = Buffer.from(Buffer.from(bytes).toString('latin1'), 'utf8');
    assert.match((await assertRejected(asText, 'utf8')).message, /saved as text/);
  });

  it('refuses bad section inputs when writing', async () => {
    await assert.rejects(encodeContainer(header, [{ name: '', data: new Uint8Array(1) }]), /section name/);
    await assert.rejects(encodeContainer(header, [{ name: 'a', data: new Uint8Array(1), coding: 'lz4' as 'raw' }]), /unknown coding/);
    await assert.rejects(encodeContainer(header, [{ name: 'a', data: new Uint8Array(1), coding: 'zstd', level: 99 }]), /level/);
    await assert.rejects(encodeContainer(header, [{ name: 'a', data: new Uint8Array(8), shuffle: 4, chunkBytes: 2 }]), /chunkBytes/);
  });
});
