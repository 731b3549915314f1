// Real netCDF-3 data that is not in this repository (Debian's ferret-datasets, installed with apt when missing):
// the COADS climatology's axes (TIME, COADSX, COADSY) are read as exact and TIME comes back exactly under the
// default bound, where it came back with errors up to 0.41 days (within rel:1e-4 of its range, but no longer the
// axis). The generated cases are in test/unit/data-coordinates.test.ts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// @ts-expect-error plain ES module of the scripts folder
import { ensureAptPackages } from '../../scripts/apt.mjs';
import { compress } from '../../src/kernel/compress';
import { decompress } from '../../src/kernel/decompress';
import { openDataSource } from '../../src/kernel/data/formats';

async function readAll(file: string): Promise<Map<string, { values: Float64Array; exact: boolean }>> {
  const source = await openDataSource(file);
  const arrays = new Map<string, { values: Float64Array; exact: boolean }>();
  for (const a of source.arrays) arrays.set(a.path, { values: Float64Array.from((await a.readSlab(0, a.shape[0])).data as ArrayLike<number>), exact: a.exact === true });
  await source.close();
  return arrays;
}

describe('real netCDF-3 data (COADS climatology, Debian ferret-datasets)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-coads-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads TIME, COADSX and COADSY as exact, and TIME comes back exactly under the default bound', async () => {
    ensureAptPackages(['ferret-datasets'], 'the test on real netCDF-3 data (the COADS climatology)');
    const input = path.join(dir, 'coads.nc'); // the Debian file is .cdf; Baler reads netCDF as .nc
    fs.copyFileSync('/usr/share/ferret-vis/data/coads_climatology.cdf', input);
    const original = await readAll(input);
    assert.deepEqual(Object.fromEntries([...original].map(([name, a]) => [name, a.exact])),
      { COADSX: true, COADSY: true, TIME: true, SST: false, AIRT: false, SPEH: false, WSPD: false, UWND: false, VWND: false, SLP: false });
    const baler = path.join(dir, 'coads.baler');
    await compress(input, { output: baler, force: true, dataset: 'TIME' });
    const back = path.join(dir, 'coads.back.npz');
    await decompress(baler, { output: back, force: true });
    const arrays = [...(await readAll(back)).values()];
    assert.equal(arrays.length, 1);
    assert.deepEqual(Array.from(arrays[0].values), Array.from(original.get('TIME')!.values), 'TIME must come back exactly');
  });
});
