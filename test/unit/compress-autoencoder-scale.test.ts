// The autoencoder mode at scale: a training sample chosen deterministically within the memory budget, models on
// tiles whose size does not grow with the frame, latents coded slab by slab (decoded within the reported error,
// --rows, the same bytes for any number of threads), and frames larger than the budget compressed, not refused.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress, trainFile } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { openBaler } from '../../src/kernel/decompress';
import { readHeader, writeHeader, type DataHeader } from '../../src/kernel/codec/header';
import { wholeArrayBytes } from '../../src/kernel/memory';
import { samplePieces, trainingBytes, trainingRows } from '../../src/kernel/compress/ae-sample';
import { describeArchitecture, layerPlan, weightShapes } from '../../src/kernel/model/architectures';
import { chooseArchitecture, latentsPerRow, rowsToSamples, samplesPerRow, samplesToRows, TILE_ABOVE } from '../../src/kernel/model/patches';
import type { Architecture } from '../../src/kernel/types';

function decoderWeights(arch: Architecture): number {
  return layerPlan(arch).decoder.reduce((n, l) => {
    const { kernel, bias } = weightShapes(l);
    return n + kernel.reduce((a, b) => a * b, 1) + bias[0];
  }, 0);
}

describe('autoencoder mode: training sample', () => {
  it('takes every row when the whole array fits the budget, else as many as fit (at least 2)', () => {
    const budget = 512 * 2 ** 20;
    assert.equal(trainingRows(60, 2500, 'float64', budget), 60);
    const rows = trainingRows(4000, 65536, 'float32', budget);
    assert.ok(rows >= 2 && rows < 4000, `${rows} rows`);
    assert.ok(trainingBytes(rows * 65536, 'float32') <= budget, 'the sample fits the budget');
    assert.ok(trainingBytes((rows + 1) * 65536, 'float32') > budget, 'and is as large as fits');
    assert.equal(trainingRows(4000, 65536, 'float32', budget, 32), 32);
    assert.equal(trainingRows(4000, 65536, 'float32', 2 ** 20), 2);
  });

  it('spreads the sample over the file in disjoint pieces that start on slabs, the same every time', () => {
    const pieces = samplePieces(1000, 25, 100);
    assert.deepEqual(pieces, samplePieces(1000, 25, 100));
    assert.equal(pieces.reduce((n, p) => n + p.rows, 0), 100);
    assert.ok(pieces.length > 1);
    for (const [i, p] of pieces.entries()) {
      assert.equal(p.firstRow % 25, 0, `piece ${i} starts on a slab`);
      if (i > 0) assert.ok(p.firstRow >= pieces[i - 1].firstRow + pieces[i - 1].rows, `piece ${i} after piece ${i - 1}`);
      assert.ok(p.firstRow + p.rows <= 1000);
    }
    assert.ok(pieces[0].firstRow < 100 && pieces[pieces.length - 1].firstRow > 800, 'from the start to the end of the file');
    assert.deepEqual(samplePieces(60, 60, 60), [{ firstRow: 0, rows: 60 }]);
    // A sample nearly as large as the array still fits in order.
    const tight = samplePieces(103, 10, 101);
    assert.equal(tight.reduce((n, p) => n + p.rows, 0), 101);
    assert.ok(tight[tight.length - 1].firstRow + tight[tight.length - 1].rows <= 103);
  });
});

