// The NIfTI reader on files crafted byte by byte: NIfTI-1 and NIfTI-2, either byte order, every datatype read, 3-D and
// 4-D, .nii and .nii.gz; damaged and unsupported files refused in one line naming the file, a huge declared size
// before anything is allocated, a gzip stream that inflates beyond the declared size. And the writer: what it writes
// back from a NIfTI source is the source's own bytes; an array from elsewhere gets a plain header.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { defaultOutput } from '../../src/kernel/compress/output';
import { extensionOf } from '../../src/kernel/data/extensions';
import { createDataSink, openDataSource, writableFormatOf } from '../../src/kernel/data/formats';
import type { NiftiAttributes } from '../../src/kernel/data/nifti';
import type { DType, NdArray } from '../../src/kernel/types';
import { rejectsBaler, tempFolder } from './data-helpers';

interface Spec {
  version?: 1 | 2;
  littleEndian?: boolean;
  datatype: number;
  /** dim[1..]: x first. */
  dims: number[];
  /** Values in the order on disk (x fastest). */
  values: (number | bigint)[];
  /** Bytes between the header and the voxels (extender and extensions); default the 4-byte extender of zeros. */
  extra?: Uint8Array;
  magic?: string;
  descrip?: string;
  sizeofHdr?: number;
}

const ITEM: Record<number, { bytes: number; set: (v: DataView, at: number, x: number | bigint, le: boolean) => void }> = {
  2: { bytes: 1, set: (v, at, x) => v.setUint8(at, Number(x)) },
  256: { bytes: 1, set: (v, at, x) => v.setInt8(at, Number(x)) },
  4: { bytes: 2, set: (v, at, x, le) => v.setInt16(at, Number(x), le) },
  512: { bytes: 2, set: (v, at, x, le) => v.setUint16(at, Number(x), le) },
  8: { bytes: 4, set: (v, at, x, le) => v.setInt32(at, Number(x), le) },
  768: { bytes: 4, set: (v, at, x, le) => v.setUint32(at, Number(x), le) },
  1024: { bytes: 8, set: (v, at, x, le) => v.setBigInt64(at, BigInt(x), le) },
  1280: { bytes: 8, set: (v, at, x, le) => v.setBigUint64(at, BigInt(x), le) },
  16: { bytes: 4, set: (v, at, x, le) => v.setFloat32(at, Number(x), le) },
  64: { bytes: 8, set: (v, at, x, le) => v.setFloat64(at, Number(x), le) },
  128: { bytes: 3, set: () => undefined },
  32: { bytes: 8, set: () => undefined },
  1536: { bytes: 16, set: () => undefined },
};

/** A single-file NIfTI, field by field at the offsets of the standard's nifti1.h / nifti2.h. */
function buildNifti(s: Spec): Uint8Array {
  const version = s.version ?? 1;
  const le = s.littleEndian ?? true;
  const size = version === 1 ? 348 : 540;
  const extra = s.extra ?? new Uint8Array(4);
  const item = ITEM[s.datatype];
  const voxOffset = size + extra.length;
  const out = new Uint8Array(voxOffset + s.values.length * item.bytes);
  const v = new DataView(out.buffer);
  v.setInt32(0, s.sizeofHdr ?? size, le);
  const text = (at: number, t: string) => out.set(Buffer.from(t, 'latin1'), at);
  const dims = [s.dims.length, ...s.dims, ...Array(7 - s.dims.length).fill(1)];
  if (version === 1) {
    v.setInt16(70, s.datatype, le);
    v.setInt16(72, item.bytes * 8, le);
    dims.forEach((d, k) => v.setInt16(40 + 2 * k, d, le));
    [1, 2, 2.5, 3, 2, 1, 1, 1].forEach((p, k) => v.setFloat32(76 + 4 * k, p, le));
    v.setFloat32(108, voxOffset, le);
    v.setFloat32(112, 2); // scl_slope: kept, never applied
    v.setFloat32(116, -1);
    out[123] = 10; // xyzt_units: mm, s
    text(148, s.descrip ?? 'crafted');
    v.setInt16(254, 1, le); // sform_code
    [0.5, 0, 0, -10, 0, 2, 0, 20, 0, 0, 2.5, 30].forEach((x, k) => v.setFloat32(280 + 4 * k, x, le));
    text(344, s.magic ?? 'n+1\0');
  } else {
    text(4, s.magic ?? 'n+2\0\r\n\x1a\n');
    v.setInt16(12, s.datatype, le);
    v.setInt16(14, item.bytes * 8, le);
    dims.forEach((d, k) => v.setBigInt64(16 + 8 * k, BigInt(d), le));
    [1, 2, 2.5, 3, 2, 1, 1, 1].forEach((p, k) => v.setFloat64(104 + 8 * k, p, le));
    v.setBigInt64(168, BigInt(voxOffset), le);
    text(240, s.descrip ?? 'crafted');
    v.setInt32(348, 1, le);
    [0.5, 0, 0, -10, 0, 2, 0, 20, 0, 0, 2.5, 30].forEach((x, k) => v.setFloat64(400 + 8 * k, x, le));
    v.setInt32(500, 10, le);
  }
  out.set(extra, size);
  s.values.forEach((x, i) => item.set(v, voxOffset + i * item.bytes, x, le));
  return out;
}

