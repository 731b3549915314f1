// FITS cross-checked with astropy (Debian's python3-astropy, with numpy): what astropy writes reads value for value
// here, what we write reads back in astropy with the same cards, and the CLI's round trip keeps every value within
// its bound, the dtypes, the shapes and the headers. The set-up installs astropy with apt when running as root;
// otherwise it fails with a message naming the package.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset } from '../../src/kernel/data/dataset';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import { ensurePythonModules, python } from '../fixtures/python-reference';
import { baler, buildCli } from '../fixtures/built-cli';

const PACKAGES = ['python3-astropy', 'python3-numpy'];

function ensureAstropy(): void {
  ensurePythonModules('astropy.io.fits, numpy', PACKAGES, 'the FITS cross-checks');
}

/** astropy's file: a float32 sky image in the primary, extensions of each dtype, a table and a tile-compressed image. */
const WRITE_ASTROPY = `
from astropy.io import fits
import numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(5)
y, x = np.mgrid[0:60, 0:80]
sky = (100 + 0.05 * x + rng.normal(0, 3, (60, 80)) + 500 * np.exp(-((x - 30) ** 2 + (y - 20) ** 2) / 8)).astype('f4')
p = fits.PrimaryHDU(sky)
p.header['OBJECT'] = ('M 31', 'the target')
p.header['EXPTIME'] = 30.5
p.header['HISTORY'] = 'made for a test'
p.header['CRVAL1'] = 10.684708
hdus = [p]
arrays = {
    'CUBE': rng.normal(0, 800, (5, 30, 40)).astype('>i2'),
    'UNSIGNED': rng.integers(0, 65536, (30, 40)).astype('u2'),
    'U32': rng.integers(0, 2**32, (7, 9), dtype='u8').astype('u4'),
    'I32': rng.integers(-2**31, 2**31, (7, 9)).astype('i4'),
    'I64': rng.integers(-2**62, 2**62, (7, 9)).astype('i8'),
    'U8': rng.integers(0, 256, (7, 9)).astype('u1'),
    'I8': rng.integers(-128, 128, (7, 9)).astype('i1'),
    'F64': rng.normal(0, 1, (3, 4, 5, 6)),
}
for name, a in arrays.items():
    h = fits.ImageHDU(a, name=name)
    h.header['BUNIT'] = 'counts'
    hdus.append(h)
hdus.append(fits.BinTableHDU.from_columns([fits.Column(name='flux', format='E', array=np.arange(5.0))], name='CATALOG'))
hdus.append(fits.CompImageHDU(sky, name='COMPRESSED'))
fits.HDUList(hdus).writeto('astropy.fits', checksum=True, overwrite=True)
with fits.open('astropy.fits') as f:
    for h in f:
        if h.is_image and not isinstance(h, fits.CompImageHDU) and h.data is not None:
            np.save(h.name + '.npy', np.ascontiguousarray(h.data.astype(h.data.dtype.newbyteorder('='))))
`;

/** Each image HDU of both files: the same cards (less CHECKSUM/DATASUM) and dtype, and the largest difference. */
const COMPARE = `
from astropy.io import fits
import numpy as np, sys, json, os
os.chdir(sys.argv[1])
out = {}
with fits.open(sys.argv[2]) as a, fits.open(sys.argv[3]) as b:
    b.verify('exception')
    images = [h for h in a if h.is_image and not isinstance(h, fits.CompImageHDU) and h.data is not None]
    bs = {h.name: h for h in b}
    for h in images:
        g = bs[h.name]
        cards = lambda hd: [c.image for c in hd.header.cards if c.keyword not in ('CHECKSUM', 'DATASUM')]
        d = np.abs(h.data.astype('f8') - g.data.astype('f8'))
        out[h.name] = {'sameCards': cards(h) == cards(g), 'cardsA': cards(h), 'cardsB': cards(g), 'dtype': [str(h.data.dtype.newbyteorder('=')), str(g.data.dtype.newbyteorder('='))],
                       'shape': [list(h.data.shape), list(g.data.shape)], 'maxError': float(d.max()), 'exact': bool(np.array_equal(h.data, g.data))}
    out['hdus'] = [h.name for h in b]
print(json.dumps(out))
`;