describe('autoencoder mode: models on tiles', () => {
  it('keeps the reference dense model for tables and small frames', () => {
    const cfd = chooseArchitecture('frames', [60, 50, 50]);
    assert.ok(cfd.type === 'dense' && cfd.inputSize === 2500 && cfd.latent === 25 && !cfd.tile);
    const table = chooseArchitecture('table', [1000, 24]);
    assert.ok(table.type === 'dense' && table.inputSize === 24 && !table.tile);
    assert.ok(!chooseArchitecture('frames', [10, 64, 64]).tile, `${TILE_ABOVE} values per frame: whole frames`);
  });

  it('refuses --model conv on a table or a 2-D image in one line naming the file, and takes it on small frames of colours', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-conv-'));
    try {
      const image = path.join(dir, 'image.npy');
      fs.writeFileSync(image, encodeNpy({ dtype: 'float32', shape: [40, 64], data: Float32Array.from({ length: 40 * 64 }, (_, i) => Math.sin(i / 9)) }));
      await assert.rejects(compress(image, { modelType: 'conv', epochs: 1, output: path.join(dir, 'image.baler') }),
        (e: unknown) => e instanceof BalerError && e.file === image && /--model conv needs frames \(frames × height × width\): the samples of this 2-D array are its rows/.test(e.message));
      assert.equal(fs.existsSync(path.join(dir, 'image.baler')), false);
      const colours = chooseArchitecture('frames', [50, 16, 16, 3], { modelType: 'conv' });
      assert.ok(colours.type === 'conv' && colours.height * colours.width === 16 * 16 * 3 && !colours.tile);
      assert.equal(describeArchitecture(colours), 'conv 256×3, channels none (no downsampling), kernel 3, latent 8');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives large frames a decoder whose size does not depend on the frame size', () => {
    for (const modelType of ['dense', 'conv'] as const) {
      const sizes = [[10, 256, 256], [10, 1024, 512], [3, 100, 70]].map((shape) => decoderWeights(chooseArchitecture('frames', shape, { modelType })));
      assert.ok(sizes.every((n) => n === sizes[0]), `${modelType}: ${sizes.join(', ')}`);
      assert.ok(sizes[0] < 100_000, `${modelType}: ${sizes[0]} decoder weights`);
    }
    const a = chooseArchitecture('frames', [10, 256, 256]);
    assert.equal(samplesPerRow(a, [256, 256]), 256);
    // --latent counts per frame, shared among its tiles.
    assert.equal(latentsPerRow(chooseArchitecture('frames', [10, 256, 256], { latent: 512 }), [256, 256]), 512);
  });

  it('cuts frames into tiles and joins them back (edges padded, then cropped)', () => {
    const a = chooseArchitecture('frames', [2, 70, 75]);
    const values = Float32Array.from({ length: 2 * 70 * 75 }, (_, i) => i);
    const samples = rowsToSamples(a, values, 2, [70, 75]);
    assert.equal(samples.length, 2 * samplesPerRow(a, [70, 75]) * 256);
    assert.deepEqual(samplesToRows(a, samples, 2, [70, 75]), values);
  });

  it('writes and reads a model on tiles in the header, and refuses latents that do not match its tiles', () => {
    const architecture = chooseArchitecture('frames', [4, 80, 72]);
    const model = { architecture, normalisation: { kind: 'minmax' as const, min: [0], max: [1] }, decoderPrecision: 'float32' as const, latentSize: latentsPerRow(architecture, [80, 72]), latentPrecision: 'float32' as const };
    const errors = { rmse: 0, nrmse: 0, psnr: 0, maxAbsError: 0, maxRelError: 0, range: 0 };
    const header: DataHeader = {
      kind: 'data', createdBy: 'test', source: { name: 'x.npy', bytes: 1, format: 'npy' },
      arrays: [{ path: '', kind: 'frames', shape: [4, 80, 72], dtype: 'float32', names: [], attributes: '', slabRows: 2, codec: { mode: 'autoencoder', model }, errors }],
    };
    assert.deepEqual(readHeader(writeHeader(header)), header);
    const wrong = structuredClone(header);
    (wrong.arrays[0].codec as { model: { latentSize: number } }).model.latentSize = architecture.latent;
    assert.throws(() => readHeader(writeHeader(wrong)), /latent size/);
  });
});

