// One FileInfo, every view: `baler info`, the output channel, notifications, the .baler viewer, the
// dashboard (ReportData), a notebook cell and the HTML report all render the one table of rows, so they
// state the same ratios and errors. Run on an error-bounded file (no decoder: the case where a second ratio
// definition once showed "latents only ∞×" in the dashboard against 32.5× everywhere else) and an autoencoder.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileInfo } from '../../src/kernel/api';
import { generateJets } from '../../src/kernel/demo/jets';
import { formatInfo } from '../../src/cli/format';
import { infoOutput } from '../../src/kernel/cell';
import { buildReportData } from '../../src/kernel/report/data';
import { renderReportHtml } from '../../src/kernel/report/html';
import { formatRatio, relativeSize } from '../../src/kernel/report/format';
import { findRow, headline, infoSections, sectionsHtml, sectionsMarkdown, type InfoSection } from '../../src/kernel/report/info-rows';
import { infoText, resultSummary } from '../../src/extension/format';
import { fakeInfo } from '../fixtures/report-sample';
import { ratiosOf } from '../../src/kernel/inspect';

const KEYS = ['ratio.total', 'ratio.latentOnly', 'errors.psnr', 'errors.maxAbsError', 'sizes.decoder'] as const;

/** The value each view shows for `key`: from text, markdown or HTML, found by the row's label. */
function valueIn(rendered: string, sections: InfoSection[], key: string, format: 'text' | 'markdown' | 'html'): string | undefined {
  const row = findRow(sections, key)!;
  const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
  if (format === 'html') return new RegExp(`<tr data-key="${key.replace('.', '\\.')}"><th>[^<]*</th><td>([^<]*)</td>`).exec(rendered)?.[1]?.replace(/&amp;/g, '&');
  const lines = rendered.split('\n');
  if (format === 'markdown') {
    const line = lines.find((l) => unescape(l).startsWith(`| ${row.label} |`));
    return line && unescape(line).slice(`| ${row.label} | `.length, -2);
  }
  const line = lines.find((l) => l.trimStart().startsWith(`${row.label}  `));
  return line?.trim().slice(row.label.length).trim();
}

function errorBoundedInfo(): FileInfo {
  const ds = generateJets({ rows: 200 });
  const reconstructed = ds.values.map((v) => v + 1e-4);
  const info = fakeInfo(ds, reconstructed, '/data/jets.baler', 0, 0, { loss: [], valLoss: [], learningRate: [], epochs: 0, seconds: 0, stoppedBecause: 'epochs', backend: '' });
  const sizes = { ...info.sizes, latents: 0, decoder: 0, residuals: 1_000, total: 1_312, file: 1_312 };
  return {
    ...info, mode: 'error-bounded', errorBound: 'abs:1e-3', architecture: undefined, sizes,
    ratios: ratiosOf(sizes),
  };
}

function everyView(info: FileInfo) {
  const ds = generateJets({ rows: 200 });
  const reconstructed = ds.values.map((v) => v + 1e-4);
  const report = buildReportData({ title: 'jets.baler', original: ds, reconstructed, info });
  const cell = infoOutput(info);
  assert.equal(cell.kind, 'info');
  return {
    sections: infoSections(info),
    views: [
      ['baler info', formatInfo(info), infoSections(info, { fullPath: true }), 'text'],
      ['output channel', infoText(info), infoSections(info, { fullPath: true }), 'text'],
      ['.baler viewer', sectionsHtml(infoSections(info)), infoSections(info), 'html'],
      ['dashboard', sectionsHtml(report.info), report.info, 'html'],
      ['notebook cell', cell.kind === 'info' ? sectionsMarkdown(cell.sections) : '', infoSections(info), 'markdown'],
      ['HTML report', renderReportHtml(report), report.info, 'html'],
    ] as const,
    report,
  };
}

function autoencoderInfo(): FileInfo {
  const ds = generateJets({ rows: 200 });
  const rec = ds.values.map((v) => v * 1.001);
  return fakeInfo(ds, rec, '/data/jets.baler', 3_000, 40_000, { loss: [1, 0.5], valLoss: [], learningRate: [1e-3, 1e-3], epochs: 2, seconds: 1, stoppedBecause: 'epochs', backend: 'cpu' });
}

