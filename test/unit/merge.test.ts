// Compressing in parts and merging them: the same file as one process writes; every way parts can be wrong
// (missing, repeated, from another input or setting, damaged) refused with nothing written.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress, merge, parsePart } from '../../src/kernel/pipeline';
import { orderedParts } from '../../src/kernel/merge';
import { BalerError } from '../../src/kernel/errors';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { encodeNpz } from '../../src/kernel/data/npz';
import { inspect } from '../../src/kernel/inspect';
import { findRow, infoSections } from '../../src/kernel/report/info-rows';
import { seededUniform } from '../../src/bench/random';

describe('parts and merge', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-merge-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const input = path.join(dir, 'field.npy');
  const other = path.join(dir, 'other.npy');
  const data = Float32Array.from({ length: 30 * 16 * 16 }, (_, i) => Math.sin(i / 37) + Math.cos(i / 251) * 2);
  fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [30, 16, 16], data }));
  fs.writeFileSync(other, encodeNpy({ dtype: 'float32', shape: [30, 16, 16], data: data.map((v) => v * 2) }));
  const settings = { errorBound: 'rel:1e-3', memoryBudget: 256 * 68 * 3 * 4, threads: 1 };
  const partsDir = path.join(dir, 'parts');
  fs.mkdirSync(partsDir);
  const rejected = (what: RegExp) => (e: unknown) => e instanceof BalerError && what.test(e.message);

  it('parses I/N and refuses anything else', () => {
    assert.deepEqual(parsePart('3/8'), { index: 3, count: 8 });
    for (const bad of ['8/8', '-1/2', '1', 'a/b', '0/0']) assert.throws(() => parsePart(bad), BalerError);
  });

  it('four parts merged give exactly the file one process writes', async () => {
    for (let index = 0; index < 4; index++) await compress(input, { ...settings, output: partsDir + '/', part: { index, count: 4 } });
    assert.deepEqual(fs.readdirSync(partsDir).sort(), [0, 1, 2, 3].map((i) => `field.part-${i}-of-4.baler`));
    const merged = await merge([partsDir], path.join(dir, 'merged.baler'));
    // Parts are coded by the error-bounded coder alone: one process without learned predictors writes the same bytes.
    const single = await compress(input, { ...settings, learned: 'none', output: path.join(dir, 'single.baler') });
    assert.ok(fs.readFileSync(merged.output).equals(fs.readFileSync(single.output)));
    assert.equal(merged.info.errors.psnr, single.info.errors.psnr);
  });

  /** `input` in 3 parts of slabs of 1 MiB, merged, and in one process without learned predictors. */
  const threePartsAndOne = async (input: string, errorBound: string) => {
    const stem = path.parse(input).name;
    const parts = path.join(dir, `${stem}-parts`);
    fs.mkdirSync(parts);
    const opts = { errorBound, memoryBudget: 2 ** 20, threads: 1 };
    for (let index = 0; index < 3; index++) await compress(input, { ...opts, output: parts + '/', part: { index, count: 3 } });
    const merged = await merge([parts], path.join(dir, `${stem}-merged.baler`));
    const single = await compress(input, { ...opts, learned: 'none', output: path.join(dir, `${stem}-single.baler`) });
    return { merged, single };
  };

  it('a last part of fewer rows than a slab merges (it was refused as coded differently)', async () => {
    const column = path.join(dir, 'column.npy');
    fs.writeFileSync(column, encodeNpy({ dtype: 'float64', shape: [3000, 1], data: Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i / 50)) }));
    const { merged, single } = await threePartsAndOne(column, 'rel:1e-3');
    assert.equal(fs.readdirSync(path.join(dir, 'column-parts')).length, 3);
    assert.ok(fs.readFileSync(merged.output).equals(fs.readFileSync(single.output)));
  });

  it("a CSV table's text columns: the parts merged hold every row's text, as one process writes", async () => {
    const csv = path.join(dir, 'hits.csv');
    const lines = Array.from({ length: 3000 }, (_, i) => `${['ECAL', 'HCAL', 'MUON, barrel'][i % 3].includes(',') ? '"MUON, barrel"' : ['ECAL', 'HCAL'][i % 3]},${Math.sin(i / 50).toFixed(4)},run-${i}`);
    fs.writeFileSync(csv, 'detector,energy,run\n' + lines.join('\n') + '\n');
    const { merged, single } = await threePartsAndOne(csv, 'rel:1e-3');
    assert.ok(fs.readFileSync(merged.output).equals(fs.readFileSync(single.output)));
    const back = path.join(dir, 'hits.back.csv');
    await decompress(merged.output, { output: back });
    const text = fs.readFileSync(back, 'utf8').split('\n');
    assert.equal(text[0], 'detector,energy,run');
    assert.deepEqual(text.slice(1, -1).map((l) => l.replace(/,-?[\d.e-]+,/, ',#,')), lines.map((l) => l.replace(/,-?[\d.e-]+,/, ',#,')));
  });

  it("a table's parts merged give exactly the file one process writes, its worst column included", async () => {
    const table = path.join(dir, 'table.npy');
    const rows = 3000;
    const values = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 0 ? Math.sin(i / 90) * 1e3 : i % 3 === 1 ? Math.cos(i / 7) : (i % 17) / 16));
    fs.writeFileSync(table, encodeNpy({ dtype: 'float64', shape: [rows, 3], data: values }));
    const { merged, single } = await threePartsAndOne(table, 'rel:1e-3');
    assert.ok(single.info.errors.worstColumn, 'one process judges each column');
    assert.deepEqual(merged.info.errors.worstColumn, single.info.errors.worstColumn);
    assert.ok(fs.readFileSync(merged.output).equals(fs.readFileSync(single.output)));
  });

  it('parts of an array integer-valued in its first part\'s rows only merge into one process\'s file under pw-rel', async () => {
    // The per-slab floor's integer path is tried on a slab's own values, not on the part's (or array's) stats.
    const mixed = path.join(dir, 'mixed.npy');
    // A walk near 500 with rare large spikes (the log domain codes it larger than exactly), fractions after the first
    // part's rows.
    const random = seededUniform(5);
    let walk = 500;
    const values = Float64Array.from({ length: 60_000 }, (_, i) => {
      walk += Math.floor(5 * random()) - 2;
      return (random() < 0.002 ? 100_000 + Math.floor(3e6 * random()) : walk) + (i < 25_000 ? 0 : random());
    });
    fs.writeFileSync(mixed, encodeNpy({ dtype: 'float64', shape: [values.length], data: values }));
    const { merged, single } = await threePartsAndOne(mixed, 'pw-rel:1e-3');
    assert.ok(fs.readFileSync(merged.output).equals(fs.readFileSync(single.output)), `merged ${merged.info.sizes.file} B, one process ${single.info.sizes.file} B`);
  });

  it("a part's info judges a rel bound by the whole array's range, which its rows were coded within", async () => {
    for (let index = 0; index < 4; index++) {
      const info = await inspect(path.join(partsDir, `field.part-${index}-of-4.baler`));
      const met = findRow(infoSections(info), 'bound.met')?.value ?? '';
      assert.match(met, /^yes: max error = (0\.\d+|1\.000) × bound$/, `part ${index}: ${met}`);
      assert.match(findRow(infoSections(info), 'bound.absolute')?.value ?? '', /^0\.001 × the whole array's range /);
    }
  });

  it('a part alone decompresses to its own rows', async () => {
    const back = path.join(dir, 'part1.npy');
    await decompress(path.join(partsDir, 'field.part-1-of-4.baler'), { output: back });
    const got = parseNpy(fs.readFileSync(back));
    assert.ok(got.shape[0] > 0 && got.shape[0] < 30);
    // Its ratios are of the rows it holds, not of the whole file (which made a quarter of the output look 4× better).
    const info = await inspect(path.join(partsDir, 'field.part-1-of-4.baler'));
    assert.equal(info.sizes.original, got.shape[0] * 16 * 16 * 4);
    assert.equal(info.ratios.total, info.sizes.original / info.sizes.total);
    const sections = infoSections(info);
    assert.equal(findRow(sections, 'sizes.original')?.label, 'rows held (part 1 of 4), in their dtype');
    assert.match(findRow(sections, 'ratio.total')?.value ?? '', /\(of the rows held: part 1 of 4 of the file\)$/);
  });

  it('refuses missing, repeated, foreign and damaged parts, and writes nothing', async () => {
    const part = (i: number) => path.join(partsDir, `field.part-${i}-of-4.baler`);
    const out = path.join(dir, 'bad.baler');
    await assert.rejects(merge([part(0), part(1), part(3)], out), (e: unknown) => e instanceof BalerError && /part 2 of 4 missing \(given: 0, 1, 3\)/.test(e.message) && e.file === partsDir);
    await assert.rejects(merge([part(0), part(1), part(1), part(2), part(3)], out), rejected(/part 1 appears twice/));
    const foreign = path.join(dir, 'foreign');
    fs.mkdirSync(foreign);
    await compress(other, { ...settings, output: foreign + '/', part: { index: 2, count: 4 } });
    await assert.rejects(merge([part(0), part(1), path.join(foreign, 'other.part-2-of-4.baler'), part(3)], out), rejected(/another input or other settings/));
    const loose = path.join(dir, 'loose');
    fs.mkdirSync(loose);
    await compress(input, { ...settings, errorBound: 'rel:1e-2', output: loose + '/', part: { index: 2, count: 4 } });
    await assert.rejects(merge([part(0), part(1), path.join(loose, 'field.part-2-of-4.baler'), part(3)], out), rejected(/another input or other settings/));
    const table = path.join(dir, 'table.npy');
    fs.writeFileSync(table, encodeNpy({ dtype: 'float32', shape: [400, 64], data: Float32Array.from({ length: 400 * 64 }, (_, i) => Math.sin(i / 37)) }));
    const kinds = path.join(dir, 'kinds');
    fs.mkdirSync(kinds);
    await compress(table, { ...settings, kind: 'image', output: kinds + '/', part: { index: 0, count: 2 } });
    await compress(table, { ...settings, kind: 'table', output: kinds + '/', part: { index: 1, count: 2 } });
    await assert.rejects(merge([kinds], out), rejected(/another input or other settings/));
    const cut = path.join(dir, 'cut.part-3-of-4.baler');
    const bytes = fs.readFileSync(part(3));
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 20));
    await assert.rejects(merge([part(0), part(1), part(2), cut], out), rejected(/truncated|corrupted/));
    await assert.rejects(merge([path.join(dir, 'single.baler')], out), rejected(/not a part/));
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('refuses a part that starts inside a slab (one no --part writes) before writing anything', () => {
    const part = (index: number, firstRow: number, rows: number) => ({
      file: `crafted.part-${index}-of-2.baler`,
      header: {
        kind: 'data', arrays: [{ path: 'x', kind: 'frames', dtype: 'float32', names: [], shape: [rows, 4], slabRows: 4, codec: { mode: 'lossless' } }],
        part: { index, count: 2, inputId: 'same', arrays: [{ firstRow, totalRows: 9, errors: {} }] },
      },
    }) as unknown as Parameters<typeof orderedParts>[0][number];
    // Five rows then four: as many chunks (2 + 1) as the merged file's slabs of 4 rows (3), but its second slab
    // would be the first part's last row alone.
    assert.throws(() => orderedParts([part(0, 0, 5), part(1, 5, 4)]), rejected(/starts at row 5 of x, inside a slab of 4 rows/));
    assert.equal(orderedParts([part(0, 0, 8), part(1, 8, 1)]).length, 2);
  });

  it('refuses parts of modes that need the whole file, and more parts than slabs', async () => {
    await assert.rejects(compress(input, { epochs: 1, memoryBudget: settings.memoryBudget, output: partsDir + '/', part: { index: 0, count: 2 }, threads: 1 }), rejected(/--part codes slab by slab/));
    await assert.rejects(compress(input, { ...settings, output: partsDir + '/', part: { index: 0, count: 400 } }), rejected(/use at most \d+ parts/));
    // A file whose small array (a time axis) has one slab: one part, or --dataset for the large array.
    const pair = path.join(dir, 'pair.npz');
    fs.writeFileSync(pair, encodeNpz([{ name: 'field', array: { dtype: 'float32', shape: [30, 16, 16], data } }, { name: 'time', array: { dtype: 'float64', shape: [30], data: Float64Array.from({ length: 30 }, (_, i) => i) } }]));
    await assert.rejects(compress(pair, { ...settings, output: partsDir + '/', part: { index: 0, count: 2 } }),
      rejected(/^--part 0\/2: time has only 1 slab of 30 rows; use at most 1 part \(or a smaller --memory, or code one array of the file with --dataset\)$/));
  });
});
