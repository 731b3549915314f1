// The read-back (compress/read-back.ts verifyContainer) of a file written: where every value passes the bound check's
// fast path, one walk hashes the values decoded and checks the bound (verify.ts hashIfWithin); what it refuses, and
// with which message, is as when it hashed them and checked them apart.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress } from '../../src/kernel/pipeline';
import { BalerError } from '../../src/kernel/errors';
import { encodeNpy } from '../../src/kernel/data/npy';
import { decodeArray, openBaler } from '../../src/kernel/decompress';
import { verifyContainer, type WrittenArray } from '../../src/kernel/compress/read-back';
import { slabBoundChecker } from '../../src/kernel/compress/verify';
import { hashValues } from '../../src/kernel/compress/value-hash';
import type { ArrayStats } from '../../src/kernel/compress/stats';

describe('compress: the read-back of the file written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-read-back-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows = 64;
  const columns = 32;
  const data = Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i / 9) * 2);
  const stats: ArrayStats = { min: [-2], max: [2], nonFinite: 0, integerValued: false, exactInFloat64: true };
  const limit = 1e-3 * 4;
  let file = '';
  let decoded: Float64Array;

  before(async () => {
    const input = path.join(dir, 'field.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [rows, columns], data }));
    file = (await compress(input, { errorBound: 'rel:1e-3', learned: 'none', output: path.join(dir, 'field.baler') })).output;
    const f = openBaler(file);
    try {
      const slabs = [];
      for await (const slab of decodeArray(f, 0)) slabs.push(slab.values.slice());
      assert.equal(slabs.length, 1, 'one slab');
      decoded = slabs[0];
    } finally {
      f.close();
    }
  });

  /** verifyContainer of `file` against `originals` as the input, with the hash the encoder would have measured. */
  function readBack(originals: Float64Array, hash = hashValues(decoded)) {
    const array = { dtype: 'float32' as const, shape: [rows, columns], data: Float32Array.from(originals) };
    const written = {
      input: {
        source: { shape: [rows, columns], kind: 'frames' },
        async *slabs() {
          yield { firstRow: 0, array, values: originals, release() {}, handOver: () => ({ array }) };
        },
      },
      coded: { codec: { mode: 'error-bounded' }, slabRows: rows, checkSlab: slabBoundChecker({ kind: 'rel', value: 1e-3 }, stats, 'float32', 'x.npy') },
      errors: {},
      hashes: [hash],
    } as unknown as WrittenArray;
    return verifyContainer(file, [written], 'x.baler');
  }

  it('passes the file as written', async () => {
    await readBack(Float64Array.from(data));
  });

  it('a value past the bound in the middle of the slab: refused naming it, as the check alone names it', async () => {
    const originals = Float64Array.from(decoded);
    originals[1000] = decoded[1000] + 1.5 * limit;
    await assert.rejects(readBack(originals), (e: unknown) => e instanceof BalerError && e.code === 'EBOUND'
      && /^verification failed: the value at row 1000 \(flat index 1000 of its slab\) breaks the bound rel:0.001 .*nothing was written$/.test(e.message));
    originals[1000] = decoded[1000];
    originals[rows * columns - 1] = decoded[rows * columns - 1] - 1.5 * limit;
    await assert.rejects(readBack(originals), (e: unknown) => e instanceof BalerError && e.code === 'EBOUND' && /flat index 2047 /.test(e.message));
  });

  it('values that do not hash as measured: refused as such, before any bound the slab breaks', async () => {
    await assert.rejects(readBack(Float64Array.from(data), hashValues(decoded) ^ 1), (e: unknown) => e instanceof BalerError && e.code === 'EVERIFY' && /slab 1 does not decode to the values measured/.test(e.message));
    const originals = Float64Array.from(decoded);
    originals[7] += 1;
    await assert.rejects(readBack(originals, hashValues(decoded) ^ 1), (e: unknown) => e instanceof BalerError && e.code === 'EVERIFY');
  });
});
