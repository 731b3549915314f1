// The fuzzer's corpus: valid files of every mode, made by the engine itself, with the values each decodes to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { writeModelFile } from '../../src/kernel/codec/model-file';
import type { NdArray } from '../../src/kernel/types';
import { decodeEverything } from './oracle';
import { dependentTable, travellingWaves } from '../fixtures/learned';

export interface CorpusFile {
  name: string;
  bytes: Uint8Array;
  /** What the valid file decodes to (a fingerprint of every array, or of the model's weights). */
  reference: string;
  /** Folder holding a shared model file it refers to. */
  modelDir: string;
}

function smooth(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(i / 7 + seed) * 3 + Math.cos(i / 3) + ((i * 7919) % 13) * 1e-3);
}

export async function buildCorpus(dir: string): Promise<CorpusFile[]> {
  const write = (name: string, arr: NdArray) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, encodeNpy(arr));
    return file;
  };
  const frames = write('frames.npy', { dtype: 'float32', shape: [12, 8, 6], data: Float32Array.from(smooth(576, 1)) });
  const table = write('table.npy', { dtype: 'float64', shape: [60, 5], data: Float64Array.from(smooth(300, 2).map((v, i) => (i % 37 === 0 ? NaN : v))) });
  const clean = write('clean.npy', { dtype: 'float64', shape: [60, 5], data: Float64Array.from(smooth(300, 4)) });
  const waves = write('waves.npy', { dtype: 'float32', shape: [24, 12, 12], data: Float32Array.from(travellingWaves(24, 12, 12)) });
  const columns = write('columns.npy', { dtype: 'float64', shape: [300, 5], data: dependentTable(300, 7) });
  const constant = write('constant.npy', { dtype: 'float32', shape: [30, 4], data: new Float32Array(120).fill(NaN) });
  const tiny = write('tiny.npy', { dtype: 'float64', shape: [1, 6], data: Float64Array.from(smooth(6, 5)) });
  // An ocean with land as NaN and two infinities: its slabs code a mask of them first (slab format 3).
  const masked = write('masked.npy', { dtype: 'float32', shape: [8, 10, 12], data: Float32Array.from(smooth(960, 6).map((v, i) => (i === 5 ? Infinity : i === 6 ? -Infinity : (i % 12) + ((i / 12) % 10) < 6 ? NaN : v))) });
  const ints = write('ints.npy', { dtype: 'int16', shape: [40, 6], data: Int16Array.from(smooth(240, 3).map((v) => Math.round(v * 1000))) });
  const made: [string, string, Parameters<typeof compress>[1]][] = [
    ['lossless.baler', ints, { errorBound: 'abs:0' }],
    ['constant.baler', constant, { memoryBudget: 48 * 8 * 4 * 3, threads: 1 }],
    ['tiny.baler', tiny, {}],
    ['rel-slabs.baler', frames, { errorBound: 'rel:1e-3', memoryBudget: 48 * 68 * 3 * 4, threads: 1 }],
    ['pwrel.baler', table, { errorBound: 'pw-rel:1e-2' }],
    ['abs.baler', table, { errorBound: 'abs:1e-4' }],
    ['masked.baler', masked, { errorBound: 'rel:1e-3', learned: 'none' }],
    ['ae.baler', clean, { epochs: 3, latent: 2, seed: 1 }],
    ['ae-small.baler', frames, { epochs: 2, latent: 3, latentPrecision: 'float16', decoderPrecision: 'int8', seed: 2 }],
    ['ae-shared.baler', clean, { epochs: 2, latent: 2, modelFile: path.join(dir, 'shared.balermodel'), seed: 3 }],
    ['search.baler', clean, { errorBound: 'rel:1e-2', objective: 'total', timeLimitSeconds: 8, seed: 4 }],
    ['target.baler', waves, { target: 'psnr:40' }],
    ['basis.baler', waves, { errorBound: 'rel:1e-2', learned: 'basis' }],
    ['columns.baler', columns, { errorBound: 'rel:1e-3', learned: 'columns' }],
    ['columns-shared.baler', columns, { errorBound: 'rel:1e-3', learned: 'columns', modelFile: path.join(dir, 'predictor.balermodel') }],
  ];
  const corpus: CorpusFile[] = [];
  for (const [name, input, opts] of made) {
    const output = path.join(dir, name);
    await compress(input, { ...opts, output });
    const bytes = new Uint8Array(fs.readFileSync(output));
    corpus.push({ name, bytes, modelDir: dir, reference: await decodeEverything(bytes, dir, name) });
  }
  // Files the format-3 writer wrote (test/fixtures/format3): the older format's reading is fuzzed too.
  for (const name of ['walk-f3.baler', 'ints-f3.baler']) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'format3', name)));
    corpus.push({ name, bytes, modelDir: dir, reference: await decodeEverything(bytes, dir, name) });
  }
  const modelFile = path.join(dir, 'model.balermodel');
  await writeModelFile(modelFile, {
    architecture: { type: 'dense', inputSize: 5, hidden: [4], latent: 2, activation: 'leaky_relu', leakyAlpha: 0.01 },
    normalisation: { kind: 'minmax', min: [0, 0, 0, 0, 0], max: [1, 2, 3, 4, 5] },
    decoder: [{ name: 'd/kernel', shape: [2, 5], values: Float32Array.from(smooth(10, 5)) }, { name: 'd/bias', shape: [5], values: new Float32Array(5) }],
    encoder: [{ name: 'e/kernel', shape: [5, 2], values: Float32Array.from(smooth(10, 6)) }],
    decoderPrecision: 'int8',
  });
  const modelBytes = new Uint8Array(fs.readFileSync(modelFile));
  corpus.push({ name: 'model.balermodel', bytes: modelBytes, modelDir: dir, reference: await decodeEverything(modelBytes, dir, 'model.balermodel') });
  const predictorBytes = new Uint8Array(fs.readFileSync(path.join(dir, 'predictor.balermodel')));
  corpus.push({ name: 'predictor.balermodel', bytes: predictorBytes, modelDir: dir, reference: await decodeEverything(predictorBytes, dir, 'predictor.balermodel') });
  return corpus;
}