describe('autoencoder mode: slab by slab', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-ae-scale-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const [frames, height, width] = [24, 80, 72]; // 5760 values per frame: a model on tiles
  const data = Float32Array.from({ length: frames * height * width }, (_, i) => {
    const t = Math.floor(i / (height * width));
    const x = i % width;
    const y = Math.floor(i / width) % height;
    return Math.sin(x / 9 + t / 7) * Math.cos(y / 11) + 0.1 * t;
  });
  const input = path.join(dir, 'frames.npy');
  fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [frames, height, width], data }));
  // Far below what the whole array needs (wholeArrayBytes): about six frames per slab.
  const memoryBudget = height * width * 48 * 16 * 6;
  const settings = { memoryBudget, epochs: 5, seed: 1 };

  it('compresses frames larger than the budget, in several slabs, and decodes them within the reported error', async () => {
    assert.ok(wholeArrayBytes(data.length, 'float32') > memoryBudget);
    const output = path.join(dir, 'ae.baler');
    await compress(input, { ...settings, output, threads: 1 });
    const f = openBaler(output);
    const a = f.header.arrays[0];
    const chunks = f.index.sections.find((s) => s.name === '0.latents')!.chunks.length;
    f.close();
    assert.equal(a.codec.mode, 'autoencoder');
    assert.ok(a.codec.mode === 'autoencoder' && a.codec.model.architecture.tile, 'a model on tiles');
    assert.ok(a.slabRows > 1 && a.slabRows < frames, `slab rows ${a.slabRows}`);
    assert.equal(chunks, Math.ceil(frames / a.slabRows));
    const back = path.join(dir, 'ae.npy');
    await decompress(output, { output: back, threads: 1 });
    const got = parseNpy(fs.readFileSync(back)).data as Float32Array;
    let maxAbs = 0;
    for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i] - data[i]));
    assert.ok(maxAbs <= a.errors.maxAbsError, `max error ${maxAbs} > reported ${a.errors.maxAbsError}`);
    assert.ok(maxAbs > 0, 'lossy');

    const part = path.join(dir, 'ae-rows.npy');
    await decompress(output, { output: part, rows: [5, 17], threads: 1 });
    const some = parseNpy(fs.readFileSync(part));
    assert.deepEqual(some.shape, [12, height, width]);
    assert.deepEqual(Array.from(some.data as Float32Array), Array.from(got.subarray(5 * height * width, 17 * height * width)));
  });

  it('trains a model on tiles with `train`, compresses with it, and refuses it for frames smaller than its tiles', async () => {
    const modelFile = path.join(dir, 'tiles.balermodel');
    await trainFile(input, modelFile, { epochs: 2, seed: 1 });
    const output = path.join(dir, 'trained.baler');
    await compress(input, { output, trainedModelPath: modelFile, memoryBudget, threads: 1 });
    const f = openBaler(output);
    const codec = f.header.arrays[0].codec;
    f.close();
    assert.ok(codec.mode === 'autoencoder' && codec.model.architecture.tile?.height === 16);
    const small = path.join(dir, 'small.npy');
    fs.writeFileSync(small, encodeNpy({ dtype: 'float32', shape: [4, 8, 8], data: Float32Array.from({ length: 256 }, (_, i) => i % 7) })); // not constant (a constant needs no model)
    await assert.rejects(compress(small, { output: path.join(dir, 'small.baler'), trainedModelPath: modelFile }),
      (e: unknown) => e instanceof BalerError && /tiles of 16×16 are larger than the data's 8×8 frames/.test(e.message));
  });

  it('writes the same bytes with 1 and 2 threads', async () => {
    const one = path.join(dir, 't1.baler');
    const two = path.join(dir, 't2.baler');
    await compress(input, { ...settings, output: one, threads: 1 });
    await compress(input, { ...settings, output: two, threads: 2 });
    assert.ok(fs.readFileSync(one).equals(fs.readFileSync(two)), 'different bytes with 2 threads');
  });
});
