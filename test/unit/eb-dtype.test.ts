import assert from 'node:assert/strict';
import { toNdArray } from '../../src/kernel/data/dataset';
import { ExactReader, ExactWriter, valueType } from '../../src/kernel/eb/dtype';
import { Quantizer } from '../../src/kernel/eb/quantizer';
import type { DType } from '../../src/kernel/types';

const ALL: DType[] = ['float64', 'float32', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
const PROBES = [0, -0, 0.5, -0.5, 1.5, -2.5, 0.49999, 127.6, -128.6, 255.5, 65504, 65520, 70000, 3.4028235677973366e38, -1e39, 1e-8, 5e-324, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53 - 1];

describe('eb: dtype casts and exact storage', () => {
  it('the quantiser casts every value as the file writers do (data/dataset.ts)', () => {
    for (const dtype of ALL) {
      const q = new Quantizer(valueType(dtype), 'absolute');
      const written = toNdArray({ kind: 'frames', shape: [PROBES.length], dtype, names: [], values: Float64Array.from(PROBES) }).data as ArrayLike<number | bigint>;
      PROBES.forEach((v, k) => {
        const ours = q.castOf(v);
        const theirs = Number(written[k]);
        assert.ok(ours === theirs || (Number.isNaN(ours) && Number.isNaN(theirs)), `${dtype}(${v}): ${ours} vs the writer's ${theirs}`);
        if (dtype.startsWith('float')) assert.equal(Object.is(ours, -0), Object.is(theirs, -0), `${dtype}(${v}): the sign of zero`);
      });
    }
  });

  it('stores exact values in the dtype\'s width and reads them back bit for bit', () => {
    const cases: [DType, number[], number][] = [
      ['float64', [NaN, -0, 5e-324, -Infinity, 1.7976931348623157e308], 8],
      ['float32', [NaN, -0, 1.401298464324817e-45, Infinity, 3.4028234663852886e38], 4],
      ['float16', [NaN, -0, 5.960464477539063e-8, -Infinity, 65504], 2],
      ['int8', [-128, 127, 0], 1],
      ['uint16', [0, 65535], 2],
      ['int64', [-(2 ** 53 - 1), 2 ** 53 - 1], 8],
      ['uint64', [0, 2 ** 53 - 1], 8],
      ['bool', [0, 1], 1],
    ];
    for (const [dtype, values, width] of cases) {
      const w = new ExactWriter(valueType(dtype));
      values.forEach((v, i) => w.push(v, i));
      const bytes = w.finish();
      assert.equal(bytes.length, values.length * width, dtype);
      const r = new ExactReader(bytes, valueType(dtype));
      for (const v of values) assert.ok(Object.is(r.next(), v) || (Number.isNaN(v)), `${dtype} ${v}`);
      assert.equal(r.remaining, 0);
      assert.throws(() => r.next(), RangeError);
    }
  });

  it('refuses a value its dtype cannot hold, and −0 stands for 0 in an integer dtype', () => {
    assert.throws(() => new ExactWriter(valueType('int8')).push(1.5, 3), /index 3 is not representable as int8/);
    assert.throws(() => new ExactWriter(valueType('float32')).push(0.1, 0), /not representable as float32/);
    assert.throws(() => new ExactWriter(valueType('uint8')).push(-1, 0), /not representable/);
    assert.ok(Object.is(new ExactWriter(valueType('int16')).push(-0, 0), 0));
    assert.throws(() => valueType('complex64' as DType), /unsupported dtype/);
  });
});
