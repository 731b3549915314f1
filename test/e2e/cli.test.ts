// End-to-end: the built `baler` CLI on real data (../shared/data/CFD_animation.npz) and on bad input.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseNpy } from '../../src/kernel/data/npy';
import { encodeNpz } from '../../src/kernel/data/npz';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { computeErrors } from '../../src/kernel/metrics';
import { requireSharedFile } from '../unit/shared-data';
import { baler, buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'baler.js');

function expectError(r: ReturnType<typeof baler>, file: string, pattern: RegExp): void {
  assert.notEqual(r.code, 0, `expected failure, got exit 0: ${r.stdout}`);
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1];
  assert.match(last, /^baler: /, `one-line error expected, got: ${r.stderr}`);
  assert.ok(last.includes(file), `error should name ${file}: ${last}`);
  assert.match(last, pattern);
}

describe('baler CLI end to end', function () {
  this.timeout(300_000);
  let dir: string;
  let cfd: string;

  before(() => {
    buildCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cli-'));
    cfd = path.join(dir, 'CFD_animation.npz');
    fs.copyFileSync(requireSharedFile('CFD_animation.npz'), cfd);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compresses CFD_animation.npz, reports both ratios, and decompresses to the measured values', async () => {
    const c = baler(['compress', 'CFD_animation.npz', '-o', 'cfd.baler', '--latent', '25', '--epochs', '40', '--json'], dir);
    assert.equal(c.code, 0, c.stderr);
    const info = JSON.parse(c.stdout);
    const balerBytes = fs.statSync(path.join(dir, 'cfd.baler')).size;
    assert.equal(info.sizes.file, balerBytes);
    assert.equal(info.sizes.total, balerBytes, 'decoder embedded: the file is everything');
    assert.ok(info.sizes.decoder > 100_000, 'the 25-50-100-200-2500 decoder is counted');
    assert.ok(info.ratios.latentOnly > info.ratios.total, 'latent-only ratio beats the total one');
    assert.equal(info.shape.join(','), '60,50,50');

    const d = baler(['decompress', 'cfd.baler', '-o', 'cfd.out.npz'], dir);
    assert.equal(d.code, 0, d.stderr);
    const restored = await readDataset(path.join(dir, 'cfd.out.npz'));
    const original = await readDataset(cfd);
    assert.deepEqual(restored.shape, [60, 50, 50]);
    assert.equal(restored.dtype, 'float64');
    const errors = computeErrors(original.values, restored.values);
    // The header keeps figures as float32, PSNR rounded down: never better than measured, within float32 precision.
    assert.ok(info.errors.psnr <= errors.psnr && errors.psnr - info.errors.psnr < 1e-5, `reported PSNR ${info.errors.psnr} vs measured ${errors.psnr}`);
    assert.ok(errors.psnr > 15, `PSNR after 40 epochs should be > 15 dB, got ${errors.psnr}`);

    const i = baler(['info', 'cfd.baler'], dir);
    assert.equal(i.code, 0, i.stderr);
    assert.match(i.stdout, /total \(decoder counted\)/);
    assert.match(i.stdout, /latents only \(decoder and header not counted\)/);

    const p = baler(['plot', 'cfd.baler', '-o', 'cfd.html'], dir);
    assert.equal(p.code, 0, p.stderr);
    const html = fs.readFileSync(path.join(dir, 'cfd.html'), 'utf8');
    assert.ok(html.length > 1_000_000, 'plotly is inlined');
    assert.ok(!/<script[^>]+src=["']https?:/.test(html), 'no external scripts');
    fs.writeFileSync(path.join(dir, 'mine.html'), 'mine');
    expectError(baler(['plot', 'cfd.baler', '-o', 'mine.html'], dir), 'mine.html', /output file exists .*--force/);
    assert.equal(fs.readFileSync(path.join(dir, 'mine.html'), 'utf8'), 'mine', 'an existing page is replaced only with --force');
    assert.equal(baler(['plot', 'cfd.baler', '-o', 'mine.html', '--force'], dir).code, 0);
  });

  it('keeps every value within an error bound after a file round trip', async () => {
    const c = baler(['compress', 'CFD_animation.npz', '-o', 'cfd.eb.baler', '--error-bound', 'rel:1e-3', '--json'], dir);
    assert.equal(c.code, 0, c.stderr);
    const info = JSON.parse(c.stdout);
    assert.ok(info.ratios.totalVsFloat32 > 8, `rel 1e-3 ratio ${info.ratios.totalVsFloat32}`);
    assert.equal(baler(['decompress', 'cfd.eb.baler', '-o', 'cfd.eb.npz'], dir).code, 0);
    const original = (await readDataset(cfd)).values;
    const restored = (await readDataset(path.join(dir, 'cfd.eb.npz'))).values;
    let min = Infinity, max = -Infinity, worst = 0;
    for (const v of original) { min = Math.min(min, v); max = Math.max(max, v); }
    for (let k = 0; k < original.length; k++) worst = Math.max(worst, Math.abs(original[k] - restored[k]));
    assert.ok(worst <= 1e-3 * (max - min), `max error ${worst} exceeds ${1e-3 * (max - min)}`);
  });

  it('shares a decoder through a model file referenced by hash', () => {
    const c = baler(['compress', 'CFD_animation.npz', '-o', 'shared.baler', '--epochs', '5', '--model-file', 'flow.balermodel', '--json'], dir);
    assert.equal(c.code, 0, c.stderr);
    const info = JSON.parse(c.stdout);
    assert.ok(info.sizes.decoderShared);
    assert.equal(info.sizes.total, info.sizes.file + fs.statSync(path.join(dir, 'flow.balermodel')).size);
    fs.mkdirSync(path.join(dir, 'models'));
    fs.renameSync(path.join(dir, 'flow.balermodel'), path.join(dir, 'models', 'renamed.balermodel'));
    expectError(baler(['decompress', 'shared.baler', '-o', 'shared.npz'], dir), 'shared.baler', /flow\.balermodel/);
    assert.ok(!fs.existsSync(path.join(dir, 'shared.npz')), 'no partial output');
    const found = baler(['decompress', 'shared.baler', '-o', 'shared.npz', '--model-dir', 'models'], dir);
    assert.equal(found.code, 0, `found by hash under another name: ${found.stderr}`);
  });

  it('runs a project with the reference syntax and the new one', () => {
    assert.equal(baler(['new', 'ws', 'proj'], dir).code, 0);
    const configFile = path.join(dir, 'workspaces/ws/proj/config/proj_config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    fs.writeFileSync(configFile, JSON.stringify({ ...config, epochs: 10 }));
    for (const mode of ['train', 'compress', 'decompress', 'plot']) {
      const r = baler(['--project', 'ws', 'proj', '--mode', mode], dir);
      assert.equal(r.code, 0, `${mode}: ${r.stderr}`);
    }
    const out = path.join(dir, 'workspaces/ws/proj/output');
    for (const f of ['training/model.balermodel', 'training/history.json', 'compressed_output/compressed.baler', 'decompressed_output/decompressed.npz', 'plotting/report.html']) {
      assert.ok(fs.existsSync(path.join(out, f)), `${f} written`);
    }
    const info = baler(['info', '--project', 'ws', 'proj', '--json'], dir);
    assert.equal(info.code, 0, info.stderr);
    assert.ok(JSON.parse(info.stdout).ratios.total > 0);
  });

  describe('decompress --dataset: one array of a file of several', () => {
    const a = Float64Array.from({ length: 12 }, (_, i) => i);
    const b = Float32Array.from({ length: 40 * 6 }, (_, i) => Math.sin(i / 7) * 10);
    /** The rows [from, to) of b as written back to `file`: b's dtype and columns, every value within the bound. */
    const expectRowsOfB = (file: string, from: number, to: number) => {
      const back = parseNpy(fs.readFileSync(path.join(dir, file)));
      assert.equal(back.dtype, 'float32');
      assert.deepEqual(back.shape, [to - from, 6]);
      const expected = b.subarray(from * 6, to * 6);
      back.data.forEach((v, i) => assert.ok(Math.abs(Number(v) - expected[i]) <= 1e-3, `${file}[${i}]: ${v} vs ${expected[i]}`));
    };
    before(() => {
      fs.writeFileSync(path.join(dir, 'two.npz'), encodeNpz([{ name: 'a', array: { dtype: 'float64', shape: [12], data: a } }, { name: 'b', array: { dtype: 'float32', shape: [40, 6], data: b } }]));
      const c = baler(['compress', 'two.npz', '-o', 'two.baler', '--error-bound', 'abs:1e-3'], dir);
      assert.equal(c.code, 0, c.stderr);
    });

    it('writes only that array, to .npy, and says so', () => {
      const d = baler(['decompress', 'two.baler', '--dataset', 'b', '-o', 'b.npy'], dir);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, "wrote b.npy ('b', 40 × 6 float32, 1 of the 2 arrays of two.baler)\n");
      expectRowsOfB('b.npy', 0, 40);
    });

    it('with --rows (the name with a leading /): only those rows of that array', () => {
      const d = baler(['decompress', 'two.baler', '--dataset', '/b', '--rows', '2:5', '-o', 'b-rows.npy'], dir);
      assert.equal(d.code, 0, d.stderr);
      expectRowsOfB('b-rows.npy', 2, 5);
    });

    it('an unknown name, and --rows without one, are refused in one line naming the file: exit 1, nothing written', () => {
      const unknown = baler(['decompress', 'two.baler', '--dataset', 'nope', '-o', 'nope.npy'], dir);
      assert.equal(unknown.code, 1);
      expectError(unknown, 'two.baler', /no array 'nope' in the file \(it holds 'a', 'b'\)$/);
      const rows = baler(['decompress', 'two.baler', '--rows', '2:5', '-o', 'nope.npy'], dir);
      assert.equal(rows.code, 1);
      expectError(rows, 'two.baler', /--rows needs one array: this file holds several, name one with --dataset$/);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('nope') || f.endsWith('.tmp')), []);
    });
  });

  describe('bad input: one-line error naming the file, non-zero exit, no output left', () => {
    const cases: [string, (d: string) => unknown, string[], RegExp][] = [
      ['missing file', () => undefined, ['compress', 'nope.npz', '-o', 'x.baler'], /not found/],
      ['wrong extension', (d) => fs.writeFileSync(path.join(d, 'data.txt'), '1,2\n'), ['compress', 'data.txt', '-o', 'x.baler'], /\.npz|\.npy|\.csv/],
      ['text renamed .npy', (d) => fs.writeFileSync(path.join(d, 'text.npy'), 'hello world\n'), ['compress', 'text.npy', '-o', 'x.baler'], /npy/],
      ['truncated .npz', (d) => fs.writeFileSync(path.join(d, 'cut.npz'), fs.readFileSync(path.join(d, 'CFD_animation.npz')).subarray(0, 5000)), ['compress', 'cut.npz', '-o', 'x.baler'], /.+/],
      ['non-numeric CSV', (d) => fs.writeFileSync(path.join(d, 'bad.csv'), 'a,b\n1,2\n3,abc\n'), ['compress', 'bad.csv', '-o', 'x.baler'], /abc/],
      ['NaN values for an autoencoder', (d) => writeDataset(path.join(d, 'nan.npy'), { kind: 'table', shape: [3, 2], dtype: 'float64', names: [], values: Float64Array.from([1, 2, NaN, 4, 5, 6]) }, {}), ['compress', 'nan.npy', '-o', 'x.baler', '--epochs', '2'], /NaN|non-finite/],
      ['one row for an autoencoder', (d) => writeDataset(path.join(d, 'one.npy'), { kind: 'table', shape: [1, 3], dtype: 'float32', names: [], values: Float64Array.from([1, 2, 3]) }, {}), ['compress', 'one.npy', '-o', 'x.baler', '--epochs', '2'], /single|one/],
      ['empty array', (d) => fs.writeFileSync(path.join(d, 'empty.csv'), 'a,b\n'), ['compress', 'empty.csv', '-o', 'x.baler'], /empty/],
    ];
    it('the default (automatic mode) keeps NaN exactly and takes a single row', async () => {
      await writeDataset(path.join(dir, 'nan-ok.npy'), { kind: 'table', shape: [3, 2], dtype: 'float64', names: [], values: Float64Array.from([1, 2, NaN, 4, 5, 6]) }, {});
      await writeDataset(path.join(dir, 'one-ok.npy'), { kind: 'table', shape: [1, 3], dtype: 'float32', names: [], values: Float64Array.from([1, 2, 3]) }, {});
      for (const file of ['nan-ok', 'one-ok']) {
        assert.equal(baler(['compress', `${file}.npy`, '-o', `${file}.baler`], dir).code, 0, file);
        assert.equal(baler(['decompress', `${file}.baler`, '-o', `${file}.back.npy`], dir).code, 0, file);
      }
      assert.ok(Number.isNaN((await readDataset(path.join(dir, 'nan-ok.back.npy'))).values[2]));
    });
    for (const [name, make, args, pattern] of cases) {
      it(name, async () => {
        await make(dir);
        expectError(baler(args, dir), args[1], pattern);
        assert.ok(!fs.existsSync(path.join(dir, 'x.baler')), 'no output left behind');
        assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
      });
    }

    it('a mistyped option: one line with the suggestion, no escaped newline', () => {
      const r = baler(['compress', 'CFD_animation.npz', '--mode', 'x'], dir);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "baler: unknown option '--mode' (Did you mean --model?)\n");
      const typo = baler(['compres', 'CFD_animation.npz'], dir);
      assert.equal(typo.code, 1);
      assert.match(typo.stderr, /^baler: unknown command 'compres' \(commands: demo, .*compress, .*\)\n$/);
    });

    it('corrupted .baler', () => {
      assert.equal(baler(['compress', 'CFD_animation.npz', '-o', 'ok.baler', '--error-bound', 'rel:1e-2'], dir).code, 0);
      const bytes = fs.readFileSync(path.join(dir, 'ok.baler'));
      bytes[Math.floor(bytes.length * 0.6)] ^= 0x10;
      fs.writeFileSync(path.join(dir, 'flipped.baler'), bytes);
      expectError(baler(['decompress', 'flipped.baler', '-o', 'flipped.npz'], dir), 'flipped.baler', /corrupt|checksum/);
      assert.ok(!fs.existsSync(path.join(dir, 'flipped.npz')));
      expectError(baler(['info', 'flipped.baler'], dir), 'flipped.baler', /corrupted: checksum mismatch in section/);
      assert.match(baler(['info', 'ok.baler'], dir).stdout, /checksums +all \d+ chunks and the index match/);
      fs.writeFileSync(path.join(dir, 'short.baler'), bytes.subarray(0, 100));
      expectError(baler(['decompress', 'short.baler', '-o', 'short.npz'], dir), 'short.baler', /truncat|corrupt/);
    });

    it('a .baler named like a data file, and an output Baler cannot write, are refused before any coding', () => {
      expectError(baler(['compress', 'CFD_animation.npz', '-o', 'x.npy'], dir), 'x.npy', /compress writes a \.baler file, not a \.npy file/);
      assert.ok(!fs.existsSync(path.join(dir, 'x.npy')));
      assert.equal(baler(['compress', 'CFD_animation.npz', '-o', 'named.baler', '--error-bound', 'rel:1e-2'], dir).code, 0);
      const r = baler(['decompress', 'named.baler', '-o', 'x.txt'], dir);
      expectError(r, 'x.txt', /cannot write '\.txt' files: name the output with one of \.npz, \.npy, \.csv, \.h5, .*\.zarr$/);
      assert.doesNotMatch(r.stderr, /\.root/, 'ROOT is read, not written');
      expectError(baler(['decompress', 'named.baler', '-o', 'x.root'], dir), 'x.root', /ROOT files cannot be written/);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('x.') || f.endsWith('.tmp')), []);
    });

    it('under a virtual memory limit (ulimit -v 2 GB, as Grid Engine sets on clusters): compress and decompress (one thread, said), every value within the bound', async () => {
      const values = Float64Array.from({ length: 120 * 64 * 64 }, (_, i) => Math.sin(i / 700) + Math.cos((i % 64) / 9) + (i % 97) * 1e-3);
      await writeDataset(path.join(dir, 'limited.npy'), { kind: 'frames', shape: [120, 64, 64], dtype: 'float32', names: [], values }, {});
      // zstd's WebAssembly, and each worker's isolate, could not reserve their address space: the command exited 1
      // (and before that, 0 with no output).
      const limited = (args: string) => spawnSync('bash', ['-c', `ulimit -v 2097152; exec "${process.execPath}" "${cli}" ${args}`], { cwd: dir, encoding: 'utf8' });
      const c = limited('compress limited.npy -o limited.baler --error-bound rel:1e-3 --threads 2 --memory 64M');
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stderr, /one thread: under a virtual memory limit \(ulimit -v\)/);
      const d = limited('decompress limited.baler -o limited.back.npy --threads 2');
      assert.equal(d.status, 0, d.stderr);
      const back = parseNpy(fs.readFileSync(path.join(dir, 'limited.back.npy')));
      const original = parseNpy(fs.readFileSync(path.join(dir, 'limited.npy')));
      let lo = Infinity, hi = -Infinity, worst = 0;
      original.data.forEach((v) => { lo = Math.min(lo, Number(v)); hi = Math.max(hi, Number(v)); });
      original.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(Number(back.data[i]) - Number(v))); });
      assert.ok(worst <= 1e-3 * (hi - lo), `max error ${worst} within ${1e-3 * (hi - lo)}`);
    });

    it('an existing output is never overwritten', () => {
      fs.writeFileSync(path.join(dir, 'taken.baler'), 'mine');
      expectError(baler(['compress', 'CFD_animation.npz', '-o', 'taken.baler', '--epochs', '1'], dir), 'taken.baler', /exists/);
      assert.equal(fs.readFileSync(path.join(dir, 'taken.baler'), 'utf8'), 'mine');
      // A mistyped input beside an earlier .baler of its name: the input is what is missing, not --force.
      expectError(baler(['compress', 'taken.npz'], dir), 'taken.npz', /file not found$/);
      expectError(baler(['decompress', 'ok.baler', '-o', 'CFD_animation.npz'], dir), 'CFD_animation.npz', /exists/);
    });
  });
});