const ramp = (n: number, f: (i: number) => number | bigint = (i) => i): (number | bigint)[] => Array.from({ length: n }, (_, i) => f(i));

/** Extensions as nibabel writes them: esize (a multiple of 16), ecode, the content padded with zeros. */
function extensions(le: boolean, ...contents: string[]): Uint8Array {
  const parts: number[] = [1, 0, 0, 0];
  for (const c of contents) {
    const body = Buffer.from(c, 'latin1');
    const esize = Math.ceil((body.length + 8) / 16) * 16;
    const head = new DataView(new ArrayBuffer(8));
    head.setInt32(0, esize, le);
    head.setInt32(4, 6, le); // comment
    parts.push(...new Uint8Array(head.buffer), ...body, ...Array(esize - 8 - body.length).fill(0));
  }
  return Uint8Array.from(parts);
}

describe('NIfTI reader', () => {
  const dir = tempFolder('baler-nifti-');
  let serial = 0;
  const write = (bytes: Uint8Array, ext = '.nii'): string => {
    const file = path.join(dir(), `n${serial++}${ext}`);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const readAll = async (file: string, slab = 1): Promise<{ shape: number[]; dtype: DType; values: (number | bigint)[]; nifti: NiftiAttributes; kind: string }> => {
    const source = await openDataSource(file);
    try {
      const [a] = source.arrays;
      const values: (number | bigint)[] = [];
      for (let r = 0; r < a.shape[0]; r += slab) {
        const s = await a.readSlab(r, Math.min(slab, a.shape[0] - r));
        assert.deepEqual(s.shape, [Math.min(slab, a.shape[0] - r), ...a.shape.slice(1)]);
        for (const x of s.data) values.push(x);
      }
      return { shape: a.shape, dtype: a.dtype, values, nifti: source.attributes!.nifti as NiftiAttributes, kind: a.kind };
    } finally {
      await source.close();
    }
  };

  const cases: [number, DType, (i: number) => number | bigint][] = [
    [2, 'uint8', (i) => (i * 7) % 256], [256, 'int8', (i) => (i * 7) % 256 - 128], [4, 'int16', (i) => i * 37 - 3000],
    [512, 'uint16', (i) => (i * 997) % 65536], [8, 'int32', (i) => i * 99991 - 2e6], [768, 'uint32', (i) => (i * 178956970) % 2 ** 32],
    [1024, 'int64', (i) => BigInt(i) * 2n ** 40n - 3n], [1280, 'uint64', (i) => BigInt.asUintN(64, BigInt(i) * 2n ** 60n + 1n)],
    [16, 'float32', (i) => Math.fround(i / 7 - 3)], [64, 'float64', (i) => i / 3 - 5],
  ];
  for (const version of [1, 2] as const) {
    for (const littleEndian of [true, false]) {
      it(`NIfTI-${version} ${littleEndian ? 'little' : 'big'}-endian: every datatype read as stored, dim [x, y, z] as z × y × x`, async () => {
        for (const [datatype, dtype, f] of cases) {
          const values = ramp(5 * 4 * 3, f);
          const file = write(buildNifti({ version, littleEndian, datatype, dims: [5, 4, 3], values }));
          const got = await readAll(file);
          assert.deepEqual(got.shape, [3, 4, 5], dtype);
          assert.equal(got.dtype, dtype);
          assert.equal(got.kind, 'frames');
          assert.deepEqual(got.values, values.map((v) => (typeof v === 'bigint' ? v : v)), `${dtype} values in the order on disk`);
          assert.equal(got.nifti.version, version);
          assert.equal(got.nifti.byteOrder, littleEndian ? 'little' : 'big');
          assert.deepEqual(got.nifti.dims, [5, 4, 3]);
          assert.equal(got.nifti.descrip, 'crafted');
          assert.equal(got.nifti.gzip, false);
        }
      });
    }
  }

  it('a 4-D series is t × z × y × x, read volume by volume; trailing dimensions of 1 kept as declared', async () => {
    const values = ramp(6 * 5 * 4 * 3, (i) => i - 100);
    const got = await readAll(write(buildNifti({ datatype: 4, dims: [6, 5, 4, 3], values })), 2);
    assert.deepEqual(got.shape, [3, 4, 5, 6]);
    assert.deepEqual(got.values, values);
    const single = await readAll(write(buildNifti({ datatype: 16, dims: [6, 5, 4, 1], values: ramp(120) })));
    assert.deepEqual(single.shape, [1, 4, 5, 6]);
  });

  it('.nii.gz: inflated as a stream, slabs in any order (an earlier one inflates from the start again), either version and byte order', async () => {
    for (const [version, littleEndian] of [[1, true], [2, false]] as const) {
      const values = ramp(9 * 8 * 7 * 4, (i) => Math.fround(Math.sin(i) * 1000));
      const file = write(gzipSync(buildNifti({ version, littleEndian, datatype: 16, dims: [9, 8, 7, 4], values })), '.nii.gz');
      const got = await readAll(file, 3);
      assert.deepEqual(got.shape, [4, 7, 8, 9]);
      assert.deepEqual(got.values, values);
      assert.equal(got.nifti.gzip, true);
      const source = await openDataSource(file);
      const [a] = source.arrays;
      const late = await a.readSlab(3, 1);
      const early = await a.readSlab(0, 1);
      const twice = await Promise.all([a.readSlab(1, 1), a.readSlab(2, 1)]);
      await source.close();
      assert.deepEqual(Array.from(late.data as ArrayLike<number>), values.slice(3 * 504));
      assert.deepEqual(Array.from(early.data as ArrayLike<number>), values.slice(0, 504));
      assert.deepEqual(Array.from(twice[1].data as ArrayLike<number>), values.slice(2 * 504, 3 * 504));
    }
  });

  it('keeps the whole header and the extensions in the attributes', async () => {
    const extra = extensions(true, 'first extension', 'second, a little longer extension');
    const bytes = buildNifti({ datatype: 512, dims: [4, 3, 2], values: ramp(24), extra, descrip: 'T1w' });
    const got = await readAll(write(bytes));
    assert.deepEqual(new Uint8Array(Buffer.from(got.nifti.header, 'base64')), bytes.subarray(0, 348));
    assert.deepEqual(new Uint8Array(Buffer.from(got.nifti.extra, 'base64')), extra);
    assert.equal(got.nifti.descrip, 'T1w');
  });

  it('refuses a bad magic, a .hdr/.img header, a wrong sizeof_hdr, a bad dim[0] or size, a vox_offset inside the header', async () => {
    const base = { datatype: 4, dims: [2, 2, 2], values: ramp(8) };
    let file = write(buildNifti({ ...base, magic: 'XYZ\0' }));
    await rejectsBaler(() => openDataSource(file), /^not a NIfTI-1 file: bad magic 'XYZ\\x00' \(expected 'n\+1'\)$/, file);
    file = write(buildNifti({ ...base, version: 2, magic: 'n+2\0\n\n\x1a\n' }));
    await rejectsBaler(() => openDataSource(file), /^not a NIfTI-2 file: bad magic/, file);
    file = write(buildNifti({ ...base, magic: 'ni1\0' }));
    await rejectsBaler(() => openDataSource(file), /\.hdr\/\.img pair \(magic 'ni1'\), not a single-file \.nii/, file);
    file = write(buildNifti({ ...base, sizeofHdr: 352 }));
    await rejectsBaler(() => openDataSource(file), /^not a NIfTI file \(sizeof_hdr is 352, not 348 or 540 in either byte order\)$/, file);
    const rank = buildNifti(base);
    new DataView(rank.buffer).setInt16(40, 9, true);
    file = write(rank);
    await rejectsBaler(() => openDataSource(file), /dim\[0\] is 9, not 1 to 7/, file);
    const negative = buildNifti(base);
    new DataView(negative.buffer).setInt16(44, -2, true);
    file = write(negative);
    await rejectsBaler(() => openDataSource(file), /dimensions 2 × -2 × 2 \(each must be 1 or more\)/, file);
    const offset = buildNifti(base);
    new DataView(offset.buffer).setFloat32(108, 100, true);
    file = write(offset);
    await rejectsBaler(() => openDataSource(file), /vox_offset 100 \(the voxels must start after the 348-byte header\)/, file);
  });

  it('a NIfTI-2 file named for another format is named as NIfTI-2 by its first bytes, either byte order', async () => {
    for (const littleEndian of [true, false]) {
      const file = write(buildNifti({ version: 2, littleEndian, datatype: 4, dims: [2, 2], values: ramp(4) }), '.npy');
      await rejectsBaler(() => openDataSource(file), /^this is a NIfTI-2 file, by its first bytes, not what its name says: rename it \.nii$/, file);
    }
  });

  it('refuses RGB24, complex and float128 naming the datatype', async () => {
    for (const [datatype, name] of [[128, 'RGB24'], [32, 'complex64'], [1536, 'float128']] as const) {
      const file = write(buildNifti({ datatype, dims: [2, 2], values: ramp(4) }));
      await rejectsBaler(() => openDataSource(file), new RegExp(`^NIfTI datatype ${name} \\(code ${datatype}\\) is not read: only 8–64-bit integers, float32 and float64 are$`), file);
    }
    const file = write(buildNifti({ datatype: 4, dims: [2, 2], values: ramp(4) }));
    const bytes = fs.readFileSync(file);
    bytes.writeInt16LE(999, 70);
    fs.writeFileSync(file, bytes);
    await rejectsBaler(() => openDataSource(file), /^unknown NIfTI datatype code 999$/, file);
  });

  it('refuses truncated files: the header, the voxels of a .nii, the gzip stream of a .nii.gz', async () => {
    const bytes = buildNifti({ datatype: 16, dims: [10, 10, 10], values: ramp(1000, (i) => i / 3) });
    let file = write(bytes.subarray(0, 200));
    await rejectsBaler(() => openDataSource(file), /^truncated file: /, file);
    file = write(new Uint8Array(0));
    await rejectsBaler(() => openDataSource(file), /^truncated file: the header lies beyond the end of the file$/, file);
    file = write(bytes.subarray(0, bytes.length - 1));
    await rejectsBaler(() => openDataSource(file), /^truncated file: the header declares 3\.9 KiB of voxels \(10 × 10 × 10 float32\) from byte 352, the file has 4351 bytes$/, file);
    const gz = gzipSync(bytes);
    file = write(gz.subarray(0, gz.length - 100), '.nii.gz');
    await rejectsBaler(() => readAll(file), /^truncated file: the gzip stream ends before its end marker$/, file);
    file = write(gzipSync(bytes.subarray(0, 2000)), '.nii.gz');
    await rejectsBaler(() => readAll(file), /^truncated file: the gzip stream inflates to 2000 bytes, short of the voxels \(bytes up to 2352\)$/, file);
    file = write(gzipSync(bytes.subarray(0, 300)), '.nii.gz');
    await rejectsBaler(() => openDataSource(file), /^truncated file: the gzip stream inflates to 300 bytes/, file);
    const damaged = Buffer.from(gz);
    damaged[damaged.length - 6] ^= 0xff; // the CRC
    file = write(damaged, '.nii.gz');
    await rejectsBaler(() => readAll(file), /^corrupted \.nii\.gz file \(/, file);
  });

  it('refuses a gzip stream that inflates beyond the size the header declares', async () => {
    const bytes = buildNifti({ datatype: 2, dims: [8, 8, 4], values: ramp(256, (i) => i % 256) });
    const file = write(gzipSync(Buffer.concat([bytes, Buffer.alloc(5000)])), '.nii.gz');
    await rejectsBaler(() => readAll(file), /^corrupted \.nii\.gz file: the gzip stream inflates beyond the 608 bytes its header declares$/, file);
  });

  it('refuses a declared size beyond the memory budget before allocating, .nii.gz and .nii alike', async () => {
    // 40000 × 40000 float64 slices: 12.8 GB each, declared in a file of a few hundred bytes.
    const header = buildNifti({ datatype: 64, dims: [40000, 40000, 3], values: [] });
    const dims = new DataView(header.buffer);
    dims.setInt16(42, 30000, true);
    dims.setInt16(44, 30000, true);
    let file = write(gzipSync(header), '.nii.gz');
    await rejectsBaler(() => openDataSource(file), /^one slice of the NIfTI image \(30000 × 30000 float64\) needs 6\.7 GiB, more than the memory budget of /, file);
    const v2 = buildNifti({ version: 2, datatype: 16, dims: [1, 1, 1], values: [0] });
    const view = new DataView(v2.buffer);
    [2 ** 25, 2 ** 25, 7].forEach((d, k) => view.setBigInt64(24 + 8 * k, BigInt(d), true));
    file = write(v2);
    await rejectsBaler(() => openDataSource(file), /^one slice of the NIfTI image \(33554432 × 33554432 float32\) needs 4194304\.0 GiB, more than the memory budget/, file);
    const small = buildNifti({ datatype: 16, dims: [64, 64, 4], values: ramp(64 * 64 * 4) });
    file = write(small);
    await rejectsBaler(() => openDataSource(file, {}, { memoryBudget: 8192 }), /^one slice of the NIfTI image \(64 × 64 float32\) needs 16\.0 KiB, more than the memory budget of 8\.0 KiB$/, file);
  });
});

describe('NIfTI writer', () => {
  const dir = tempFolder('baler-nifti-w-');
  let serial = 0;
  const inDir = (name: string) => path.join(dir(), name);

  /** Reads `source` whole and writes it to `target` through the sink, with the source's attributes. */
  async function copyThrough(source: string, target: string, slab = 1): Promise<void> {
    const src = await openDataSource(source);
    const [a] = src.arrays;
    const sink = await createDataSink(target, undefined, [{ ...a }], src.attributes ?? {});
    for (let r = 0; r < a.shape[0]; r += slab) await sink.writeSlab(0, await a.readSlab(r, Math.min(slab, a.shape[0] - r)));
    await sink.finish();
    await src.close();
  }

  it('writes back the source file byte for byte: either version and byte order, extensions kept, .nii or .nii.gz by the extension', async () => {
    for (const [version, littleEndian, datatype, f] of [[1, true, 4, (i: number) => i - 500], [1, false, 16, (i: number) => Math.fround(i / 3)], [2, true, 1280, (i: number) => BigInt.asUintN(64, BigInt(i) * 2n ** 55n)], [2, false, 8, (i: number) => i * 1e5 - 7]] as const) {
      const bytes = buildNifti({ version, littleEndian, datatype, dims: [7, 6, 5, 2], values: ramp(420, f), extra: extensions(littleEndian, `made for version ${version}`) });
      const source = inDir(`s${serial++}.nii`);
      fs.writeFileSync(source, bytes);
      const plain = inDir(`w${serial++}.nii`);
      await copyThrough(source, plain, 3);
      assert.deepEqual(new Uint8Array(fs.readFileSync(plain)), bytes, `NIfTI-${version} ${littleEndian ? 'LE' : 'BE'} .nii`);
      const gz = inDir(`w${serial++}.nii.gz`);
      await copyThrough(source, gz);
      const inflated = gunzipSync(fs.readFileSync(gz));
      assert.deepEqual(new Uint8Array(inflated), bytes, '.nii.gz inflates to the same bytes');
      const again = inDir(`w${serial++}.nii`);
      await copyThrough(gz, again, 2);
      assert.deepEqual(new Uint8Array(fs.readFileSync(again)), bytes, 'read from .nii.gz, written as .nii');
    }
  });

  it('an array from elsewhere gets a plain NIfTI-1 header (NIfTI-2 past 32767), read back as written; float16 and 8-D refused', async () => {
    const values = Uint16Array.from({ length: 60 }, (_, i) => i * 1000);
    const file = inDir('fresh.nii.gz');
    const sink = await createDataSink(file, undefined, [{ path: '', dtype: 'uint16', shape: [3, 4, 5], kind: 'frames', names: [] }]);
    await sink.writeSlab(0, { dtype: 'uint16', shape: [3, 4, 5], data: values } as NdArray);
    await sink.finish();
    const back = await openDataSource(file);
    const nifti = back.attributes!.nifti as NiftiAttributes;
    assert.deepEqual(nifti.dims, [5, 4, 3]);
    assert.equal(nifti.version, 1);
    assert.deepEqual(Array.from((await back.arrays[0].readSlab(0, 3)).data as Uint16Array), Array.from(values));
    await back.close();
    const wide = inDir('wide.nii');
    const w = await createDataSink(wide, undefined, [{ path: '', dtype: 'int8', shape: [2, 40000], kind: 'table', names: [] }]);
    await w.writeSlab(0, { dtype: 'int8', shape: [2, 40000], data: new Int8Array(80000).fill(-3) });
    await w.finish();
    const wideBack = await openDataSource(wide);
    assert.equal((wideBack.attributes!.nifti as NiftiAttributes).version, 2);
    assert.deepEqual(wideBack.arrays[0].shape, [2, 40000]);
    await wideBack.close();
    await rejectsBaler(() => createDataSink(inDir('h.nii'), undefined, [{ path: '', dtype: 'float16', shape: [2, 2], kind: 'table', names: [] }]), /^NIfTI has no float16 datatype/, inDir('h.nii'));
    await rejectsBaler(() => createDataSink(inDir('r.nii'), undefined, [{ path: '', dtype: 'uint8', shape: [1, 1, 1, 1, 1, 1, 1, 2], kind: 'frames', names: [] }]), /at most 7 dimensions/, inDir('r.nii'));
    assert.ok(!fs.existsSync(inDir('h.nii')) && !fs.existsSync(inDir('r.nii')));
  });

  it('.nii.gz is one extension: the format, the default names, the writable formats', () => {
    assert.equal(extensionOf('/data/sub-01_T1w.nii.gz'), '.nii.gz');
    assert.equal(extensionOf('/data/sub-01_T1w.NII'), '.nii');
    assert.equal(extensionOf('/data/archive.tar.gz'), '.gz');
    assert.equal(writableFormatOf('out.nii.gz'), 'nifti');
    assert.equal(defaultOutput(path.join('data', 'sub-01_bold.nii.gz'), '.baler'), path.join('data', 'sub-01_bold.baler'));
    assert.equal(defaultOutput(path.join('data', 'x.nii'), '.baler'), path.join('data', 'x.baler'));
  });
});
