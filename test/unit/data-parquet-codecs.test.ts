// Parquet files compressed with each codec writers use: ZSTD (the default of Polars, DuckDB and recent Spark;
// "unsupported compression codec: ZSTD" before), GZIP, BROTLI, LZ4 (Hadoop framing) and LZ4_RAW read back exactly.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { ensureZstd } from '../../src/kernel/codec/entropy';
import { openDataSource } from '../../src/kernel/data/formats';
import { compress } from '../../src/kernel/compress';

/** An LZ4 block of literals only (valid LZ4, if not small): enough to exercise the reader's LZ4 decoders. */
function lz4Literals(input: Uint8Array): Uint8Array {
  const length = input.length;
  const extra = length >= 15 ? [...Array<number>(Math.floor((length - 15) / 255)).fill(255), (length - 15) % 255] : [];
  return Uint8Array.from([Math.min(length, 15) << 4, ...extra, ...input]);
}

/** LZ4 as Hadoop (and older Arrow) writes it: big-endian decompressed and compressed sizes, then the block. */
function lz4Hadoop(input: Uint8Array): Uint8Array {
  const block = lz4Literals(input);
  const out = new Uint8Array(8 + block.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, input.length);
  view.setUint32(4, block.length);
  out.set(block, 8);
  return out;
}

const ROWS = 5000;
const TEMPERATURE = Float64Array.from({ length: ROWS }, (_, i) => 15 + Math.round(100 * Math.sin(i / 50)) / 10);
const STATION = Int32Array.from({ length: ROWS }, (_, i) => 1000 + (i % 37));

describe('Parquet compression codecs', () => {
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-parquet-codecs-'));
    await ensureZstd(); // the product's one initialisation of zstd-wasm (a second init breaks the module for every user)
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const compressors = {
    ZSTD: (input: Uint8Array) => zstdCompress(input, 3),
    GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
    BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
    LZ4: lz4Hadoop,
    LZ4_RAW: lz4Literals,
  };

  it('says which columns the .baler leaves out (strings, timestamps), unless columns were named', async () => {
    const file = path.join(dir, 'mixed.parquet');
    const station = Array.from({ length: ROWS }, (_, i) => `st-${i % 37}`);
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({
      columnData: [{ name: 'temperature', data: TEMPERATURE, type: 'DOUBLE' }, { name: 'name', data: station, type: 'STRING' }],
    })));
    const logs: string[] = [];
    await compress(file, { output: path.join(dir, 'mixed.baler') }, { onLog: (l) => logs.push(l) });
    assert.ok(logs.some((l) => /not in the \.baler, as not numeric arrays: 'name' \(.*\); the ratios are of the arrays it holds/.test(l)), logs.join('\n'));
    const named: string[] = [];
    await compress(file, { output: path.join(dir, 'named.baler'), columns: ['temperature'] }, { onLog: (l) => named.push(l) });
    assert.ok(!named.some((l) => l.includes('not in the .baler')), named.join('\n'));
  });

  for (const codec of Object.keys(compressors) as (keyof typeof compressors)[]) {
    it(`${codec}: every value reads back exactly`, async () => {
      const file = path.join(dir, `${codec}.parquet`);
      const bytes = parquetWriteBuffer({
        columnData: [{ name: 'temperature', data: TEMPERATURE, type: 'DOUBLE' }, { name: 'station', data: STATION, type: 'INT32' }],
        codec, compressors, rowGroupSize: 2000,
      });
      fs.writeFileSync(file, new Uint8Array(bytes));
      const source = await openDataSource(file);
      try {
        const [table] = source.arrays;
        assert.deepEqual(table.shape, [ROWS, 2]);
        const values = (await table.readSlab(0, ROWS)).data as Float64Array;
        for (let r = 0; r < ROWS; r++) {
          assert.equal(values[2 * r], TEMPERATURE[r], `temperature of row ${r}`);
          assert.equal(values[2 * r + 1], STATION[r], `station of row ${r}`);
        }
      } finally {
        await source.close();
      }
    });
  }
});
