// The project view webview: beside a project config, that project's measured trade-off points, the loss
// curve (live while training), residual histograms per column, the quality reached against its target and
// the settings in the editor (changed ones marked, with a run offered when not measured yet). Messages:
// src/webview-protocol/project.ts.
import { liveLossFigure, lossFigure, paletteFor, tradeoffFigure } from '../src/kernel/report/figures';
import { formatBytes, formatDb, formatNumber, formatRatio } from '../src/kernel/report/format';
import { buildFigures } from '../src/kernel/report/figures';
import { POINT_SETTING_KEYS, type ProjectPoint, type ProjectResults } from '../src/kernel/project/results-types';
import { jsonNumber, type ReportTradeoffPoint } from '../src/kernel/report/types';
import {
  BusyNotification, EditorStateNotification, LiveLossCommand, ProjectActionCommand, ProjectErrorNotification,
  ProjectRenderedCommand, ProjectResultsNotification, TrainEndNotification, TrainProgressNotification,
  TrainStartNotification, type EditorState, type LossPoint, type ProjectAction,
} from '../src/webview-protocol/project';
import { onNotification, ready, reportError, send } from './ipc';
import { clearPlots, currentTheme, drawFigure, firstColumn, onThemeChange, plotly, renderSections } from './plotting';

let results: ProjectResults | undefined;
let editor: EditorState | undefined;
let training = false;
let livePoints = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}
const byId = (id: string) => document.getElementById(id) as HTMLElement;

const BUTTONS: [ProjectAction, string, string][] = [
  ['train', 'Train', 'train the project\'s autoencoder (output/training/)'],
  ['compress', 'Compress', 'compress the project\'s data (output/compressed_output/) and add its point'],
  ['decompress', 'Decompress', 'restore the data (output/decompressed_output/)'],
  ['plot', 'Plot', 'write the HTML report (output/plotting/report.html)'],
  ['openResults', 'Open Results', 'show the output folder in the explorer'],
];

function layout(): void {
  const buttons = BUTTONS.map(([action, label, title]) => {
    const b = el('button', { title, textContent: label });
    b.dataset.action = action;
    b.addEventListener('click', () => send(ProjectActionCommand, { action }));
    return b;
  });
  byId('app').className = '';
  byId('app').replaceChildren(
    el('h1', { id: 'title', textContent: 'Baler project' }),
    el('div', { className: 'buttons' }, ...buttons),
    el('div', { id: 'busy', className: 'status' }),
    el('div', { id: 'message', className: 'status' }),
    el('div', { className: 'two' }, el('section', { id: 'settings' }), el('section', { id: 'quality' })),
    el('section', { id: 'tradeoff-section' }, el('h2', { textContent: 'File size versus decoder size (measured)' }), el('div', { id: 'tradeoff' }), el('div', { id: 'points' })),
    el('section', {}, el('h2', { id: 'loss-title', textContent: 'Training' }), el('div', { id: 'loss' })),
    el('section', {}, el('h2', { textContent: 'Residuals per column' }), el('div', { id: 'columns' })),
    el('details', { id: 'rows-section' }, el('summary', { textContent: 'The compressed file: sizes, ratios, errors' }), el('div', { id: 'rows', className: 'sections' })),
    el('div', { id: 'notes', className: 'status' }),
  );
}

function settingsTable(): void {
  const section = byId('settings');
  const rows: HTMLElement[] = [];
  const settings = editor?.settings ?? results?.settings ?? {};
  for (const [key, value] of Object.entries(settings)) {
    const changed = editor?.changed.includes(key) ?? false;
    const tr = el('tr', { className: changed ? 'changed' : '' }, el('th', { textContent: key }), el('td', { textContent: String(value) }),
      el('td', { className: 'note', textContent: changed ? 'changed' : '' }));
    tr.dataset.key = key;
    rows.push(tr);
  }
  const offer: (HTMLElement | string)[] = [];
  if (editor?.parseError) offer.push(el('div', { className: 'error', textContent: editor.parseError }));
  else if (editor && !editor.measured) {
    const run = el('button', { id: 'run-settings', textContent: editor.dirty ? 'Save and run these settings' : 'Run these settings', title: 'compress with these settings into output/runs/ and add the point to the chart' });
    run.addEventListener('click', () => send(ProjectActionCommand, { action: 'runSettings' }));
    offer.push(el('p', { className: 'status', textContent: 'These settings have no measured point yet.' }), run);
  } else if (editor?.measured) offer.push(el('p', { className: 'status', textContent: 'These settings are measured: ★ on the chart.' }));
  section.replaceChildren(el('h2', { textContent: 'Settings in the editor' }), el('table', { className: 'info' }, ...rows), ...offer);
}

