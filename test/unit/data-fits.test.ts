// The FITS reader on files crafted byte by byte: a primary image, a cube, IMAGE extensions of every BITPIX, the
// unsigned BZERO convention, BLANK, tables and tile-compressed images left out; truncated, END-less and huge files
// refused in one line naming the file before anything is allocated. And the writer, read back by the reader.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDataSink, openDataSource, writableFormatOf } from '../../src/kernel/data/formats';
import type { FitsAttributes } from '../../src/kernel/data/fits';
import { MASKED_FILL } from '../../src/kernel/data/fill';
import type { DType, TypedArray } from '../../src/kernel/types';
import { rejectsBaler, tempFolder } from './data-helpers';
import { BalerError } from '../../src/kernel/errors';

type Value = number | string | boolean | bigint;

/** A card as FITS writers lay it out: strings from column 11, other values right-aligned to column 30. */
function card(key: string, value?: Value, comment?: string): string {
  if (value === undefined) return key;
  const text = typeof value === 'string' ? `'${value.padEnd(8)}'`.padEnd(20) : typeof value === 'boolean' ? (value ? 'T' : 'F').padStart(20) : String(value).padStart(20);
  return `${key.padEnd(8)}= ${text}${comment ? ` / ${comment}` : ''}`;
}

function header(cards: string[], end = true): Buffer {
  const text = [...cards, ...(end ? ['END'] : [])].map((c) => c.padEnd(80)).join('');
  return Buffer.from(text.padEnd(Math.ceil(text.length / 2880) * 2880, ' '), 'latin1');
}

/** Big-endian bytes of `values` with BITPIX `bitpix` (raw stored values). */
function bigEndian(bitpix: number, values: (number | bigint)[]): Buffer {
  const size = Math.abs(bitpix) / 8;
  const out = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    const at = i * size;
    if (bitpix === 8) out.writeUInt8(Number(v), at);
    else if (bitpix === 16) out.writeInt16BE(Number(v), at);
    else if (bitpix === 32) out.writeInt32BE(Number(v), at);
    else if (bitpix === 64) out.writeBigInt64BE(BigInt(v), at);
    else if (bitpix === -32) out.writeFloatBE(Number(v), at);
    else out.writeDoubleBE(Number(v), at);
  });
  return out;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((2880 - (data.length % 2880)) % 2880)]);
}

interface HduSpec { primary?: boolean; xtension?: string; bitpix: number; axes: number[]; extra?: string[]; values?: (number | bigint)[]; data?: Buffer }

function hdu(spec: HduSpec): Buffer {
  const cards = [
    spec.primary ? card('SIMPLE', true) : card('XTENSION', spec.xtension ?? 'IMAGE'),
    card('BITPIX', spec.bitpix), card('NAXIS', spec.axes.length), ...spec.axes.map((n, i) => card(`NAXIS${i + 1}`, n)),
    ...(spec.primary ? [] : [card('PCOUNT', 0), card('GCOUNT', 1)]), ...(spec.extra ?? []),
  ];
  const data = spec.data ?? bigEndian(spec.bitpix, spec.values ?? []);
  return Buffer.concat([header(cards), padded(data)]);
}

const ramp = <T extends number | bigint = number>(n: number, f: (i: number) => T = (i) => i as T): T[] => Array.from({ length: n }, (_, i) => f(i));
const emptyPrimary = (extra: string[] = [card('EXTEND', true)]): HduSpec => ({ primary: true, bitpix: 8, axes: [], extra });

