// A table under pw-rel coded column by column (compress/eb-columns.ts): the bound on every value, smaller than
// the whole table where its columns differ in kind, chosen by the slab task only when smaller, refused when cut.
import { strict as assert } from 'node:assert';
import { BalerError } from '../../src/kernel/errors';
import { columnsCandidate, decodeEbColumns, encodeEbColumns } from '../../src/kernel/compress/eb-columns';
import { encodeEbSlab, type EbGlobals } from '../../src/kernel/compress/eb-slab';
import { decodeSlabChunk, runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import { TAG_EB, TAG_EB_COLUMNS } from '../../src/kernel/codec/slab';
import type { ChunkChoice } from '../../src/kernel/compress/eb-chunk';
import { seededUniform } from '../../src/bench/random';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { readChunk, readContainerIndex } from '../../src/kernel/codec/container';
import { openFileAccess } from '../../src/kernel/codec/io';

const ROWS = 3000;
const pwRel = (value: number): EbGlobals => ({ bound: { kind: 'pw-rel', value }, tolerances: [], dtype: 'float32', kind: 'table' });

/** An event table: two momenta (any sign, wide range), a vertex count, a trigger flag, a constant, a weight. */
function eventTable(): Float64Array {
  const random = seededUniform(11);
  const out = new Float64Array(ROWS * 6);
  for (let r = 0; r < ROWS; r++) {
    const row = [
      Math.fround((random() - 0.5) * 80 * Math.exp(2 * random())),
      Math.fround((random() - 0.5) * 80 * Math.exp(2 * random())),
      1 + Math.floor(25 * random() * random()),
      random() < 0.7 ? 1 : 0,
      Math.fround(0.0213),
      Math.fround(0.8 + 0.4 * random()),
    ];
    out.set(row, r * 6);
  }
  return out;
}

function assertWithinPwRel(original: Float64Array, back: Float64Array, value: number): void {
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    const allowed = value * Math.abs(x);
    assert.ok(Math.abs(back[i] - x) <= allowed, `value ${i}: ${back[i]} for ${x} (allowed ${allowed})`);
    if (x === 0) assert.equal(back[i], 0);
  }
}