function qualityCard(): void {
  const q = results?.quality;
  const section = byId('quality');
  if (!q) {
    section.replaceChildren(el('h2', { textContent: 'Quality against the target' }), el('p', { className: 'status', textContent: 'nothing compressed yet' }));
    return;
  }
  const mark = q.met === null ? '' : q.met ? '✓ met' : '✗ not met';
  const card = el('div', { className: `card ${q.met === false ? 'bad' : ''}` },
    el('div', { className: 'label', textContent: `target: ${q.target}` }),
    el('div', { className: 'value', id: 'quality-value', textContent: q.reached }),
    el('div', { className: 'note', textContent: mark }));
  section.replaceChildren(el('h2', { textContent: 'Quality against the target' }), card);
}

/** The point measured with exactly the settings now in the editor. */
function isCurrent(p: ProjectPoint): boolean {
  const s = editor?.settings as Record<string, unknown> | undefined;
  const settings = p.settings as unknown as Record<string, unknown>;
  return !!s && POINT_SETTING_KEYS.every((k) => (s[k] ?? null) === (settings[k] ?? null));
}

async function drawTradeoff(): Promise<number> {
  const container = byId('tradeoff');
  clearPlots(container);
  const points = results?.points ?? [];
  const chartPoints: ReportTradeoffPoint[] = points.map((p) => ({
    label: p.label, latentBytes: p.latentBytes + p.residualBytes, decoderBytes: p.decoderBytes, totalBytes: p.totalBytes,
    psnr: p.psnr === null ? 'Infinity' : jsonNumber(p.psnr), current: isCurrent(p),
  }));
  const original = results?.report?.summary.sizes.original ?? 0;
  const fig = tradeoffFigure(chartPoints, original, paletteFor(currentTheme()), 'Total bytes (decoder counted) against decoder bytes');
  if (fig) await drawFigure(container, fig);
  else container.replaceChildren(el('p', { className: 'status', textContent: points.length === 0 ? 'No measured points yet: Compress, or change a setting and run it.' : 'Only points without a decoder so far (listed below).' }));
  const head = el('tr', {}, ...['settings', 'total', 'decoder', 'latents + residuals', 'ratio (total)', 'PSNR', 'max abs error', 'from'].map((h) => el('th', { textContent: h })));
  const rows = [...points].sort((a, b) => a.totalBytes - b.totalBytes).map((p) => {
    const tr = el('tr', { className: isCurrent(p) ? 'current' : '' }, ...[
      p.label, formatBytes(p.totalBytes), p.decoderBytes > 0 ? formatBytes(p.decoderBytes) : 'none', formatBytes(p.latentBytes + p.residualBytes),
      formatRatio(p.ratioTotal), p.psnr === null ? formatDb(Infinity) : formatDb(p.psnr), formatNumber(p.maxAbsError), p.source,
    ].map((t) => el('td', { textContent: t })));
    return tr;
  });
  byId('points').replaceChildren(points.length ? el('table', { className: 'points' }, head, ...rows) : '');
  return fig ? chartPoints.filter((p) => p.decoderBytes > 0).length : 0;
}

async function drawLoss(): Promise<void> {
  if (training) return;
  const container = byId('loss');
  clearPlots(container);
  if (results?.loss) {
    await drawFigure(container, lossFigure(results.loss, paletteFor(currentTheme())));
    byId('loss-title').textContent = 'Last training';
  } else container.replaceChildren(el('p', { className: 'status', textContent: 'Not trained yet: Train draws the loss curve here, live.' }));
}

