// The headline figures of a real .baler, the same in every view: a table's PSNR is its worst column's (a
// whole-table PSNR, on the range of all columns together, hides a column that lost most of its precision), with
// the whole table's beside it; the figures against float32 show only where they say something.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileInfo } from '../../src/kernel/api';
import { buildReport, compress, inspect } from '../../src/kernel/pipeline';
import { encodeNpy } from '../../src/kernel/data/npy';
import { withHeadlinePsnr } from '../../src/kernel/inspect';
import { formatDb } from '../../src/kernel/report/format';
import { renderReportHtml } from '../../src/kernel/report/html';
import { findRow, headline, infoSections, sectionsHtml } from '../../src/kernel/report/info-rows';
import { formatInfo, formatInfoJson } from '../../src/cli/format';
import { resultSummary } from '../../src/extension/format';
import { generateJets } from '../../src/kernel/demo/jets';
import { fakeInfo } from '../fixtures/report-sample';

const FLOAT32_KEYS = ['sizes.originalFloat32', 'ratio.totalVsFloat32', 'ratio.latentOnlyVsFloat32'];

describe('report: headline PSNR of a table', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-headline-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Two columns under abs:1e-3: one spans 1000 (its error is nothing), the other 0.01 (the error is a tenth of it). */
  async function tableWithOneBadColumn(): Promise<{ balerFile: string; info: FileInfo }> {
    const rows = 4000;
    const data = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      data[2 * r] = 1000 * Math.sin(r / 37) ** 2;
      data[2 * r + 1] = 0.01 * Math.cos(r / 11) ** 2;
    }
    const input = path.join(dir, 'two.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'float64', shape: [rows, 2], data }));
    const balerFile = path.join(dir, 'two.baler');
    await compress(input, { errorBound: 'abs:1e-3', kind: 'table', output: balerFile, force: true });
    return { balerFile, info: await inspect(balerFile) };
  }

  it('is the worst column\'s, with the whole table\'s as its own row, in info, --json, the dashboard and the HTML report', async () => {
    const { balerFile, info } = await tableWithOneBadColumn();
    const worst = info.errors.worstColumn;
    assert.ok(worst && info.errors.psnrWhole !== undefined, JSON.stringify(info.errors));
    assert.equal(worst.column, 1);
    assert.equal(info.errors.psnr, worst.psnr);
    assert.ok(info.errors.psnrWhole - info.errors.psnr > 30, `whole ${info.errors.psnrWhole} dB against the worst column's ${info.errors.psnr} dB`);

    const sections = infoSections(info);
    const headlinePsnr = formatDb(worst.psnr);
    assert.equal(findRow(sections, 'errors.psnr')?.value, headlinePsnr);
    assert.equal(findRow(sections, 'errors.psnrWhole')?.value, formatDb(info.errors.psnrWhole));
    assert.match(headline(sections), new RegExp(`PSNR ${headlinePsnr.replace('.', '\\.')}`));
    assert.equal(resultSummary(info), headline(sections), 'the notification');

    const json = JSON.parse(formatInfoJson(info)) as FileInfo;
    assert.equal(formatDb(json.errors.psnr), headlinePsnr, 'info --json');
    assert.ok(formatInfo(info).split('\n').some((l) => /PSNR \(worst column/.test(l) && l.trim().endsWith(headlinePsnr)), 'baler info');

    const report = await buildReport(balerFile, path.join(dir, 'two.npy'));
    assert.equal(findRow(report.info, 'errors.psnr')?.value, headlinePsnr, 'the dashboard');
    const dashboard = sectionsHtml(report.info);
    assert.ok(dashboard.includes(`<tr data-key="errors.psnr"><th>PSNR (worst column, on its own range)</th><td>${headlinePsnr}</td>`), 'the dashboard\'s table');
    const html = renderReportHtml(report);
    assert.match(html, new RegExp(`<div class="label">PSNR</div><div class="value">${headlinePsnr.replace('.', '\\.')}</div><div class="note">of the worst column; the whole table: `), 'the HTML report\'s card');
  });

  it('keeps one PSNR row for data without columns to compare', () => {
    const errors = { rmse: 0.1, nrmse: 0.01, psnr: 40, maxAbsError: 0.3, maxRelError: 0.5, range: 10 };
    assert.deepEqual(withHeadlinePsnr(errors), errors);
    const worst = { column: 3, psnr: 21.5, maxErrorOverRange: 0.2 };
    assert.deepEqual(withHeadlinePsnr({ ...errors, worstColumn: worst }), { ...errors, psnr: 21.5, psnrWhole: 40, worstColumn: worst });
  });
});

describe('report: figures against float32', () => {
  const info = (dtype: string, original: number, originalFloat32: number): FileInfo => {
    const ds = generateJets({ rows: 100 });
    const base = fakeInfo(ds, ds.values, '/d/jets.baler', 100, 0, { loss: [], valLoss: [], learningRate: [], epochs: 0, seconds: 0, stoppedBecause: 'epochs', backend: '' });
    return { ...base, dtype, sizes: { ...base.sizes, original, originalFile: original, originalFloat32 } };
  };
  const keysOf = (i: FileInfo) => FLOAT32_KEYS.filter((k) => findRow(infoSections(i), k));

  it('shows them for float64 data, where float32 content is half the original', () => {
    assert.deepEqual(keysOf(info('float64', 8_504, 4_000)), FLOAT32_KEYS);
  });

  it('leaves them out for float32 data (the same content but for the file\'s header) and for integers', () => {
    assert.deepEqual(keysOf(info('float32', 4_128, 4_000)), []);
    assert.deepEqual(keysOf(info('int16', 2_128, 4_000)), []);
    assert.deepEqual(keysOf(info('uint8', 1_128, 4_000)), []);
  });

  it('leaves them out where float64 data\'s file is within 1% of its float32 content (a CSV of short numbers)', () => {
    assert.deepEqual(keysOf(info('float64', 4_030, 4_000)), []);
    assert.deepEqual(keysOf(info('float64', 4_100, 4_000)), FLOAT32_KEYS);
  });
});
