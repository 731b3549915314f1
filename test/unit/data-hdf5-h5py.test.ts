// HDF5 types as h5py writes them, which h5wasm cannot create (so the fixture was made by h5py 3.7):
//   f = h5py.File('h5py-half-bool.h5', 'w', libver='latest')
//   x = np.array([[-2.5, .1, 1e-5], [nan, inf, -inf], [65504, -0., .333]], dtype='<f2')
//   f['half'] = x; f.create_dataset('half_be', data=x.astype('>f2'), chunks=(1, 3), compression='gzip')
//   f['mask'] = np.array([[True, False], [False, True], [True, True]])
// and h5py-enum-be.h5: enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 2}) over '>i4' (colour_be) and '<i4' (colour_le),
// both holding [0, 1, 2, 1].
// float16 (either byte order, chunked or not) is read value for value; h5py's bool (an enum FALSE/TRUE) as bool;
// an enum is read as its integers, except a big-endian one, which h5wasm misreads: left out, never read wrong.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { openDataSource } from '../../src/kernel/data/formats';
import { float16BitsToFloat32 } from '../../src/kernel/data/float16';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'hdf5', 'h5py-half-bool.h5');
const ENUMS = path.join(__dirname, '..', 'fixtures', 'hdf5', 'h5py-enum-be.h5');
/** h5py-half-fill.h5: f['half'] = [[1.5, -999, 2.25], [3, -999, .5]] as '<f2', with attrs['_FillValue'] = np.float16(-999). */
const HALF_FILL = path.join(__dirname, '..', 'fixtures', 'hdf5', 'h5py-half-fill.h5');
/** The half-precision bits of x, as numpy prints x.view('u2'). */
/** h5py-dimension-label.h5 (libver='latest'): f['data'] = np.arange(6.).reshape(2, 3); f['data'].dims[0].label = 'y'. */
const DIMENSION_LABEL = path.join(__dirname, '..', 'fixtures', 'hdf5', 'h5py-dimension-label.h5');
const HALF_BITS = Uint16Array.from([49408, 11878, 168, 32256, 31744, 64512, 31743, 32768, 13652]);

describe('data: HDF5 types written by h5py', () => {
  it('float16 datasets, little- and big-endian, contiguous and chunked + gzip, every value as written', async () => {
    const source = await openDataSource(FIXTURE);
    try {
      const expected = Array.from(float16BitsToFloat32(HALF_BITS));
      for (const name of ['/half', '/half_be']) {
        const array = source.arrays.find((a) => a.path === name)!;
        assert.ok(array, `${name} read (skipped: ${JSON.stringify(source.skipped)})`);
        assert.equal(array.dtype, 'float16');
        const got: number[] = [];
        for (let row = 0; row < 3; row += 2) got.push(...Array.from((await array.readSlab(row, Math.min(2, 3 - row))).data as Float32Array));
        assert.deepEqual(got.map((v) => Object.is(v, -0) ? '-0' : String(v)), expected.map((v) => Object.is(v, -0) ? '-0' : String(v)), name);
      }
    } finally {
      await source.close();
    }
  });

  it("h5py's bool is read as bool", async () => {
    const source = await openDataSource(FIXTURE);
    try {
      const mask = source.arrays.find((a) => a.path === '/mask')!;
      assert.equal(mask.dtype, 'bool');
      assert.deepEqual(Array.from((await mask.readSlab(0, 3)).data as Uint8Array), [1, 0, 0, 1, 1, 1]);
    } finally {
      await source.close();
    }
  });

  it('an enum is read as its integers; a big-endian one is left out with the reason, not byte-swapped', async () => {
    const source = await openDataSource(ENUMS);
    try {
      assert.deepEqual(source.arrays.map((a) => a.path), ['/colour_le']);
      assert.deepEqual(Array.from((await source.arrays[0].readSlab(0, 4)).data as Int32Array), [0, 1, 2, 1]);
      assert.deepEqual(source.skipped?.map((s) => s.path), ['/colour_be']);
      assert.match(source.skipped![0].reason, /big-endian enum/);
    } finally {
      await source.close();
    }
  });

  it('a float16 dataset whose float16 _FillValue h5wasm cannot read is kept exact, saying why (its fill would be data)', async () => {
    const source = await openDataSource(HALF_FILL);
    try {
      const array = source.arrays.find((a) => a.path === '/half')!;
      assert.equal(array.exact, true);
      assert.match(array.exactReason ?? '', /declares _FillValue, which this HDF5 reader \(h5wasm\) cannot read/);
    } finally {
      await source.close();
    }
  });

  it("an unset variable-length string (an unlabelled axis in DIMENSION_LABELS) is read as '', as h5py reads it", async () => {
    const source = await openDataSource(DIMENSION_LABEL);
    try {
      const attrs = (source.arrays[0].attributes!.hdf5 as { attrs: Record<string, unknown> }).attrs;
      assert.deepEqual(attrs.DIMENSION_LABELS, ['y', '']);
    } finally {
      await source.close();
    }
  });
});
