// NIfTI cross-checked with the reference implementation (Debian's python3-nibabel, with numpy): what nibabel writes
// (NIfTI-1 and -2, .nii and .nii.gz, either byte order) reads value for value here, as nibabel's raw data transposed
// (x fastest on disk: dim [x, y, z, t] is t × z × y × x); and the CLI's round trip of a 4-D int16 .nii.gz and a
// float32 .nii at abs:0 and within a bound gives back, read by nibabel, the same shape, dtype, affine, header bytes and
// extensions, every value within the bound. The set-up installs nibabel with apt when running as root; otherwise it
// fails with a message naming the package.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset } from '../../src/kernel/data/dataset';
import { ensurePythonModules, python } from '../fixtures/python-reference';
import { baler, buildCli } from '../fixtures/built-cli';

const PACKAGES = ['python3-nibabel', 'python3-numpy'];

function ensureReferenceTools(): void {
  ensurePythonModules('nibabel, numpy', PACKAGES, 'the NIfTI cross-checks');
}

describe('NIfTI cross-checks with nibabel', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-nifti-cross-'));
  before(() => {
    ensureReferenceTools();
    buildCli();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);

  it("reads what nibabel writes as nibabel's raw data transposed: NIfTI-1 and -2, .nii and .nii.gz, big-endian, every integer width, float32/64", async () => {
    python(`
import nibabel as nib, numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(5)
aff = np.array([[-2., 0, 0, 90], [0, 2, 0, -126], [0, 0, 2.5, -72], [0, 0, 0, 1]])
def save(name, a, cls=nib.Nifti1Image, endianness=None):
    hdr = cls.header_class(endianness=endianness) if endianness else None
    img = cls(a, aff, header=hdr, dtype=a.dtype)
    img.header.set_slope_inter(1, 0) if a.dtype.kind == 'f' else None
    nib.save(img, name)
    back = nib.load(name)
    np.save(name.split('.')[0] + '.npy', np.ascontiguousarray(np.asanyarray(back.dataobj.get_unscaled()).T))
save('i16.nii.gz', rng.integers(-3000, 3000, (11, 9, 7, 5), dtype='i2'))
save('u8.nii', rng.integers(0, 256, (11, 9, 7), dtype='u1'))
save('i8.nii', rng.integers(-128, 128, (11, 9, 7), dtype='i1'))
save('u16be.nii', rng.integers(0, 65535, (11, 9, 7), dtype='u2'), nib.Nifti2Image, '>')
save('i32.nii.gz', rng.integers(-2**31, 2**31, (11, 9, 7), dtype='i4'), nib.Nifti2Image)
save('u32.nii', rng.integers(0, 2**32, (11, 9, 3, 2), dtype='u4'))
save('i64.nii', rng.integers(-2**62, 2**62, (11, 9, 7), dtype='i8'))
save('f32be.nii.gz', rng.normal(0, 1, (11, 9, 7)).astype('f4'), nib.Nifti1Image, '>')
save('f64.nii', rng.normal(0, 1, (11, 9, 7, 2)))
`, dir);
    for (const name of ['i16.nii.gz', 'u8.nii', 'i8.nii', 'u16be.nii', 'i32.nii.gz', 'u32.nii', 'i64.nii', 'f32be.nii.gz', 'f64.nii']) {
      const ours = await readDataset(inDir(name));
      const reference = await readDataset(inDir(`${name.split('.')[0]}.npy`));
      assert.deepEqual(ours.shape, reference.shape, name);
      assert.equal(ours.dtype, reference.dtype, name);
      assert.ok(ours.values.every((v, i) => Object.is(v, reference.values[i])), `${name}: values`);
    }
  });

  it('the CLI round-trips a 4-D int16 .nii.gz and a float32 .nii at abs:0 and within a bound: shape, dtype, affine, header and extensions as nibabel reads them', () => {
    python(`
import nibabel as nib, numpy as np, sys, os
os.chdir(sys.argv[1])
rng = np.random.default_rng(9)
x, y, z, t = np.meshgrid(np.arange(40), np.arange(36), np.arange(20), np.arange(12), indexing='ij')
bold = (1200 + 300 * np.sin(x / 7) * np.cos(y / 9) + 50 * np.sin(z / 4 + t / 3) + rng.normal(0, 8, x.shape)).astype('i2')
aff = np.array([[-3., 0, 0, 60], [0, 3, 0.2, -80], [0, 0, 3.5, -30], [0, 0, 0, 1]])
img = nib.Nifti1Image(bold, aff)
img.header.set_xyzt_units('mm', 'sec')
img.header['pixdim'][4] = 2.0
img.header['descrip'] = b'fMRI-like BOLD series'
img.header['intent_code'] = 0
img.header.set_qform(aff, code=1)
img.header.set_sform(aff, code=4)
img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'acquired by nobody'))
nib.save(img, 'bold.nii.gz')
field = (np.sin(x[..., 0] / 5.0) * np.cos(y[..., 0] / 6.0) * 100 + rng.normal(0, 0.5, x.shape[:3])).astype('f4')
t1 = nib.Nifti1Image(field, aff)
t1.header['descrip'] = b'scaled float field'
t1.header['intent_code'] = 1002
t1.header['intent_name'] = b'test intent'
nib.save(t1, 'field.nii')
# scl_slope and scl_inter set in the file (nibabel's save would choose its own): kept, never applied
import struct
with open('field.nii', 'r+b') as f:
    f.seek(112)
    f.write(struct.pack('<ff', 2.0, -1.0))
`, dir);
    const runs: [string, string, number][] = [['bold.nii.gz', 'bold', 0], ['bold.nii.gz', 'bold', 5], ['field.nii', 'field', 0], ['field.nii', 'field', 0.01]];
    for (const [input, stem, bound] of runs) {
      const out = `${stem}-${bound}.baler`;
      const c = baler(['compress', input, '--error-bound', `abs:${bound}`, '-o', out], dir);
      assert.equal(c.code, 0, c.stderr);
      const d = baler(['decompress', out], dir);
      assert.equal(d.code, 0, d.stderr);
      const ext = input.endsWith('.gz') ? '.nii.gz' : '.nii';
      assert.ok(fs.existsSync(inDir(`${stem}-${bound}.decompressed${ext}`)), `written back as ${ext} by default`);
    }
    const res = JSON.parse(python(`
import nibabel as nib, numpy as np, json, sys, os, gzip
os.chdir(sys.argv[1])
res = {}
def head(name, n):
    with (gzip.open if name.endswith('.gz') else open)(name, 'rb') as f:
        return f.read(n)
for stem, ext, bounds in [('bold', '.nii.gz', [0, 5]), ('field', '.nii', [0, 0.01])]:
    a = nib.load(stem + ext)
    raw = np.asanyarray(a.dataobj.get_unscaled())
    for bound in bounds:
        b = nib.load(f'{stem}-{bound}.decompressed{ext}')
        got = np.asanyarray(b.dataobj.get_unscaled())
        err = np.abs(got.astype('f8') - raw.astype('f8')).max()
        res[f'{stem}-{bound}'] = {
            'shape': list(got.shape), 'sameShape': got.shape == raw.shape, 'dtype': str(b.get_data_dtype()), 'sourceDtype': str(a.get_data_dtype()),
            'sameAffine': bool(np.array_equal(a.affine, b.affine)), 'sameHeader': a.header.binaryblock == b.header.binaryblock,
            'extensions': [e.get_content().decode() for e in b.header.extensions], 'maxError': float(err), 'bound': bound,
            'slope': [str(b.dataobj.slope), str(b.dataobj.inter)],
            'sameBytesBeforeVoxels': head(stem + ext, a.header.get_data_offset()) == head(f'{stem}-{bound}.decompressed{ext}', a.header.get_data_offset()), 'descrip': b.header['descrip'].item().decode(),
            'units': list(b.header.get_xyzt_units()), 'codes': [int(b.header['qform_code']), int(b.header['sform_code'])],
            'gzip': open(f'{stem}-{bound}.decompressed{ext}', 'rb').read(2) == b'\\x1f\\x8b',
        }
print(json.dumps(res))
`, dir));
    for (const [, stem, bound] of runs) {
      const r = res[`${stem}-${bound}`];
      assert.ok(r.sameShape, `${stem} ${bound}: shape ${r.shape}`);
      assert.equal(r.dtype, r.sourceDtype, `${stem} ${bound}: dtype`);
      assert.ok(r.sameAffine, `${stem} ${bound}: affine`);
      assert.ok(r.sameHeader, `${stem} ${bound}: the header as nibabel reads it`);
      assert.ok(r.sameBytesBeforeVoxels, `${stem} ${bound}: the header's 348 bytes and the extensions as they were in the file`);
      assert.ok(r.maxError <= bound, `${stem} abs:${bound}: max error ${r.maxError}`);
      if (bound === 0) assert.equal(r.maxError, 0, `${stem}: abs:0 is exact`);
      assert.equal(r.gzip, stem === 'bold', `${stem}: gzip'd as the output's extension says`);
    }
    assert.deepEqual(res['bold-5'].shape, [40, 36, 20, 12]);
    assert.equal(res['bold-5'].dtype, 'int16');
    assert.deepEqual(res['bold-5'].extensions, ['acquired by nobody']);
    assert.deepEqual(res['bold-5'].units, ['mm', 'sec']);
    assert.deepEqual(res['bold-5'].codes, [1, 4]);
    assert.equal(res['bold-5'].descrip, 'fMRI-like BOLD series');
    assert.equal(res['field-0.01'].dtype, 'float32');
    assert.deepEqual(res['field-0.01'].slope, ['2.0', '-1.0'], 'scl_slope and scl_inter kept, never applied');
  });

  it('refuses an RGB24 image from nibabel in one line with exit 1, naming the file', () => {
    python(`
import nibabel as nib, numpy as np, sys
rgb = np.zeros((4, 4, 2), dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
nib.save(nib.Nifti1Image(rgb, np.eye(4)), sys.argv[1])
`, inDir('rgb.nii'));
    const c = baler(['compress', 'rgb.nii', '-o', 'rgb.baler'], dir);
    assert.equal(c.code, 1);
    assert.match(c.stderr.trim(), /rgb\.nii.*NIfTI datatype RGB24 \(code 128\) is not read/);
    assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
    assert.ok(!fs.existsSync(inDir('rgb.baler')));
  });
});
