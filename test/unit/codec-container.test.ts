import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { BalerError } from '../../src/kernel/errors';
import {
  FORMAT_VERSION, MAGIC, decodeContainer, decodeStoredChunk, encodeContainer, readContainerHeader, readContainerHeaderFile,
} from '../../src/kernel/codec/container';
import type { SectionInput } from '../../src/kernel/codec/container';

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

/** Raises a BalerError and never returns data. */
async function assertRejected(bytes: Uint8Array, what: string): Promise<BalerError> {
  let result: unknown;
  try {
    result = await decodeContainer(bytes, 'x.baler');
  } catch (err) {
    assert.ok(err instanceof BalerError, `${what}: threw ${String(err)} instead of a BalerError`);
    assert.equal(err.file, 'x.baler');
    return err;
  }
  assert.fail(`${what}: returned data (${result ? 'sections decoded' : ''}) instead of an error`);
}

/** Offset where the section table starts (after magic, version, header length, JSON, header CRC). */
function tableStart(bytes: Uint8Array): number {
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(10, true);
  return 14 + jsonLength + 4;
}

function refreshTableCrc(bytes: Uint8Array): void {
  const { headerBytes } = readLayoutIgnoringCrc(bytes);
  const start = tableStart(bytes);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(headerBytes - 4, crc32(bytes.subarray(start, headerBytes - 4)), true);
}

function readLayoutIgnoringCrc(bytes: Uint8Array): { headerBytes: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  let at = tableStart(bytes);
  const count = view.getUint16(at, true);
  at += 2;
  for (let i = 0; i < count; i++) {
    at += 1 + view.getUint8(at) + 2;
    const chunks = view.getUint32(at, true);
    at += 4 + chunks * 12;
  }
  return { headerBytes: at + 4 };
}

