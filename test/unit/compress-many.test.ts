// Many files with one command (`--files-from LIST -o DIR/ [--part I/N]`): this part's share of the list, each
// file into the folder (created), a list that names a file not there refused before any is coded, and a file
// whose data is refused passed over (the batch goes on, the error at the end counts it).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, compressFiles, readFileList } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { eachFile, throwIfAnyFailed } from '../../src/kernel/compress/each-file';
import { outputsOf } from '../../src/kernel/compress/output';
import { encodeNpy } from '../../src/kernel/data/npy';

describe('compress: many files from a list', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-many-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const names = ['run0', 'run1', 'run2', 'run3', 'run4'];
  for (const [k, name] of names.entries()) {
    const data = Float32Array.from({ length: 8 * 16 }, (_, i) => Math.sin(i / 7 + k));
    fs.writeFileSync(path.join(dir, `${name}.npy`), encodeNpy({ dtype: 'float32', shape: [8, 16], data }));
  }
  const list = path.join(dir, 'list.txt');
  fs.writeFileSync(list, ['# a campaign', ...names.map((n) => `${n}.npy`), ''].join('\n'));

  it('codes files I, I+N, … of the list into the folder, which it creates', async () => {
    const out = path.join(dir, 'out', 'part1') + '/';
    const { results, failures } = await compressFiles(readFileList(list), out, { errorBound: 'rel:1e-3' }, { index: 1, count: 2 });
    assert.deepEqual(failures, []);
    assert.deepEqual(results.map((r) => path.basename(r.output)), ['run1.baler', 'run3.baler']);
    assert.deepEqual(fs.readdirSync(out).sort(), ['run1.baler', 'run3.baler']);
  });

  it('refuses a list naming a file that is not there before coding any', async () => {
    const broken = path.join(dir, 'broken.txt');
    fs.writeFileSync(broken, 'run0.npy\nrun9.npy\n');
    const out = path.join(dir, 'broken-out') + '/';
    await assert.rejects(compressFiles(readFileList(broken), out, { errorBound: 'rel:1e-3' }), (e: unknown) => e instanceof BalerError && /a file to compress is not there: .*run9\.npy/.test(e.message));
    assert.equal(fs.existsSync(path.join(out, 'run0.baler')), false, 'run0 was not coded first');
  });

  it('refuses, before coding any, an output of the list that exists, and two inputs whose outputs are one file through a link', async () => {
    const out = path.join(dir, 'taken') + '/';
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'run1.baler'), 'mine');
    await assert.rejects(compressFiles(readFileList(list), out, { errorBound: 'rel:1e-3' }), (e: unknown) => e instanceof BalerError && /output file exists/.test(e.message) && e.file!.endsWith('run1.baler'));
    assert.deepEqual(fs.readdirSync(out), ['run1.baler'], 'run0 was not coded first');
    fs.symlinkSync(dir, path.join(dir, 'link'));
    assert.throws(() => outputsOf([path.join(dir, 'link', 'run0.npy'), path.join(dir, 'run0.h5')]), /would be written to/);
  });

  it('leaves no new folder behind when an input is refused, and keeps one a file was written to', async () => {
    const bad = path.join(dir, 'bad.npy');
    fs.writeFileSync(bad, 'not numpy');
    const fresh = path.join(dir, 'fresh');
    const refused = (e: unknown) => e instanceof BalerError && e.file === bad && /not a \.npy file/.test(e.message);
    await assert.rejects(compress(bad, { errorBound: 'rel:1e-3', output: `${fresh}/` }), refused);
    await assert.rejects(compress(bad, { errorBound: 'rel:1e-3', output: path.join(fresh, 'deeper') + '/', part: { index: 0, count: 2 } }), refused);
    const alone = await compressFiles([bad], `${fresh}/`, { errorBound: 'rel:1e-3' });
    assert.ok(refused(alone.failures[0]?.error), 'the one file refused, with its reason');
    assert.equal(fs.existsSync(fresh), false);
  });

  it('goes on past a file whose data is refused, as gzip and zstd do, and counts it in the error at the end', async () => {
    const bad = path.join(dir, 'bad.npy');
    fs.writeFileSync(bad, 'not numpy');
    const out = path.join(dir, 'batch') + '/';
    const seen: string[] = [];
    const outcome = await compressFiles([path.join(dir, 'run0.npy'), bad, path.join(dir, 'run1.npy')], out, { errorBound: 'rel:1e-3' }, undefined, undefined, (f) => seen.push(f.file));
    assert.deepEqual(seen, [bad], 'reported as it happened');
    assert.deepEqual(outcome.results.map((r) => path.basename(r.output)), ['run0.baler', 'run1.baler']);
    assert.deepEqual(fs.readdirSync(out).sort(), ['run0.baler', 'run1.baler']);
    assert.throws(() => throwIfAnyFailed(outcome, 'compressed'), (e: unknown) => e instanceof BalerError && e.message === `1 of 3 files was not compressed (${bad}); the other 2 were written`);
    assert.doesNotThrow(() => throwIfAnyFailed({ results: [1], failures: [] }, 'compressed'));
  });

  it('the set\'s table gives each mode of a file of several arrays in several modes, not its first array\'s alone', async () => {
    const { formatSetInfo } = await import('../../src/cli/format');
    const { inspectSet } = await import('../../src/kernel/pipeline');
    const { encodeNpz } = await import('../../src/kernel/data/npz');
    const mixed = path.join(dir, 'mixed.npz');
    fs.writeFileSync(mixed, encodeNpz([
      { name: 'ids.npy', array: { dtype: 'int32', shape: [500], data: Int32Array.from({ length: 500 }, (_, i) => i * 7) } },
      { name: 'wave.npy', array: { dtype: 'float64', shape: [500], data: Float64Array.from({ length: 500 }, (_, i) => Math.sin(i / 9)) } },
    ]));
    const out = path.join(dir, 'mixed-out') + '/';
    const { results } = await compressFiles([mixed, path.join(dir, 'run0.npy')], out, { errorBound: 'rel:1e-3' });
    const text = formatSetInfo(await inspectSet(results.map((r) => r.output)));
    assert.match(text, /mixed\.baler +lossless \(every value exact\): 1 array; error-bounded \(bound rel:0\.001\): 1 array/);
    assert.match(text, /run0\.baler +error-bounded rel:0\.001 /);
  });

  it('stops the batch at an error that is not the file\'s own (a bug, a full disk, Ctrl-C)', async () => {
    const done: string[] = [];
    await assert.rejects(eachFile(['a', 'b', 'c'], async (file) => {
      if (file === 'b') throw new BalerError('no space left on device', 'out/b.baler');
      done.push(file);
    }), /no space left/);
    assert.deepEqual(done, ['a'], 'c was not tried');
    await assert.rejects(eachFile(['a', 'b'], async (file) => { throw new BalerError('cannot read (input/output error)', file, 'EIO'); }), /input\/output error/);
    await assert.rejects(eachFile(['a', 'b'], async () => { throw new TypeError('a bug'); }), TypeError);
  });
});
