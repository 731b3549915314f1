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
import { decompress } from '../../src/kernel/decompress';
import { textColumnsOf } from '../../src/kernel/data/text-columns';

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

  it('keeps its text columns (nulls too) and writes them back in place; says which it leaves out (timestamps), unless columns were named', async () => {
    const file = path.join(dir, 'mixed.parquet');
    const station = Array.from({ length: ROWS }, (_, i) => (i % 11 === 0 ? null : `st-${i % 37}`));
    const times = Array.from({ length: ROWS }, (_, i) => new Date(1.7e12 + i * 60_000));
    fs.writeFileSync(file, new Uint8Array(parquetWriteBuffer({
      columnData: [
        { name: 'name', data: station, type: 'STRING' }, { name: 'temperature', data: TEMPERATURE, type: 'DOUBLE' },
        { name: 'time', data: times, type: 'TIMESTAMP' },
      ],
    })));
    const logs: string[] = [];
    const packed = path.join(dir, 'mixed.baler');
    await compress(file, { output: packed, errorBound: 'abs:0' }, { onLog: (l) => logs.push(l) });
    assert.ok(logs.some((l) => /not in the \.baler, as not numeric arrays: 'time' \(holds dates or times.*\); the ratios are of the arrays it holds/.test(l)), logs.join('\n'));
    const back = path.join(dir, 'mixed.back.parquet');
    await decompress(packed, { output: back });
    const source = await openDataSource(back);
    try {
      assert.deepEqual(source.arrays[0].names, ['temperature']);
      assert.deepEqual(textColumnsOf(source.arrays[0].attributes, ROWS).map((c) => [c.name, c.position, c.values]), [['name', 0, station]]);
      assert.deepEqual([...(await source.arrays[0].readSlab(0, ROWS)).data], [...TEMPERATURE]);
    } finally {
      await source.close();
    }
    const csv = path.join(dir, 'mixed.back.csv');
    await decompress(packed, { output: csv });
    assert.equal(fs.readFileSync(csv, 'utf8').split('\n').slice(0, 3).join('\n'), `name,temperature\n,${TEMPERATURE[0]}\nst-1,${TEMPERATURE[1]}`);
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
