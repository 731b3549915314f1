import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BalerError } from '../../src/kernel/errors';
import { encodeContainer } from '../../src/kernel/codec/container';
import {
  locateModelFile, modelContentHash, readModelFile, writeModelFile,
} from '../../src/kernel/codec/model-file';
import type { ModelFileInput } from '../../src/kernel/codec/model-file';
import type { DataHeader } from '../../src/kernel/codec/header';

const model = (scale = 1): ModelFileInput => ({
  architecture: { type: 'dense', inputSize: 4, hidden: [3], latent: 2, activation: 'leaky_relu', leakyAlpha: 0.01 },
  normalisation: { kind: 'none', min: [], max: [] },
  decoder: [
    { name: 'd/kernel', shape: [2, 4], values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8], (v) => v * scale) },
    { name: 'd/bias', shape: [4], values: Float32Array.of(0.5, 0, -0.5, 1) },
  ],
  encoder: [{ name: 'e/kernel', shape: [4, 2], values: Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1) }],
});

describe('codec: shared model files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-model-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes and reads back a model file; its hash is the sha256 of its bytes', async () => {
    const file = path.join(dir, 'project.balermodel');
    const written = await writeModelFile(file, model());
    const bytes = fs.readFileSync(file);
    assert.equal(written.hash, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(written.hash, modelContentHash(bytes));
    assert.equal(written.bytes, bytes.length);
    const back = await readModelFile(file, written.hash);
    assert.equal(back.header.kind, 'model');
    assert.deepEqual(back.header.architecture, model().architecture);
    assert.deepEqual(back.decoder, model().decoder);
    assert.deepEqual(back.encoder, model().encoder);
    assert.equal(back.hash, written.hash);
    await assert.rejects(writeModelFile(file, model()), /exists/);
  });

  it('refuses a model file whose hash differs from the one recorded', async () => {
    const file = path.join(dir, 'retrained.balermodel');
    const original = await writeModelFile(path.join(dir, 'original.balermodel'), model());
    await writeModelFile(file, model(2));
    await assert.rejects(readModelFile(file, original.hash), (e: unknown) => e instanceof BalerError && e.file === file
      && /model file does not match the one this \.baler was compressed with \(hash [0-9a-f]{12}…/.test(e.message));
  });

  it('says which hash is needed and where it looked when the model is missing', async () => {
    const missing = path.join(dir, 'nowhere.balermodel');
    await assert.rejects(readModelFile(missing, 'ab'.repeat(32)), (e: unknown) => e instanceof BalerError
      && e.file === missing && /not found.*abababababab/.test(e.message));
    assert.throws(() => locateModelFile({ hash: 'cd'.repeat(32), fileName: 'm.balermodel' }, [dir], 'data.baler'),
      (e: unknown) => e instanceof BalerError && e.file === 'data.baler'
        && e.message.includes('m.balermodel') && e.message.includes('cdcdcdcdcdcd') && e.message.includes(path.resolve(dir)));
  });

  it('finds a renamed model file by its hash', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'find-'));
    const { hash } = await writeModelFile(path.join(sub, 'renamed.balermodel'), model(3));
    await writeModelFile(path.join(sub, 'other.balermodel'), model(4));
    assert.equal(locateModelFile({ hash, fileName: 'first-name.balermodel' }, [sub]), path.join(sub, 'renamed.balermodel'));
  });

  it('refuses a compressed data file given as a model file', async () => {
    const file = path.join(dir, 'data.baler');
    const errors = { rmse: 0, nrmse: 0, psnr: 0, maxAbsError: 0, maxRelError: 0, range: 0 };
    const header: DataHeader = {
      kind: 'data', createdBy: 'test', source: { name: 'x.npy', bytes: 8, format: 'npy' },
      arrays: [{ path: '', kind: 'table', shape: [2], dtype: 'float32', names: [], attributes: '', slabRows: 2, codec: { mode: 'lossless' }, errors }],
    };
    fs.writeFileSync(file, (await encodeContainer(header, [{ name: '0.data', data: new Uint8Array(4) }])).bytes);
    await assert.rejects(readModelFile(file), /not a Baler model file/);
  });
});