describe('FITS cross-checks with astropy', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fits-cross-'));
  before(() => {
    ensureAstropy();
    buildCli();
    python(WRITE_ASTROPY, dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);
  const names = ['PRIMARY', 'CUBE', 'UNSIGNED', 'U32', 'I32', 'I64', 'U8', 'I8', 'F64'];

  it('reads what astropy writes value for value: float32/64, int16/32/64, uint8/16/32, int8, a cube and a 4-D array; the table and the tile-compressed image left out', async () => {
    const source = await openDataSource(inDir('astropy.fits'));
    assert.deepEqual(source.arrays.map((a) => a.path), ['hdu0', ...names.slice(1)]);
    assert.deepEqual(source.skipped?.map((s) => s.path), ["HDU 9 'CATALOG'", "HDU 10 'COMPRESSED'"]);
    await source.close();
    for (const name of names) {
      const ours = await readDataset(inDir('astropy.fits'), { dataset: name === 'PRIMARY' ? 'hdu0' : name });
      const reference = await readDataset(inDir(`${name}.npy`));
      assert.deepEqual(ours.shape, reference.shape, name);
      assert.equal(ours.dtype, reference.dtype, name);
      assert.ok(ours.values.every((v, i) => Object.is(v, reference.values[i])), `${name}: values`);
    }
  });

  it('what we write reads in astropy with the same cards and values', async () => {
    const source = await openDataSource(inDir('astropy.fits'));
    const sink = await createDataSink(inDir('ours.fits'), undefined, source.arrays.map(({ readSlab: _r, ...d }) => d), source.attributes);
    for (const [k, a] of source.arrays.entries()) {
      for (let r = 0; r < a.shape[0]; r += 7) await sink.writeSlab(k, await a.readSlab(r, Math.min(7, a.shape[0] - r)));
    }
    await sink.finish();
    await source.close();
    const out = JSON.parse(python(COMPARE, dir, 'astropy.fits', 'ours.fits'));
    assert.deepEqual(out.hdus, names);
    for (const name of names) {
      assert.ok(out[name].sameCards, `${name}: ${JSON.stringify([out[name].cardsA, out[name].cardsB])}`);
      assert.equal(out[name].dtype[0], out[name].dtype[1], name);
      assert.ok(out[name].exact, `${name}: values`);
    }
  });

  it('the CLI round-trips astropy\'s file at abs:0 and abs:2: every value within its bound, dtypes, shapes and cards kept', () => {
    for (const bound of [0, 2]) {
      const c = baler(['compress', 'astropy.fits', '--error-bound', `abs:${bound}`, '-o', `a-${bound}.baler`], dir);
      assert.equal(c.code, 0, c.stderr);
      const d = baler(['decompress', `a-${bound}.baler`], dir);
      assert.equal(d.code, 0, d.stderr);
      assert.ok(fs.existsSync(inDir(`a-${bound}.decompressed.fits`)), 'written back as FITS by default');
      const out = JSON.parse(python(COMPARE, dir, 'astropy.fits', `a-${bound}.decompressed.fits`));
      assert.deepEqual(out.hdus, names);
      for (const name of names) {
        assert.ok(out[name].sameCards, `abs:${bound} ${name}: ${JSON.stringify([out[name].cardsA, out[name].cardsB])}`);
        assert.equal(out[name].dtype[0], out[name].dtype[1], `abs:${bound} ${name}`);
        assert.deepEqual(out[name].shape[0], out[name].shape[1], `abs:${bound} ${name}`);
        assert.ok(out[name].maxError <= bound, `abs:${bound} ${name}: max error ${out[name].maxError}`);
      }
      if (bound === 0) for (const name of names) assert.ok(out[name].exact, `abs:0 ${name} exact`);
    }
  });

  it('refuses a FITS file of tables alone in one line with exit 1, naming the file and the tables', () => {
    python(`
from astropy.io import fits
import numpy as np, sys
fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns([fits.Column(name='x', format='D', array=np.arange(3.0))], name='EVENTS')]).writeto(sys.argv[1])
`, inDir('table.fits'));
    const c = baler(['compress', 'table.fits', '-o', 'table.baler'], dir);
    assert.equal(c.code, 1);
    assert.match(c.stderr.trim(), /table\.fits.*holds no image data \(HDU 1 'EVENTS' is a binary table \(BINTABLE\), not read\)/);
    assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
    assert.ok(!fs.existsSync(inDir('table.baler')));
  });
});
