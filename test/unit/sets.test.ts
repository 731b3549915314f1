// Train once, compress many: a learned predictor trained on some files codes a set against one shared model
// file; the set's total counts the model once and says from how many files it pays; every file decompresses
// with the model beside it and refuses clearly without it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, compressSet, decompress, inspectSet, trainPredictor } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { BalerError } from '../../src/kernel/errors';
import { dependentTable } from '../fixtures/learned';

describe('sets: train once, compress many', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-sets-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const table = (name: string, seed: number, columns = 5): string => {
    const file = path.join(dir, name);
    const values = dependentTable(2000, seed).filter((_, i) => i % 5 < columns);
    fs.writeFileSync(file, encodeNpy({ dtype: 'float64', shape: [2000, columns], data: values }));
    return file;
  };
  const files = [1, 2, 3].map((s) => table(`t${s}.npy`, s));
  const model = path.join(dir, 'tables.balermodel');

  it('trains a shared model on several files, codes a set against it and counts it once', async () => {
    const trained = await trainPredictor(files.slice(0, 2), model, { errorBound: 'rel:1e-3', seconds: 5 });
    assert.equal(trained.family, 'columns');
    assert.ok(trained.sampleBytes.learned < trained.sampleBytes.classical, `${trained.sampleBytes.learned} vs ${trained.sampleBytes.classical}`);
    assert.equal(fs.statSync(model).size, trained.modelBytes);
    const { results, set } = await compressSet(files, { modelFile: model, errorBound: 'rel:1e-3' });
    for (const r of results) assert.deepEqual(r.info.learned && { family: r.info.learned.family, shared: r.info.learned.shared }, { family: 'columns', shared: true });
    const fileBytes = results.reduce((n, r) => n + r.info.sizes.file, 0);
    assert.equal(set.totalBytes, fileBytes + trained.modelBytes, 'the model once, however many files use it');
    assert.equal(set.sharedModels.length, 1);
    assert.equal(set.sharedModels[0].files, 3);
    assert.ok(set.sharedModels[0].savedPerFile > 0 && set.sharedModels[0].breakEvenFiles! >= 1);
    assert.deepEqual(await inspectSet(results.map((r) => r.output)), set);
  });

  it('decompresses each file with the model beside it, within the bound', async () => {
    for (const input of files) {
      const output = input.replace(/\.npy$/, '.baler');
      const back = path.join(dir, `back-${path.basename(input)}`);
      await decompress(output, { output: back, force: true });
      const original = parseNpy(fs.readFileSync(input)).data as Float64Array;
      const decoded = parseNpy(fs.readFileSync(back)).data as Float64Array;
      for (let c = 0; c < 5; c++) {
        let lo = Infinity, hi = -Infinity, worst = 0;
        for (let i = c; i < original.length; i += 5) { lo = Math.min(lo, original[i]); hi = Math.max(hi, original[i]); worst = Math.max(worst, Math.abs(original[i] - decoded[i])); }
        assert.ok(worst <= 1e-3 * (hi - lo), `${path.basename(input)} column ${c}`);
      }
    }
  });

  it('refuses to decompress without the shared model, naming it', async () => {
    const moved = path.join(dir, 'elsewhere');
    fs.mkdirSync(moved);
    fs.copyFileSync(files[0].replace(/\.npy$/, '.baler'), path.join(moved, 'alone.baler'));
    await assert.rejects(decompress(path.join(moved, 'alone.baler'), { output: path.join(moved, 'x.npy') }),
      (e: unknown) => e instanceof BalerError && e.code === 'EMODELMISSING' && /tables\.balermodel/.test(e.message));
  });

  it('ignores a shared model that does not fit the rows of a file, and still compresses it', async () => {
    const narrow = table('narrow.npy', 4, 4);
    const { info } = await compress(narrow, { modelFile: model, errorBound: 'rel:1e-3', output: path.join(dir, 'narrow.baler') });
    assert.notEqual(info.learned?.shared, true);
  });

  it('refuses what cannot train: a pw-rel bound, files whose rows differ', async () => {
    await assert.rejects(trainPredictor(files, path.join(dir, 'x.balermodel'), { errorBound: 'pw-rel:1e-2' }), /pw-rel/);
    await assert.rejects(trainPredictor([files[0], table('four.npy', 5, 4)], path.join(dir, 'y.balermodel'), { seconds: 2 }), (e: unknown) => e instanceof BalerError && /row shape/.test(e.message));
  });
});
