// The TIFF reader on files crafted byte by byte (tiff-builder.ts): byte orders, BigTIFF, strips and tiles, each
// compression and predictor, chunky and planar samples, stacks; damaged and unsupported files refused in one line
// naming the file, a huge declared size before anything is allocated. And the writer, read back by the reader.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDataSink, openDataSource, writableFormatOf } from '../../src/kernel/data/formats';
import type { TiffAttributes } from '../../src/kernel/data/tiff';
import { rejectsBaler, tempFolder } from './data-helpers';
import { buildTiff, lzwEncode, type FileSpec, type PageSpec } from './tiff-builder';
import { decodeLzw } from '../../src/kernel/data/tiff-codecs';
import { BalerError } from '../../src/kernel/errors';
import { needsBigTiff } from '../../src/kernel/data/tiff-writer';

const ramp = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('TIFF reader', () => {
  const dir = tempFolder('baler-tiff-');
  let serial = 0;
  const write = (pages: PageSpec[], spec: FileSpec = {}): string => {
    const file = path.join(dir(), `t${serial++}.tif`);
    fs.writeFileSync(file, buildTiff(pages, spec));
    return file;
  };
  const readAll = async (file: string, slabRows?: number): Promise<{ shape: number[]; dtype: string; values: number[]; attributes: TiffAttributes }> => {
    const source = await openDataSource(file);
    try {
      const [a] = source.arrays;
      const values: number[] = [];
      const step = slabRows ?? a.shape[0];
      for (let r = 0; r < a.shape[0]; r += step) {
        const slab = await a.readSlab(r, Math.min(step, a.shape[0] - r));
        for (const v of slab.data) values.push(Number(v));
      }
      return { shape: a.shape, dtype: a.dtype, values, attributes: source.attributes!.tiff as TiffAttributes };
    } finally {
      await source.close();
    }
  };

  it('reads a little-endian stack of uint16 pages as pages × height × width, slab by slab', async () => {
    const pages = [0, 1, 2].map((p): PageSpec => ({ width: 7, height: 5, bits: 16, rowsPerStrip: 2, values: ramp(35, (i) => p * 1000 + i * 3) }));
    const file = write(pages);
    const got = await readAll(file, 2);
    assert.deepEqual(got.shape, [3, 5, 7]);
    assert.equal(got.dtype, 'uint16');
    assert.deepEqual(got.values, pages.flatMap((p) => Array.from(p.values)));
    assert.equal(got.attributes.pages, 3);
    assert.equal(got.attributes.byteOrder, 'little');
  });

  it('reads big-endian int16, int32, float32 and float64, classic and BigTIFF', async () => {
    for (const bigTiff of [false, true]) {
      for (const [bits, format, f] of [[16, 2, (i: number) => i * 37 - 600], [32, 2, (i: number) => i * 99991 - 2e6], [32, 3, (i: number) => Math.fround(i / 7 - 1)], [64, 3, (i: number) => i / 3 - 5]] as const) {
        const values = ramp(6 * 5, f);
        const file = write([{ width: 6, height: 5, bits, format, rowsPerStrip: 2, values }], { littleEndian: false, bigTiff });
        const got = await readAll(file, 1);
        assert.deepEqual(got.values, values, `${bits}-bit format ${format} bigTiff ${bigTiff}`);
        assert.equal(got.attributes.byteOrder, 'big');
        assert.equal(got.attributes.bigTiff, bigTiff);
      }
    }
  });

  it('reads int8/uint32 pages and a little-endian BigTIFF stack', async () => {
    const int8 = ramp(24, (i) => i * 11 - 128);
    assert.deepEqual((await readAll(write([{ width: 6, height: 4, bits: 8, format: 2, values: int8 }]))).values, int8);
    const u32 = ramp(24, (i) => i * 178956970);
    const got = await readAll(write([{ width: 4, height: 6, bits: 32, values: u32 }, { width: 4, height: 6, bits: 32, values: u32 }], { bigTiff: true }));
    assert.deepEqual(got.shape, [2, 6, 4]);
    assert.deepEqual(got.values, [...u32, ...u32]);
  });

  it('reads tiles, edge tiles cut off, in every compression with the horizontal predictor', async () => {
    const values = ramp(23 * 19, (i) => (i * 7919) % 65536);
    for (const compression of [1, 5, 8, 32773]) {
      for (const littleEndian of [true, false]) {
        const file = write([{ width: 23, height: 19, bits: 16, tile: [16, 16], compression, predictor: 2, values }], { littleEndian });
        const got = await readAll(file, 5);
        assert.deepEqual(got.shape, [19, 23]);
        assert.deepEqual(got.values, values, `compression ${compression}, little-endian ${littleEndian}`);
      }
    }
  });

  it('reads LZW, PackBits and Deflate strips, slabs of rows cutting strips', async () => {
    const smooth = ramp(40 * 30, (i) => Math.floor(100 + 50 * Math.sin(i / 40)));
    for (const compression of [5, 32773, 8]) {
      for (const predictor of [1, 2] as const) {
        const file = write([{ width: 40, height: 30, bits: 8, rowsPerStrip: 7, compression, predictor, values: smooth }]);
        for (const rows of [1, 3, 30]) assert.deepEqual((await readAll(file, rows)).values, smooth, `compression ${compression} predictor ${predictor} rows ${rows}`);
      }
    }
  });

  it('reads float32 and float64 with the floating-point predictor (3), in either byte order', async () => {
    for (const bits of [32, 64] as const) {
      const values = ramp(9 * 4 * 2, (i) => (bits === 32 ? Math.fround(Math.sin(i) * 1e3) : Math.cos(i) / 3));
      for (const littleEndian of [true, false]) {
        const file = write([{ width: 9, height: 4, samples: 2, bits, format: 3, compression: 8, predictor: 3, rowsPerStrip: 3, values, extraTags: [{ tag: 338, type: 3, values: [0] }] }], { littleEndian });
        const got = await readAll(file);
        assert.deepEqual(got.shape, [4, 9, 2]);
        assert.deepEqual(got.values, values, `float${bits}, little-endian ${littleEndian}`);
      }
    }
  });

  it('reads RGB chunky as height × width × 3 and planar as 3 × height × width; stacks of either', async () => {
    const rgb = ramp(5 * 4 * 3, (i) => (i * 13) % 256);
    const chunky = await readAll(write([{ width: 5, height: 4, samples: 3, bits: 8, rowsPerStrip: 3, values: rgb }]));
    assert.deepEqual(chunky.shape, [4, 5, 3]);
    assert.deepEqual(chunky.values, rgb);
    const planarFile = write([{ width: 5, height: 4, samples: 3, bits: 8, planar: true, rowsPerStrip: 3, compression: 8, values: rgb }]);
    const planar = await readAll(planarFile, 1);
    assert.deepEqual(planar.shape, [3, 4, 5]);
    assert.deepEqual(planar.values, rgb);
    assert.equal(planar.attributes.planar, true);
    const stack = await readAll(write([0, 1].map(() => ({ width: 5, height: 4, samples: 3, bits: 8 as const, planar: true, tile: [16, 16] as [number, number], values: rgb }))));
    assert.deepEqual(stack.shape, [2, 3, 4, 5]);
    assert.deepEqual(stack.values, [...rgb, ...rgb]);
  });

  it('keeps the description, resolution and GeoTIFF tags, and leaves reduced-resolution pages out of the stack', async () => {
    const file = write([
      { width: 4, height: 3, bits: 16, values: ramp(12), extraTags: [
        { tag: 270, type: 2, values: 'ImageJ=1.53t\nimages=2\nslices=2\n' }, { tag: 282, type: 5, values: [300, 1] }, { tag: 283, type: 5, values: [600, 2] },
        { tag: 296, type: 3, values: [2] }, { tag: 33550, type: 12, values: [0.5, 0.5, 0] }, { tag: 34737, type: 2, values: 'WGS 84|' },
      ] },
      { width: 2, height: 2, bits: 16, values: ramp(4), subfileType: 1 },
      { width: 4, height: 3, bits: 16, values: ramp(12, (i) => 100 + i) },
    ]);
    const source = await openDataSource(file);
    assert.deepEqual(source.arrays[0].shape, [2, 3, 4]);
    assert.deepEqual(source.skipped?.map((s) => s.path), ['page 2']);
    const tags = (source.attributes!.tiff as TiffAttributes).tags;
    assert.deepEqual(tags.map((t) => [t.tag, t.value]), [
      [270, 'ImageJ=1.53t\nimages=2\nslices=2\n'], [282, [300, 1]], [283, [600, 2]], [296, [2]], [33550, [0.5, 0.5, 0]], [34737, 'WGS 84|'],
    ]);
    await source.close();
  });

  it('decodes the LZW of the test encoder across code-width changes and table resets', () => {
    const bytes = Uint8Array.from(ramp(70_000, (i) => (i * i + (i >> 7)) % 251));
    const back = decodeLzw(lzwEncode(bytes), bytes.length, 'f', 'strip 1');
    assert.deepEqual(Buffer.from(back), Buffer.from(bytes));
  });
});

