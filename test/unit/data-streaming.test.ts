// Streaming and resource bombs (issue 7, defect 6): .npy/.npz/.csv read in slabs at bounded memory, only the .npz
// member needed is inflated, declared sizes are checked against the memory budget before anything is allocated,
// and CSV parsing is linear in the line length. (That numpy reads the streamed .npz: e2e/formats-crosscheck.)
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { readDataset } from '../../src/kernel/data/dataset';
import { openDataSource } from '../../src/kernel/data/formats';
import { encodeNpy, npyHeaderFor } from '../../src/kernel/data/npy';
import { rejectsBaler } from './data-helpers';

/** A zip archive with hand-set members (method 8 = deflate, 0 = stored) and declared sizes; CRCs as given. */
function zipOf(members: { name: string; data: Uint8Array; method: 0 | 8; size: number; crc?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(m.method, 8);
    header.writeUInt32LE(m.crc ?? 0, 14);
    header.writeUInt32LE(m.data.length, 18);
    header.writeUInt32LE(m.size, 22);
    header.writeUInt16LE(name.length, 26);
    locals.push(header, name, Buffer.from(m.data));
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(m.method, 10);
    entry.writeUInt32LE(m.crc ?? 0, 16);
    entry.writeUInt32LE(m.data.length, 20);
    entry.writeUInt32LE(m.size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + m.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('streaming and resource bombs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-stream-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inDir = (name: string): string => path.join(dir, name);
  const table = Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i) * 100);

  it('an .npz with a junk member that would inflate to gigabytes reads its data member without touching it', async () => {
    const data = encodeNpy({ dtype: 'float64', shape: [1000, 3], data: table });
    const { crc32 } = await import('node:zlib');
    // The junk member claims 3 GB; its deflate stream is invalid, so inflating any of it would fail the read.
    const file = inDir('junk.npz');
    fs.writeFileSync(file, zipOf([
      { name: 'junk.npy', data: Uint8Array.of(0xff, 0xff, 0xff, 0xff), method: 8, size: 3_000_000_000 },
      { name: 'data.npy', data, method: 0, size: data.length, crc: crc32(data) },
    ]));
    const ds = await readDataset(file, { dataset: 'data' });
    assert.deepEqual([...ds.values], [...table]);
    // Without a selection the junk member is listed as unreadable, not fatal, and 'data' is read.
    assert.deepEqual([...(await readDataset(file)).values], [...table]);
  });

  it('a data member whose declared size exceeds the memory budget is refused before it is inflated', async () => {
    const { crc32 } = await import('node:zlib');
    // 100 MB of zeros behind a header declaring 12.5 M float64 values: 100 KB deflated.
    const payload = Buffer.concat([npyHeaderFor('float64', [12_500_000]), Buffer.alloc(100_000_000)]);
    const file = inDir('bomb.npz');
    fs.writeFileSync(file, zipOf([{ name: 'data.npy', data: deflateRawSync(payload), method: 8, size: payload.length, crc: crc32(payload) }]));
    await rejectsBaler(() => readDataset(file, {}, { memoryBudget: 16 * 2 ** 20 }), /needs 95\.4 MiB, more than the memory budget of 16\.0 MiB/, file);
    // Within the budget, slabs stream through the same member.
    const source = await openDataSource(file, {}, { memoryBudget: 16 * 2 ** 20 });
    const [array] = source.arrays;
    assert.deepEqual(array.shape, [12_500_000]);
    const slab = await array.readSlab(12_000_000, 1000);
    assert.equal(slab.data.length, 1000);
    await source.close();
  });

  it('a member that inflates beyond its declared size, and a stored member with a bad CRC, are refused', async () => {
    const { crc32 } = await import('node:zlib');
    const data = encodeNpy({ dtype: 'float64', shape: [1000, 3], data: table });
    const longer = Buffer.concat([data, Buffer.alloc(50_000)]);
    const liar = inDir('liar.npz');
    fs.writeFileSync(liar, zipOf([{ name: 'data.npy', data: deflateRawSync(longer), method: 8, size: data.length, crc: crc32(data) }]));
    await rejectsBaler(() => readDataset(liar), /inflates beyond its declared size|CRC/, liar);
    const badCrc = inDir('badcrc.npz');
    fs.writeFileSync(badCrc, zipOf([{ name: 'data.npy', data, method: 0, size: data.length, crc: (crc32(data) ^ 1) >>> 0 }]));
    await rejectsBaler(() => readDataset(badCrc), /fails its CRC check/, badCrc);
  });

  it('.npy and deflated .npz slabs read in any order equal the whole array', async () => {
    const npy = inDir('slabs.npy');
    fs.writeFileSync(npy, encodeNpy({ dtype: 'float64', shape: [1000, 3], data: table }));
    const npz = inDir('slabs.npz');
    fs.writeFileSync(npz, zipSync({ 'data.npy': [encodeNpy({ dtype: 'float64', shape: [1000, 3], data: table }), { level: 6 }] }));
    for (const file of [npy, npz]) {
      const source = await openDataSource(file);
      const [array] = source.arrays;
      for (const [start, count] of [[900, 100], [0, 10], [500, 1], [10, 490], [999, 1]]) {
        assert.deepEqual([...(await array.readSlab(start, count)).data], [...table.slice(start * 3, (start + count) * 3)], `${path.basename(file)} ${start}+${count}`);
      }
      await source.close();
    }
  });

  it('CSV: a line of 300,000 columns and slabs of many rows parse like the whole', async () => {
    const columns = 300_000;
    const wide = inDir('wide.csv');
    fs.writeFileSync(wide, `${Array.from({ length: columns }, (_, i) => `c${i}`).join(',')}\n${Array.from({ length: columns }, (_, i) => i * 0.5).join(',')}\n`);
    const ds = await readDataset(wide);
    assert.deepEqual(ds.shape, [1, columns]);
    assert.equal(ds.values[columns - 1], (columns - 1) * 0.5);
    const tall = inDir('tall.csv');
    const rows = 10_000;
    fs.writeFileSync(tall, 'a,"b, quoted"\n' + Array.from({ length: rows }, (_, i) => `${i},"${-i}"`).join('\r\n'));
    const source = await openDataSource(tall);
    const [array] = source.arrays;
    assert.deepEqual(array.names, ['a', 'b, quoted']);
    assert.deepEqual(array.shape, [rows, 2]);
    for (const [start, count] of [[9000, 1000], [4095, 3], [0, 2], [8191, 2]]) {
      const slab = await array.readSlab(start, count);
      assert.deepEqual([...slab.data], Array.from({ length: count }, (_, k) => [start + k, 0 - (start + k)]).flat(), `${start}+${count}`);
    }
    await source.close();
  });

  it('a CSV record longer than the memory budget is refused', async () => {
    const file = inDir('long-line.csv');
    fs.writeFileSync(file, `${'1,'.repeat(3_000_000)}1\n`);
    await rejectsBaler(() => readDataset(file, {}, { memoryBudget: 2 * 2 ** 20 }), /CSV record.*memory budget/, file);
  });

});
