// The lossless floor on small outputs (issue 10, "defaults that never lose"): the default compress of a tiny or
// constant array writes no more bytes than zstd -19 of the input .npy, counted with the same zstd library the
// project codes with, and decodes to exactly the input. The fixed cost of a .baler (magic, version, trailer,
// typed header, section table) must stay below what zstd spends on the .npy's own header and frame.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { ensureZstd } from '../../src/kernel/codec/entropy';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { arrayBytes } from '../../src/kernel/data/dtype';
import type { NdArray } from '../../src/kernel/types';

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) >>> 0;
    return x / 2 ** 32 - 0.5;
  };
}

const next = seeded(5);
const cases: [string, NdArray][] = [
  ['zeros', { dtype: 'float32', shape: [1000, 100], data: new Float32Array(100_000) }],
  ['constant float64', { dtype: 'float64', shape: [50], data: new Float64Array(50).fill(7.25) }],
  ['constant float16', { dtype: 'float16', shape: [64, 64], data: new Float32Array(4096).fill(1.5) }],
  ['constant int8 frames', { dtype: 'int8', shape: [3, 4, 5], data: new Int8Array(60).fill(42) }],
  ['constant uint64 beyond 2^53', { dtype: 'uint64', shape: [20, 3], data: new BigUint64Array(60).fill(2n ** 63n + 5n) }],
  ['constant bool', { dtype: 'bool', shape: [100], data: new Uint8Array(100).fill(1) }],
  ['all NaN', { dtype: 'float32', shape: [100], data: new Float32Array(100).fill(NaN) }],
  ['ten values', { dtype: 'float32', shape: [10], data: Float32Array.from({ length: 10 }, next) }],
  ['one row', { dtype: 'float64', shape: [1, 8], data: Float64Array.from({ length: 8 }, next) }],
  ['a column of NaN beside a ramp', { dtype: 'float32', shape: [100, 2], data: Float32Array.from({ length: 200 }, (_, i) => (i % 2 ? NaN : i / 2)) }],
];

describe('compress: small outputs never larger than zstd -19 of the input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-small-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [name, array] of cases) {
    it(`${name}: the default .baler is no larger than zstd -19 of the .npy, and exact`, async () => {
      await ensureZstd(); // the library's one instance, loaded once (a second init would replace it under the coder)
      const file = path.join(dir, `${name.replace(/\W+/g, '-')}.npy`);
      const npy = encodeNpy(array);
      fs.writeFileSync(file, npy);
      const zstd19 = zstdCompress(Buffer.from(npy), 19).length;
      const { output, info } = await compress(file, { threads: 1 });
      const size = fs.statSync(output).size;
      assert.ok(size <= zstd19, `${name}: ${size} B, zstd -19 of the .npy ${zstd19} B`);
      assert.equal(info.sizes.total, size);
      const constant = new Set(Array.from({ length: array.data.length }, (_, i) => String(array.data[i]))).size === 1;
      if (constant) {
        assert.equal(info.mode, 'constant', `${name} is constant`);
        assert.equal(info.sizes.residuals + info.sizes.latents + info.sizes.decoder, 0, 'no section at all');
        assert.equal(info.entropy, undefined, `${name}: nothing is entropy-coded`);
      } else {
        assert.match(info.entropy ?? '', /adaptive range coder|zstd/, `${name}: says how its bytes are coded`);
      }
      const back = await decompress(output, { output: path.join(dir, `${path.basename(file, '.npy')}.back.npy`) });
      const decoded = parseNpy(new Uint8Array(fs.readFileSync(back.output)));
      assert.deepEqual(decoded.shape, array.shape);
      assert.equal(decoded.dtype, array.dtype);
      assert.ok(Buffer.from(arrayBytes(decoded)).equals(Buffer.from(arrayBytes(array))), `${name}: every value back bit for bit`);
    });
  }
});
