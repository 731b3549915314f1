import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import type { DType, NdArray, TypedArray } from '../../src/kernel/types';
import {
  float16BitsToFloat32, float16BitsToNumber, float32ToFloat16Bits, numberToFloat16Bits, roundToFloat16,
} from '../../src/kernel/data/float16';
import { encodeNpy, parseNpy, parseNpyContent, parseNpyStrings, reverseAxes } from '../../src/kernel/data/npy';

/** A .npy file built by hand: magic, version, header dict text, body. */
function handBuiltNpy(headerDict: string, body: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const header = headerDict.padEnd(Math.ceil((prefix + headerDict.length + 1) / 64) * 64 - prefix - 1, ' ') + '\n';
  const headerBytes = new TextEncoder().encode(header); // ASCII here except in the v3 test
  const out = new Uint8Array(prefix + headerBytes.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(body, prefix + headerBytes.length);
  return out;
}

function header(descr: string, shape: string, fortran = false): string {
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
}

function sameValues(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `index ${i}: ${String(actual[i])} !== ${String(expected[i])}`);
  }
}

function throwsBaler(fn: () => unknown, pattern: RegExp, file?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BalerError, `expected a BalerError, got ${String(e)}`);
    assert.match(e.message, pattern);
    if (file) assert.ok(e.toLine().startsWith(`${file}: `), `message names the file: ${e.toLine()}`);
    return true;
  });
}

const SAMPLES: Record<DType, TypedArray> = {
  float16: Float32Array.of(0, -0, 1, -2.5, 65504, -65504, 2 ** -24, 2 ** -14, Infinity, -Infinity, NaN, 0.099975586),
  float32: Float32Array.of(0, -0, Math.fround(0.1), 3.4028234663852886e38, 1.401298464324817e-45, Infinity, -Infinity, NaN),
  float64: Float64Array.of(0, -0, 0.1, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300, Infinity, -Infinity, NaN),
  int8: Int8Array.of(-128, -1, 0, 1, 127),
  int16: Int16Array.of(-32768, -1, 0, 1, 32767),
  int32: Int32Array.of(-2147483648, -1, 0, 1, 2147483647),
  int64: BigInt64Array.of(-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n),
  uint8: Uint8Array.of(0, 1, 128, 255),
  uint16: Uint16Array.of(0, 1, 32768, 65535),
  uint32: Uint32Array.of(0, 1, 2147483648, 4294967295),
  uint64: BigUint64Array.of(0n, 1n, 2n ** 63n, 2n ** 64n - 1n),
  bool: Uint8Array.of(0, 1, 1, 0),
};

const DESCR: Record<DType, [string, number]> = {
  float16: ['f2', 2], float32: ['f4', 4], float64: ['f8', 8],
  int8: ['i1', 1], int16: ['i2', 2], int32: ['i4', 4], int64: ['i8', 8],
  uint8: ['u1', 1], uint16: ['u2', 2], uint32: ['u4', 4], uint64: ['u8', 8], bool: ['b1', 1],
};

/** The values of `sample` as big-endian bytes, written with DataView (independent of the codec). */
function bigEndianBytes(dtype: DType, sample: TypedArray): Uint8Array {
  const size = DESCR[dtype][1];
  const out = new Uint8Array(sample.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < sample.length; i++) {
    const v = sample[i];
    const at = i * size;
    switch (dtype) {
      case 'float16': view.setUint16(at, numberToFloat16Bits(v as number), false); break;
      case 'float32': view.setFloat32(at, v as number, false); break;
      case 'float64': view.setFloat64(at, v as number, false); break;
      case 'int16': view.setInt16(at, v as number, false); break;
      case 'int32': view.setInt32(at, v as number, false); break;
      case 'int64': view.setBigInt64(at, v as bigint, false); break;
      case 'uint16': view.setUint16(at, v as number, false); break;
      case 'uint32': view.setUint32(at, v as number, false); break;
      case 'uint64': view.setBigUint64(at, v as bigint, false); break;
      default: view.setUint8(at, Number(v) & 0xff);
    }
  }
  return out;
}

