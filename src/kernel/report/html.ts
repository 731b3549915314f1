// The self-contained HTML report: one file with plotly.js inlined, the summary tables and every figure of
// buildFigures. Works offline; nothing is fetched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { reportNumber, type ReportData, type ReportNumber } from './data';
import { buildFigures, formatBytes, formatDb, formatNumber, formatPercent, type FigureSpec } from './figures';

let plotlySource: string | undefined;

/** plotly.min.js: beside the bundle (dist/webviews/) when bundled, else from node_modules. */
export function locatePlotly(): string {
  const candidates = [path.join(__dirname, 'webviews', 'plotly.min.js')];
  try {
    candidates.push(require.resolve('plotly.js-dist-min/plotly.min.js'));
  } catch {
    // not installed beside the sources; only the bundled copy can serve
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new BalerError('plotly.min.js not found (expected in dist/webviews/ or node_modules/plotly.js-dist-min/)');
  return found;
}

function loadPlotly(): string {
  plotlySource ??= fs.readFileSync(locatePlotly(), 'utf8');
  return plotlySource;
}

export function renderReportHtml(data: ReportData): string {
  const figures = buildFigures(data, 'light');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
<script>${inlineScript(loadPlotly())}</script>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="muted">${escapeHtml(data.summary.file)} · generated ${escapeHtml(data.generatedAt)} by ${escapeHtml(data.summary.createdBy)}</p>
</header>
${headlineCards(data)}
<section class="tables">
${summaryTable(data)}
${errorTable(data)}
</section>
${figureSections(data, figures)}
${columnTable(data)}
</main>
<script type="application/json" id="baler-figures">${jsonForScript(figures)}</script>
<script>${inlineScript(BOOTSTRAP)}</script>
</body>
</html>
`;
}

function headlineCards(data: ReportData): string {
  const r = data.summary.ratios;
  const cards: Array<[string, string, string]> = [
    ['total size', formatPercent(reportNumber(r.totalPercentOfFile)), `of the original file, everything needed to decompress (${formatRatio(r.total)})`],
    ['latents only', formatRatio(r.latentOnly), 'ratio without the decoder, as the reference tool reports it'],
    ['PSNR', formatDb(reportNumber(data.errors.psnr)), `RMSE ${formatNumber(reportNumber(data.errors.rmse))} over a range of ${formatNumber(reportNumber(data.errors.range))}`],
    ['max abs error', formatNumber(reportNumber(data.errors.maxAbsError)), `${formatPercent(100 * ratioOf(data.errors.maxAbsError, data.errors.range))} of the range`],
  ];
  return `<section class="cards">${cards.map(([label, value, note]) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`).join('')}</section>`;
}

function summaryTable(data: ReportData): string {
  const s = data.summary;
  const z = s.sizes;
  const pct = (b: number) => (z.originalFile > 0 ? formatPercent((100 * b) / z.originalFile) : '');
  const rows: Array<[string, string, string?]> = [
    ['data', `${s.kind}, shape ${s.shape.join(' × ')}, ${s.dtype}`],
    ['mode', s.mode + (s.errorBound ? `, error bound ${s.errorBound}` : '')],
  ];
  if (s.model) rows.push(['model', s.model]);
  if (s.latentPrecision || s.entropy) rows.push(['coding', [s.latentPrecision && `latents ${s.latentPrecision}`, s.entropy && `entropy ${s.entropy}`].filter(Boolean).join(', ')]);
  rows.push(
    ['original file', formatBytes(z.originalFile), '100%'],
    ['original as float32', formatBytes(z.originalFloat32), pct(z.originalFloat32)],
    ['latents', formatBytes(z.latents), pct(z.latents)],
    [z.decoderShared ? 'decoder (shared model file)' : 'decoder', formatBytes(z.decoder), pct(z.decoder)],
    ['residuals', formatBytes(z.residuals), pct(z.residuals)],
    ['header', formatBytes(z.header), pct(z.header)],
    ['total', formatBytes(z.total), pct(z.total)],
    ['.baler file', formatBytes(z.file), pct(z.file)],
  );
  const ratioRow = `<tr><th>ratio</th><td colspan="2"><span class="pair"><b>${escapeHtml(formatRatio(s.ratios.latentOnly))}</b> latents only</span>` +
    `<span class="pair"><b>${escapeHtml(formatRatio(s.ratios.total))}</b> total (decoder counted)</span></td></tr>` +
    `<tr><th>vs float32 content</th><td colspan="2"><span class="pair"><b>${escapeHtml(formatRatio(s.ratios.latentOnlyVsFloat32))}</b> latents only</span>` +
    `<span class="pair"><b>${escapeHtml(formatRatio(s.ratios.totalVsFloat32))}</b> total</span></td></tr>`;
  return `<table class="summary" id="summary"><caption>Summary</caption><tbody>
${rows.map(([k, v, p]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td><td class="num">${escapeHtml(p ?? '')}</td></tr>`).join('\n')}
${ratioRow}
</tbody></table>`;
}

function errorTable(data: ReportData): string {
  const e = data.errors;
  const rows: Array<[string, string]> = [
    ['PSNR (range / RMSE)', formatDb(reportNumber(e.psnr))],
    ['RMSE', formatNumber(reportNumber(e.rmse))],
    ['RMSE / range', formatNumber(reportNumber(e.nrmse))],
    ['max abs error', formatNumber(reportNumber(e.maxAbsError))],
    ['max relative error', formatNumber(reportNumber(e.maxRelError))],
    ['value range', formatNumber(reportNumber(e.range))],
    ['values compared', e.compared.toLocaleString('en-US')],
  ];
  if (e.nonFiniteMismatches > 0) rows.push(['non-finite values not reproduced', e.nonFiniteMismatches.toLocaleString('en-US')]);
  return `<table class="summary" id="errors"><caption>Errors (measured on the values read back)</caption><tbody>
${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="num">${escapeHtml(v)}</td></tr>`).join('\n')}
</tbody></table>`;
}

function figureSections(data: ReportData, figures: FigureSpec[]): string {
  const div = (f: FigureSpec) =>
    `<figure><figcaption>${escapeHtml(f.title)}</figcaption><div class="figure" id="${escapeHtml(f.id)}"></div></figure>`;
  const group = (prefix: string) => figures.filter((f) => f.id.startsWith(prefix));
  const sections: string[] = [];
  const overview = figures.filter((f) => ['sizes', 'tradeoff', 'loss'].includes(f.id));
  sections.push(`<section><h2>Sizes and training</h2><div class="grid two">${overview.map(div).join('')}</div></section>`);
  const frames = group('frame-');
  if (frames.length > 0) sections.push(`<section><h2>Frames</h2>${frames.map(div).join('')}</section>`);
  const histograms = data.columns.map((c) => [`residuals-${c.index}`, `reldiff-${c.index}`]).flat()
    .map((id) => figures.find((f) => f.id === id))
    .filter((f): f is FigureSpec => f !== undefined);
  const omitted = data.columnCount - data.columns.length;
  const note = omitted > 0 ? `<p class="muted">Showing the ${data.columns.length} columns with the largest RMSE relative to their range; ${omitted} more are listed in the table below.</p>` : '';
  sections.push(`<section><h2>Residuals and relative differences</h2>${note}<div class="grid two">${histograms.map(div).join('')}</div></section>`);
  return sections.join('\n');
}

function columnTable(data: ReportData): string {
  if (data.columns.length <= 1) return '';
  const rows = data.columns.map((c) => `<tr><td>${c.index}</td><td>${escapeHtml(c.name)}</td>` +
    [c.min, c.max, c.rmse, c.maxAbs].map((v) => `<td class="num">${escapeHtml(formatNumber(reportNumber(v)))}</td>`).join('') +
    `<td class="num">${escapeHtml(formatPercent(100 * ratioOf(c.rmse, subtract(c.max, c.min))))}</td></tr>`).join('\n');
  return `<section><h2>Per column</h2><table class="columns" id="columns"><thead><tr><th>#</th><th>column</th>${['min', 'max', 'RMSE', 'max abs error', 'RMSE / range'].map((h) => `<th class="num">${h}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function formatRatio(x: ReportNumber): string {
  const v = reportNumber(x);
  if (!Number.isFinite(v)) return '∞×';
  return v >= 100 ? `${v.toFixed(0)}×` : v >= 10 ? `${v.toFixed(1)}×` : `${v.toFixed(2)}×`;
}

function ratioOf(a: ReportNumber, b: ReportNumber | number): number {
  const d = reportNumber(b);
  return d > 0 ? reportNumber(a) / d : 0;
}

function subtract(a: ReportNumber, b: ReportNumber): number {
  return reportNumber(a) - reportNumber(b);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Makes JavaScript safe inside an inline <script>: no "</script" to end it early and no "<!--" to switch the
 * HTML parser into its escaped state. Both only ever occur inside string literals in the sources inlined here,
 * where the \x3C escape keeps their meaning.
 */
export function inlineScript(js: string): string {
  return js.replace(/<\/script/gi, '\\x3C/script').replace(/<!--/g, '\\x3C!--');
}

/** JSON inside <script type="application/json">: escaping "<" keeps the parser from seeing tags. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const BOOTSTRAP = `
(function () {
  var figures = JSON.parse(document.getElementById('baler-figures').textContent);
  var config = { displaylogo: false, displayModeBar: 'hover', responsive: true, toImageButtonOptions: { format: 'svg' } };
  figures.forEach(function (f) {
    var el = document.getElementById(f.id);
    if (!el) return;
    // The page shows each title as a caption above the plot, clear of plotly's mode bar.
    var layout = Object.assign({}, f.layout, { title: undefined });
    layout.margin = Object.assign({}, layout.margin, { t: Math.max(10, ((layout.margin || {}).t || 40) - 30) });
    Plotly.newPlot(el, f.data, layout, config);
  });
  document.body.setAttribute('data-figures-drawn', String(figures.length));
})();
`;

const STYLE = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d8dee4; --bg: #ffffff; --card: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; margin: 20px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 26px; font-weight: 600; color: var(--accent); }
.card .note { color: var(--muted); font-size: 12px; }
.tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 24px; align-items: start; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: 4px 0 8px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 500; color: var(--muted); white-space: nowrap; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
.columns th { color: var(--fg); font-weight: 600; background: var(--card); }
.pair { display: inline-block; margin-right: 24px; }
.pair b { font-size: 16px; }
.grid.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; font-size: 13px; padding: 8px 0 0; overflow-wrap: anywhere; }
.figure { min-height: 200px; }
`;
