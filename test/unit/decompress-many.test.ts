// decompress of several .baler files (a campaign back): each into the folder -o names (created when it ends with /),
// or beside its input; a file refused is said and passed over; one file with -o FOLDER/ goes into it. A second file
// was silently ignored before.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, namesOutputFolder } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { cliInProcess } from '../fixtures/cli-in-process';

describe('decompress: several files, and -o naming a folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-decompress-many-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string) => path.join(dir, name);

  before(async () => {
    for (const k of [1, 2]) {
      fs.writeFileSync(inDir(`run${k}.npy`), encodeNpy({ dtype: 'float32', shape: [16, 8], data: Float32Array.from({ length: 128 }, (_, i) => Math.sin(i / 5 + k)) }));
      await compress(inDir(`run${k}.npy`), { errorBound: 'rel:1e-3', learned: 'none' });
    }
    fs.writeFileSync(inDir('broken.baler'), 'not a baler file');
  });

  it('each into the folder, a damaged one said and passed over, exit 1 with the count', async () => {
    const r = await cliInProcess(['decompress', inDir('run1.baler'), inDir('broken.baler'), inDir('run2.baler'), '-o', inDir('back') + '/']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(inDir('back')).sort(), ['run1.decompressed.npy', 'run2.decompressed.npy']);
    assert.match(r.stderr, /^baler: .*broken\.baler: /m);
    assert.equal(r.stderr.trim().split('\n').pop(), `baler: 1 of 3 files was not decompressed (${inDir('broken.baler')}); the other 2 were written`);
    assert.equal(r.stdout.trim().split('\n').length, 2, r.stdout);
  });

  it('several files and -o naming a file: refused before any is decoded', async () => {
    const r = await cliInProcess(['decompress', inDir('run1.baler'), inDir('run2.baler'), '-o', inDir('one.npy')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /one\.npy: with several files, -o names the folder/);
    assert.equal(fs.existsSync(inDir('one.npy')), false);
  });

  it('two files of one name from two folders, or an output that exists: refused before any is decoded, --force or not', async () => {
    fs.mkdirSync(inDir('other'));
    fs.copyFileSync(inDir('run1.baler'), inDir('other/run1.baler'));
    for (const force of [[], ['--force']]) {
      const r = await cliInProcess(['decompress', inDir('run1.baler'), inDir('other/run1.baler'), '-o', inDir('clash') + '/', ...force]);
      assert.equal(r.code, 1);
      assert.match(r.stderr.trim(), /other\/run1\.baler: both this and .*run1\.baler would be written to .*clash\/run1\.decompressed\.npy: decompress one of them on its own with -o/);
      assert.equal(fs.existsSync(inDir('clash/run1.decompressed.npy')), false, 'the first was not written');
    }
    fs.mkdirSync(inDir('taken'));
    fs.writeFileSync(inDir('taken/run2.decompressed.npy'), 'mine');
    const r = await cliInProcess(['decompress', inDir('run1.baler'), inDir('run2.baler'), '-o', inDir('taken')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.trim(), /taken\/run2\.decompressed\.npy: output file exists/);
    assert.deepEqual(fs.readdirSync(inDir('taken')), ['run2.decompressed.npy'], 'run1 was not decoded first');
    assert.equal(fs.readFileSync(inDir('taken/run2.decompressed.npy'), 'utf8'), 'mine');
  });

  it('one file with -o FOLDER/ goes into it; an existing .zarr is an output, not a folder to write into', async () => {
    const r = await cliInProcess(['decompress', inDir('run1.baler'), '-o', inDir('single') + '/']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(inDir('single')), ['run1.decompressed.npy']);
    fs.mkdirSync(inDir('store.zarr'));
    assert.equal(namesOutputFolder(inDir('store.zarr')), false);
    assert.equal(namesOutputFolder(inDir('single')), true);
  });
});