describe('npy', () => {
  for (const dtype of Object.keys(SAMPLES) as DType[]) {
    it(`round-trips ${dtype} (extremes and specials)`, () => {
      const data = SAMPLES[dtype];
      const bytes = encodeNpy({ dtype, shape: [data.length], data });
      const back = parseNpy(bytes, 'x.npy');
      assert.equal(back.dtype, dtype);
      assert.deepEqual(back.shape, [data.length]);
      assert.equal(back.data.constructor, data.constructor, 'decoded typed array class');
      sameValues(back.data, data);
    });

    it(`reads big-endian ${dtype} built by hand`, () => {
      const data = SAMPLES[dtype];
      const order = DESCR[dtype][1] === 1 ? '|' : '>';
      const bytes = handBuiltNpy(header(`${order}${DESCR[dtype][0]}`, `(${data.length},)`), bigEndianBytes(dtype, data));
      const back = parseNpy(bytes);
      assert.equal(back.dtype, dtype);
      sameValues(back.data, data);
    });
  }

  for (const dtype of ['float32', 'int16', 'float64', 'float16', 'uint8'] as DType[]) {
    it(`a big-endian ${dtype} .npy compressed exactly comes back byte for byte, big-endian`, async () => {
      const data = SAMPLES[dtype];
      const order = DESCR[dtype][1] === 1 ? '|' : '>';
      const original = handBuiltNpy(header(`${order}${DESCR[dtype][0]}`, `(${data.length},)`), bigEndianBytes(dtype, data));
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-npy-be-'));
      try {
        fs.writeFileSync(path.join(dir, 'be.npy'), original);
        const { output } = await compress(path.join(dir, 'be.npy'), { errorBound: 'abs:0', threads: 1 });
        const { output: back } = await decompress(output, { output: path.join(dir, 'back.npy'), threads: 1 });
        assert.deepEqual(new Uint8Array(fs.readFileSync(back)), original);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('writes headers the way numpy does (v1.0, 64-byte aligned, little-endian descr)', () => {
    const bytes = encodeNpy({ dtype: 'float64', shape: [60, 50, 50], data: new Float64Array(60 * 50 * 50) });
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 128));
    assert.equal(head.slice(1, 8), 'NUMPY\u0001\u0000');
    assert.equal(head.slice(10).trimEnd(), "{'descr': '<f8', 'fortran_order': False, 'shape': (60, 50, 50), }");
    assert.equal(head[127], '\n');
    assert.equal(bytes.length, 128 + 60 * 50 * 50 * 8);
    const scalar = new TextDecoder().decode(encodeNpy({ dtype: 'int8', shape: [], data: Int8Array.of(-3) }).subarray(10, 64));
    assert.match(scalar, /'descr': '\|i1'.*'shape': \(\),/);
    assert.match(new TextDecoder().decode(encodeNpy({ dtype: 'bool', shape: [1], data: Uint8Array.of(7) }).subarray(10, 64)), /'\|b1'.*\(1,\)/);
  });

  it("accepts '=' and '|' byte orders and the '?' bool code", () => {
    const body = new Uint8Array(Float64Array.of(1.5, -2).buffer);
    sameValues(parseNpy(handBuiltNpy(header('=f8', '(2,)'), body)).data, [1.5, -2]);
    sameValues(parseNpy(handBuiltNpy(header('|u1', '(3,)'), Uint8Array.of(1, 2, 255))).data, [1, 2, 255]);
    const bools = parseNpy(handBuiltNpy(header('|?', '(3,)'), Uint8Array.of(0, 2, 1)));
    assert.equal(bools.dtype, 'bool');
    sameValues(bools.data, [0, 1, 1]);
  });

  it('reads a 0-d array and a shape with a zero', () => {
    const scalar = parseNpy(handBuiltNpy(header('<f8', '()'), new Uint8Array(Float64Array.of(42).buffer)));
    assert.deepEqual(scalar.shape, []);
    sameValues(scalar.data, [42]);
    const empty = parseNpy(handBuiltNpy(header('<f8', '(0, 3)'), new Uint8Array(0)));
    assert.deepEqual(empty.shape, [0, 3]);
    assert.equal(empty.data.length, 0);
  });

  it('reads Fortran order into C order (hand-built 2-D and 3-D layouts)', () => {
    // [[0, 1, 2], [3, 4, 5]] in column-major order is 0 3 1 4 2 5.
    const twoD = parseNpy(handBuiltNpy(header('<i4', '(2, 3)', true), new Uint8Array(Int32Array.of(0, 3, 1, 4, 2, 5).buffer)));
    assert.deepEqual(twoD.shape, [2, 3]);
    sameValues(twoD.data, [0, 1, 2, 3, 4, 5]);
    // Element (i, j, k) = 100i + 10j + k, shape (2, 3, 4): Fortran order varies i fastest.
    const fortran: number[] = [];
    for (let k = 0; k < 4; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
    const c: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) c.push(100 * i + 10 * j + k);
    const threeD = parseNpy(handBuiltNpy(header('>f8', '(2, 3, 4)', true), bigEndianBytes('float64', Float64Array.from(fortran))));
    sameValues(threeD.data, c);
  });

  it('writes Fortran order when asked, and reads it back', () => {
    const arr: NdArray = { dtype: 'int16', shape: [2, 3], data: Int16Array.of(0, 1, 2, 3, 4, 5) };
    const bytes = encodeNpy(arr, { fortranOrder: true });
    assert.match(new TextDecoder().decode(bytes.subarray(10, 64)), /'fortran_order': True/);
    sameValues(new Int16Array(bytes.slice(bytes.length - 12).buffer), [0, 3, 1, 4, 2, 5]);
    sameValues(parseNpy(bytes).data, arr.data);
    const strings = parseNpyContent(encodeNpy({ dtype: 'unicode', shape: [2, 2], strings: ['a', 'b', 'c', 'd'] }, { fortranOrder: true }));
    assert.deepEqual(strings, { dtype: 'unicode', shape: [2, 2], strings: ['a', 'b', 'c', 'd'] });
  });

  it('reverseAxes transposes any rank both ways', () => {
    const shape = [2, 3, 4, 5];
    const values = Float64Array.from({ length: 120 }, (_, i) => i);
    const reversed = reverseAxes(values, shape);
    // element (a, b, c, d) of the input is element (d, c, b, a) of the output
    assert.equal(reversed[((4 * 4 + 2) * 3 + 1) * 2 + 1], ((1 * 3 + 1) * 4 + 2) * 5 + 4);
    sameValues(reverseAxes(reversed, [...shape].reverse()), values);
  });

  it('reads format versions 2.0 and 3.0', () => {
    const body = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
    sameValues(parseNpy(handBuiltNpy(header('<f4', '(2, 2)'), body, 2)).data, [1, 2, 3, 4]);
    sameValues(parseNpy(handBuiltNpy(header('<f4', '(4,)'), body, 3)).data, [1, 2, 3, 4]);
    const long = parseNpy(handBuiltNpy(header('<f4', '(4,)').padEnd(70000, ' '), body, 2));
    assert.deepEqual(long.shape, [4]);
  });

  it('reads and writes string arrays (<U, >U, |S)', () => {
    const unicodeLE = new Uint8Array(2 * 3 * 4);
    const le = new DataView(unicodeLE.buffer);
    ['ab', 'ü😀'].forEach((s, i) => Array.from(s).forEach((ch, c) => le.setUint32(4 * (3 * i + c), ch.codePointAt(0) as number, true)));
    assert.deepEqual(parseNpyStrings(handBuiltNpy(header('<U3', '(2,)'), unicodeLE)), ['ab', 'ü😀']);
    const unicodeBE = new Uint8Array(4 * 2);
    new DataView(unicodeBE.buffer).setUint32(0, 'x'.codePointAt(0) as number, false);
    new DataView(unicodeBE.buffer).setUint32(4, 'é'.codePointAt(0) as number, false);
    assert.deepEqual(parseNpyStrings(handBuiltNpy(header('>U1', '(2,)'), unicodeBE)), ['x', 'é']);
    const bytesBody = new TextEncoder().encode('eta\0\0phi\0\0x\0\0\0\0');
    assert.deepEqual(parseNpyStrings(handBuiltNpy(header('|S5', '(3,)'), bytesBody)), ['eta', 'phi', 'x']);
    for (const dtype of ['unicode', 'bytes'] as const) {
      const strings = dtype === 'unicode' ? ['pt', 'η', '', 'a,b "c"'] : ['pt', 'eta', '', 'x'];
      const back = parseNpyContent(encodeNpy({ dtype, shape: [4], strings }));
      assert.deepEqual(back, { dtype, shape: [4], strings });
    }
    assert.equal(parseNpyStrings(encodeNpy({ dtype: 'float64', shape: [1], data: Float64Array.of(1) })), undefined);
    throwsBaler(() => parseNpy(encodeNpy({ dtype: 'unicode', shape: [1], strings: ['a'] }), 'n.npy'), /strings, not numbers/, 'n.npy');
  });

  describe('bad input', () => {
    it('a text file renamed .npy', () => {
      throwsBaler(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n'), 'table.npy'), /^not a \.npy file \(bad magic\)$/, 'table.npy');
      throwsBaler(() => parseNpy(new Uint8Array(0), 'empty.npy'), /bad magic/, 'empty.npy');
    });

    it('truncated data and truncated header', () => {
      const bytes = encodeNpy({ dtype: 'float64', shape: [10, 10], data: new Float64Array(100) });
      throwsBaler(() => parseNpy(bytes.subarray(0, bytes.length - 1), 'cut.npy'), /truncated .npy data: expected 800 bytes of values, found 799/, 'cut.npy');
      throwsBaler(() => parseNpy(bytes.subarray(0, 40), 'cut.npy'), /truncated .npy header/, 'cut.npy');
    });

    it('object arrays, structured dtypes, unsupported dtypes and versions', () => {
      throwsBaler(() => parseNpy(handBuiltNpy(header('|O', '(1,)'), new Uint8Array(8)), 'obj.npy'),
        /^object arrays \(pickled Python objects\) are not supported$/, 'obj.npy');
      const structured = "{'descr': [('x', '<f8'), ('y', '<i4')], 'fortran_order': False, 'shape': (2,), }";
      throwsBaler(() => parseNpy(handBuiltNpy(structured, new Uint8Array(24)), 'rec.npy'), /structured arrays/, 'rec.npy');
      throwsBaler(() => parseNpy(handBuiltNpy(header('<c16', '(1,)'), new Uint8Array(16)), 'c.npy'), /unsupported dtype '<c16'/, 'c.npy');
      throwsBaler(() => parseNpy(handBuiltNpy(header('<M8[ns]', '(1,)'), new Uint8Array(8)), 'd.npy'), /unsupported dtype/, 'd.npy');
      const v4 = handBuiltNpy(header('<f8', '(1,)'), new Uint8Array(8));
      v4[6] = 4;
      throwsBaler(() => parseNpy(v4, 'v4.npy'), /unsupported .npy format version 4.0/, 'v4.npy');
      throwsBaler(() => parseNpy(handBuiltNpy("{'descr': '<f8', 'shape': (1,), }", new Uint8Array(8)), 'h.npy'), /fortran_order/, 'h.npy');
      throwsBaler(() => parseNpy(handBuiltNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,", new Uint8Array(8)), 'h.npy'), /bad .npy header/, 'h.npy');
      throwsBaler(() => parseNpy(handBuiltNpy(header('<f8', '(-1,)'), new Uint8Array(8)), 'h.npy'), /shape/, 'h.npy');
      const badCodePoint = new Uint8Array(new Uint32Array([0x110000]).buffer);
      throwsBaler(() => parseNpyStrings(handBuiltNpy(header('<U1', '(1,)'), badCodePoint), 'u.npy'), /bad unicode/, 'u.npy');
    });
  });
});

describe('float16', () => {
  it('decodes specials', () => {
    const bits = Uint16Array.of(0x0000, 0x8000, 0x3c00, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x7e00, 0x3555);
    const values = float16BitsToFloat32(bits);
    sameValues(values.subarray(0, 9), Float32Array.of(0, -0, 1, 65504, 2 ** -24, 2 ** -14, Infinity, -Infinity, NaN));
    assert.equal(values[9], Math.fround(0.333251953125));
  });

  it('encode(decode(bits)) is the identity on all 65536 patterns (NaNs stay NaN)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const back = float32ToFloat16Bits(float16BitsToFloat32(all));
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) assert.ok(Number.isNaN(float16BitsToNumber(back[h])), `NaN ${h}`);
      else assert.equal(back[h], h, `bits ${h.toString(16)}`);
    }
  });

  it('rounds to nearest, ties to even, at every midpoint between neighbours', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const low = float16BitsToNumber(h);
      const high = float16BitsToNumber(h + 1);
      const mid = (low + high) / 2;
      assert.equal(numberToFloat16Bits(mid), h % 2 === 0 ? h : h + 1, `tie above ${h.toString(16)}`);
      assert.equal(numberToFloat16Bits(-mid), 0x8000 | (h % 2 === 0 ? h : h + 1));
    }
  });

  it('overflow, underflow and double rounding', () => {
    assert.equal(roundToFloat16(65519), 65504);
    assert.equal(roundToFloat16(65520), Infinity);
    assert.equal(roundToFloat16(-1e10), -Infinity);
    assert.equal(roundToFloat16(2 ** -25), 0, 'half the smallest subnormal ties to even (zero)');
    assert.equal(roundToFloat16(2 ** -25 * 1.001), 2 ** -24);
    assert.ok(Object.is(roundToFloat16(-1e-30), -0));
    // Just above the tie between 1 and 1 + 2^-10: float32 would round it onto the tie, and then to even (1).
    assert.equal(numberToFloat16Bits(1 + 2 ** -11 + 2 ** -40), 0x3c01);
    assert.equal(numberToFloat16Bits(1 + 2 ** -11 - 2 ** -40), 0x3c00);
  });
});