describe('one table of rows for every view', () => {
  const cases: [string, () => FileInfo][] = [['error-bounded file', errorBoundedInfo], ['autoencoder file', autoencoderInfo]];
  for (const [name, make] of cases) {
    it(`states the same figures in every view (${name})`, () => {
      const info = make();
      const { sections, views } = everyView(info);
      for (const key of KEYS) {
        const expected = findRow(sections, key)?.value;
        assert.ok(expected, `${key} is a row`);
        for (const [view, rendered, viewSections, format] of views) {
          assert.equal(valueIn(rendered, viewSections, key, format), expected, `${view}: ${key}`);
        }
      }
      assert.ok(resultSummary(info).includes(findRow(sections, 'ratio.total')!.value), 'notification');
      assert.equal(headline(sections), resultSummary(info));
    });
  }

  it('says the truth about a file without a decoder: no "∞×", no "0 B (embedded)", the bound met', () => {
    const info = errorBoundedInfo();
    const sections = infoSections(info);
    assert.equal(findRow(sections, 'ratio.latentOnly')?.value, formatRatio(info.ratios.latentOnly));
    assert.doesNotMatch(JSON.stringify(sections), /∞×|0 B \(embedded\)/);
    assert.equal(findRow(sections, 'sizes.decoder')?.value, 'none (this mode needs no decoder)');
    assert.equal(findRow(sections, 'bound.absolute')?.value, '|x′ − x| ≤ 0.001');
    assert.match(findRow(sections, 'bound.met')?.value ?? '', /^yes: max error = 0\.\d{3} × bound$/);
  });

  it('calls a 1-D array a series, and states its rel bound in data units with the max error against it (not "each column\'s range")', () => {
    const base = errorBoundedInfo();
    const series: FileInfo = { ...base, shape: [200], names: [], errorBound: 'rel:0.001', errors: { ...base.errors, range: 4, maxAbsError: 0.002 }, arrays: undefined };
    const sections = infoSections(series);
    assert.match(findRow(sections, 'data')?.value ?? '', /^1-D series, shape 200, /);
    assert.equal(findRow(sections, 'bound.absolute')?.value, '0.001 × range 4 = 0.004');
    assert.equal(findRow(sections, 'bound.met')?.value, 'yes: max error = 0.500 × bound');
    const table = infoSections({ ...series, shape: [100, 2] });
    assert.match(findRow(table, 'bound.absolute')?.value ?? '', /each column's range/);
  });

  it('a bound broken against a report\'s original says that original is not the data the file was compressed from', () => {
    const info = errorBoundedInfo();
    assert.equal(findRow(infoSections(info, { boundCheck: { maxRatio: 0.99, absolute: [1e-3] } }), 'bound.met')?.value, 'yes: max error = 0.990 × bound');
    assert.match(findRow(infoSections(info, { boundCheck: { maxRatio: 1.1, absolute: [1e-3] } }), 'bound.met')?.value ?? '',
      /^NO: max error = 1\.100 × bound: these are not the values the file was compressed from/);
  });

  it('gives a huge relative error its context, and writes small numbers as 4e-5, not 40μ', () => {
    const info = errorBoundedInfo();
    info.errors = { ...info.errors, maxRelError: 77, maxAbsError: 4e-5 };
    const sections = infoSections(info);
    assert.match(findRow(sections, 'errors.maxRelError')?.value ?? '', /^77 \(at values near zero/);
    assert.equal(findRow(sections, 'errors.maxAbsError')?.value, '4e-5');
  });

  it('names a worst column of one value that did not come back exact, instead of "PSNR −∞, error / range ∞"', () => {
    const info = errorBoundedInfo();
    info.errors = { ...info.errors, worstColumn: { column: 2, psnr: -Infinity, maxErrorOverRange: Infinity } };
    assert.equal(findRow(infoSections(info), 'errors.worstColumn')?.value, `${info.names[2]}: one value throughout in the original, not reproduced exactly`);
    info.errors = { ...info.errors, worstColumn: { column: 2, psnr: 31.5, maxErrorOverRange: 0.02 } };
    assert.equal(findRow(infoSections(info), 'errors.worstColumn')?.value, `${info.names[2]}: PSNR 31.5 dB, max abs error / its range 0.02`);
  });

  it('of several arrays, states every mode and the worst array\'s errors and bound, not the first array\'s', () => {
    // A netCDF file: a coordinate stored losslessly first, then a field coded within rel:1e-4.
    const info = errorBoundedInfo();
    const exact = { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 358 };
    const lossy = { rmse: 0.001, nrmse: 3e-5, psnr: 89.8, maxAbsError: 0.0035, maxRelError: 0.01, range: 35.7 };
    const arrays: NonNullable<FileInfo['arrays']> = [
      { path: 'COADSX', kind: 'table', shape: [180], dtype: 'float64', names: [], mode: 'lossless', errors: exact },
      { path: 'SST', kind: 'frames', shape: [12, 90, 180], dtype: 'float32', names: [], mode: 'error-bounded', errorBound: 'rel:0.0001', errors: lossy },
    ];
    const first = { ...info, kind: 'table' as const, shape: [180], dtype: 'float64', names: [], mode: 'lossless' as const, errorBound: undefined, errors: exact, arrays };
    const sections = infoSections(first);
    assert.equal(findRow(sections, 'mode')?.value, 'lossless (every value exact): 1 array; error-bounded (bound rel:0.0001): 1 array');
    assert.match(findRow(sections, 'data')?.value ?? '', /^2 arrays .*the first, COADSX: 1-D series, shape 180, float64$/);
    assert.equal(findRow(sections, 'errors.psnr')?.value, '89.8 dB');
    assert.equal(findRow(sections, 'errors.maxAbsError')?.value, '0.0035');
    assert.match(sections.find((s) => s.key === 'errors')?.title ?? '', /^Errors of SST, the largest error/);
    assert.match(findRow(sections, 'bound.absolute')?.value ?? '', /^1e-4 × range 35\.7/);
    assert.match(headline(sections), /PSNR 89\.8 dB · max abs error 0\.0035 · bound met: max error = 0\.980 × bound/);
  });

  it('no view outside the kernel computes a ratio or keeps its own number formatter', () => {
    const roots = ['src/extension', 'webviews', 'src/cli'];
    const files = roots.flatMap((r) => walk(path.resolve(__dirname, '..', '..', r))).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 10);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /sizeRatios|originalFile\s*\/|\/\s*[\w.]*sizes\.(total|latents)\b/, `${file} computes a ratio itself`);
      assert.doesNotMatch(text, /function (fmtNumber|formatNumber|formatBytes|formatRatio|escapeHtml)\b/, `${file} defines its own formatter`);
    }
  });
});

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('report: sizes compared', () => {
  it('says which is smaller and by how much, never "0.71× larger"', () => {
    assert.equal(relativeSize(100, 210), '2.10× smaller');
    assert.equal(relativeSize(130, 100), '1.30× larger');
    assert.equal(relativeSize(86651, 61523), '1.41× larger');
    assert.equal(relativeSize(5, 5), 'the same size');
  });
});
