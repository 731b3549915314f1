// A refusal names the real cause: what a user typed or gave that is wrong, not a rule it happens to trip over
// (psnr:1000 is a positive number; a binary file renamed .csv has no separator; a .npy has no arrays to name).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliInProcess } from '../fixtures/cli-in-process';
import { encodeNpy } from '../../src/kernel/data/npy';

describe('refusals name the real cause', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-causes-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const npy = path.join(dir, 'wave.npy');
  fs.writeFileSync(npy, encodeNpy({ dtype: 'float32', shape: [256], data: Float32Array.from({ length: 256 }, (_, i) => Math.sin(i / 10)) }));

  /** The one line the CLI printed for `args`, which must fail with exit 1 and write nothing. */
  async function refusal(args: string[]): Promise<string> {
    const before = fs.readdirSync(dir).sort();
    const r = await cliInProcess(args);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(dir).sort(), before, 'nothing written');
    return lines[0];
  }

  const out = () => ['-o', path.join(dir, 'out.baler')];

  it('--memory: a unit it does not know, and a size too small, each said for what it is; T is a unit', async () => {
    assert.match(await refusal(['compress', npy, ...out(), '--memory', '10X']), /--memory.*expected a size: a number of MiB, or with K, M, G or T/);
    assert.match(await refusal(['compress', npy, ...out(), '--memory', '10K']), /--memory.*must be at least 1M/);
    assert.doesNotMatch(await refusal(['compress', npy, ...out(), '--memory', '1T', '--target', 'psnr:1000']), /--memory/, '1T is a size');
  });

  it('psnr:1000 is refused for being beyond float64, not for not being a positive number', async () => {
    const line = await refusal(['compress', npy, ...out(), '--target', 'psnr:1000']);
    assert.match(line, /at most psnr:400/);
    assert.doesNotMatch(line, /positive number/);
  });

  it('two bounds joined by a comma: one bound at a time, not "X must be a finite number"', async () => {
    const line = await refusal(['compress', npy, ...out(), '--error-bound', 'rel:1e-3,abs:1']);
    assert.match(line, /one bound at a time/);
    assert.doesNotMatch(line, /finite number/);
  });

  it('--dataset on a file of one unnamed array, compressing or decompressing: leave it out', async () => {
    assert.match(await refusal(['compress', npy, ...out(), '--dataset', 'sst']), /--dataset 'sst': this file holds one array without a name.*leave it out/);
    const baler = path.join(dir, 'wave.baler');
    assert.equal((await cliInProcess(['compress', npy, '-o', baler])).code, 0);
    assert.match(await refusal(['decompress', baler, '--dataset', 'sst', '-o', path.join(dir, 'sst.npy')]), /wave\.baler: --dataset 'sst': this file holds one array without a name/);
  });

  it('a file of another known format than its name says is named as that format', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['hdf5.csv', Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), /this is a HDF5 \(or netCDF-4\) file.*rename it \.h5/],
      ['compressed.npy', Uint8Array.of(0x89, 0x42, 0x41, 0x4c, 0x45, 0x52, 0x0d, 0x0a), /this is a \.baler file.*decompress it/],
      ['table.npz', new TextEncoder().encode('PAR1\0\0\0\0'), /this is a Parquet file.*rename it \.parquet/],
      ['image.npy', Uint8Array.of(0x49, 0x49, 0x2a, 0, 8, 0, 0, 0), /this is a TIFF file.*rename it \.tif/],
    ];
    for (const [name, bytes, expected] of cases) {
      fs.writeFileSync(path.join(dir, name), bytes);
      assert.match(await refusal(['compress', path.join(dir, name), ...out()]), expected, name);
      fs.rmSync(path.join(dir, name));
    }
  });

  it('a folder given as a data file: read only as a Zarr store, and how to give its files', async () => {
    const folder = path.join(dir, 'runs');
    fs.mkdirSync(folder);
    assert.match(await refusal(['compress', folder, ...out()]), /runs: is a folder: a folder is read only as a Zarr store \(\.zarr\); to compress the files in it, name them/);
  });

  it('a binary file named .csv: not a text file; UTF-16 text: save it as UTF-8', async () => {
    const renamed = path.join(dir, 'renamed.csv');
    fs.copyFileSync(npy, renamed);
    assert.match(await refusal(['compress', renamed, ...out()]), /renamed\.csv: this is a \.npy file.*rename it \.npy/);
    fs.rmSync(renamed);
    const binary = path.join(dir, 'renamed.csv');
    fs.writeFileSync(binary, Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256));
    const line = await refusal(['compress', binary, ...out()]);
    assert.match(line, /renamed\.csv: not a text file \(byte \d+ of its first line is 0x[0-9a-f]{2}\)/);
    assert.doesNotMatch(line, /separated/);
    const utf16 = path.join(dir, 'excel.csv');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
    assert.match(await refusal(['compress', utf16, ...out()]), /excel\.csv: UTF-16 text.*save it as "CSV UTF-8"/);
  });
});
