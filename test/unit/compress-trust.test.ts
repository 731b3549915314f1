// Regression tests of the trust defects (issue 7): each case that once crashed, lost data or wrote a broken
// file, through the engine's compress/decompress on real files.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress, inspect } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { onTrainingDefaults } from '../../src/kernel/options/autoencoder';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { compressBytes } from '../../src/kernel/codec/entropy';
import { arrayBytes } from '../../src/kernel/data/dtype';
import { encodeContainer } from '../../src/kernel/codec/container';
import { decodeArray, openBaler, reconstruct } from '../../src/kernel/decompress';
import { checkDiskSpace, leastOutputBytes } from '../../src/kernel/data/disk-space';
import type { DataHeader } from '../../src/kernel/codec/header';
import type { NdArray } from '../../src/kernel/types';

describe('compress: trust regressions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-trust-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const npy = (arr: NdArray): string => {
    const file = path.join(dir, `a${n++}.npy`);
    fs.writeFileSync(file, encodeNpy(arr));
    return file;
  };
  const roundTrip = async (arr: NdArray, opts: Parameters<typeof compress>[1]): Promise<{ back: NdArray; total: number }> => {
    const input = npy(arr);
    const { output, info } = await compress(input, opts);
    const back = path.join(dir, `b${n++}.npy`);
    await decompress(output, { output: back });
    return { back: parseNpy(fs.readFileSync(back)), total: info.sizes.total };
  };

  it('integer-valued data under a bound below half a unit is stored losslessly, no larger than zstd -19 of its bytes', async () => {
    const image = new Uint8Array(128 * 128);
    for (let i = 0; i < image.length; i++) image[i] = Math.round(100 + 60 * Math.sin((i % 128) / 9) * Math.cos(Math.floor(i / 128) / 13)) + (i % 3);
    const arr: NdArray = { dtype: 'uint8', shape: [128, 128], data: image };
    const zstd19 = (await compressBytes(arrayBytes(arr), 'zstd', 19)).length;
    for (const errorBound of ['abs:0.4', 'rel:0.001', 'abs:0', 'rel:0', 'pw-rel:0']) {
      const { back, total } = await roundTrip(arr, { errorBound });
      assert.deepEqual(Array.from(back.data as Uint8Array), Array.from(image), errorBound);
      assert.ok(total <= zstd19, `${errorBound}: ${total} bytes, zstd -19 gives ${zstd19}`);
    }
  });

  it('a bound of 0 on real-valued data is lossless (NaN, ±Inf, −0 and subnormals included)', async () => {
    const data = Float64Array.from([0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 3.25, -2.5, 1e-300]);
    for (const errorBound of ['abs:0', 'rel:0', 'pw-rel:0']) {
      const { back } = await roundTrip({ dtype: 'float64', shape: [10], data }, { errorBound });
      assert.ok(Buffer.from((back.data as Float64Array).buffer).equals(Buffer.from(data.buffer)), errorBound);
    }
  });

  it('one ±Inf does not destroy its column under rel: the range is taken over finite values', async () => {
    const data = Float64Array.from([1, Infinity, 2, 3, 3, 4]);
    const { back } = await roundTrip({ dtype: 'float64', shape: [3, 2], data }, { errorBound: 'rel:1e-3' });
    const got = back.data as Float64Array;
    assert.equal(got[1], Infinity);
    for (const i of [0, 2, 4]) assert.ok(Math.abs(got[i] - data[i]) <= 1e-3 * 2, `column 0 value ${i}`);
    for (const i of [3, 5]) assert.ok(Math.abs(got[i] - data[i]) <= 1e-3 * 1, `column 1 value ${i}`);
  });

  it('64-bit integers beyond 2^53 round-trip exactly under any bound', async () => {
    const data = BigInt64Array.from([2n ** 60n + 1n, -(2n ** 62n) - 7n, 3n, 9007199254740993n]);
    const { back } = await roundTrip({ dtype: 'int64', shape: [2, 2], data }, { errorBound: 'abs:1' });
    assert.deepEqual(back.data, data);
    const u = BigUint64Array.from([2n ** 64n - 1n, 2n ** 53n + 1n]);
    assert.deepEqual((await roundTrip({ dtype: 'uint64', shape: [2], data: u }, { errorBound: 'rel:0.01' })).back.data, u);
  });

  it('booleans and constants compress without crashing, and come back exactly', async () => {
    const bools = Uint8Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? 1 : 0));
    assert.deepEqual(Array.from((await roundTrip({ dtype: 'bool', shape: [30, 10], data: bools }, { errorBound: 'abs:0.1' })).back.data as Uint8Array), Array.from(bools));
    const constant = new Float32Array(400).fill(2.5);
    assert.deepEqual((await roundTrip({ dtype: 'float32', shape: [4, 10, 10], data: constant }, { errorBound: 'rel:1e-3' })).back.data, constant);
    const { back } = await roundTrip({ dtype: 'float64', shape: [20, 4], data: new Float64Array(80).fill(1) }, { epochs: 2, latent: 1 });
    assert.equal(back.shape.join(), '20,4', 'an autoencoder on a constant array writes a file (PSNR is ∞ or finite, never a crash)');
  });

  it('never writes through a symlink onto the input, whatever the flags', async () => {
    const real = npy({ dtype: 'float64', shape: [4], data: Float64Array.of(1, 2, 3, 4) });
    const link = path.join(dir, 'link.npy');
    fs.symlinkSync(real, link);
    const before = fs.readFileSync(real);
    for (const [input, output] of [[link, real], [real, link]]) {
      await assert.rejects(compress(input, { output, force: true, errorBound: 'abs:0.1' }), (e: unknown) => e instanceof BalerError && /input/.test(e.message));
    }
    assert.ok(fs.readFileSync(real).equals(before), 'the input is untouched');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  it('the same input and seed give the same file (no timings in the bytes)', async () => {
    const data = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 5) + (i % 4));
    const input = npy({ dtype: 'float64', shape: [50, 4], data });
    const a = await compress(input, { output: path.join(dir, 'seed-a.baler'), epochs: 3, seed: 7 });
    const b = await compress(input, { output: path.join(dir, 'seed-b.baler'), epochs: 3, seed: 7 });
    assert.ok(fs.readFileSync(a.output).equals(fs.readFileSync(b.output)));
  });

  it('refuses a header whose shape would need terabytes before allocating anything', async () => {
    const errors = { rmse: 0, nrmse: 0, psnr: 0, maxAbsError: 0, maxRelError: 0, range: 0 };
    const header: DataHeader = {
      kind: 'data', createdBy: 'crafted', source: { name: 'x.npy', bytes: 1, format: 'npy' },
      arrays: [{ path: '', kind: 'table', shape: [200, 4_000_000_000], dtype: 'float64', names: [], attributes: '', slabRows: 200, codec: { mode: 'lossless' }, errors }],
    };
    const file = path.join(dir, 'bomb.baler');
    fs.writeFileSync(file, (await encodeContainer(header, [{ name: '0.data', data: Uint8Array.of(1, 2, 3) }])).bytes);
    const started = Date.now();
    // The room it needs on disk refuses it first; decoding it, its slab's memory.
    await assert.rejects(decompress(file, { output: path.join(dir, 'bomb.npy') }), (e: unknown) => e instanceof BalerError && / free$/.test(e.message));
    const opened = openBaler(file);
    try {
      await assert.rejects(decodeArray(opened, 0).next(), (e: unknown) => e instanceof BalerError && /memory/.test(e.message));
    } finally {
      opened.close();
    }
    assert.ok(Date.now() - started < 2000, 'refused at once');
    assert.equal(fs.existsSync(path.join(dir, 'bomb.npy')), false);
    assert.equal((await inspect(file)).shape[1], 4_000_000_000, 'info still describes it');
  });

  it('of slabs no budget could hold, says nothing of the threads a larger --memory would decode on (the refusal names the problem)', async () => {
    const errors = { rmse: 0, nrmse: 0, psnr: 0, maxAbsError: 0, maxRelError: 0, range: 0 };
    const header: DataHeader = {
      kind: 'data', createdBy: 'crafted', source: { name: 'x.npy', bytes: 1, format: 'npy' },
      arrays: [{ path: '', kind: 'table', shape: [2 ** 20, 2 ** 12], dtype: 'float64', names: [], attributes: '', slabRows: 2 ** 19, codec: { mode: 'lossless' }, errors }],
    };
    const file = path.join(dir, 'wide-slabs.baler');
    fs.writeFileSync(file, (await encodeContainer(header, [{ name: '0.data', data: Uint8Array.of(1, 2, 3, 4), chunkBytes: 2 }])).bytes);
    const logged: string[] = [];
    await assert.rejects(decompress(file, { output: path.join(dir, 'wide-slabs.npy'), threads: 2 }, { onLog: (l) => logged.push(l) }), BalerError);
    assert.deepEqual(logged.filter((l) => /--memory/.test(l)), []);
  });

  it('info checks every chunk\'s checksum: a flipped byte in the coded data is refused, not described', async () => {
    const data = Float64Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i / 17) + Math.cos(i / 301));
    const { output } = await compress(npy({ dtype: 'float64', shape: [64, 64], data }), { output: path.join(dir, 'flip.baler'), errorBound: 'rel:1e-5' });
    const opened = openBaler(output);
    const chunks = opened.index.sections.flatMap((s) => s.chunks);
    opened.close();
    const intact = await inspect(output);
    assert.deepEqual(intact.checked, { chunks: chunks.length, bytes: chunks.reduce((n, c) => n + c.storedBytes, 0) });
    const bytes = fs.readFileSync(output);
    const last = chunks[chunks.length - 1];
    bytes[last.offset + (last.storedBytes >> 1)] ^= 0x10;
    fs.writeFileSync(output, bytes);
    await assert.rejects(inspect(output), (e: unknown) => e instanceof BalerError && e.code === 'ECORRUPT' && /checksum mismatch in section/.test(e.message));
    assert.equal((await inspect(output, { check: false })).checked, undefined, 'right after writing, the index alone');
  });

  /** A 70-byte .baler of a constant array of 2^40 rows: a constant has no chunks, so nothing bounds its rows (8 TiB as float64). */
  const constantBomb = async (name: string): Promise<string> => {
    const errors = { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 0 };
    const header: DataHeader = {
      kind: 'data', createdBy: 'crafted', source: { name: 'x.npy', bytes: 1, format: 'npy' },
      arrays: [{ path: '', kind: 'table', shape: [2 ** 40, 1], dtype: 'float64', names: [], attributes: '', slabRows: 1024, codec: { mode: 'constant', value: new Uint8Array(8) }, errors }],
    };
    const file = path.join(dir, name);
    fs.writeFileSync(file, (await encodeContainer(header, [])).bytes);
    return file;
  };

  it('refuses to decode a crafted array whole (the report) when its values would not fit the memory budget', async () => {
    const file = await constantBomb('constant-bomb.baler');
    await assert.rejects(reconstruct(file), (e: unknown) => e instanceof BalerError && e.file === file && /memory budget/.test(e.message));
  });

  it('refuses to decompress a file whose values need more room than the disk has, before writing anything', async () => {
    // 8 TiB as float64 in .npy, 2 TiB at least as CSV.
    const file = await constantBomb('disk-bomb.baler');
    for (const ext of ['npy', 'csv']) {
      const output = path.join(dir, `disk-bomb.${ext}`);
      const started = Date.now();
      await assert.rejects(decompress(file, { output }), (e: unknown) => e instanceof BalerError && e.file === output && /take at least \d+\.\d TiB|take at least \d+\.\d GiB/.test(e.message) && / free$/.test(e.message));
      assert.ok(Date.now() - started < 2000, 'refused at once');
      assert.equal(fs.existsSync(output), false);
    }
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('disk-bomb') && f !== 'disk-bomb.baler'), [], 'no temporary file left');
    assert.doesNotThrow(() => checkDiskSpace(path.join(dir, 'x.npy'), 100, 100));
    assert.throws(() => checkDiskSpace(path.join(dir, 'x.npy'), 101, 100), (e: unknown) => e instanceof BalerError && e.code === 'ENOSPC' && /take at least 101 bytes, and .* has 100 bytes free$/.test(e.message));
    assert.equal(leastOutputBytes('zarr', [{ path: '', dtype: 'float64', shape: [10, 10], kind: 'frames', names: [] }]), 0, 'a format that compresses needs no least size');
  });

  it('a table of one very wide row compresses (it is sampled by rows, never past its end)', async () => {
    const data = Float64Array.from({ length: 300_000 }, (_, i) => 1.5 + (i % 7) * 0.25);
    const { back } = await roundTrip({ dtype: 'float64', shape: [1, 300_000], data }, { errorBound: 'rel:1e-3', threads: 1 });
    const got = back.data as Float64Array;
    for (let i = 0; i < data.length; i += 997) assert.equal(got[i], data[i]);
  });

  it('refuses bad training options with a one-line error naming the option', async () => {
    const input = npy({ dtype: 'float64', shape: [10, 3], data: new Float64Array(30) });
    for (const [opts, name] of [[{ epochs: -5 }, '--epochs'], [{ latent: 0 }, '--latent'], [{ batchSize: 0 }, '--batch-size'], [{ learningRate: -1 }, '--lr']] as const) {
      await assert.rejects(compress(input, { ...opts, output: path.join(dir, 'opt.baler') }), (e: unknown) => e instanceof BalerError && e.message.startsWith(name));
    }
  });

  it('refuses an autoencoder\'s options beside a bound or a PSNR target, which would leave them unused without a word', async () => {
    const input = npy({ dtype: 'float64', shape: [10, 3], data: new Float64Array(30) });
    await assert.rejects(compress(input, { errorBound: 'rel:1e-3', latent: 10, epochs: 5, output: path.join(dir, 'ae.baler') }),
      (e: unknown) => e instanceof BalerError && e.message === '--latent, --epochs are autoencoder options, and --error-bound codes with the error-bounded coder: give one or the other');
    await assert.rejects(compress(input, { target: 'psnr:40', modelType: 'conv', output: path.join(dir, 'ae.baler') }), /--model is an autoencoder option, and --target/);
    assert.equal(fs.existsSync(path.join(dir, 'ae.baler')), false);
    // Callers whose defaults carry them (VS Code settings, notebooks) keep them only where the options ask for an autoencoder.
    const defaults = { epochs: 300, modelType: 'conv' as const, latentPrecision: 'float32' as const, backend: 'cpu' as const };
    assert.deepEqual(onTrainingDefaults(defaults, { errorBound: 'rel:1e-3' }), { backend: 'cpu', errorBound: 'rel:1e-3' });
    assert.deepEqual(onTrainingDefaults(defaults, { compressionRatio: 20 }), { ...defaults, compressionRatio: 20 });
    // Options that ask for no autoencoder take the CLI's automatic path: the defaults' training options would turn it into training.
    assert.deepEqual(onTrainingDefaults(defaults, {}), { backend: 'cpu' });
    assert.deepEqual(onTrainingDefaults(defaults, { output: 'x.baler' }), { backend: 'cpu', output: 'x.baler' });
  });
});
