import { strict as assert } from 'node:assert';
import { generateJets } from '../../src/kernel/demo/jets';
import { buildReportData, MAX_HISTOGRAM_COLUMNS, reportNumber, type ReportData } from '../../src/kernel/report/data';
import { buildFigures } from '../../src/kernel/report/figures';
import { formatRatio } from '../../src/kernel/report/format';
import { findRow } from '../../src/kernel/report/info-rows';
import { fakeInfo, previewReportData } from '../fixtures/report-sample';
import type { Dataset, TrainHistory } from '../../src/kernel/types';

const history = (epochs: number): TrainHistory => ({
  loss: Array.from({ length: epochs }, (_, i) => 1 / (i + 1)),
  valLoss: Array.from({ length: epochs }, (_, i) => 1.1 / (i + 1)),
  learningRate: Array.from({ length: epochs }, () => 1e-3),
  epochs, seconds: 12, stoppedBecause: 'epochs', backend: 'cpu',
});

function tableReport(ds: Dataset, reconstructed: Float64Array, epochs = 10): ReportData {
  const h = history(epochs);
  return buildReportData({ title: 't', original: ds, reconstructed, info: fakeInfo(ds, reconstructed, 'x.npz', 100, 2000, h), history: h });
}

describe('report data', () => {
  let frames: ReportData;
  before(() => {
    frames = previewReportData('frames');
  });

  it('survives JSON unchanged and stays compact', () => {
    const json = JSON.stringify(frames);
    assert.deepEqual(JSON.parse(json), frames);
    assert.ok(json.length < 400_000, `${json.length} bytes for 60 × 50 × 50 frames`);
  });

  it('holds the summary with both ratios (as the rows state them), sizes and error figures', () => {
    const s = frames.summary;
    assert.deepEqual(s.shape, [60, 50, 50]);
    assert.equal(s.kind, 'frames');
    assert.equal(s.sizes.total, s.sizes.latents + s.sizes.decoder + s.sizes.residuals + s.sizes.header);
    assert.equal(findRow(frames.info, 'ratio.latentOnly')?.value, formatRatio(s.sizes.originalFile / s.sizes.latents));
    assert.equal(findRow(frames.info, 'ratio.total')?.value, formatRatio(s.sizes.originalFile / s.sizes.total));
    assert.match(findRow(frames.info, 'model')?.value ?? '', /conv/);
    const psnr = reportNumber(frames.errors.psnr);
    assert.ok(psnr > 40 && psnr < 70, `psnr ${psnr}`);
    assert.equal(frames.errors.compared, 150_000);
  });

  it('chooses the first, middle, last and worst frames with residual = reconstructed − original', () => {
    const labels = frames.frames!.map((f) => f.label);
    assert.deepEqual(labels.slice(0, 3), ['first', 'middle', 'last']);
    assert.deepEqual(frames.frames!.slice(0, 3).map((f) => f.index), [0, 30, 59]);
    assert.equal(frames.frames!.filter((f) => f.worst).length, 1);
    const rmses = frames.frames!.map((f) => reportNumber(f.rmse));
    const worst = frames.frames!.find((f) => f.worst)!;
    assert.equal(reportNumber(worst.rmse), Math.max(...rmses));
    for (const f of frames.frames!) {
      assert.equal(f.original.length, 50);
      assert.equal(f.original[0].length, 50);
      for (let r = 0; r < 50; r += 7) for (let c = 0; c < 50; c += 7) {
        assert.ok(Math.abs(f.residual[r][c] - (f.reconstructed[r][c] - f.original[r][c])) < 3e-5, "within the rounding to 5 and 3 digits");
      }
    }
    assert.equal(frames.columns.length, 1);
    assert.equal(frames.columns[0].residuals.counts.reduce((a, b) => a + b, 0) + frames.columns[0].residuals.underflow + frames.columns[0].residuals.overflow, 150_000);
  });

  it('shows a 2-D array of kind frames (an image) as one frame of its rows × columns', () => {
    const [h, w] = [40, 64];
    const values = Float64Array.from({ length: h * w }, (_, i) => Math.sin(i / 9));
    const ds: Dataset = { kind: 'frames', shape: [h, w], dtype: 'float64', names: [], values };
    const report = tableReport(ds, values.map((v) => v + 1e-3));
    assert.deepEqual(report.frames!.map((f) => [f.label, f.index]), [['first', 0]]);
    assert.equal(report.frames![0].original.length, h);
    assert.equal(report.frames![0].original[0].length, w);
  });

  it('encodes an exact reconstruction as PSNR "Infinity"', () => {
    const ds = generateJets({ rows: 200 });
    const exact = tableReport(ds, ds.values.slice());
    assert.equal(exact.errors.psnr, 'Infinity');
    assert.equal(reportNumber(exact.errors.psnr), Infinity);
    assert.equal(exact.errors.rmse, 0);
    assert.deepEqual(JSON.parse(JSON.stringify(exact)), exact);
    assert.equal(exact.frames, undefined);
    assert.equal(exact.columns.length, 24);
  });

  it('thins long loss histories and keeps the last epoch', () => {
    const ds = generateJets({ rows: 100 });
    const r = tableReport(ds, ds.values.map((v) => v + 1), 5000);
    assert.ok(r.loss!.epochs.length <= 1001);
    assert.equal(r.loss!.epochs[0], 1);
    assert.equal(r.loss!.epochs[r.loss!.epochs.length - 1], 5000);
    assert.equal(r.loss!.loss.length, r.loss!.epochs.length);
    assert.equal(reportNumber(r.loss!.loss[r.loss!.loss.length - 1]), 1 / 5000);
  });

  it('keeps histograms of the worst columns only when there are very many', () => {
    const rows = 50, cols = 100;
    const values = Float64Array.from({ length: rows * cols }, (_, i) => i % cols + Math.floor(i / cols));
    const ds: Dataset = { kind: 'table', shape: [rows, cols], dtype: 'float32', names: [], values };
    const noisy = values.map((v, i) => v + ((i % cols) === 77 ? 5 : 0.01) * (i % 2 ? 1 : -1));
    const r = tableReport(ds, noisy);
    assert.equal(r.columns.length, MAX_HISTOGRAM_COLUMNS);
    assert.equal(r.columnCount, cols);
    assert.ok(r.columns.some((c) => c.index === 77), 'the worst column is kept');
    assert.equal(r.worstColumn, 77, 'and shown first');
  });

  it('shows first the column the file\'s figures call worst; a column of one value is judged on the table\'s range', () => {
    const rows = 40;
    const values = Float64Array.from({ length: rows * 4 }, (_, i) => (i % 4 === 2 ? 0.5 : Math.sin(i / 7) * (1 + (i % 4))));
    const ds: Dataset = { kind: 'table', shape: [rows, 4], dtype: 'float32', names: ['a', 'b', 'flat', 'd'], values };
    const slightly = tableReport(ds, values.map((v, i) => v + (i % 4 === 2 ? 0.01 : i % 4 === 3 ? 0.2 : 0.001)));
    assert.match(findRow(slightly.info, 'errors.worstColumn')?.value ?? '', /^d: PSNR [\d.]+ dB/, 'flat, off by 0.01 of the table\'s range 8, is not the worst');
    assert.equal(slightly.worstColumn, 3, 'the views select the same column the figures name');
    const lost = tableReport(ds, values.map((v, i) => v + (i % 4 === 2 ? 3 : 0.001)));
    assert.match(findRow(lost.info, 'errors.worstColumn')?.value ?? '', /^flat: PSNR [\d.]+ dB, max abs error \/ its range 0\.3/);
    assert.equal(lost.worstColumn, 2);
    const flatTable = { ...ds, values: values.map(() => 0.5) };
    assert.equal(findRow(tableReport(flatTable, flatTable.values.map((v) => v + 0.01)).info, 'errors.worstColumn')?.value, 'a: one value throughout in the original, not reproduced exactly');
  });

  it('builds plotly figures for every part, with unique ids, in both themes', () => {
    const light = buildFigures(frames, 'light');
    const ids = light.map((f) => f.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ['sizes', 'tradeoff', 'loss', 'frame-first', 'frame-middle', 'frame-last', 'residuals-0', 'reldiff-0']) {
      assert.ok(ids.includes(id), id);
    }
    const heatmaps = light.find((f) => f.id === 'frame-first')!.data as Array<{ type: string }>;
    assert.deepEqual(heatmaps.map((t) => t.type), ['heatmap', 'heatmap', 'heatmap']);
    const dark = buildFigures(frames, 'dark');
    assert.deepEqual(dark.map((f) => f.id), ids);
    const font = (f: { layout: object }) => (f.layout as { font: { color: string } }).font.color;
    assert.notEqual(font(light[0]), font(dark[0]));
    const json = JSON.stringify(light);
    assert.doesNotMatch(json, /NaN|Infinity/);

    const table = tableReport(generateJets({ rows: 300 }), generateJets({ rows: 300 }).values.map((v) => v * 1.001));
    const tableIds = buildFigures(table, 'light').map((f) => f.id);
    assert.equal(tableIds.filter((id) => id.startsWith('residuals-')).length, 24);
    assert.equal(tableIds.filter((id) => id.startsWith('reldiff-')).length, 24);
    assert.ok(!tableIds.some((id) => id.startsWith('frame-')));
    assert.deepEqual(table.tradeoff?.map((p) => p.label), ['this file', 'decoder shared by 8 files', 'decoder shared by 32 files', 'decoder shared by 128 files'],
      'without a search record: this file and its decoder shared, no estimated points');
  });

  it('draws no trade-off chart for a file without a decoder, and no axis ever uses SI suffixes', () => {
    const ds = generateJets({ rows: 300 });
    const reconstructed = ds.values.map((v) => v * 1.0001);
    const h = history(3);
    const info = { ...fakeInfo(ds, reconstructed, 'eb.npz', 0, 0, h), mode: 'error-bounded' as const, errorBound: 'rel:1e-3' };
    info.sizes = { ...info.sizes, residuals: 900, total: 1212, file: 1212 };
    const r = buildReportData({ title: 'eb', original: ds, reconstructed, info, history: h });
    assert.equal(r.tradeoff, undefined);
    assert.ok(!buildFigures(r, 'light').some((f) => f.id === 'tradeoff'));
    assert.equal(findRow(r.info, 'sizes.decoder')?.value, 'none (this mode needs no decoder)');
    assert.ok(r.bound && r.bound.absolute?.length === 24, 'rel on a table: one absolute bound per column');
    assert.match(findRow(r.info, 'bound.met')?.value ?? '', /^(yes|NO): max error = \d\.\d{3} × bound$/);
    for (const f of [...buildFigures(r, 'light'), ...buildFigures(frames, 'light')]) {
      assert.doesNotMatch(JSON.stringify(f.layout), /"exponentformat":"SI"/, f.id);
    }
  });
});

