// The cross-column model of tables: dependent columns get predictors and cost less; the decoder rebuilds the
// reconstruction bit for bit; each column stays within its own tolerance; integer columns come back exact;
// the model survives serialisation and refuses damage.
import { strict as assert } from 'node:assert';
import { fitColumns } from '../../src/kernel/learned/fit-columns';
import { decodeColumnsSlab, encodeColumnsSlab, predictColumn, type ColumnsModel } from '../../src/kernel/learned/columns';
import { decodeModel, encodeModel } from '../../src/kernel/learned/blob';
import { encodeEbSlab, type EbGlobals } from '../../src/kernel/compress/eb-slab';
import { BalerError } from '../../src/kernel/errors';
import { dependentTable } from '../fixtures/learned';

function ranges(values: Float64Array, columns: number): number[] {
  return Array.from({ length: columns }, (_, c) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = c; i < values.length; i += columns) { lo = Math.min(lo, values[i]); hi = Math.max(hi, values[i]); }
    return hi - lo;
  });
}

describe('learned cross-column model', () => {
  const rows = 4000;
  const values = dependentTable(rows);
  const g: EbGlobals = { bound: { kind: 'rel', value: 1e-3 }, tolerances: ranges(values, 5).map((r) => 1e-3 * r), dtype: 'float64', kind: 'table' };

  it('predicts the dependent columns and codes the table smaller than the error-bounded coder alone', async () => {
    const fit = await fitColumns(values, rows, 5, g);
    assert.equal(fit.model.predictors[0].kind, 'none', 'the first column has nothing to be predicted from');
    assert.equal(fit.model.predictors[2].kind, 'linear', 'a linear mix is predicted linearly');
    const classical = (await encodeEbSlab(values, [rows, 5], g)).bytes.length;
    assert.ok(fit.sampleBytes < 0.85 * classical, `${fit.sampleBytes} bytes vs ${classical}`);
    assert.ok(fit.sampleBytes < fit.plainBytes, 'no worse than the columns coded without predictions');
  });

  it('decodes to exactly what the encoder measured, every column within its own tolerance', async () => {
    const { model } = await fitColumns(values, rows, 5, g);
    const coded = await encodeColumnsSlab(model, values, rows, g);
    const decoded = await decodeColumnsSlab(model, coded.body, rows, g);
    assert.deepEqual(decoded, coded.reconstruction);
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(decoded[i] - values[i]) <= g.tolerances[i % 5], `value ${i}`);
  });

  it('rounds the predictions of integer columns, which come back exact under a bound below half a unit', async () => {
    const { model } = await fitColumns(values, rows, 5, g);
    assert.equal(model.integer[4], true);
    const decoded: Float64Array[] = [0, 1, 2, 3].map((c) => Float64Array.from({ length: rows }, (_, r) => values[r * 5 + c]));
    const prediction = predictColumn({ ...model, predictors: model.predictors.map((p, c) => (c === 4 ? { kind: 'linear', weights: Float32Array.of(0.3, 0, 0, 0, 0.11) } : p)) }, 4, decoded, rows);
    assert.ok(prediction!.every(Number.isInteger));
    const coded = await encodeColumnsSlab(model, values, rows, g);
    for (let r = 0; r < rows; r++) assert.equal(coded.reconstruction[r * 5 + 4], values[r * 5 + 4]);
  });

  it('survives serialisation, and refuses a truncated or damaged model with a BalerError', async () => {
    const { model } = await fitColumns(values, rows, 5, g);
    const blob = encodeModel(model);
    const back = (await decodeModel(blob)) as ColumnsModel;
    const { configurations: _encoderOnly, ...stored } = model;
    assert.deepEqual(back, stored);
    for (let n = 0; n < blob.length; n++) await assert.rejects(decodeModel(blob.subarray(0, n)), (e: unknown) => e instanceof BalerError, `truncated at ${n}`);
    for (let i = 0; i < blob.length; i++) {
      const bad = blob.slice();
      bad[i] ^= 0xff;
      try {
        await decodeModel(bad);
      } catch (err) {
        assert.ok(err instanceof BalerError, `byte ${i}: ${(err as Error).message}`);
      }
    }
  });

  it('refuses a slab whose column count does not match the model', async () => {
    const { model } = await fitColumns(values, rows, 5, g);
    const coded = await encodeColumnsSlab(model, values, rows, g);
    const bad = coded.body.slice();
    bad[0] = 4;
    await assert.rejects(decodeColumnsSlab(model, bad, rows, g), (e: unknown) => e instanceof BalerError);
  });
});