describe('FITS reader and writer', () => {
  const dir = tempFolder('baler-fits-');
  let serial = 0;
  const write = (hdus: HduSpec[] | Buffer, ext = 'fits'): string => {
    const file = path.join(dir(), `f${serial++}.${ext}`);
    fs.writeFileSync(file, Array.isArray(hdus) ? Buffer.concat(hdus.map(hdu)) : hdus);
    return file;
  };
  const readAll = async (file: string, slabRows?: number, dataset?: string) => {
    const source = await openDataSource(file, dataset ? { dataset } : {});
    try {
      const arrays = [];
      for (const a of source.arrays) {
        const values: (number | bigint)[] = [];
        const step = slabRows ?? Math.max(1, a.shape[0]);
        for (let r = 0; r < a.shape[0]; r += step) {
          const slab = await a.readSlab(r, Math.min(step, a.shape[0] - r));
          assert.equal(slab.dtype, a.dtype);
          for (const v of slab.data as TypedArray) values.push(v);
        }
        arrays.push({ path: a.path, shape: a.shape, dtype: a.dtype, values, attributes: a.attributes, exact: a.exact });
      }
      return { arrays, skipped: source.skipped, unselected: source.unselected, fits: source.attributes!.fits as FitsAttributes };
    } finally {
      await source.close();
    }
  };

  it('reads a primary float32 image as NAXIS2 × NAXIS1, slab by slab, with .fits, .fit and .fts', async () => {
    const values = ramp(5 * 7, (i) => Math.fround(i / 3 - 4));
    for (const ext of ['fits', 'fit', 'fts']) {
      const file = write(Buffer.concat([hdu({ primary: true, bitpix: -32, axes: [7, 5], values, extra: [card('EXTEND', true), card('OBJECT', 'M31'), card('EXPTIME', 30.5)] })]), ext);
      const got = await readAll(file, 2);
      assert.equal(got.arrays.length, 1);
      assert.equal(got.arrays[0].path, 'hdu0');
      assert.deepEqual(got.arrays[0].shape, [5, 7]);
      assert.equal(got.arrays[0].dtype, 'float32');
      assert.deepEqual(got.arrays[0].values, values);
      assert.equal(got.fits.hdus[0].cards[6], "OBJECT  = 'M31     '");
      assert.equal(writableFormatOf(file), 'fits');
      // Written back byte for byte, EXTEND kept though no extension follows.
      const back = path.join(dir(), `back.${ext}`);
      await writeBack(file, back);
      assert.ok(fs.readFileSync(back).equals(fs.readFileSync(file)), 'byte for byte the same');
    }
  });

  it('reads a cube as NAXIS3 × NAXIS2 × NAXIS1 (int16, big-endian, negative values)', async () => {
    const values = ramp(4 * 3 * 5, (i) => i * 523 - 15000);
    const file = write([{ primary: true, bitpix: 16, axes: [5, 3, 4], values }]);
    const got = await readAll(file, 3);
    assert.deepEqual(got.arrays[0].shape, [4, 3, 5]);
    assert.equal(got.arrays[0].dtype, 'int16');
    assert.deepEqual(got.arrays[0].values, values);
    assert.equal(got.arrays[0].attributes?.[MASKED_FILL], undefined);
  });

  it('reads IMAGE extensions of every BITPIX, each named by EXTNAME (else hdu{N}), after an empty primary; --dataset picks one', async () => {
    const specs: [number, DType, (i: number) => number | bigint][] = [
      [8, 'uint8', (i) => (i * 7) % 256], [16, 'int16', (i) => i * 100 - 3000], [32, 'int32', (i) => i * 99991 - 2e6],
      [64, 'int64', (i) => BigInt(i) * 2n ** 40n - 5n], [-32, 'float32', (i) => Math.fround(i / 7)], [-64, 'float64', (i) => i / 3 - 1e-9],
    ];
    const hdus: HduSpec[] = [emptyPrimary()];
    specs.forEach(([bitpix, , f], k) => hdus.push({ bitpix, axes: [4, 3], values: ramp(12, f), extra: k === 1 ? [] : [card('EXTNAME', `IMG${k}`)] }));
    hdus.push({ bitpix: 16, axes: [2, 2], values: [1, 2, 3, 4], extra: [card('EXTNAME', 'IMG0')] }); // a second IMG0
    const file = write(hdus);
    const got = await readAll(file, 1);
    assert.deepEqual(got.arrays.map((a) => a.path), ['IMG0', 'hdu2', 'IMG2', 'IMG3', 'IMG4', 'IMG5', 'hdu7']);
    specs.forEach(([, dtype, f], k) => {
      assert.equal(got.arrays[k].dtype, dtype);
      assert.deepEqual(got.arrays[k].shape, [3, 4]);
      assert.deepEqual(got.arrays[k].values, ramp(12, f), dtype);
    });
    assert.equal(got.fits.hdus.length, 8);
    assert.equal(got.fits.hdus[0].array, undefined);
    const one = await readAll(file, undefined, 'IMG4');
    assert.deepEqual(one.arrays.map((a) => a.path), ['IMG4']);
    assert.equal(one.unselected, 6);
    await rejectsBaler(() => openDataSource(file, { dataset: 'SCI' }), /no image 'SCI' in the file \(it holds 'IMG0', 'hdu2'/, file);
  });

  it('reads BZERO-offset integers as astropy does: uint16, uint32, uint64 and int8; other BZERO/BSCALE left raw', async () => {
    const u16 = [0, 1, 32767, 32768, 65535, 40000];
    const u32 = [0, 1, 2 ** 31, 2 ** 32 - 1, 123456789, 3e9];
    const u64 = [0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 5n, 2n ** 62n];
    const i8 = [-128, -1, 0, 1, 127, 42];
    const file = write([
      emptyPrimary(),
      { bitpix: 16, axes: [3, 2], values: u16.map((v) => v - 32768), extra: [card('BZERO', 32768), card('BSCALE', 1), card('EXTNAME', 'U16')] },
      { bitpix: 32, axes: [3, 2], values: u32.map((v) => v - 2 ** 31), extra: [card('BSCALE', 1.0), card('BZERO', 2147483648), card('EXTNAME', 'U32')] },
      { bitpix: 64, axes: [3, 2], values: u64.map((v) => BigInt.asIntN(64, v - 2n ** 63n)), extra: [card('BZERO', 9223372036854775808n), card('EXTNAME', 'U64')] },
      { bitpix: 8, axes: [3, 2], values: i8.map((v) => v + 128), extra: [card('BZERO', -128), card('EXTNAME', 'I8')] },
      { bitpix: 16, axes: [3, 2], values: [1, 2, 3, 4, 5, 6], extra: [card('BZERO', 100), card('BSCALE', 2), card('EXTNAME', 'SCALED')] },
      { bitpix: 16, axes: [3, 2], values: [1, 2, 3, 4, 5, 6], extra: [card('BZERO', 32768), card('BSCALE', 0.5), card('EXTNAME', 'HALF')] },
    ]);
    const got = await readAll(file);
    assert.deepEqual(got.arrays.map((a) => a.dtype), ['uint16', 'uint32', 'uint64', 'int8', 'int16', 'int16']);
    assert.deepEqual(got.arrays[0].values, u16);
    assert.deepEqual(got.arrays[1].values, u32);
    assert.deepEqual(got.arrays[2].values, u64);
    assert.deepEqual(got.arrays[3].values, i8);
    assert.deepEqual(got.arrays[4].values, [1, 2, 3, 4, 5, 6]);
    // Written back: the same cards and the same bytes.
    const out = path.join(dir(), 'unsigned-back.fits');
    await writeBack(file, out);
    assert.ok(fs.readFileSync(out).equals(fs.readFileSync(file)), 'byte for byte the same');
  });

  it("an integer image's BLANK is its declared missing value (raw, or offset for unsigned); a 64-bit one keeps the array exact", async () => {
    const file = write([
      { primary: true, bitpix: 16, axes: [3, 2], values: [1, -99, 3, 4, -99, 6], extra: [card('BLANK', -99), card('EXTEND', true)] },
      { bitpix: 16, axes: [3, 1], values: [-32768, 0, 5], extra: [card('BZERO', 32768), card('BLANK', -32768), card('EXTNAME', 'U')] },
      { bitpix: 64, axes: [2, 1], values: [7n, -1n], extra: [card('BLANK', -1), card('EXTNAME', 'L')] },
      { bitpix: -32, axes: [2, 1], values: [NaN, 1], extra: [card('BLANK', -1), card('EXTNAME', 'F')] },
    ]);
    const got = await readAll(file);
    assert.equal(got.arrays[0].attributes?.[MASKED_FILL], -99);
    assert.deepEqual(got.arrays[0].values, [1, -99, 3, 4, -99, 6], 'integer data as stored');
    assert.equal(got.arrays[1].attributes?.[MASKED_FILL], 0);
    assert.equal(got.arrays[2].exact, true);
    assert.equal(got.arrays[3].attributes?.[MASKED_FILL], undefined, 'BLANK means nothing for floats');
  });

  it('leaves out binary and ASCII tables and tile-compressed images with the reason; a file of tables alone is refused by name', async () => {
    const table = (extra: string[]): HduSpec => ({ xtension: 'BINTABLE', bitpix: 8, axes: [8, 3], data: Buffer.alloc(24), extra: [card('TFIELDS', 1), card('TFORM1', '1D'), ...extra] });
    const file = write([
      emptyPrimary(), table([card('EXTNAME', 'EVENTS')]),
      { bitpix: -32, axes: [2, 2], values: [1, 2, 3, 4], extra: [card('EXTNAME', 'SCI')] },
      table([card('ZIMAGE', true), card('EXTNAME', 'COMP')]),
      { xtension: 'TABLE', bitpix: 8, axes: [10, 2], data: Buffer.alloc(20, 0x20), extra: [card('TFIELDS', 0)] },
    ]);
    const got = await readAll(file);
    assert.deepEqual(got.arrays.map((a) => a.path), ['SCI']);
    assert.deepEqual(got.arrays[0].values, [1, 2, 3, 4]);
    assert.deepEqual(got.skipped?.map((s) => `${s.path} ${s.reason}`), [
      "HDU 1 'EVENTS' is a binary table (BINTABLE), not read",
      "HDU 3 'COMP' is a tile-compressed image (fpack, ZIMAGE), not read: uncompress it first (funpack, or astropy)",
      "HDU 4 'hdu4' is an ASCII table (TABLE), not read",
    ]);
    const tables = write([emptyPrimary(), table([card('EXTNAME', 'EVENTS')])]);
    await rejectsBaler(() => openDataSource(tables), /the FITS file holds no image data \(HDU 1 'EVENTS' is a binary table/, tables);
  });

  it('refuses truncated, END-less, non-FITS and huge files in one line naming the file, before allocating', async () => {
    const good = hdu({ primary: true, bitpix: -64, axes: [10, 10], values: ramp(100) });
    const truncated = write(good.subarray(0, 2880 + 400));
    await rejectsBaler(() => openDataSource(truncated), /truncated file: the data of the primary HDU \(800 bytes from byte 2880\) lies beyond the end/, truncated);
    const noEnd = write(header([card('SIMPLE', true), card('BITPIX', 8), card('NAXIS', 0)], false));
    await rejectsBaler(() => openDataSource(noEnd), /the primary HDU has no END card before the end of the file/, noEnd);
    const notFits = write(Buffer.from('hello world\n'.repeat(300)));
    await rejectsBaler(() => openDataSource(notFits), /not a FITS file|truncated file|not printable/, notFits);
    const short = write(Buffer.from('SIMPLE  = T'));
    await rejectsBaler(() => openDataSource(short), /truncated file: the primary HDU lies beyond the end of the file/, short);
    const huge = write(Buffer.concat([header([card('SIMPLE', true), card('BITPIX', -64), card('NAXIS', 3), card('NAXIS1', 2 ** 20), card('NAXIS2', 2 ** 20), card('NAXIS3', 2 ** 8)]), Buffer.alloc(2880)]));
    await rejectsBaler(() => openDataSource(huge), /truncated file: the data of the primary HDU \(\d+ bytes/, huge);
    const impossible = write(Buffer.concat([header([card('SIMPLE', true), card('BITPIX', 16), card('NAXIS', 2), card('NAXIS1', 2 ** 40), card('NAXIS2', 2 ** 40)])]));
    await rejectsBaler(() => openDataSource(impossible), /impossible (array shape|data size)/, impossible);
    const badBitpix = write([{ primary: true, bitpix: 12, axes: [2], data: Buffer.alloc(3) }]);
    await rejectsBaler(() => openDataSource(badBitpix), /BITPIX 12 is not 8, 16, 32, 64, -32 or -64/, badBitpix);
    const noAxis = write(header([card('SIMPLE', true), card('BITPIX', 8), card('NAXIS', 2), card('NAXIS1', 3)]));
    await rejectsBaler(() => openDataSource(noAxis), /the primary HDU: no NAXIS2 keyword/, noAxis);
    const badExt = write(Buffer.concat([hdu(emptyPrimary()), header([card('SIMPLE', true)])]));
    await rejectsBaler(() => openDataSource(badExt), /HDU 1: its first card is not XTENSION/, badExt);
    // Within the file but beyond the memory budget: a slab is refused before it is read.
    const big = write([{ primary: true, bitpix: -64, axes: [1000, 100], data: Buffer.alloc(800_000) }]);
    const source = await openDataSource(big, {}, { memoryBudget: 100_000 });
    await rejectsBaler(() => source.arrays[0].readSlab(0, 100), /a slab of 100 rows of 'hdu0' needs .* more than the memory budget/, big);
    await source.close();
    // Endless header blocks without END: refused by the budget, not read to the end.
    const endless = write(Buffer.concat([header([card('SIMPLE', true)], false), Buffer.alloc(2880 * 40, 0x20)]));
    await rejectsBaler(() => openDataSource(endless, {}, { memoryBudget: 50_000 }), /the header of the primary HDU needs .* more than the memory budget/, endless);
    // A file whose end is padded with blocks of zeros (some writers do) is read.
    const zeros = write(Buffer.concat([good, Buffer.alloc(2880)]));
    assert.deepEqual((await readAll(zeros)).arrays[0].values, ramp(100));
  });

  it('400 damaged files (bytes of the headers changed, truncations) each read or refused with a one-line BalerError naming the file', async () => {
    const good = Buffer.concat([
      { primary: true, bitpix: -32, axes: [6, 5], values: ramp(30, (i) => i / 4), extra: [card('EXTEND', true)] },
      { bitpix: 16, axes: [4, 3, 2], values: ramp(24, (i) => i * 100 - 1000), extra: [card('BZERO', 32768), card('EXTNAME', 'U')] },
      { xtension: 'BINTABLE', bitpix: 8, axes: [8, 3], data: Buffer.alloc(24), extra: [card('TFIELDS', 1), card('TFORM1', '1D')] },
      { bitpix: -64, axes: [3, 3], values: ramp(9), extra: [card('BLANK', 7)] },
    ].map(hdu));
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const headerBytes: number[] = [];
    for (let block = 0; block < good.length; block += 2880) {
      if (good[block] === 0x53 || good[block] === 0x58) for (let i = 0; i < 2880; i++) headerBytes.push(block + i); // SIMPLE / XTENSION
    }
    const alphabet = Buffer.from("0123456789 -+.'=TFEND\x00\xff");
    let refused = 0;
    for (let k = 0; k < 400; k++) {
      const bad = Buffer.from(good);
      let bytes: Buffer = bad;
      if (k % 4 === 3) {
        bytes = bad.subarray(0, random(good.length));
      } else {
        for (let c = 0; c < 1 + random(4); c++) {
          // Mostly the value columns of the first cards, where the structure lies.
          const at = k % 2 ? headerBytes[random(headerBytes.length)] : headerBytes[random(8) * 80 + 10 + random(20) + (random(4) === 0 ? 2880 * 3 : 0)];
          bad[at] = alphabet[random(alphabet.length)];
        }
      }
      const file = write(bytes);
      try {
        const got = await readAll(file, 2);
        assert.ok(got.arrays.length > 0);
      } catch (err) {
        assert.ok(err instanceof BalerError, `damaged file ${k}: ${(err as Error).stack}`);
        assert.equal(err.file, file);
        assert.ok(!err.toLine().includes('\n'), err.toLine());
        refused++;
      }
      fs.rmSync(file);
    }
    assert.ok(refused > 100, `${refused} refused`);
  });

  /** Reads `from` and writes every array back as FITS to `to` (the first `rows` rows of each, if given). */
  async function writeBack(from: string, to: string, rows?: number): Promise<void> {
    const source = await openDataSource(from);
    const shapes = source.arrays.map((a) => [rows === undefined ? a.shape[0] : Math.min(rows, a.shape[0]), ...a.shape.slice(1)]);
    const sink = await createDataSink(to, undefined, source.arrays.map(({ readSlab: _r, ...d }, k) => ({ ...d, shape: shapes[k] })), source.attributes, { overwrite: true });
    for (const [k, a] of source.arrays.entries()) await sink.writeSlab(k, await a.readSlab(0, shapes[k][0]));
    await sink.finish();
    await source.close();
  }

  it('writes back the same cards and values; --rows changes NAXISn only; CHECKSUM/DATASUM removed; 2880-byte blocks', async () => {
    const cube = ramp(4 * 3 * 5, (i) => Math.fround(Math.sin(i)));
    const file = write([
      { primary: true, bitpix: -32, axes: [5, 3, 4], values: cube, extra: [card('EXTEND', true), card('OBJECT', "NGC 1''2"), card('CHECKSUM', 'abc'), card('DATASUM', '0'), 'COMMENT a comment', 'HISTORY a history', card('CRVAL1', 1.5e-3)] },
      { bitpix: 32, axes: [2, 3], values: [1, 2, 3, 4, 5, 6], extra: [card('EXTNAME', 'SCI'), card('EXTVER', 2), card('BUNIT', 'counts')] },
    ]);
    const same = path.join(dir(), 'same.fits');
    await writeBack(file, same);
    const back = fs.readFileSync(same);
    assert.equal(back.length % 2880, 0);
    const before = await readAll(file);
    const after = await readAll(same);
    assert.deepEqual(after.arrays.map((a) => [a.path, a.shape, a.values]), before.arrays.map((a) => [a.path, a.shape, a.values]));
    const drop = (cards: string[]) => cards.filter((c) => !/^(CHECKSUM|DATASUM)/.test(c));
    assert.deepEqual(after.fits.hdus.map((h) => h.cards), before.fits.hdus.map((h) => drop(h.cards)));
    const two = path.join(dir(), 'two.fits');
    await writeBack(file, two, 2);
    const short = await readAll(two);
    assert.deepEqual(short.arrays.map((a) => a.shape), [[2, 3, 5], [2, 2]]);
    assert.ok(short.fits.hdus[0].cards.includes(card('NAXIS3', 2)));
    assert.ok(short.fits.hdus[0].cards.includes(card('OBJECT', "NGC 1''2").trimEnd()));
    assert.deepEqual(short.arrays[0].values, cube.slice(0, 30));
  });

  it('writes arrays that were not read from FITS: one as the primary, several as an empty primary and named IMAGE extensions (unsigned, int8, float16, bool)', async () => {
    const one = path.join(dir(), 'one.fits');
    let sink = await createDataSink(one, undefined, [{ path: '', dtype: 'uint16', shape: [2, 3], kind: 'table', names: [] }]);
    await sink.writeSlab(0, { dtype: 'uint16', shape: [2, 3], data: Uint16Array.from([0, 1, 65535, 32768, 5, 6]) });
    await sink.finish();
    let got = await readAll(one);
    assert.deepEqual(got.arrays.map((a) => [a.path, a.dtype, a.shape, a.values]), [['hdu0', 'uint16', [2, 3], [0, 1, 65535, 32768, 5, 6]]]);
    const several = path.join(dir(), 'several.fits');
    const arrays = [
      { path: '/a/x', dtype: 'int8' as DType, shape: [3], kind: 'table' as const, names: [] },
      { path: 'y', dtype: 'float16' as DType, shape: [2, 2], kind: 'table' as const, names: [] },
      { path: 'z', dtype: 'bool' as DType, shape: [2], kind: 'table' as const, names: [] },
      { path: 'w', dtype: 'uint64' as DType, shape: [2], kind: 'table' as const, names: [] },
    ];
    sink = await createDataSink(several, undefined, arrays);
    await sink.writeSlab(0, { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) });
    await sink.writeSlab(1, { dtype: 'float16', shape: [2, 2], data: Float32Array.from([0.5, -2, 1024, 0]) });
    await sink.writeSlab(2, { dtype: 'bool', shape: [2], data: Uint8Array.from([1, 0]) });
    await sink.writeSlab(3, { dtype: 'uint64', shape: [1], data: BigUint64Array.from([2n ** 64n - 1n]) });
    await sink.writeSlab(3, { dtype: 'uint64', shape: [1], data: BigUint64Array.from([3n]) });
    await sink.finish();
    got = await readAll(several);
    assert.deepEqual(got.arrays.map((a) => [a.path, a.dtype, a.values]), [
      ['a/x', 'int8', [-128, 0, 127]], ['y', 'float32', [0.5, -2, 1024, 0]], ['z', 'uint8', [1, 0]], ['w', 'uint64', [2n ** 64n - 1n, 3n]],
    ]);
    assert.ok(got.fits.hdus[0].cards.includes(card('EXTEND', true)));
    assert.equal(got.fits.hdus[0].array, undefined);
    // An unfinished sink leaves nothing behind.
    const aborted = path.join(dir(), 'aborted.fits');
    sink = await createDataSink(aborted, undefined, arrays.slice(0, 1));
    await sink.abort();
    assert.equal(fs.existsSync(aborted), false);
    assert.deepEqual(fs.readdirSync(dir()).filter((f) => f.includes('aborted')), []);
  });
});