describe('TIFF reader refusals', () => {
  const dir = tempFolder('baler-tiff-bad-');
  let serial = 0;
  const put = (bytes: Uint8Array, name = `b${serial++}.tif`): string => {
    const file = path.join(dir(), name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const page: PageSpec = { width: 8, height: 4, bits: 8, values: ramp(32) };

  it('refuses what is not a TIFF, and a truncated one', async () => {
    const notTiff = put(Buffer.from('hello, this is not an image at all'));
    await rejectsBaler(() => openDataSource(notTiff), /not a TIFF file/, notTiff);
    const short = put(Buffer.from('II*'));
    await rejectsBaler(() => openDataSource(short), /not a TIFF file/, short);
    const whole = buildTiff([page]);
    const cut = put(whole.subarray(0, whole.length - 20));
    await rejectsBaler(() => openDataSource(cut), /truncated file/, cut);
    const dataCut = buildTiff([page]);
    // the strip lies at 8..40; the directory after it: point the strip beyond the end
    const broken = Buffer.from(dataCut);
    const view = new DataView(broken.buffer, broken.byteOffset);
    const ifd = view.getUint32(4, true);
    const entries = view.getUint16(ifd, true);
    for (let k = 0; k < entries; k++) if (view.getUint16(ifd + 2 + k * 12, true) === 273) view.setUint32(ifd + 2 + k * 12 + 8, 1e6, true);
    const offBeyond = put(broken);
    await rejectsBaler(() => openDataSource(offBeyond), /strip 1 of page 1 lies beyond the end of the file/, offBeyond);
  });

  it('refuses a chain of directories that loops', async () => {
    const file = put(buildTiff([page, page], { loop: true }));
    await rejectsBaler(() => openDataSource(file), /chain of image directories loops/, file);
  });

  it('refuses a huge declared size before allocating it', async () => {
    const bytes = Buffer.from(buildTiff([{ width: 8, height: 4, bits: 8, values: ramp(32) }]));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const ifd = view.getUint32(4, true);
    const entries = view.getUint16(ifd, true);
    for (let k = 0; k < entries; k++) {
      const at = ifd + 2 + k * 12;
      const tag = view.getUint16(at, true);
      if (tag === 256) view.setUint32(at + 8, 2 ** 16, true);
      if (tag === 257 || tag === 278) view.setUint32(at + 8, 2 ** 20, true); // one strip of 64 GiB
    }
    const file = put(bytes);
    await rejectsBaler(() => openDataSource(file, {}, { memoryBudget: 2 ** 30 }), /a strip of page 1 \(65536 × 1048576\) needs 64\.0 GiB, more than the memory budget of 1\.0 GiB/, file);
  });

  it('refuses JPEG, palette, 1-bit, complex and pages of different shapes, naming the problem', async () => {
    const cases: [PageSpec[], RegExp][] = [
      [[{ ...page, compression: 7 }], /page 1 uses JPEG compression, which is not read/],
      [[{ ...page, photometric: 3 }], /page 1 is a palette \(colour-mapped\) image/],
      [[{ ...page, bits: 8, extraTags: [] }, { width: 8, height: 5, bits: 8, values: ramp(40) }], /page 2 is 8 × 5 pixels .* pages of different shapes are not read as one stack/],
      [[{ ...page, bits: 32, format: 6, values: ramp(32) }], /page 1 has complex samples, which is not read/],
    ];
    for (const [pages, pattern] of cases) {
      const file = put(buildTiff(pages));
      await rejectsBaler(() => openDataSource(file), pattern, file);
    }
    // 1-bit: crafted by patching BitsPerSample
    const bytes = Buffer.from(buildTiff([page]));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const ifd = view.getUint32(4, true);
    for (let k = 0; k < view.getUint16(ifd, true); k++) if (view.getUint16(ifd + 2 + k * 12, true) === 258) view.setUint16(ifd + 2 + k * 12 + 8, 1, true);
    const oneBit = put(bytes);
    await rejectsBaler(() => openDataSource(oneBit), /page 1 has 1-bit samples \(sub-byte or odd bit depths\), which is not read/, oneBit);
  });

  it('reads or refuses in one line every damaged file: 600 random byte changes and truncations', async () => {
    const bases = [
      buildTiff([{ width: 23, height: 19, bits: 16, tile: [16, 16], compression: 5, predictor: 2, values: ramp(437, (i) => i * 97) }], { littleEndian: false, bigTiff: true }),
      buildTiff([0, 1].map(() => ({ width: 9, height: 7, samples: 3, bits: 8 as const, planar: true, rowsPerStrip: 3, compression: 32773, values: ramp(189, (i) => i % 7) }))),
      buildTiff([{ width: 9, height: 4, bits: 32, format: 3, compression: 8, predictor: 3, rowsPerStrip: 2, values: ramp(36, Math.sin) }]),
    ];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 600; k++) {
      const base = bases[k % bases.length];
      const bytes = k % 5 === 0 ? base.slice(0, random(base.length)) : base.slice();
      if (k % 5 !== 0) for (let m = 0; m <= random(4); m++) bytes[random(bytes.length)] = random(256);
      const file = put(bytes, 'mutant.tif');
      try {
        const source = await openDataSource(file, {}, { memoryBudget: 2 ** 26 });
        try {
          const [a] = source.arrays;
          for (let r = 0; r < a.shape[0]; r += 3) await a.readSlab(r, Math.min(3, a.shape[0] - r));
        } finally {
          await source.close();
        }
      } catch (err) {
        assert.ok(err instanceof BalerError, `mutant ${k}: ${String((err as Error).stack ?? err)}`);
        assert.equal(err.file, file);
        assert.ok(!err.toLine().includes('\n'));
      }
    }
  });

  it('refuses a corrupted LZW or Deflate strip when it is read', async () => {
    for (const compression of [5, 8]) {
      const bytes = Buffer.from(buildTiff([{ ...page, compression }]));
      bytes.fill(0xff, 8, 14); // the strip's first bytes
      const file = put(bytes);
      const source = await openDataSource(file);
      await rejectsBaler(() => source.arrays[0].readSlab(0, 4), /corrupted TIFF: strip 1 of page 1/, file);
      await source.close();
    }
  });
});

describe('TIFF writer', () => {
  const dir = tempFolder('baler-tiff-out-');
  const roundTrip = async (name: string, dtype: 'uint16' | 'float32' | 'int8', shape: number[], data: ArrayLike<number>, attributes: Record<string, unknown> = {}, compress = false) => {
    const file = path.join(dir(), name);
    const Typed = dtype === 'uint16' ? Uint16Array : dtype === 'float32' ? Float32Array : Int8Array;
    const sink = await createDataSink(file, undefined, [{ path: '', dtype, shape, kind: 'frames', names: [] }], attributes, { compress });
    const perRow = shape.slice(1).reduce((a, b) => a * b, 1);
    for (let r = 0; r < shape[0]; r += 2) {
      const rows = Math.min(2, shape[0] - r);
      await sink.writeSlab(0, { dtype, shape: [rows, ...shape.slice(1)], data: Typed.from(Array.from(data).slice(r * perRow, (r + rows) * perRow)) });
    }
    await sink.finish();
    const source = await openDataSource(file);
    const [a] = source.arrays;
    const slab = await a.readSlab(0, a.shape[0]);
    await source.close();
    return { file, shape: a.shape, dtype: a.dtype, values: Array.from(slab.data, Number), attributes: source.attributes!.tiff as TiffAttributes };
  };

  it('.tif and .tiff are written', () => {
    assert.equal(writableFormatOf('x.tif'), 'tiff');
    assert.equal(writableFormatOf('x.TIFF'), 'tiff');
  });

  it('writes a stack as pages, plain or deflated with the predictor, and reads it back value for value', async () => {
    const values = ramp(5 * 33 * 17, (i) => (i * 31) % 65536);
    for (const compress of [false, true]) {
      const got = await roundTrip(`stack-${compress}.tif`, 'uint16', [5, 33, 17], values, {}, compress);
      assert.deepEqual(got.shape, [5, 33, 17]);
      assert.equal(got.dtype, 'uint16');
      assert.deepEqual(got.values, values);
      assert.equal(got.attributes.compression, compress ? 8 : 1);
    }
  });

  it('writes back as read: planar samples, the kept tags, BigTIFF, the description only while the shape is the same', async () => {
    const tiff: TiffAttributes = {
      pages: 2, samples: 3, planar: true, photometric: 2, compression: 5, bigTiff: true, byteOrder: 'big', tiled: false, shape: [2, 3, 4, 5],
      tags: [{ tag: 270, type: 2, value: 'ImageJ=1.53t\nimages=2\n' }, { tag: 282, type: 5, value: [300, 1] }, { tag: 305, type: 2, value: 'microscope' }],
    };
    const values = ramp(2 * 3 * 4 * 5, (i) => i / 4 - 7);
    const got = await roundTrip('planar.tif', 'float32', [2, 3, 4, 5], values, { tiff });
    assert.deepEqual(got.shape, [2, 3, 4, 5]);
    assert.deepEqual(got.values, values);
    assert.equal(got.attributes.planar, true);
    assert.equal(got.attributes.bigTiff, true);
    assert.equal(got.attributes.compression, 8, 'what was compressed is deflated');
    assert.deepEqual(got.attributes.tags.map((t) => [t.tag, t.value]), [[270, 'ImageJ=1.53t\nimages=2\n'], [282, [300, 1]], [305, 'microscope']]);
    const fewer = await roundTrip('planar-rows.tif', 'float32', [1, 3, 4, 5], values.slice(0, 60), { tiff });
    assert.deepEqual(fewer.attributes.tags.map((t) => t.tag), [282, 305], 'a description of 2 pages is not written on 1');
  });

  it('writes arrays of other ranks as pages of their last two axes, the shape in a tifffile description', async () => {
    const values = ramp(2 * 3 * 4 * 5, (i) => (i % 200) - 100);
    const got = await roundTrip('four.tif', 'int8', [2, 3, 4, 5], values);
    assert.deepEqual(got.shape, [6, 4, 5]);
    assert.deepEqual(got.values, values);
    assert.deepEqual(got.attributes.tags.find((t) => t.tag === 270)?.value, '{"shape":[2,3,4,5]}');
  });

  it('writes BigTIFF where the file could pass 4 GiB, classic TIFF below', () => {
    assert.equal(needsBigTiff(50_000 * 256 * 256 * 2, 50_000 * 2), true, '6.5 GB of uint16 pages');
    assert.equal(needsBigTiff(2 ** 32 - 2 ** 25, 16_000), true, 'just under 4 GiB: Deflate could pass it');
    assert.equal(needsBigTiff(50 * 512 * 512 * 2, 400), false);
  });

  it('refuses several arrays', async () => {
    const file = path.join(dir(), 'two.tif');
    await rejectsBaler(() => createDataSink(file, undefined, [
      { path: 'a', dtype: 'uint8', shape: [2, 2], kind: 'table', names: [] }, { path: 'b', dtype: 'uint8', shape: [2, 2], kind: 'table', names: [] },
    ]), /a TIFF file holds one image or stack, not 2 arrays/, file);
    assert.ok(!fs.existsSync(file));
  });
});
