// Train once, compress many: a learned predictor trained on some files codes a set against one shared model
// file; the set's total counts the model once and says from how many files it pays; the automatic mode keeps
// the model only when it pays for the set; every file decompresses with the model beside it and refuses
// clearly without it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, compressSet, decompress, inspect, inspectSet, trainPredictor } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy, type StringNdArray } from '../../src/kernel/data/npy';
import { encodeNpz } from '../../src/kernel/data/npz';
import { BalerError } from '../../src/kernel/errors';
import { errorPayload } from '../../src/kernel/protocol';
import { KernelError } from '../../src/extension/kernelClient';
import seedrandom from 'seedrandom';
import { dependentTable } from '../fixtures/learned';
import { setSummaryLines } from '../../src/kernel/report/set-text';

describe('sets: train once, compress many', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-sets-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const table = (name: string, seed: number, columns = 5, rows = 2000): string => {
    const file = path.join(dir, name);
    const values = dependentTable(rows, seed).filter((_, i) => i % 5 < columns);
    fs.writeFileSync(file, encodeNpy({ dtype: 'float64', shape: [rows, columns], data: values }));
    return file;
  };
  /** The set's total coded by the error-bounded coder alone. */
  const codedAlone = async (inputs: string[]): Promise<number> => {
    let total = 0;
    for (const [i, f] of inputs.entries()) total += (await compress(f, { errorBound: 'rel:1e-3', learned: 'none', output: path.join(dir, `alone-${i}.baler`), force: true })).info.sizes.file;
    return total;
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
    const { modelChoice, ...figures } = set;
    assert.deepEqual(await inspectSet(results.map((r) => r.output), { check: false }), figures);
    await assert.rejects(inspectSet([results[0].output, results[1].output, results[0].output]), /is named twice .*would count it twice/);
    // The set kept the model because it pays: smaller than the coder alone with the model counted once.
    assert.deepEqual(modelChoice && { used: modelChoice.used, usedBy: modelChoice.usedBy, files: modelChoice.files }, { used: true, usedBy: 3, files: 3 });
    assert.ok(modelChoice!.savedBytes > trained.modelBytes, `saves ${modelChoice!.savedBytes} for a model of ${trained.modelBytes}`);
    assert.ok(set.totalBytes < await codedAlone(files), 'the set with its model is smaller than the coder alone');
    assert.match(setSummaryLines(set).join('\n'), /^shared model tables\.balermodel used by 3 of 3 files: it costs .* once and saves /m);
  });

  it('does not use a shared model that cannot pay for the set: no file references it, and the total is no larger than the coder alone', async () => {
    // Files of 100 rows each choose the model on their own (it counts as free there), but together they save
    // less than the model costs.
    const tiny = [6, 7, 8].map((s) => table(`tiny${s}.npy`, s, 5, 100));
    const perFile = await Promise.all(tiny.map((f, i) => compress(f, { modelFile: model, errorBound: 'rel:1e-3', output: path.join(dir, `each-${i}.baler`) })));
    assert.ok(perFile.some((r) => r.info.learned?.shared), 'some file chooses the model when it decides alone (the case to fix)');
    const { results, set } = await compressSet(tiny, { modelFile: model, errorBound: 'rel:1e-3' });
    for (const r of results) assert.ok(!r.info.learned?.shared, `${r.output} references the model`);
    assert.deepEqual(set.sharedModels, []);
    assert.equal(set.totalBytes, results.reduce((n, r) => n + fs.statSync(r.output).size, 0), 'the model is not counted');
    assert.ok(set.totalBytes <= await codedAlone(tiny), 'no larger than the coder alone');
    assert.equal(set.modelChoice?.used, false);
    assert.equal(set.modelChoice?.usedBy, 0);
    assert.ok(set.modelChoice!.chosenBy > 0 && set.modelChoice!.codedBothWays === set.modelChoice!.chosenBy);
    assert.match(setSummaryLines(set)[0], /^shared model tables\.balermodel not used: it costs [^,]+? and (saves \d.*|saves nothing) \(\d files coded with and without it\), so no file references it$/);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.baler-set-')), [], 'no temporary folder left');
    for (const r of results) {
      const back = path.join(dir, `back-${path.basename(r.output)}.npy`);
      await decompress(r.output, { output: back, force: true });
    }
  });

  it('with --target, a set that does not use the model is byte for byte what it would be without it', async () => {
    // Two tiny files of the model's kind, and one of independent noise whose search tries the model and drops it.
    const noise = path.join(dir, 'noise.npy');
    const random = seedrandom.alea('noise');
    fs.writeFileSync(noise, encodeNpy({ dtype: 'float64', shape: [100, 5], data: Float64Array.from({ length: 500 }, () => random()) }));
    const tiny = [...[10, 11].map((s) => table(`target${s}.npy`, s, 5, 100)), noise];
    const { results, set } = await compressSet(tiny, { modelFile: model, target: 'psnr:40' });
    assert.equal(set.modelChoice?.used, false, 'files of 100 rows cannot pay for the model');
    assert.ok(set.modelChoice!.chosenBy < tiny.length, 'a file did not choose the model');
    const aloneDir = fs.mkdtempSync(path.join(dir, 'alone-'));
    for (const [i, f] of tiny.entries()) {
      // The same name: a header stores its source's name after the .baler's stem.
      const alone = await compress(f, { target: 'psnr:40', output: path.join(aloneDir, path.basename(results[i].output)) });
      assert.equal(results[i].info.sizes.file, alone.info.sizes.file, `${f}: the search's record holds no point of the model`);
    }
  });

  it('keeps a named predictor as asked (--learned shared), without the choice for the set', async () => {
    const tiny = [9].map((s) => table(`named${s}.npy`, s, 5, 100));
    const { results, set } = await compressSet(tiny, { modelFile: model, errorBound: 'rel:1e-3', learned: 'shared' });
    assert.equal(results[0].info.learned?.shared, true);
    assert.equal(set.modelChoice, undefined);
  });

  it('a set written into another folder than its model: compressed, and told to decompress with --model-dir', async () => {
    const apart = path.join(dir, 'apart') + path.sep;
    const logs: string[] = [];
    const { set } = await compressSet(files.slice(0, 2), { modelFile: model, errorBound: 'rel:1e-3', learned: 'shared', output: apart }, { onLog: (l) => logs.push(l) });
    assert.equal(set.files.length, 2);
    assert.ok(logs.includes(`the .baler files are not beside ${model}, which they refer to by its hash: decompress them with --model-dir ${dir}, or put the model beside them`), logs.join('\n'));
    await assert.rejects(() => decompress(path.join(apart, 't1.baler'), { output: path.join(dir, 'apart-t1.npy') }), /--model-dir/);
    await decompress(path.join(apart, 't1.baler'), { output: path.join(dir, 'apart-t1.npy'), modelDir: dir });
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
    const alone = path.join(moved, 'alone.baler');
    const error = await decompress(alone, { output: path.join(moved, 'x.npy') }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof BalerError && error.code === 'EMODELMISSING', String(error));
    assert.match(error.fact, /^cannot be decoded without the shared model file tables\.balermodel \(hash [0-9a-f]{12}…\) it was compressed with: none with that hash in /);
    // The CLI names its flag; VS Code, which has no such option, says where to put the file.
    assert.equal(error.message, `${error.fact} — pass the folder that holds it with --model-dir`);
    const inEditor = new KernelError(errorPayload(error)).message;
    assert.equal(inEditor, `${alone}: ${error.fact} — put tables.balermodel beside alone.baler (in ${moved}), then try again`);
    assert.doesNotMatch(inEditor, /--model-dir/);
  });

  it('a BalerError without advice reads the same in the CLI and in VS Code', () => {
    const plain = new BalerError('not a Baler file', '/d/x.baler', 'EFORMAT');
    assert.equal(plain.fact, plain.message);
    assert.equal(new KernelError(errorPayload(plain)).message, plain.toLine());
    assert.equal(plain.naming('/d/y.baler').toLine(), '/d/y.baler: not a Baler file');
  });

  it('info refuses a file whose shared model is missing or replaced, as decompress does, and finds it with modelDir', async () => {
    const moved = path.join(dir, 'info-elsewhere');
    fs.mkdirSync(moved);
    const alone = path.join(moved, 'alone.baler');
    fs.copyFileSync(files[0].replace(/\.npy$/, '.baler'), alone);
    const refused = (pattern: RegExp) => (e: unknown) => e instanceof BalerError && e.code === 'EMODELMISSING' && e.file === alone
      && /cannot be decoded without the shared model file tables\.balermodel/.test(e.message) && /--model-dir/.test(e.message) && pattern.test(e.message);
    await assert.rejects(inspect(alone), refused(/none with that hash/));
    fs.writeFileSync(path.join(moved, 'tables.balermodel'), 'another model');
    await assert.rejects(inspect(alone), refused(/tables\.balermodel is a different model/));
    await assert.rejects(inspectSet([alone]), refused(/different model/));
    assert.equal((await inspect(alone, { modelDir: dir })).learned?.shared, true);
  });

  it('ignores a shared model that does not fit the rows of a file, and still compresses it', async () => {
    const narrow = table('narrow.npy', 4, 4);
    const { info } = await compress(narrow, { modelFile: model, errorBound: 'rel:1e-3', output: path.join(dir, 'narrow.baler') });
    assert.notEqual(info.learned?.shared, true);
  });

  it('trains on files of one row shape whether one is an image (no column names) and another a table (named columns)', async () => {
    const columns = 64;
    const rowsOf = (name: string, rows: number): Float64Array => {
      const random = seedrandom(name);
      return Float64Array.from({ length: rows * columns }, (_, i) => Math.sin((i % columns) / 5 + Math.floor(i / columns) / 9) + 0.01 * random());
    };
    const image = path.join(dir, 'image.npy');
    fs.writeFileSync(image, encodeNpy({ dtype: 'float64', shape: [100, columns], data: rowsOf('image', 100) }));
    const named = path.join(dir, 'named.npz');
    const names: StringNdArray = { dtype: 'unicode', shape: [columns], strings: Array.from({ length: columns }, (_, c) => `c${c}`) };
    fs.writeFileSync(named, encodeNpz([{ name: 'data', array: { dtype: 'float64', shape: [300, columns], data: rowsOf('named', 300) } }, { name: 'names', array: names }]));
    assert.equal((await compress(image, { errorBound: 'rel:1e-3', learned: 'none', output: path.join(dir, 'image.baler') })).info.kind, 'frames');
    assert.equal((await compress(named, { errorBound: 'rel:1e-3', learned: 'none', output: path.join(dir, 'named.baler') })).info.kind, 'table');
    const trained = await trainPredictor([image, named], path.join(dir, 'mixed.balermodel'), { errorBound: 'rel:1e-3', seconds: 2 });
    assert.equal(trained.files, 2);
  });

  it('refuses what cannot train: a pw-rel bound, files whose rows differ', async () => {
    await assert.rejects(trainPredictor(files, path.join(dir, 'x.balermodel'), { errorBound: 'pw-rel:1e-2' }), /pw-rel/);
    await assert.rejects(trainPredictor([files[0], table('four.npy', 5, 4)], path.join(dir, 'y.balermodel'), { seconds: 2 }), (e: unknown) => e instanceof BalerError && /row shape/.test(e.message));
  });
});
