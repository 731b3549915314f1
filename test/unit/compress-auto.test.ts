// The automatic mode, the default of compress: meets its stated bound, picks a learned predictor where it pays
// (decoder counted) and the error-bounded coder or lossless where it does not, is never larger than lossless,
// and leaves the plain autoencoder to those who ask for it (with a warning when its total exceeds the input).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport, compress, decompress } from '../../src/kernel/pipeline';
import { reportNumber } from '../../src/kernel/report/data';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { DEFAULT_ERROR_BOUND } from '../../src/kernel/eb/bound';
import { openBaler } from '../../src/kernel/decompress';
import type { NdArray } from '../../src/kernel/types';
import { findRow, infoSections } from '../../src/kernel/report/info-rows';
import { dependentTable, travellingWaves } from '../fixtures/learned';
import { rejectsBaler } from './data-helpers';

describe('compress: the automatic mode', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-auto-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const npy = (arr: NdArray): string => {
    const file = path.join(dir, `a${n++}.npy`);
    fs.writeFileSync(file, encodeNpy(arr));
    return file;
  };
  // `input`: an .npy already written (the index is compressed: files compared should name the same source).
  const run = async (arr: NdArray, opts: Parameters<typeof compress>[1] = {}, input = npy(arr)) => {
    const log: string[] = [];
    const { output, info } = await compress(input, { output: path.join(dir, `o${n++}.baler`), ...opts }, { onLog: (l) => log.push(l) });
    const back = path.join(dir, `b${n++}.npy`);
    await decompress(output, { output: back });
    return { info, log, output, back: parseNpy(fs.readFileSync(back)).data as Float64Array | Float32Array };
  };
  const maxError = (a: ArrayLike<number>, b: ArrayLike<number>, stride = 1, offset = 0) => {
    let worst = 0;
    for (let i = offset; i < a.length; i += stride) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    return worst;
  };
  const range = (a: ArrayLike<number>, stride = 1, offset = 0) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = offset; i < a.length; i += stride) { lo = Math.min(lo, a[i]); hi = Math.max(hi, a[i]); }
    return hi - lo;
  };

  it('meets the stated default bound when no mode is given, and says so in the log', async () => {
    const data = Float32Array.from(travellingWaves(24, 16, 16));
    const { info, log, back } = await run({ dtype: 'float32', shape: [24, 16, 16], data });
    assert.equal(info.mode, 'error-bounded');
    assert.equal(info.errorBound, 'rel:0.0001');
    assert.equal(DEFAULT_ERROR_BOUND, 'rel:1e-4');
    assert.ok(log.some((l) => l.includes('the default bound rel:1e-4')), log.join('\n'));
    assert.ok(maxError(back, data) <= 1e-4 * range(data), 'every value within 1e-4 of the range');
  });

  it('picks a learned basis on recurring frames where it pays, decoder counted', async () => {
    const data = travellingWaves(48, 24, 24);
    const { info, back } = await run({ dtype: 'float64', shape: [48, 24, 24], data }, { errorBound: 'rel:1e-2' });
    assert.equal(info.learned?.family, 'basis');
    assert.ok(info.sizes.total < info.learned!.baselineBytes, `${info.sizes.total} bytes vs ${info.learned!.baselineBytes} for the coder alone`);
    assert.ok(maxError(back, data) <= 1e-2 * range(data));
  });

  it('picks the cross-column model on a table of dependent columns, each column within its own range', async () => {
    const data = dependentTable(3000);
    const { info, back } = await run({ dtype: 'float64', shape: [3000, 5], data }, { errorBound: 'rel:1e-3' });
    assert.equal(info.learned?.family, 'columns');
    for (let c = 0; c < 5; c++) assert.ok(maxError(back, data, 5, c) <= 1e-3 * range(data, 5, c), `column ${c}`);
  });

  it('with --learned none codes with the error-bounded coder alone: no decoder', async () => {
    const data = travellingWaves(48, 24, 24);
    const { info, output } = await run({ dtype: 'float64', shape: [48, 24, 24], data }, { errorBound: 'rel:1e-2', learned: 'none' });
    assert.equal(info.learned, undefined);
    assert.equal(info.sizes.decoder, 0);
    const f = openBaler(output);
    f.close();
    assert.deepEqual(f.index.sections.map((s) => s.name), ['0.data']);
  });

  it('codes no sample when no learned predictor may be tried (pw-rel, --learned none), and is still never larger than lossless', async () => {
    let seed = 9;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    // Noise under a tight point-wise bound: lossless is smaller, as the first slab shows without a sample.
    const noise: NdArray = { dtype: 'float64', shape: [3000, 4], data: Float64Array.from({ length: 12000 }, () => 1 + random()) };
    const waves: NdArray = { dtype: 'float64', shape: [48, 24, 24], data: travellingWaves(48, 24, 24) };
    const cases: [NdArray, Parameters<typeof compress>[1], string][] = [
      [noise, { errorBound: 'pw-rel:1e-12' }, 'stored losslessly'],
      [{ ...waves, shape: [48, 576] }, { errorBound: 'pw-rel:1e-3' }, 'no learned predictor applies under pw-rel'],
      [waves, { errorBound: 'rel:1e-2', learned: 'none' }, 'learned predictors not asked for'],
    ];
    for (const [arr, opts, why] of cases) {
      const input = npy(arr);
      const auto = await run(arr, opts, input);
      assert.ok(!auto.log.some((l) => l.includes('candidate')), auto.log.join('\n'));
      assert.ok(auto.log.some((l) => l.includes(why)), auto.log.join('\n'));
      const lossless = await run(arr, { errorBound: 'abs:0' }, input);
      assert.ok(auto.info.sizes.total <= lossless.info.sizes.total, `${arr.shape}: ${auto.info.sizes.total} bytes, lossless ${lossless.info.sizes.total}`);
      if (arr === noise) assert.deepEqual(Array.from(auto.back), Array.from(noise.data as Float64Array), 'stored losslessly');
    }
  });

  it('holds back slabs that cannot decide against lossless: a first slab of zeros does not send the array to lossless', async () => {
    let seed = 3;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    // 96 frames of 32 × 32 in slabs of 21 frames (--memory 16M): the first slab is all zero, as a run's warm-up may be.
    const waves = travellingWaves(96, 32, 32);
    const data = Float32Array.from(waves, (v, i) => (i < 24 * 1024 ? 0 : v));
    const arr: NdArray = { dtype: 'float32', shape: [96, 32, 32], data };
    const input = npy(arr);
    const memoryBudget = 16 * 2 ** 20;
    const lossless = await run(arr, { errorBound: 'abs:0', memoryBudget }, input);
    for (const errorBound of ['rel:1e-3', 'pw-rel:1e-3']) {
      const coded = await run(arr, { errorBound, memoryBudget, learned: 'none' }, input);
      assert.equal(coded.info.mode, 'error-bounded', coded.log.join('\n'));
      assert.ok(coded.info.sizes.total < lossless.info.sizes.total / 2, `${errorBound}: ${coded.info.sizes.total} bytes, lossless ${lossless.info.sizes.total}`);
      if (errorBound === 'rel:1e-3') assert.ok(maxError(coded.back, data) <= 1e-3 * range(data));
      else for (let i = 0; i < data.length; i++) assert.ok(Math.abs(coded.back[i] - data[i]) <= 1e-3 * Math.abs(data[i]), `value ${i}`);
    }
    // The zero slab's search chose for zeros: the slabs after it search again rather than reuse it (1 searches for 0–3).
    const rest: NdArray = { dtype: 'float32', shape: [63, 32, 32], data: Float32Array.from(travellingWaves(63, 32, 32)) };
    const zeroSlab: NdArray = { dtype: 'float32', shape: [84, 32, 32], data: new Float32Array(84 * 1024) };
    (zeroSlab.data as Float32Array).set(rest.data as Float32Array, 21 * 1024);
    const alone = await run(rest, { errorBound: 'rel:1e-3', memoryBudget, learned: 'none' });
    const after = await run(zeroSlab, { errorBound: 'rel:1e-3', memoryBudget, learned: 'none' });
    assert.ok(after.info.sizes.total <= alone.info.sizes.total * 1.02 + 100, `${after.info.sizes.total} bytes after a zero slab, ${alone.info.sizes.total} alone`);
    // Zeros but the last slab: the automatic mode's sample is zeros and says lossless; the slabs decide.
    const lastOnly = new Float32Array(480 * 1024);
    lastOnly.set(Float32Array.from(travellingWaves(21, 32, 32)), 459 * 1024);
    const last: NdArray = { dtype: 'float32', shape: [480, 32, 32], data: lastOnly };
    const lastInput = npy(last);
    const sampled = await run(last, { errorBound: 'rel:1e-4', memoryBudget }, lastInput);
    const lastLossless = await run(last, { errorBound: 'abs:0', memoryBudget }, lastInput);
    assert.equal(sampled.info.mode, 'error-bounded', sampled.log.join('\n'));
    assert.ok(sampled.info.sizes.total < lastLossless.info.sizes.total / 2, `${sampled.info.sizes.total} bytes, lossless ${lastLossless.info.sizes.total}`);
    assert.ok(maxError(sampled.back, lastOnly) <= 1e-4 * range(lastOnly));
    // Noise after the zeros under a bound too tight to gain: no slab pays, and the whole array is stored losslessly.
    const noise = Float64Array.from({ length: 96 * 1024 }, (_, i) => (i < 24 * 1024 ? 0 : 1 + random()));
    const noisy: NdArray = { dtype: 'float64', shape: [96, 32, 32], data: noise };
    const noisyInput = npy(noisy);
    const auto = await run(noisy, { errorBound: 'pw-rel:1e-12', memoryBudget }, noisyInput);
    const exact = await run(noisy, { errorBound: 'abs:0', memoryBudget }, noisyInput);
    assert.equal(auto.info.mode, 'lossless', auto.log.join('\n'));
    assert.ok(auto.info.sizes.total <= exact.info.sizes.total, `${auto.info.sizes.total} bytes, lossless ${exact.info.sizes.total}`);
    assert.deepEqual(Array.from(auto.back), Array.from(noise));
  });

  it('is never larger than lossless: noise, a tiny table, and integers under a bound below half a unit', async () => {
    let seed = 5;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cases: NdArray[] = [
      { dtype: 'float64', shape: [4000], data: Float64Array.from({ length: 4000 }, random) },
      { dtype: 'float64', shape: [3, 2], data: Float64Array.of(1.5, 2.25, -3, 4, 5.125, 6) },
      { dtype: 'uint8', shape: [64, 64], data: Uint8Array.from({ length: 4096 }, () => Math.floor(256 * random())) },
      { dtype: 'float32', shape: [10, 8, 8], data: Float32Array.from({ length: 640 }, () => Math.round(1000 * random())) },
    ];
    for (const arr of cases) {
      const input = npy(arr);
      const auto = await run(arr, {}, input);
      const lossless = await run(arr, { errorBound: 'abs:0' }, input);
      assert.ok(auto.info.sizes.total <= lossless.info.sizes.total, `${arr.dtype} [${arr.shape}]: ${auto.info.sizes.total} bytes, lossless ${lossless.info.sizes.total}`);
      if (arr.dtype === 'uint8') assert.deepEqual(Array.from(auto.back), Array.from(arr.data as Uint8Array), 'integers in a range under 5,000 come back exact');
    }
  });

  it('stores integers under a bound below one unit losslessly without coding them (nor zstd of the sample) first, at the lossless mode\'s size', async () => {
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const image: NdArray = { dtype: 'uint8', shape: [48, 64], data: Uint8Array.from({ length: 48 * 64 }, (_, i) => 100 + ((i % 64) >> 1) + Math.floor(8 * random())) };
    const input = npy(image);
    const lossless = await run(image, { errorBound: 'abs:0' }, input);
    const exactly = (l: string) => l.includes('the bound is under one unit of this integer data');
    for (const opts of [{}, { errorBound: 'abs:0.9', learned: 'none' as const }]) {
      const { info, log, back } = await run(image, opts, input);
      assert.ok(log.some(exactly), log.join('\n'));
      // Nor is zstd of the sample coded to weigh lossless against the coder alone: both store it losslessly.
      assert.ok(!log.some((l) => l.includes('candidate lossless')), log.join('\n'));
      assert.equal(info.mode, 'lossless');
      assert.equal(info.sizes.total, lossless.info.sizes.total);
      assert.deepEqual(Array.from(back), Array.from(image.data as Uint8Array));
    }
    // A unit or more, or predictors the user names: coded by the coder, as before.
    for (const opts of [{ errorBound: 'abs:1', learned: 'none' as const }, { predictors: ['lorenzo'] }]) {
      const { log } = await run(image, opts, input);
      assert.ok(!log.some(exactly), `${JSON.stringify(opts)}: ${log.join('\n')}`);
    }
  });

  it('judges a learned basis on frames it was not fitted on when the sample is a part of the file', async () => {
    // Every frame a different smooth field plus noise: nothing recurs, but 8 components fitted on the 16 frames
    // of a sample reproduce those 16 frames almost exactly, and measured on them a basis looked 10× smaller.
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const [frames, h, w] = [96, 32, 32];
    const data = new Float32Array(frames * h * w);
    for (let t = 0; t < frames; t++) {
      const [a, b, c, d] = [random(), random(), random(), random()].map((x) => 0.5 + 4 * x);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) data[(t * h + y) * w + x] = Math.sin((a * x) / w + c) * Math.cos((b * y) / h + d) + 0.01 * (random() - 0.5);
    }
    const arr: NdArray = { dtype: 'float32', shape: [frames, h, w], data };
    const input = npy(arr);
    const opts = { errorBound: 'rel:1e-3', memoryBudget: 1 << 20 };
    const auto = await run(arr, opts, input);
    const alone = await run(arr, { ...opts, learned: 'none' }, input);
    // A memory budget of 1 MiB holds a sample of 16,384 values: 16 of the 96 frames.
    assert.ok(auto.log.some((l) => l.includes('learned basis sizes tried')), `a basis was tried:\n${auto.log.join('\n')}`);
    assert.ok(auto.info.sizes.total <= alone.info.sizes.total, `${auto.info.sizes.total} bytes (${auto.info.learned?.family ?? 'coder alone'}), the coder alone ${alone.info.sizes.total}`);
  });

  it('falls back to the coder alone, not to lossless, when the first of many small slabs cannot pay for a decoder', async () => {
    // Recurring frames where a basis wins on the sample, in slabs of a few frames under a 1 MiB budget: the first
    // slab alone saves less than the decoder. That says nothing of the coder alone (it stored the whole array
    // losslessly, several times larger).
    const data = Float32Array.from(travellingWaves(192, 24, 24));
    const arr: NdArray = { dtype: 'float32', shape: [192, 24, 24], data };
    const { info, log, back } = await run(arr, { errorBound: 'rel:1e-4', memoryBudget: 1 << 20, threads: 1 });
    assert.ok(log.some((l) => /learned basis .* saves less than it adds .* on the first slab: coded with the coder alone/.test(l)), log.join('\n'));
    assert.equal(info.mode, 'error-bounded');
    const lossless = await run(arr, { errorBound: 'abs:0', memoryBudget: 1 << 20, threads: 1 });
    assert.ok(info.sizes.total < 0.75 * lossless.info.sizes.total, `${info.sizes.total} bytes, lossless ${lossless.info.sizes.total}`);
    assert.ok(maxError(data, back) <= 1e-4 * range(data) * (1 + 1e-6));
  });

  it('keeps NaN and ±Inf exactly with a learned predictor', async () => {
    const data = travellingWaves(48, 24, 24);
    data[100] = NaN;
    data[5000] = Infinity;
    data[9000] = -Infinity;
    const { info, back } = await run({ dtype: 'float64', shape: [48, 24, 24], data }, { errorBound: 'rel:1e-2', learned: 'basis' });
    assert.equal(info.learned?.family, 'basis');
    assert.ok(Number.isNaN(back[100]));
    assert.equal(back[5000], Infinity);
    assert.equal(back[9000], -Infinity);
  });

  it('codes many slabs against one learned predictor on worker threads, the same bytes as one thread', async () => {
    const frames = travellingWaves(48, 24, 24);
    const table = dependentTable(3000);
    const cases: [NdArray & { data: Float64Array }, 'basis' | 'columns'][] = [
      [{ dtype: 'float64', shape: [48, 24, 24], data: frames }, 'basis'],
      [{ dtype: 'float64', shape: [3000, 5], data: table }, 'columns'],
    ];
    for (const [arr, learned] of cases) {
      // About five slabs: a sixteenth of the budget holds a slab at 52 bytes a value (kernel/memory.ts).
      const budget = Math.ceil((arr.data.length / 5) * 16 * 52);
      const input = npy(arr);
      const files = [];
      for (const threads of [1, 2]) files.push((await compress(input, { errorBound: 'rel:1e-2', learned, memoryBudget: budget, threads, output: path.join(dir, `threads-${threads}.baler`), force: true })));
      assert.equal(files[0].info.learned?.family, learned);
      const f = openBaler(files[0].output);
      f.close();
      assert.ok(f.header.arrays[0].slabRows * 3 <= arr.shape[0], `${learned}: several slabs (${f.header.arrays[0].slabRows} rows each)`);
      assert.ok(fs.readFileSync(files[0].output).equals(fs.readFileSync(files[1].output)), `${learned}: the file does not depend on the threads`);
      const back = path.join(dir, 'threads.back.npy');
      await decompress(files[1].output, { output: back, force: true });
      const decoded = parseNpy(fs.readFileSync(back)).data as Float64Array;
      const columns = arr.shape.length === 2 ? 5 : 1;
      for (let c = 0; c < columns; c++) assert.ok(maxError(decoded, arr.data, columns, c) <= 1e-2 * range(arr.data, columns, c), `${learned} column ${c}`);
    }
  });

  it('codes an autoencoder only when asked, and warns when its total exceeds the input', async () => {
    const data = Float64Array.from({ length: 40 * 6 }, (_, i) => Math.sin(i / 7));
    const { info, log } = await run({ dtype: 'float64', shape: [40, 6], data }, { epochs: 2, latent: 2 });
    assert.equal(info.mode, 'autoencoder');
    assert.ok(info.sizes.total > info.sizes.originalFile);
    assert.ok(log.some((l) => /warning: the autoencoder's total .* share the decoder .* give a bound/i.test(l)), log.join('\n'));
  });

  // An image of 96 × 64 with a dim left edge: column 0 spans 1 unit, the image 200.
  const image = (): Float64Array => {
    const [h, w] = [96, 64];
    return Float64Array.from({ length: h * w }, (_, i) => {
      const [y, x] = [Math.floor(i / w), i % w];
      return x === 0 ? Math.sin(y / 5) / 2 : 100 + 100 * Math.sin(x / 7) * Math.cos(y / 9);
    });
  };

  it('sees a 2-D array without column names and of 64 columns or more as an image: one range for the whole array', async () => {
    const data = image();
    const { info, back } = await run({ dtype: 'float64', shape: [96, 64], data }, { errorBound: 'rel:1e-2' });
    assert.equal(info.kind, 'frames');
    assert.equal(findRow(infoSections(info), 'data')?.value, 'image, shape 96 × 64, float64');
    assert.ok(maxError(back, data) <= 1e-2 * range(data), 'every value within 1e-2 of the whole range');
    assert.ok(maxError(back, data, 64, 0) > 1e-2 * range(data, 64, 0), 'the dim column is held to the image\'s range, not its own');
    // Told it is a table (--kind table), each column is held to its own range.
    const told = await run({ dtype: 'float64', shape: [96, 64], data }, { errorBound: 'rel:1e-2', kind: 'table' });
    assert.equal(told.info.kind, 'table');
    for (const c of [0, 1, 63]) assert.ok(maxError(told.back, data, 64, c) <= 1e-2 * range(data, 64, c), `column ${c} within its own range`);
    // Fewer columns make a table, and --kind image makes it an image.
    const narrow = data.slice(0, 96 * 8);
    const table = await run({ dtype: 'float64', shape: [96, 8], data: narrow }, { errorBound: 'rel:1e-2' });
    assert.equal(table.info.kind, 'table');
    for (let c = 0; c < 8; c++) assert.ok(maxError(table.back, narrow, 8, c) <= 1e-2 * range(narrow, 8, c), `column ${c} within its own range`);
    const asImage = await run({ dtype: 'float64', shape: [96, 8], data: narrow }, { errorBound: 'rel:1e-2', kind: 'image' });
    assert.equal(asImage.info.kind, 'frames');
    // The report judges the bound as the file was coded: one range, though the source alone reads as a table.
    const report = await buildReport(asImage.output);
    assert.equal(report.summary.kind, 'frames');
    assert.ok(reportNumber(report.bound!.maxRatio) <= 1, `the report says the bound is broken: ${JSON.stringify(report.bound)}`);
  });

  it('codes with the layout and predictors the user names (--layout, --predictor), also when the sample is the whole file', async () => {
    const shape = [96, 64];
    const sizeWith = async (opts: Parameters<typeof compress>[1]) => (await run({ dtype: 'float64', shape, data: image() }, { errorBound: 'rel:1e-3', learned: 'none', ...opts })).info.sizes.total;
    const field = await sizeWith({ layout: 'field' });
    const table = await sizeWith({ layout: 'table' });
    assert.ok(table > 1.2 * field, `as a table ${table} bytes, as a field ${field}: the same coding`);
    const lorenzo = await sizeWith({ layout: 'field', predictors: ['lorenzo'] });
    assert.notEqual(lorenzo, field, 'lorenzo alone codes as the default predictors do');
  });

  it('refuses in one line naming the file, before writing, a --layout the array cannot take and --predictor columns alone', async () => {
    const signal = npy({ dtype: 'float32', shape: [500], data: Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 7)) });
    const output = path.join(dir, 'refused.baler');
    await rejectsBaler(() => compress(signal, { output, errorBound: 'rel:1e-3', layout: 'table' }), /^--layout table needs a 2-D array: the array has shape \(500\)$/, signal);
    await rejectsBaler(() => compress(signal, { output, errorBound: 'rel:1e-3', layout: 'channels' }), /^--layout channels needs an array of 3 or more axes, the last of 2 to 4: the array has shape \(500\)$/, signal);
    await rejectsBaler(() => compress(signal, { output, errorBound: 'rel:1e-3', predictors: ['lorenzo', 'lorenz'] }), /^--predictor names no predictor family: 'lorenz'/, signal);
    await rejectsBaler(() => compress(signal, { output, errorBound: 'rel:1e-3', predictors: ['columns'] }),
      /^--predictor columns predicts a table's columns on top of interpolation or lorenzo: name one of them too \(e\.g\. lorenzo,columns\)$/, signal);
    assert.equal(fs.existsSync(output), false);
  });
});
