// The dashboard webview: draws a .baler report (sizes, trade-off, loss, frames, histograms) and a live loss
// curve while training. Messages are typed in src/extension/messages.ts.
import type { ReportData } from '../src/kernel/report/data';
import type { DashboardInbound, DashboardOutbound, LossPoint } from '../src/extension/messages';
import { currentTheme, drawReport, formatReportNumber, onThemeChange, plotly, PLOT_CONFIG } from './plotting';

declare function acquireVsCodeApi(): { postMessage(m: DashboardOutbound): void; setState(s: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const $ = (id: string) => document.getElementById(id) as HTMLElement;
let report: ReportData | undefined;
let livePoints = 0;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

async function showReport(title: string, data: ReportData): Promise<void> {
  report = data;
  $('title').textContent = `Baler Dashboard: ${title}`;
  const r = data.summary.ratios;
  $('status').textContent = `total ratio ${formatReportNumber(r.total)}× (decoder counted) · latents only ${formatReportNumber(r.latentOnly)}× · PSNR ${formatReportNumber(data.errors.psnr)} dB · max abs error ${formatReportNumber(data.errors.maxAbsError)}`;
  await redraw();
}

async function redraw(): Promise<void> {
  if (!report) return;
  try {
    const titles = await drawReport($('plots'), report, currentTheme());
    vscode.postMessage({ type: 'rendered', plots: document.querySelectorAll('#plots .js-plotly-plot').length, titles });
  } catch (err) {
    $('status').innerHTML = '';
    $('status').appendChild(errorText(`could not draw the report: ${(err as Error).message}`));
    vscode.postMessage({ type: 'renderError', message: (err as Error).message });
  }
}

function errorText(message: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'error';
  el.textContent = message;
  return el;
}

// ---------------------------------------------------------------- live loss curve

function lossLayout(title: string, epochs: number): object {
  const fg = cssVar('--vscode-foreground', '#888');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  return {
    title: { text: title, font: { color: fg } },
    paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)', font: { color: fg },
    xaxis: { title: { text: 'epoch' }, range: [0, Math.max(1, epochs)], gridcolor: grid },
    yaxis: { title: { text: 'loss (log)' }, type: 'log', gridcolor: grid },
    margin: { t: 40, r: 20, b: 45, l: 60 }, height: 320, showlegend: true,
  };
}

async function trainStart(title: string, epochs: number): Promise<void> {
  const live = $('live');
  live.replaceChildren();
  livePoints = 0;
  const div = document.createElement('div');
  div.id = 'live-loss';
  div.className = 'plot';
  live.appendChild(div);
  $('status').textContent = `training ${title}…`;
  const traces = [
    { x: [], y: [], name: 'loss', mode: 'lines', type: 'scatter' },
    { x: [], y: [], name: 'validation loss', mode: 'lines', type: 'scatter' },
  ];
  await plotly().newPlot(div, traces, lossLayout(`Training ${title}: loss`, epochs), PLOT_CONFIG);
}

function trainProgress(points: LossPoint[], epochs: number, eta: number): void {
  const div = document.getElementById('live-loss');
  if (!div || points.length === 0) return;
  const val = points.filter((p) => p.valLoss !== undefined);
  plotly().extendTraces(div, { x: [points.map((p) => p.epoch), val.map((p) => p.epoch)], y: [points.map((p) => p.loss), val.map((p) => p.valLoss)] }, [0, 1]);
  livePoints += points.length;
  vscode.postMessage({ type: 'liveLoss', points: livePoints });
  const last = points[points.length - 1];
  if (epochs > 0) $('status').textContent = `epoch ${last.epoch}/${epochs} · loss ${formatReportNumber(last.loss)} · ETA ${Math.round(eta)} s`;
}

window.addEventListener('message', (event: MessageEvent<DashboardInbound>) => {
  const m = event.data;
  switch (m.type) {
    case 'report': void showReport(m.title, m.data); break;
    case 'trainStart': void trainStart(m.title, m.epochs); break;
    case 'trainProgress': trainProgress(m.points, m.epochs, m.etaSeconds); break;
    case 'trainEnd': $('status').textContent = m.message; break;
    case 'error': $('status').replaceChildren(errorText(m.message)); break;
  }
});

onThemeChange(() => void redraw());
vscode.postMessage({ type: 'ready' });
