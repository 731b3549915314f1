// The self-contained HTML report: one file with plotly.js inlined, the summary tables and every figure of
// buildFigures. Works offline; nothing is fetched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { buildFigures, type FigureSpec } from './figures';
import { formatNumber, formatPercent } from './format';
import { findRow, headline, sectionsHtml } from './info-rows';
import { escapeHtml } from './text';
import { reportNumber, type ReportData, type ReportNumber } from './types';

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
<p class="muted" id="headline">${escapeHtml(headline(data.info))}</p>
<p class="muted">${escapeHtml(data.summary.file)} · generated ${escapeHtml(data.generatedAt)} · ${escapeHtml(findRow(data.info, 'format')?.value ?? '')}</p>
</header>
${headlineCards(data)}
<section class="tables">
${sectionsHtml(data.info, 'h3')}
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

/** The four figures a reader looks for first, as the rows state them. */
function headlineCards(data: ReportData): string {
  const value = (key: string) => findRow(data.info, key)?.value ?? '—';
  const cards: Array<[string, string, string]> = [
    ['total ratio', value('ratio.total'), `everything needed to decompress, decoder counted: ${value('sizes.total')}`],
    ['latents only', value('ratio.latentOnly'), 'ratio without the decoder, as the reference tool reports it'],
    ['PSNR', value('errors.psnr'), findRow(data.info, 'errors.psnrWhole')
      ? `of the worst column; the whole table: ${value('errors.psnrWhole')}`
      : `RMSE ${value('errors.rmse')} over a range of ${value('errors.range')}`],
    data.info.some((s) => s.key === 'bound')
      ? ['bound met', value('bound.met'), `${value('bound.text')}: ${value('bound.absolute')}`]
      : ['max abs error', value('errors.maxAbsError'), `${value('errors.maxAbsOverRange')} of the range`],
  ];
  return `<section class="cards">${cards.map(([label, v, note]) =>
    `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(v)}</div><div class="note">${escapeHtml(note)}</div></div>`).join('')}</section>`;
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

function ratioOf(a: ReportNumber, b: ReportNumber | number): number {
  const d = reportNumber(b);
  return d > 0 ? reportNumber(a) / d : 0;
}

function subtract(a: ReportNumber, b: ReportNumber): number {
  return reportNumber(a) - reportNumber(b);
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
.tables h3 { font-size: 15px; margin: 8px 0 4px; }
table.info th { width: 45%; }
.columns th { color: var(--fg); font-weight: 600; background: var(--card); }
.pair { display: inline-block; margin-right: 24px; }
.pair b { font-size: 16px; }
.grid.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 8px 24px; }
figure { margin: 0; min-width: 0; }
figcaption { font-weight: 600; font-size: 13px; padding: 8px 0 0; overflow-wrap: anywhere; }
.figure { min-height: 200px; }
`;