async function drawColumns(): Promise<void> {
  const container = byId('columns');
  clearPlots(container);
  const report = results?.report;
  if (!report) {
    container.replaceChildren(el('p', { className: 'status', textContent: 'Compress the project to see the residuals of each column.' }));
    return;
  }
  const figures = buildFigures(report, currentTheme()).filter((f) => f.group === 'columns');
  const select = el('select', { id: 'column' });
  for (const c of report.columns) select.appendChild(el('option', { value: String(c.index), textContent: c.name }));
  select.value = String(firstColumn(report));
  const grid = el('div', { className: 'grid' });
  const show = async () => {
    clearPlots(grid);
    for (const f of figures.filter((f) => f.column === Number(select.value))) await drawFigure(grid, f);
  };
  select.addEventListener('change', () => void show());
  container.replaceChildren(el('label', { className: 'column-picker', textContent: `Column (${report.columns.length} of ${report.columnCount}): ` }, select), grid);
  await show();
}

async function render(): Promise<void> {
  if (!results) return;
  byId('title').textContent = `Baler project ${results.workspace}/${results.project}`;
  settingsTable();
  qualityCard();
  const tradeoffPoints = await drawTradeoff();
  await drawLoss();
  await drawColumns();
  if (results.info) renderSections(byId('rows'), results.info);
  byId('notes').textContent = results.notes.join(' · ');
  send(ProjectRenderedCommand, {
    project: `${results.workspace}/${results.project}`,
    plots: Array.from(document.querySelectorAll<HTMLElement>('.plot')).map((p) => p.dataset.figure ?? ''),
    tradeoffPoints,
    settingsRows: byId('settings').querySelectorAll('tr').length,
    quality: results.quality ? `${results.quality.target}: ${results.quality.reached}` : undefined,
  });
}

// ---------------------------------------------------------------- live training

async function trainStart(title: string): Promise<void> {
  training = true;
  livePoints = 0;
  const container = byId('loss');
  clearPlots(container);
  byId('loss-title').textContent = `Training ${title} (live)`;
  await drawFigure(container, liveLossFigure(`Training ${title}: loss per epoch`, currentTheme()));
}

function trainProgress(points: LossPoint[], epochs: number, eta: number): void {
  const div = byId('loss').querySelector<HTMLElement>('.js-plotly-plot');
  if (!div || points.length === 0) return;
  const val = points.filter((p) => p.valLoss !== undefined);
  plotly().extendTraces(div, { x: [points.map((p) => p.epoch), val.map((p) => p.epoch)], y: [points.map((p) => p.loss), val.map((p) => p.valLoss)] }, [0, 1]);
  livePoints += points.length;
  const last = points[points.length - 1];
  const range = ((div as unknown as { _fullLayout?: { xaxis?: { range?: [number, number] } } })._fullLayout?.xaxis?.range ?? [0, 0]) as [number, number];
  send(LiveLossCommand, { points: livePoints, xRange: [Number(range[0]), Number(range[1])], lastEpoch: last.epoch });
  if (epochs > 0) byId('message').textContent = `training: epoch ${last.epoch}/${epochs} · loss ${formatNumber(last.loss)} · ETA ${Math.round(eta)} s`;
}

onNotification(ProjectResultsNotification, async (params) => {
  results = params.results;
  editor = params.editor;
  await render();
});
onNotification(EditorStateNotification, async (state) => {
  editor = state;
  settingsTable();
  await drawTradeoff();
});
onNotification(BusyNotification, ({ task }) => {
  byId('busy').textContent = task ? `${task}…` : '';
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('button'))) b.disabled = !!task;
});
onNotification(TrainStartNotification, ({ title }) => trainStart(title));
onNotification(TrainProgressNotification, ({ points, epochs, etaSeconds }) => trainProgress(points, epochs, etaSeconds));
onNotification(TrainEndNotification, ({ message }) => {
  training = false;
  byId('message').textContent = message;
});
onNotification(ProjectErrorNotification, ({ message }) => {
  byId('notes').replaceChildren(el('div', { className: 'error', textContent: message }));
});
onThemeChange(() => void render().catch(reportError));
layout();
ready();
