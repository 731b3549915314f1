// The built CLI on the new formats: `baler compress FILE --dataset/--tree/--columns` through readDataset, and bad
// input as one line with exit 1 and nothing written.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { referenceFile } from '../unit/data-reference';
import { baler, buildCli } from '../fixtures/built-cli';

describe('baler CLI on science formats', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cli-formats-'));
  before(() => {
    buildCli();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compresses one dataset of an HDF5 file, a Zarr folder and a Parquet file, within the bound', async () => {
    const field = { kind: 'table' as const, shape: [200, 16], dtype: 'float32' as const, names: [], values: Float64Array.from({ length: 3200 }, (_, i) => Math.fround(Math.sin(i / 17) * 10)) };
    for (const name of ['field.h5', 'field.zarr', 'field.parquet']) {
      await writeDataset(path.join(dir, name), field, { path: name.endsWith('.parquet') ? undefined : 'sim/u' });
      const args = ['compress', name, '--error-bound', 'abs:1e-3', '-o', `${name}.baler`, '--json'];
      if (!name.endsWith('.parquet')) args.push('--dataset', '/sim/u');
      const c = baler(args, dir);
      assert.equal(c.code, 0, c.stderr);
      assert.deepEqual(JSON.parse(c.stdout).shape, [200, 16]);
      const d = baler(['decompress', `${name}.baler`, '-o', `${name}.out.npy`], dir);
      assert.equal(d.code, 0, d.stderr);
      const back = await readDataset(path.join(dir, `${name}.out.npy`));
      assert.ok(back.values.every((v, i) => Math.abs(v - field.values[i]) <= 1e-3), `${name}: bound kept`);
    }
  });

  it('compresses a ROOT object table chosen with --tree, --dataset and --columns', () => {
    fs.copyFileSync(referenceFile('root/uproot-HZZ.root'), path.join(dir, 'hzz.root'));
    const c = baler(['compress', 'hzz.root', '--tree', 'events', '--dataset', 'events/Jet', '--columns', 'Jet_Px,Jet_Py', '--error-bound', 'pw-rel:1e-3', '-o', 'jets.baler', '--json'], dir);
    assert.equal(c.code, 0, c.stderr);
    const info = JSON.parse(c.stdout);
    assert.deepEqual(info.shape, [2773, 2]);
    assert.deepEqual(info.names, ['Jet_Px', 'Jet_Py']);
  });

  for (const [name, args, pattern] of [
    ['a dataset that does not exist', ['compress', 'f.h5', '--dataset', '/nope'], /f\.h5: no dataset '\/nope' in the file/],
    ['a tree that does not exist', ['compress', 'hzz.root', '--tree', 'nope'], /hzz\.root: no tree or RNTuple 'nope'/],
    ['an empty --columns', ['compress', 'hzz.root', '--columns', ','], /--columns.*comma-separated list of column names/],
    ['a column named twice', ['compress', 'hzz.root', '--columns', 'NJet,NJet'], /--columns.*names 'NJet' twice: each column is kept once/],
  ] as [string, string[], RegExp][]) {
    it(`${name}: one line, exit 1, nothing written`, async () => {
      if (!fs.existsSync(path.join(dir, 'f.h5'))) await writeDataset(path.join(dir, 'f.h5'), { kind: 'table', shape: [4, 2], dtype: 'float64', names: [], values: new Float64Array(8) });
      if (!fs.existsSync(path.join(dir, 'hzz.root'))) fs.copyFileSync(referenceFile('root/uproot-HZZ.root'), path.join(dir, 'hzz.root'));
      const r = baler([...args, '-o', 'x.baler'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.ok(!fs.existsSync(path.join(dir, 'x.baler')));
    });
  }
});
