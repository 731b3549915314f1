import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { unzipSync, zipSync } from 'fflate';
import { BalerError } from '../../src/kernel/errors';
import type { NdArray } from '../../src/kernel/types';
import { encodeNpy, isStringArray, type StringNdArray } from '../../src/kernel/data/npy';
import { encodeNpz, parseNpz, type NpzMember } from '../../src/kernel/data/npz';
import { referenceFile } from './data-reference';

function throwsBaler(fn: () => unknown, pattern: RegExp, file: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BalerError, `expected a BalerError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.file, file);
    assert.ok(e.toLine().startsWith(`${file}: `));
    return true;
  });
}

/** Compression method of the first member (0 stored, 8 deflated), from its local header. */
function firstMemberMethod(zip: Uint8Array): number {
  return new DataView(zip.buffer, zip.byteOffset).getUint16(8, true);
}

const table: NdArray = { dtype: 'float32', shape: [100, 3], data: Float32Array.from({ length: 300 }, (_, i) => i % 7) };
const names: StringNdArray = { dtype: 'unicode', shape: [3], strings: ['pt', 'eta', 'phi'] };

describe('npz', () => {
  it('reads CFD_animation.npz: data (60, 50, 50) float64 and an empty names array', () => {
    const file = referenceFile('CFD_animation.npz');
    const members = parseNpz(fs.readFileSync(file), file);
    assert.deepEqual(members.map((m) => m.name), ['data', 'names']);
    const [data, namesMember] = members.map((m) => m.array as NdArray);
    assert.equal(data.dtype, 'float64');
    assert.deepEqual(data.shape, [60, 50, 50]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.data as Float64Array) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.ok(min > -0.0112 && min < -0.0111, `min ${min}`);
    assert.ok(max > 0.0476 && max < 0.0477, `max ${max}`);
    assert.equal(namesMember.dtype, 'float64');
    assert.deepEqual(namesMember.shape, [0]);
  });

  it('re-encoding the reference members gives byte-identical .npy members (numpy-compatible headers)', () => {
    const file = referenceFile('CFD_still.npz');
    const original = fs.readFileSync(file);
    const members = parseNpz(original, file);
    assert.deepEqual((members[0].array as NdArray).shape, [1, 50, 50]);
    const reencoded = unzipSync(encodeNpz(members));
    const reference = unzipSync(original);
    assert.deepEqual(Object.keys(reencoded), ['data.npy', 'names.npy']);
    for (const name of Object.keys(reference)) assert.ok(Buffer.from(reencoded[name]).equals(Buffer.from(reference[name])), name);
  });

  for (const compress of [false, true]) {
    it(`round-trips numeric and string members, ${compress ? 'deflated' : 'stored'}, in order`, () => {
      const members: NpzMember[] = [
        { name: 'zeta', array: table },
        { name: 'names', array: names },
        { name: 'big', array: { dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 63n), 2n ** 63n - 1n) } },
      ];
      const zip = encodeNpz(members, { compress });
      assert.equal(firstMemberMethod(zip), compress ? 8 : 0);
      const back = parseNpz(zip, 'x.npz');
      assert.deepEqual(back.map((m) => m.name), ['zeta', 'names', 'big']);
      assert.deepEqual(back, members);
      if (compress) assert.ok(zip.length < encodeNpz(members).length / 3, 'deflate shrinks repetitive data');
    });
  }

  it('reads a data array of 64 named columns as a table, not an image (each column within a rel bound of its own range)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-npz-names-'));
    try {
      const file = path.join(dir, 'wide.npz');
      const columns = 64, rows = 100;
      const data = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i / 7) * (i % columns === 0 ? 1000 : 1));
      const wide: StringNdArray = { dtype: 'unicode', shape: [columns], strings: Array.from({ length: columns }, (_, c) => `c${c}`) };
      fs.writeFileSync(file, encodeNpz([{ name: 'data', array: { dtype: 'float32', shape: [rows, columns], data } }, { name: 'names', array: wide }]));
      const { info } = await compress(file, { output: path.join(dir, 'wide.baler'), errorBound: 'rel:1e-3', learned: 'none' });
      assert.equal(info.kind, 'table');
      assert.deepEqual(info.names, wide.strings);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an .npz of deflated members (np.savez_compressed) comes back deflated, one of stored members (np.savez) stored', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-npz-deflated-'));
    try {
      const field: NdArray = { dtype: 'float32', shape: [40, 32, 32], data: Float32Array.from({ length: 40 * 32 * 32 }, (_, i) => Math.sin(i / 300)) };
      for (const deflated of [true, false]) {
        const file = path.join(dir, `field-${deflated}.npz`);
        fs.writeFileSync(file, encodeNpz([{ name: 'data', array: field }], { compress: deflated }));
        const { output } = await compress(file, { output: path.join(dir, `field-${deflated}.baler`), errorBound: 'abs:0', threads: 1 });
        const { output: back } = await decompress(output, { output: path.join(dir, `back-${deflated}.npz`), threads: 1 });
        const bytes = fs.readFileSync(back);
        // Each local file header (PK\x03\x04) says its method at offset 8: 8 deflate, 0 stored.
        const header = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
        let members = 0;
        for (let at = bytes.indexOf(header); at >= 0; at = bytes.indexOf(header, at + 4), members++) {
          assert.equal(bytes.readUInt16LE(at + 8), deflated ? 8 : 0, `${path.basename(file)}: member at ${at}`);
        }
        assert.equal(members, 2, 'data and names');
        assert.deepEqual(parseNpz(bytes, back)[0].array, field, 'the values, exactly');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores members that are not .npy files', () => {
    const zip = zipSync({ 'readme.txt': new TextEncoder().encode('hi'), 'data.npy': encodeNpy(table) });
    const members = parseNpz(zip, 'x.npz');
    assert.deepEqual(members.map((m) => m.name), ['data']);
    assert.ok(!isStringArray(members[0].array));
  });

  describe('bad input', () => {
    const zip = encodeNpz([{ name: 'data', array: table }, { name: 'names', array: names }]);
    const deflated = encodeNpz([{ name: 'data', array: table }], { compress: true });

    it('truncated archives', () => {
      throwsBaler(() => parseNpz(zip.subarray(0, zip.length - 10), 'cut.npz'), /truncated or corrupted .npz/, 'cut.npz');
      throwsBaler(() => parseNpz(zip.subarray(0, zip.length >> 1), 'cut.npz'), /truncated or corrupted .npz/, 'cut.npz');
      throwsBaler(() => parseNpz(zip.subarray(0, 3), 'cut.npz'), /not an .npz file/, 'cut.npz');
    });

    it('a corrupted byte in a stored member fails its CRC check', () => {
      const bad = zip.slice();
      bad[200] ^= 0x40; // inside data.npy's values
      throwsBaler(() => parseNpz(bad, 'bad.npz'), /member 'data.npy' fails its CRC check/, 'bad.npz');
    });

    it('a corrupted deflate stream is refused', () => {
      const bad = deflated.slice();
      for (let i = 60; i < 80; i++) bad[i] ^= 0xff;
      throwsBaler(() => parseNpz(bad, 'bad.npz'), /corrupted .npz/, 'bad.npz');
    });

    it('a corrupted central directory is refused', () => {
      const bad = zip.slice();
      const view = new DataView(bad.buffer);
      const eocd = bad.length - 22;
      view.setUint32(eocd + 16, view.getUint32(eocd + 16, true) + 3, true);
      throwsBaler(() => parseNpz(bad, 'bad.npz'), /central directory/, 'bad.npz');
    });

    it('not a zip: a text file, or a .npy renamed .npz', () => {
      throwsBaler(() => parseNpz(new TextEncoder().encode('hello'), 'text.npz'), /not an .npz file \(not a zip archive\)/, 'text.npz');
      throwsBaler(() => parseNpz(encodeNpy(table), 'arr.npz'), /this is a .npy file/, 'arr.npz');
    });

    it('a bad member names the member and the file', () => {
      const truncatedMember = encodeNpy(table).subarray(0, 200);
      const objectHeader = new TextEncoder().encode("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }".padEnd(117, ' ') + '\n');
      const objectMember = new Uint8Array(128 + 8);
      objectMember.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
      objectMember.set(objectHeader, 10);
      throwsBaler(() => parseNpz(zipSync({ 'data.npy': truncatedMember }), 'm.npz'), /^member 'data.npy': truncated .npy data/, 'm.npz');
      throwsBaler(() => parseNpz(zipSync({ 'data.npy': objectMember }), 'o.npz'), /^member 'data.npy': object arrays \(pickled Python objects\)/, 'o.npz');
    });
  });
});