const header = { kind: 'table', shape: [1000, 6], dtype: 'float32', names: ['a', 'b', 'ü'], normalisation: { min: [0], max: [1] } };

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
      for (const shuffle of [0, 1, 2, 4, 8, 3]) {
        const file = await encodeContainer(header, [{ name: 'values', data, coding, shuffle }]);
        const decoded = await decodeContainer(file);
        assert.deepEqual(decoded.header, header);
        assert.equal(decoded.version, FORMAT_VERSION);
        assert.ok(Buffer.from(decoded.sections.get('values')!).equals(data), `${coding} shuffle ${shuffle}`);
        assert.equal(decoded.layout[0].coding, coding === 'none' ? 'raw' : coding);
        assert.equal(decoded.layout[0].shuffle, shuffle);
      }
    }
  });

  it('round-trips empty, multi-chunk and incompressible sections; sizes add up to the file', async () => {
    const inputs = mixedSections();
    const file = await encodeContainer(header, inputs);
    const decoded = await decodeContainer(file, 'x.baler');
    for (const s of inputs) assert.ok(Buffer.from(decoded.sections.get(s.name)!).equals(s.data), s.name);
    assert.deepEqual(decoded.layout.map((s) => s.name), inputs.map((s) => s.name));
    const stored = decoded.layout.reduce((sum, s) => sum + s.storedBytes, 0);
    assert.equal(decoded.headerBytes + stored, file.length);
    assert.equal(decoded.totalBytes, file.length);
    const latents = decoded.layout[0];
    assert.equal(latents.chunks.length, Math.ceil(2400 / 1000), 'chunks of 1000 bytes (whole float32 elements)');
    assert.ok(latents.chunks.every((c, i) => c.rawBytes === (i < 2 ? 1000 : 400)));
    assert.equal(decoded.layout[2].chunks.length, 3);
    assert.equal(decoded.layout[3].rawBytes, 0);
    assert.equal(decoded.layout[3].chunks.length, 0);
    const incompressible = decoded.layout[4];
    assert.equal(incompressible.storedBytes, incompressible.rawBytes, 'stored as is when coding does not shrink it');
    for (const s of decoded.layout) {
      for (const c of s.chunks) assert.equal(c.crc32, crc32(file.subarray(c.offset, c.offset + c.storedBytes)));
    }
  });

  it('decodes chunk by chunk from stored bytes alone (streaming)', async () => {
    const inputs = mixedSections();
    const file = await encodeContainer(header, inputs);
    for (const [k, section] of readContainerHeader(file).layout.entries()) {
      const parts = [];
      for (const [i, c] of section.chunks.entries()) {
        parts.push(await decodeStoredChunk(file.slice(c.offset, c.offset + c.storedBytes), section, i, 'x.baler'));
      }
      assert.ok(Buffer.concat(parts).equals(inputs[k].data), section.name);
    }
  });

  it('readContainerHeader gives the layout without decoding payloads, also from a file prefix', async () => {
    const big = { ...header, notes: 'x'.repeat(150_000) };
    const file = await encodeContainer(big, mixedSections());
    const parsed = readContainerHeader(file, 'x.baler');
    const decoded = await decodeContainer(file);
    assert.deepEqual(parsed.layout, decoded.layout);
    assert.equal(parsed.headerBytes, decoded.headerBytes);
    assert.ok(parsed.headerBytes > 150_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-container-'));
    try {
      const p = path.join(dir, 'big.baler');
      fs.writeFileSync(p, file);
      assert.deepEqual(readContainerHeaderFile(p).layout, parsed.layout);
      fs.writeFileSync(p, file.subarray(0, file.length - 1));
      assert.throws(() => readContainerHeaderFile(p), (e: unknown) => e instanceof BalerError && /truncated/.test(e.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a file truncated at any byte', async () => {
    const file = await encodeContainer(header, mixedSections());
    for (let end = 0; end < file.length; end += 1) {
      const err = await assertRejected(file.slice(0, end), `truncated at ${end}`);
      if (end >= MAGIC.length) assert.match(err.message, /truncated/, `truncated at ${end}: ${err.message}`);
    }
  });

  it('rejects a single flipped bit anywhere in the file', async () => {
    const file = await encodeContainer(header, mixedSections());
    const headerEnd = readContainerHeader(file).headerBytes;
    for (let at = 0; at < file.length; at++) {
      const bits = at < headerEnd ? [0, 1, 2, 3, 4, 5, 6, 7] : [at % 8];
      for (const bit of bits) {
        const bad = file.slice();
        bad[at] ^= 1 << bit;
        await assertRejected(bad, `bit ${bit} of byte ${at}`);
      }
    }
  });

  it('names the section and chunk of a payload checksum mismatch', async () => {
    const file = await encodeContainer(header, mixedSections());
    const chunk = readContainerHeader(file).layout[0].chunks[2];
    const bad = file.slice();
    bad[chunk.offset + 3] ^= 0x10;
    const err = await assertRejected(bad, 'payload');
    assert.equal(err.message, "corrupted: checksum mismatch in section 'latents' chunk 3 of 3");
    assert.equal(err.toLine(), "x.baler: corrupted: checksum mismatch in section 'latents' chunk 3 of 3");
  });

  it('rejects extra bytes, a newer version, an unknown coding, and a header that fails its checksum', async () => {
    const file = await encodeContainer(header, mixedSections());
    const longer = new Uint8Array(file.length + 1);
    longer.set(file);
    assert.match((await assertRejected(longer, 'extra byte')).message, /unexpected bytes after the last section/);

    const newer = file.slice();
    new DataView(newer.buffer).setUint16(8, FORMAT_VERSION + 1, true);
    assert.equal((await assertRejected(newer, 'version')).message,
      `made by a newer Baler (format ${FORMAT_VERSION + 1}); this one reads up to format ${FORMAT_VERSION}`);

    const unknownCoding = file.slice();
    const codingAt = tableStart(file) + 2 + 1 + 'latents'.length;
    unknownCoding[codingAt] = 9;
    refreshTableCrc(unknownCoding);
    assert.match((await assertRejected(unknownCoding, 'coding')).message, /unknown coding #9 in section 'latents'/);

    const badJson = file.slice();
    badJson[20] ^= 0x01;
    assert.equal((await assertRejected(badJson, 'header')).message, 'corrupted: checksum mismatch in the header');
  });

  it('recognises foreign and text-mangled files', async () => {
    const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, ...new Array(40).fill(0)]);
    assert.match((await assertRejected(zip, 'npz')).message, /not a \.baler file \(it is a zip archive, e\.g\. \.npz\)/);
    const npy = Buffer.from('\x93NUMPY\x01\x00v\x00{}', 'latin1');
    assert.match((await assertRejected(npy, 'npy')).message, /\.npy/);
    assert.equal((await assertRejected(new Uint8Array(0), 'empty')).message, 'empty file (not a .baler file)');

    const file = await encodeContainer(header, [{ name: 'a', data: new TextEncoder().encode('one\ntwo\r\n'), coding: 'raw' }]);
    const crlfToLf = Buffer.from(Buffer.from(file).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    assert.match((await assertRejected(crlfToLf, 'crlf')).message, /text-mode/);
    const lfToCrlf = Buffer.from(Buffer.from(file).toString('latin1').replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
    await assertRejected(lfToCrlf, 'lf to crlf');
    const asText = Buffer.from(Buffer.from(file).toString('latin1'), 'utf8');
    assert.match((await assertRejected(asText, 'utf8')).message, /saved as text/);
  });

  it('refuses bad section inputs when writing', async () => {
    await assert.rejects(encodeContainer({}, [{ name: 'a', data: new Uint8Array(1) }, { name: 'a', data: new Uint8Array(1) }]), /duplicate/);
    await assert.rejects(encodeContainer({}, [{ name: '', data: new Uint8Array(1) }]), /section name/);
    await assert.rejects(encodeContainer({}, [{ name: 'a', data: new Uint8Array(1), coding: 'lz4' as 'raw' }]), /unknown coding/);
    await assert.rejects(encodeContainer({}, [{ name: 'a', data: new Uint8Array(1), coding: 'zstd', level: 99 }]), /level/);
    await assert.rejects(encodeContainer({}, [{ name: 'a', data: new Uint8Array(8), shuffle: 4, chunkBytes: 2 }]), /chunkBytes/);
    await assert.rejects(encodeContainer({ min: [0, NaN] }, []), /'1' is NaN/);
    await assert.rejects(encodeContainer({ max: Infinity }, []), /'max' is Infinity/);
    await assert.rejects(encodeContainer({ values: new Float32Array(2) }, []), /typed array/);
  });
});
