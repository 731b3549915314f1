// End-to-end: the default `compress` (automatic mode) and train once, compress many, through the built CLI.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../src/kernel/data/npy';
import { dependentTable } from '../fixtures/learned';
import { baler, buildCli } from '../fixtures/built-cli';

describe('baler CLI: the automatic mode and sets', function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    buildCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cli-sets-'));
    for (const seed of [1, 2, 3]) {
      fs.writeFileSync(path.join(dir, `t${seed}.npy`), encodeNpy({ dtype: 'float64', shape: [2000, 5], data: dependentTable(2000, seed) }));
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compress with no options states the default bound in its output and log', () => {
    const r = baler(['compress', 't1.npy', '-o', 'default.baler'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bound rel:0\.0001/);
    assert.match(r.stderr, /the default bound rel:1e-4/);
  });

  it('train A B -o m.balermodel, compress A B C --model-file m.balermodel, info A B C: the model counted once', () => {
    const t = baler(['train', 't1.npy', 't2.npy', '-o', 'm.balermodel', '--error-bound', 'rel:1e-3', '--time-limit', '5'], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /model written to m\.balermodel: cross-column model/);
    const c = baler(['compress', 't1.npy', 't2.npy', 't3.npy', '--model-file', 'm.balermodel', '--error-bound', 'rel:1e-3', '--force', '--json'], dir);
    assert.equal(c.code, 0, c.stderr);
    const set = JSON.parse(c.stdout);
    assert.equal(set.files.length, 3);
    const modelBytes = fs.statSync(path.join(dir, 'm.balermodel')).size;
    const files = ['t1', 't2', 't3'].reduce((n, s) => n + fs.statSync(path.join(dir, `${s}.baler`)).size, 0);
    assert.equal(set.totalBytes, files + modelBytes);
    const i = baler(['info', 't1.baler', 't2.baler', 't3.baler'], dir);
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stdout, /shared model [0-9a-f]{12}…: .*used by 3 of 3 files, counted once; it pays from \d+ files?/);
    assert.match(i.stdout, /set: 3 files, original .* total .*ratio/);
  });

  it('info of a file whose shared model is missing or replaced fails in one line, as decompress does; --model-dir finds it', () => {
    fs.mkdirSync(path.join(dir, 'moved'), { recursive: true });
    fs.copyFileSync(path.join(dir, 't1.baler'), path.join(dir, 'moved', 't1.baler'));
    const refusal = /^baler: moved\/t1\.baler: cannot be decoded without the shared model file m\.balermodel \(hash [0-9a-f]{12}…\) it was compressed with: .* — pass the folder that holds it with --model-dir$/;
    for (const command of ['info', 'decompress']) {
      const r = baler([command, path.join('moved', 't1.baler')], dir);
      assert.equal(r.code, 1, `${command}: ${r.stderr}`);
      assert.match(r.stderr.trim().split('\n').pop()!, refusal);
      assert.match(r.stderr, /none with that hash in .*moved/);
      assert.equal(r.stdout, '');
    }
    fs.writeFileSync(path.join(dir, 'moved', 'm.balermodel'), 'another model');
    const replaced = baler(['info', path.join('moved', 't1.baler')], dir);
    assert.equal(replaced.code, 1, replaced.stderr);
    assert.match(replaced.stderr.trim(), refusal);
    assert.match(replaced.stderr, /moved\/m\.balermodel is a different model/);
    const found = baler(['info', path.join('moved', 't1.baler'), '--model-dir', '.'], dir);
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /bound met/);
  });

  it('-o with several files names the folder their .baler files go to; a file, or two inputs of one name, refused before any coding', () => {
    fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
    const r = baler(['compress', 't1.npy', 't2.npy', '-o', 'out', '--error-bound', 'rel:1e-3', '--learned', 'none', '--force'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'out')).sort(), ['t1.baler', 't2.baler']);
    assert.match(r.stdout, /set: 2 files/);
    const notFolder = baler(['compress', 't1.npy', 't2.npy', '-o', 'x.baler'], dir);
    assert.equal(notFolder.code, 1);
    assert.equal(notFolder.stderr.trim().split('\n').pop(), 'baler: x.baler: no such folder: with several files, -o names the folder their .baler files go to (end it with / to create it)');
    assert.ok(!fs.existsSync(path.join(dir, 'x.baler')));
    const created = baler(['compress', 't1.npy', 't2.npy', '-o', 'new/deeper/', '--error-bound', 'rel:1e-3', '--learned', 'none'], dir);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'new', 'deeper')).sort(), ['t1.baler', 't2.baler']);
    const one = baler(['compress', 't3.npy', '-o', 'out', '--error-bound', 'rel:1e-3', '--learned', 'none'], dir);
    assert.equal(one.code, 0, one.stderr);
    assert.ok(fs.existsSync(path.join(dir, 'out', 't3.baler')), 'one file and -o FOLDER: FOLDER/NAME.baler');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.copyFileSync(path.join(dir, 't1.npy'), path.join(dir, 'sub', 't1.npy'));
    const clash = baler(['compress', 't1.npy', path.join('sub', 't1.npy'), '-o', 'out', '--force'], dir);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr.trim().split('\n').pop()!, /^baler: sub\/t1\.npy: both this and t1\.npy would be written to out\/t1\.baler/);
    assert.equal(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0);
  });

  it('-o NEWFOLDER/ with a missing or unreadable input: one line naming it, exit 1, and no folder left behind', () => {
    fs.writeFileSync(path.join(dir, 'bad.npy'), 'not numpy');
    for (const args of [['missing.npy', '-o', 'fresh/'], ['bad.npy', '-o', 'fresh/deeper/'], ['t1.npy', 'bad.npy', '-o', 'fresh/', '--model-file', 'm.balermodel']]) {
      const r = baler(['compress', ...args, '--error-bound', 'rel:1e-3'], dir);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.trim().split('\n').pop()!, new RegExp(`^baler: ${args[0] === 'missing.npy' ? 'missing\\.npy: file not found' : 'bad\\.npy: not a \\.npy file'}`));
      assert.equal(fs.existsSync(path.join(dir, 'fresh')), false, args.join(' '));
    }
    const absent = baler(['compress', 't1.npy', 'missing.npy', '-o', 'fresh/'], dir);
    assert.equal(absent.code, 1);
    assert.equal(absent.stderr.trim(), 'baler: missing.npy: a file to compress is not there: missing.npy', 'named before any coding');
    assert.equal(fs.existsSync(path.join(dir, 'fresh')), false);
  });

  it('several files, one of them refused: said as it happens, the others written, exit 1 with the count', () => {
    const r = baler(['compress', 'bad.npy', 't1.npy', 't2.npy', '-o', 'batch/', '--error-bound', 'rel:1e-3', '--learned', 'none'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'batch')).sort(), ['t1.baler', 't2.baler']);
    assert.match(r.stderr, /^baler: bad\.npy: not a \.npy file/m);
    assert.equal(r.stderr.trim().split('\n').pop(), 'baler: 1 of 3 files was not compressed (bad.npy); the other 2 were written');
    assert.match(r.stdout, /set: 2 files/);
  });
});
