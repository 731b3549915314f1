// TIFF cross-checked with the reference implementations (Debian's python3-tifffile and python3-pil, with numpy):
// what they write reads value for value here, what we write reads back in them, and the CLI's round trip of a
// tifffile stack keeps every value within its bound, the dtype, the shape and the metadata. The set-up installs them
// with apt when running as root; otherwise it fails with a message naming them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset } from '../../src/kernel/data/dataset';
import { createDataSink, openDataSource } from '../../src/kernel/data/formats';
import type { TiffAttributes } from '../../src/kernel/data/tiff';
import { ensurePythonModules, python } from '../fixtures/python-reference';
import { baler, buildCli } from '../fixtures/built-cli';

const PACKAGES = ['python3-tifffile', 'python3-pil', 'python3-numpy'];

function ensureReferenceTools(): void {
  ensurePythonModules('tifffile, PIL, numpy', PACKAGES, 'the TIFF cross-checks');
}

describe('TIFF cross-checks with tifffile and PIL', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-tiff-cross-'));
  before(() => {
    ensureReferenceTools();
    buildCli();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);

  /** Each `name.tif` read here equals numpy's `name.npy` (what tifffile or PIL reads), value for value, dtype and shape. */
  async function assertSameAsReference(names: string[]): Promise<void> {
    for (const name of names) {
      const ours = await readDataset(inDir(`${name}.tif`));
      const reference = await readDataset(inDir(`${name}.npy`));
      assert.deepEqual(ours.shape, reference.shape, name);
      assert.equal(ours.dtype, reference.dtype, name);
      assert.ok(ours.values.every((v, i) => Object.is(v, reference.values[i])), `${name}: values`);
    }
  }

  it('reads what tifffile writes: stacks in either byte order, BigTIFF, tiles, Deflate with the predictor, planar RGB, float16/32/64, ImageJ metadata', async () => {
    python(`
import tifffile, numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(7)
def save(name, a, **kw):
    tifffile.imwrite(name + '.tif', a, **kw)
    np.save(name + '.npy', tifffile.imread(name + '.tif'))
stack = (rng.normal(20000, 3000, (6, 45, 39))).astype('u2')
save('le', stack)
save('be', stack, byteorder='>')
save('bigtiff', stack, bigtiff=True, byteorder='>')
save('tiled', stack, tile=(16, 32), compression='zlib', predictor=True)
save('strips', stack, compression='zlib', predictor=True, rowsperstrip=7)
save('rgb', rng.integers(0, 256, (4, 20, 30, 3), dtype='u1'), photometric='rgb')
save('planar', rng.integers(0, 65535, (3, 20, 30), dtype='u2'), photometric='rgb', planarconfig='separate')
save('float32', rng.normal(0, 1, (3, 17, 19)).astype('f4'), compression='zlib')
save('float64', rng.normal(0, 1, (17, 19)), byteorder='>')
save('int16', rng.integers(-30000, 30000, (2, 17, 19), dtype='i2'), compression='zlib', predictor=True)
save('int32', rng.integers(-2**31, 2**31, (17, 19), dtype='i4'))
save('float16', rng.normal(0, 100, (2, 17, 19)).astype('f2'), compression='zlib')
save('imagej', stack, imagej=True, resolution=(2.5, 2.5), metadata={'spacing': 0.5, 'unit': 'um'})
`, dir);
    await assertSameAsReference(['le', 'be', 'bigtiff', 'tiled', 'strips', 'rgb', 'planar', 'float32', 'float64', 'int16', 'int32', 'float16', 'imagej']);
    const source = await openDataSource(inDir('imagej.tif'));
    const tiff = source.attributes!.tiff as TiffAttributes;
    await source.close();
    assert.match(String(tiff.tags.find((t) => t.tag === 270)?.value), /^ImageJ=.*\nimages=6\n/s);
    assert.deepEqual(tiff.tags.find((t) => t.tag === 282)?.value, [5, 2]);
  });

  it('reads what PIL writes: LZW, PackBits and Deflate, 8-bit grey and RGB, 16-bit', async () => {
    python(`
from PIL import Image
import numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(3)
y, x = np.mgrid[0:60, 0:80]
grey = (128 + 100 * np.sin(x / 9) * np.cos(y / 13) + rng.normal(0, 4, (60, 80))).clip(0, 255).astype('u1')
rgb = np.stack([grey, 255 - grey, grey // 2], axis=-1)
deep = (grey.astype('u2') * 250 + rng.integers(0, 250, (60, 80))).astype('u2')
for compression in ['tiff_lzw', 'packbits', 'tiff_adobe_deflate']:
    for name, a in [('grey', grey), ('rgb', rgb), ('deep', deep)]:
        if name == 'deep' and compression != 'tiff_lzw':
            continue
        base = f'pil-{name}-{compression}'
        Image.fromarray(a).save(base + '.tif', compression=compression)
        np.save(base + '.npy', np.asarray(Image.open(base + '.tif')))
`, dir);
    const names = fs.readdirSync(dir).filter((f) => f.startsWith('pil-') && f.endsWith('.tif')).map((f) => f.slice(0, -4));
    assert.equal(names.length, 7);
    await assertSameAsReference(names);
  });

  it('what we write reads back in tifffile and PIL: plain and deflated stacks, planar samples, BigTIFF, kept tags', async () => {
    const write = async (name: string, shape: number[], dtype: 'uint16' | 'float32', attributes: Record<string, unknown>, compress: boolean) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = dtype === 'uint16' ? Uint16Array.from({ length: n }, (_, i) => (i * 37) % 65536) : Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100);
      const sink = await createDataSink(inDir(name), undefined, [{ path: '', dtype, shape, kind: 'frames', names: [] }], attributes, { compress });
      await sink.writeSlab(0, { dtype, shape, data });
      await sink.finish();
      return Array.from(data);
    };
    const tiff: TiffAttributes = {
      pages: 2, samples: 3, planar: true, photometric: 2, compression: 1, bigTiff: true, byteOrder: 'little', tiled: false, shape: [2, 3, 8, 9],
      tags: [{ tag: 282, type: 5, value: [72, 1] }, { tag: 283, type: 5, value: [72, 1] }, { tag: 296, type: 3, value: [2] }, { tag: 305, type: 2, value: 'baler test' }],
    };
    const expected = {
      plain: await write('ours-plain.tif', [4, 10, 11], 'uint16', {}, false),
      deflated: await write('ours-deflated.tif', [4, 10, 11], 'uint16', {}, true),
      float: await write('ours-float.tif', [3, 10, 11], 'float32', {}, true),
      planar: await write('ours-planar.tif', [2, 3, 8, 9], 'uint16', { tiff }, false),
    };
    const out = JSON.parse(python(`
import tifffile, json, sys, os
from PIL import Image
import numpy as np
os.chdir(sys.argv[1])
res = {}
for name in ['plain', 'deflated', 'float', 'planar']:
    with tifffile.TiffFile(f'ours-{name}.tif') as t:
        a = t.asarray()
        p = t.pages[0]
        res[name] = {'shape': list(a.shape), 'dtype': str(a.dtype), 'values': a.ravel().tolist(), 'bigtiff': t.is_bigtiff,
                     'compression': int(p.compression), 'software': p.software, 'resolution': list(p.tags['XResolution'].value) if 'XResolution' in p.tags else None}
res['pil'] = np.asarray(Image.open('ours-deflated.tif')).ravel().tolist()
print(json.dumps(res))
`, dir));
    for (const name of ['plain', 'deflated', 'float', 'planar'] as const) {
      assert.deepEqual(out[name].values, name === 'float' ? expected.float.map((v) => Math.fround(v)) : expected[name], name);
    }
    assert.deepEqual(out.plain.shape, [4, 10, 11]);
    assert.equal(out.plain.compression, 1);
    assert.equal(out.deflated.compression, 8);
    assert.equal(out.float.dtype, 'float32');
    assert.deepEqual(out.planar.shape, [2, 3, 8, 9]);
    assert.equal(out.planar.bigtiff, true);
    assert.equal(out.planar.software, 'baler test');
    assert.deepEqual(out.planar.resolution, [72, 1]);
    assert.deepEqual(out.pil, expected.deflated.slice(0, 110), 'PIL reads the first page');
  });

  it('the CLI round-trips a tifffile stack at abs:0 and abs:10: every value within its bound, dtype, shape and metadata kept', () => {
    python(`
import tifffile, numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(11)
z, y, x = np.mgrid[0:12, 0:96, 0:80]
a = (20000 + 8000 * np.sin(x / 17 + z / 5) * np.cos(y / 23) + rng.normal(0, 30, z.shape)).astype('u2')
tifffile.imwrite('stack.tif', a, imagej=True, resolution=(2.5, 2.5), metadata={'spacing': 0.5, 'unit': 'um'}, compression='zlib')
`, dir);
    for (const bound of [0, 10]) {
      const c = baler(['compress', 'stack.tif', '--error-bound', `abs:${bound}`, '-o', `stack-${bound}.baler`], dir);
      assert.equal(c.code, 0, c.stderr);
      const d = baler(['decompress', `stack-${bound}.baler`], dir);
      assert.equal(d.code, 0, d.stderr);
      assert.ok(fs.existsSync(inDir(`stack-${bound}.decompressed.tif`)), 'written back as TIFF by default');
    }
    const out = JSON.parse(python(`
import tifffile, json, sys, os
import numpy as np
os.chdir(sys.argv[1])
with tifffile.TiffFile('stack.tif') as t:
    a = t.asarray().astype('i8')
    meta = t.imagej_metadata
res = {}
for bound in [0, 10]:
    with tifffile.TiffFile(f'stack-{bound}.decompressed.tif') as t:
        b = t.asarray()
        res[bound] = {'shape': list(b.shape), 'dtype': str(b.dtype), 'maxError': int(np.abs(b.astype('i8') - a).max()),
                      'imagej': t.is_imagej, 'sameMeta': t.imagej_metadata == meta, 'pages': len(t.pages),
                      'resolution': list(t.pages[0].tags['XResolution'].value), 'compression': int(t.pages[0].compression)}
print(json.dumps(res))
`, dir));
    for (const bound of ['0', '10']) {
      const r = out[bound];
      assert.deepEqual(r.shape, [12, 96, 80], bound);
      assert.equal(r.dtype, 'uint16', bound);
      assert.ok(r.maxError <= Number(bound), `abs:${bound}: max error ${r.maxError}`);
      assert.equal(r.imagej, true, bound);
      assert.equal(r.sameMeta, true, `${bound}: ImageJ metadata kept`);
      assert.equal(r.pages, 12);
      assert.deepEqual(r.resolution, [5, 2]);
      assert.equal(r.compression, 8, 'a deflated source is written back deflated');
    }
    assert.equal(out['0'].maxError, 0, 'abs:0 is lossless');
  });

  it('a GeoTIFF\'s GDAL_NODATA is its missing value: each back exactly, out of the range a rel bound is of', () => {
    python(`
import tifffile, numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(3)
a = (280 + 5 * np.sin(np.arange(120 * 90).reshape(120, 90) / 300)).astype('f4')
a[rng.random(a.shape) < 0.05] = -9999
tifffile.imwrite('geo.tif', a, extratags=[(42113, 's', 0, '-9999', True)])
`, dir);
    const c = baler(['compress', 'geo.tif', '--error-bound', 'rel:1e-3', '-o', 'geo.baler'], dir);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /declared missing value +-9999/);
    assert.equal(baler(['decompress', 'geo.baler'], dir).code, 0);
    const out = JSON.parse(python(`
import tifffile, json, sys, os
import numpy as np
os.chdir(sys.argv[1])
a = tifffile.imread('geo.tif').astype('f8'); b = tifffile.imread('geo.decompressed.tif').astype('f8'); m = a == -9999
print(json.dumps({'markers': bool((b[m] == -9999).all()), 'maxError': float(np.abs(a[~m] - b[~m]).max()), 'allowed': 1e-3 * float(a[~m].max() - a[~m].min()),
  'nodata': tifffile.TiffFile('geo.decompressed.tif').pages[0].tags[42113].value}))
`, dir));
    assert.equal(out.markers, true, 'every no-data pixel back as -9999');
    assert.ok(out.maxError <= out.allowed, `max error ${out.maxError}, allowed ${out.allowed} (of the real values' range, not -9999's)`);
    assert.equal(out.nodata, '-9999');
  });

  it('refuses a JPEG TIFF from PIL in one line with exit 1, naming the file', () => {
    python(`
from PIL import Image
import numpy as np, sys
Image.fromarray(np.zeros((16, 16, 3), 'u1')).save(sys.argv[1], compression='jpeg')
`, inDir('jpeg.tif'));
    const c = baler(['compress', 'jpeg.tif', '-o', 'jpeg.baler'], dir);
    assert.equal(c.code, 1);
    assert.match(c.stderr.trim(), /jpeg\.tif.*page 1 uses JPEG compression, which is not read/);
    assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
    assert.ok(!fs.existsSync(inDir('jpeg.baler')));
  });
});