describe('compress: pw-rel tables column by column', () => {
  it('is tried only for tables of several columns under pw-rel', () => {
    assert.equal(columnsCandidate(pwRel(1e-3), [100, 6]), true);
    assert.equal(columnsCandidate(pwRel(1e-3), [100, 1]), false);
    assert.equal(columnsCandidate({ ...pwRel(1e-3), kind: 'frames' }, [100, 6]), false);
    assert.equal(columnsCandidate({ bound: { kind: 'rel', value: 1e-3 }, tolerances: [1], dtype: 'float32', kind: 'table' }, [100, 6]), false);
  });

  for (const value of [2 ** -11, 2 ** -15]) {
    it(`pw-rel 2^${Math.log2(value)}: every value within its bound, smaller than the whole table coded at once`, async () => {
      const values = eventTable();
      const g = pwRel(value);
      const byColumns = await encodeEbColumns(values, [ROWS, 6], g);
      assertWithinPwRel(values, byColumns.reconstruction, value);
      const back = await decodeEbColumns(byColumns.bytes, [ROWS, 6], g);
      assert.deepEqual(back, byColumns.reconstruction, 'the decoder gives what the encoder checked');
      const whole = await encodeEbSlab(values, [ROWS, 6], g);
      assert.ok(byColumns.bytes.length < whole.bytes.length, `by columns ${byColumns.bytes.length} B, whole table ${whole.bytes.length} B`);
    });
  }

  it('the slab task keeps the smaller coding and decodes it through the same path as every slab', async () => {
    const values = eventTable();
    const array = { dtype: 'float64' as const, shape: [ROWS, 6], data: values.slice() };
    const globals = { ...pwRel(2 ** -11), dtype: 'float64' as const };
    const coded = await runSlabTask({ task: 'eb', array, firstRow: 0, globals, file: 'x.npy' });
    assert.equal(coded.chunk[0], TAG_EB_COLUMNS);
    const decoded = await decodeSlabChunk(coded.chunk, [ROWS, 6], 'float64', globals, undefined, 'x.npy');
    assertWithinPwRel(values, decoded.values, 2 ** -11);

    // A table whose rows continue each other (a signal cut into rows): never larger than the whole-table coding.
    const signal = Float64Array.from({ length: 400 * 6 }, (_, i) => 10 + Math.sin(i / 50));
    const chosen = await runSlabTask({ task: 'eb', array: { dtype: 'float64', shape: [400, 6], data: signal.slice() }, firstRow: 0, globals, file: 'x.npy' });
    const whole = await encodeEbSlab(signal, [400, 6], globals);
    assert.ok(chosen.chunk.length <= whole.bytes.length + 1, `chosen ${chosen.chunk.length} B (tag ${chosen.chunk[0]}), whole table ${whole.bytes.length + 1} B`);
  });

  it("a later slab reuses the searching slab's configurations, whole and each column's, and keeps the smaller way", async () => {
    const values = eventTable();
    const globals = { ...pwRel(2 ** -11), dtype: 'float64' as const };
    const task = (reuse?: ChunkChoice) => ({ task: 'eb' as const, array: { dtype: 'float64' as const, shape: [ROWS, 6], data: values.slice() }, firstRow: 0, globals, file: 'x.npy', reuse });
    const searched = await runSlabTask(task());
    assert.equal(searched.chunk[0], TAG_EB_COLUMNS);
    const configurations = searched.choice?.columnConfigurations;
    assert.equal(configurations?.length, 6, JSON.stringify(searched.choice));
    assert.ok(searched.choice?.configuration, 'the whole coding\'s configuration is kept too');
    // Each column's configuration is what the next slab codes that column with: a smooth signal's, which no
    // search of these columns would choose.
    const signal = Float64Array.from({ length: ROWS * 6 }, (_, i) => 10 + Math.sin(i / 50));
    const other = (await encodeEbColumns(signal, [ROWS, 6], globals)).configurations;
    assert.ok(other.some((c, k) => c !== configurations![k]), `the same configurations: ${other}`);
    const reusing = await runSlabTask(task({ configuration: searched.choice!.configuration, columnConfigurations: other }));
    assert.equal(reusing.chunk[0], TAG_EB_COLUMNS);
    assert.deepEqual(reusing.choice?.columnConfigurations, other);
    assertWithinPwRel(values, (await decodeSlabChunk(reusing.chunk, [ROWS, 6], 'float64', globals, undefined, 'x.npy')).values, 2 ** -11);
    // A searching slab of zeros (written whole) chooses nothing: the next slab searches, and codes by columns,
    // smaller here.
    const zeros = await runSlabTask({ ...task(), array: { dtype: 'float64' as const, shape: [ROWS, 6], data: new Float64Array(ROWS * 6) } });
    assert.equal(zeros.chunk[0], TAG_EB);
    assert.equal(zeros.choice, undefined, JSON.stringify(zeros.choice));
    const after = await runSlabTask(task(zeros.choice));
    assert.equal(after.chunk[0], TAG_EB_COLUMNS);
    const whole = await encodeEbSlab(values, [ROWS, 6], globals);
    assert.ok(after.chunk.length < whole.bytes.length + 1, `by columns ${after.chunk.length} B, whole ${whole.bytes.length + 1} B`);
    assertWithinPwRel(values, (await decodeSlabChunk(after.chunk, [ROWS, 6], 'float64', globals, undefined, 'x.npy')).values, 2 ** -11);
  });

  it('is what the automatic mode (the default compress) writes for such a table, as the error-bounded strategy does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-eb-columns-'));
    try {
      const input = path.join(dir, 'events.npy');
      fs.writeFileSync(input, encodeNpy({ dtype: 'float64', shape: [ROWS, 6], data: eventTable() }));
      for (const learned of ['auto', 'none'] as const) {
        const { output } = await compress(input, { errorBound: `pw-rel:${2 ** -11}`, learned, output: path.join(dir, `${learned}.baler`) });
        const access = openFileAccess(output);
        try {
          const data = readContainerIndex(access).sections.find((x) => x.name.endsWith('.data'))!;
          assert.equal((await readChunk(access, data, 0))[0], TAG_EB_COLUMNS, learned);
        } finally {
          access.close();
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a cut or padded column stream with a BalerError naming the file', async () => {
    const g = pwRel(2 ** -11);
    const { bytes } = await encodeEbColumns(eventTable(), [ROWS, 6], g);
    for (const bad of [bytes.subarray(0, bytes.length - 3), Uint8Array.from([...bytes, 0])]) {
      await assert.rejects(decodeEbColumns(bad, [ROWS, 6], g, 'x.baler'), (err) => err instanceof BalerError && err.file === 'x.baler');
    }
  });
});