describe('report data: edge cases', () => {
  it('handles an empty frame set and non-finite originals without breaking JSON', () => {
    const empty: Dataset = { kind: 'frames', shape: [0, 4, 4], dtype: 'float32', names: [], values: new Float64Array(0) };
    const h = history(1);
    const r = buildReportData({ title: 'e', original: empty, reconstructed: new Float64Array(0), info: fakeInfo(empty, new Float64Array(0), 'e.npz', 0, 0, h) });
    assert.deepEqual(r.frames, []);
    const ds: Dataset = { kind: 'frames', shape: [2, 2, 2], dtype: 'float32', names: [], values: Float64Array.from([NaN, 1, 2, 3, 4, 5, 6, Infinity]) };
    const rec = Float64Array.from([NaN, 1, 2, 3, 4, 5, 6, 7]);
    const withNan = buildReportData({ title: 'n', original: ds, reconstructed: rec, info: fakeInfo(ds, rec, 'n.npz', 1, 1, h) });
    assert.equal(withNan.errors.nonFiniteMismatches, 1);
    assert.equal(withNan.errors.psnr, 'Infinity');
    assert.deepEqual(JSON.parse(JSON.stringify(withNan)), withNan);
    assert.doesNotMatch(JSON.stringify(buildFigures(withNan, 'dark')), /NaN|Infinity|null/);
  });
});

describe('report of a file with several arrays', () => {
  it('reports the .baler\'s first array against that array of the original, which holds others too', async () => {
    const { compress, buildReport } = await import('../../src/kernel/pipeline');
    const { encodeNpz } = await import('../../src/kernel/data/npz');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-report-arrays-'));
    try {
      const input = path.join(dir, 'two.npz');
      const wave = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i / 11));
      fs.writeFileSync(input, encodeNpz([
        { name: 'field', array: { dtype: 'float32', shape: [20, 64], data: wave(20 * 64, 1) } },
        { name: 'other', array: { dtype: 'float32', shape: [30, 3], data: wave(90, 100) } },
      ]));
      for (const [name, opts] of [['all', {}], ['one', { dataset: 'field' }]] as const) {
        const output = path.join(dir, `${name}.baler`);
        await compress(input, { ...opts, output, errorBound: 'rel:1e-3', learned: 'none' });
        const report = await buildReport(output);
        assert.ok(Number(report.errors.maxAbsError) <= 1e-3 * 2, `${name}: the field's errors (range 2), not the other array's`);
        assert.match(report.title, /field/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
