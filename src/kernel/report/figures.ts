// Plotly figure specifications built from ReportData: pure data, no DOM, so the self-contained HTML report
// and the VS Code dashboard draw exactly the same figures (Plotly.newPlot(div, fig.data, fig.layout)).
import {
  reportNumber,
  type ReportColumn,
  type ReportData,
  type ReportFrame,
  type ReportHistogram,
  type ReportLoss,
  type ReportTradeoffPoint,
} from './data';

export type Theme = 'light' | 'dark';

export interface FigureSpec {
  id: string;
  title: string;
  data: object[];
  layout: object;
}

interface Palette {
  text: string;
  grid: string;
  muted: string;
  series: string[];
}

const PALETTES: Record<Theme, Palette> = {
  light: { text: '#1f2328', grid: '#d8dee4', muted: '#6e7781', series: ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00'] },
  dark: { text: '#d4d4d4', grid: '#3c3c3c', muted: '#9da5b4', series: ['#4fc1ff', '#f48771', '#89d185', '#e2c08d', '#c586c0', '#ce9178'] },
};

export function buildFigures(data: ReportData, theme: Theme): FigureSpec[] {
  const palette = PALETTES[theme];
  const figures: FigureSpec[] = [sizeFigure(data, palette)];
  if (data.tradeoff && data.tradeoff.length > 0) figures.push(tradeoffFigure(data, data.tradeoff, palette));
  if (data.loss) figures.push(lossFigure(data.loss, palette));
  for (const frame of data.frames ?? []) figures.push(frameFigure(frame, palette));
  for (const column of data.columns) {
    figures.push(histogramFigure(column, 'residuals', palette));
    figures.push(histogramFigure(column, 'relativeDifferences', palette));
  }
  return figures;
}

function baseLayout(title: string, palette: Palette, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: plotlyText(title), font: { size: 14 }, x: 0, xanchor: 'left' },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { color: palette.text, family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12 },
    margin: { l: 60, r: 20, t: 40, b: 50 },
    height: 320,
    showlegend: false,
    ...extra,
  };
}

function axis(title: string, palette: Palette, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(title ? { title: { text: title } } : {}), gridcolor: palette.grid, zerolinecolor: palette.grid, automargin: true, ...extra };
}

function sizeFigure(data: ReportData, palette: Palette): FigureSpec {
  const s = data.summary.sizes;
  const parts: Array<[string, number]> = [
    ['latents', s.latents],
    [s.decoderShared ? 'decoder (shared file)' : 'decoder', s.decoder],
    ['residuals', s.residuals],
    ['header', s.header],
  ];
  const percent = (b: number) => (s.originalFile > 0 ? ` (${formatPercent((100 * b) / s.originalFile)})` : '');
  const bars = {
    type: 'bar',
    x: parts.map(([name]) => name),
    y: parts.map(([, bytes]) => bytes),
    text: parts.map(([, bytes]) => formatBytes(bytes) + percent(bytes)),
    textposition: 'outside',
    cliponaxis: false,
    marker: { color: palette.series.slice(0, 4) },
    hovertemplate: '%{x}: %{y:,} bytes<extra></extra>',
  };
  const title = `Size breakdown: total ${formatBytes(s.total)} = ${formatPercent((100 * s.total) / Math.max(1, s.originalFile))} of the original file (${formatBytes(s.originalFile)})`;
  return {
    id: 'sizes',
    title,
    data: [bars],
    layout: baseLayout(title, palette, {
      xaxis: axis('', palette),
      yaxis: axis('bytes', palette, { rangemode: 'tozero' }),
      margin: { l: 60, r: 20, t: 50, b: 40 },
    }),
  };
}

function tradeoffFigure(data: ReportData, points: ReportTradeoffPoint[], palette: Palette): FigureSpec {
  const psnr = points.map((p) => reportNumber(p.psnr));
  const finitePsnr = psnr.map((v) => (Number.isFinite(v) ? v : null));
  const scatter = {
    type: 'scatter',
    mode: 'markers+text',
    x: points.map((p) => Math.max(1, p.decoderBytes)),
    y: points.map((p) => p.totalBytes),
    text: points.map((p) => plotlyText(p.label)),
    textposition: points.map((p) => labelPosition(p.decoderBytes, points)),
    cliponaxis: false,
    customdata: points.map((p, i) => [p.latentBytes, formatDb(psnr[i]), p.filesSharingDecoder ?? 1]),
    hovertemplate: '%{text}<br>decoder %{x:,} B<br>latents %{customdata[0]:,} B<br>total %{y:,} B<br>PSNR %{customdata[1]}<br>files sharing the decoder: %{customdata[2]}<extra></extra>',
    marker: {
      size: 12,
      color: finitePsnr,
      colorscale: 'Viridis',
      showscale: true,
      colorbar: { title: { text: 'PSNR dB', side: 'right' }, thickness: 12, x: 1.02 },
      line: { color: palette.text, width: 1 },
    },
  };
  const original = data.summary.sizes.originalFile;
  const title = 'File size versus decoder size';
  const xs = scatter.x, ys = [...scatter.y, original];
  const logRange = (v: number[], below: number, above: number) =>
    [Math.log10(Math.max(1, Math.min(...v))) - below, Math.log10(Math.max(1, Math.max(...v))) + above];
  return {
    id: 'tradeoff',
    title,
    data: [scatter],
    layout: baseLayout(title, palette, {
      height: 380,
      xaxis: axis('decoder bytes', palette, { type: 'log', dtick: 1, exponentformat: 'SI', range: logRange(xs, 0.3, 0.3) }),
      yaxis: axis('total bytes', palette, { type: 'log', dtick: 1, exponentformat: 'SI', range: logRange(ys, 0.3, 0.4) }),
      shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: original, y1: original, line: { color: palette.muted, dash: 'dash', width: 1.5 } }],
      annotations: [{ xref: 'paper', x: 0, xanchor: 'left', y: Math.log10(Math.max(1, original)), yanchor: 'bottom', showarrow: false, text: 'original file', font: { color: palette.muted } }],
    }),
  };
}

/** Labels lean away from the plot's left and right edges so they stay readable. */
function labelPosition(decoderBytes: number, points: ReportTradeoffPoint[]): string {
  const logs = points.map((p) => Math.log10(Math.max(1, p.decoderBytes)));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const at = hi > lo ? (Math.log10(Math.max(1, decoderBytes)) - lo) / (hi - lo) : 0.5;
  return at > 0.7 ? 'top left' : at < 0.3 ? 'top right' : 'top center';
}

function lossFigure(loss: ReportLoss, palette: Palette): FigureSpec {
  const series = (values: ReportLoss['loss']) => values.map((v) => {
    const n = reportNumber(v);
    return Number.isFinite(n) && n > 0 ? n : null;
  });
  const traces: object[] = [
    { type: 'scatter', mode: 'lines', name: 'training loss', x: loss.epochs, y: series(loss.loss), line: { color: palette.series[0], width: 2 } },
  ];
  if (loss.valLoss.length > 0) {
    traces.push({ type: 'scatter', mode: 'lines', name: 'validation loss', x: loss.epochs, y: series(loss.valLoss), line: { color: palette.series[1], width: 2 } });
  }
  if (loss.learningRate.length > 0) {
    traces.push({ type: 'scatter', mode: 'lines', name: 'learning rate', x: loss.epochs, y: series(loss.learningRate), yaxis: 'y2', line: { color: palette.muted, width: 1.5, dash: 'dot', shape: 'hv' } });
  }
  const title = `Training: ${loss.totalEpochs} epochs in ${formatSeconds(loss.seconds)} on ${loss.backend} (stopped: ${loss.stoppedBecause})`;
  return {
    id: 'loss',
    title,
    data: traces,
    layout: baseLayout(title, palette, {
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: -0.25 },
      margin: { l: 60, r: 70, t: 40, b: 70 },
      xaxis: axis('epoch', palette),
      yaxis: axis('loss (MSE, log)', palette, { type: 'log', dtick: 1, exponentformat: 'power' }),
      yaxis2: axis('learning rate', palette, { type: 'log', nticks: 4, overlaying: 'y', side: 'right', showgrid: false, exponentformat: 'e' }),
    }),
  };
}

/** Original, reconstruction (one shared colour scale) and residual (diverging, symmetric) side by side. */
function frameFigure(frame: ReportFrame, palette: Palette): FigureSpec {
  const [lo, hi] = extent([...frame.original, ...frame.reconstructed]);
  const [rlo, rhi] = extent(frame.residual);
  const residualLimit = Math.max(Math.abs(rlo), Math.abs(rhi)) || 1e-12;
  const heatmap = (z: number[][], axisIndex: number, coloraxis: string) => ({
    type: 'heatmap',
    z,
    xaxis: axisIndex === 1 ? 'x' : `x${axisIndex}`,
    yaxis: axisIndex === 1 ? 'y' : `y${axisIndex}`,
    coloraxis,
    hovertemplate: 'row %{y}, column %{x}: %{z:.4g}<extra></extra>',
  });
  const domains = [[0, 0.29], [0.345, 0.635], [0.71, 1]];
  const layoutAxes: Record<string, unknown> = {};
  const names = ['original', 'reconstructed', 'residual (reconstructed − original)'];
  const annotations = names.map((text, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    // Relative to the subplot's own (square-constrained) domain, so the caption sits centred above it.
    return { xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0.5, y: 1, yanchor: 'bottom', showarrow: false, text, font: { size: 12 } };
  });
  domains.forEach(([a, b], i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    layoutAxes[`xaxis${suffix}`] = { domain: [a, b], anchor: `y${suffix}`, showgrid: false, zeroline: false, ticks: '', showticklabels: false, constrain: 'domain' };
    layoutAxes[`yaxis${suffix}`] = { anchor: `x${suffix}`, showgrid: false, zeroline: false, ticks: '', showticklabels: false, scaleanchor: `x${suffix}`, constrain: 'domain' };
  });
  const which = frame.worst && frame.label !== 'worst' ? `${frame.label} (worst)` : frame.label;
  const title = `Frame ${frame.index} (${which}): RMSE ${formatNumber(reportNumber(frame.rmse))}`;
  return {
    id: `frame-${frame.label}`,
    title,
    data: [heatmap(frame.original, 1, 'coloraxis'), heatmap(frame.reconstructed, 2, 'coloraxis'), heatmap(frame.residual, 3, 'coloraxis2')],
    layout: baseLayout(title, palette, {
      height: 300,
      margin: { l: 10, r: 10, t: 50, b: 10 },
      ...layoutAxes,
      annotations,
      coloraxis: { colorscale: 'Viridis', cmin: lo, cmax: hi, colorbar: { x: 0.3, xanchor: 'left', thickness: 10, len: 0.9 } },
      coloraxis2: { colorscale: 'RdBu', reversescale: true, cmin: -residualLimit, cmax: residualLimit, colorbar: { x: 1.0, xanchor: 'left', thickness: 10, len: 0.9 } },
    }),
  };
}

function histogramFigure(column: ReportColumn, which: 'residuals' | 'relativeDifferences', palette: Palette): FigureSpec {
  const h = column[which];
  const { centers, width } = binCenters(h);
  const isResidual = which === 'residuals';
  const label = isResidual ? 'residual (reconstructed − original)' : 'relative difference (reconstructed − original) / original';
  const outside = [
    h.underflow > 0 ? `${h.underflow.toLocaleString('en-US')} below` : '',
    h.overflow > 0 ? `${h.overflow.toLocaleString('en-US')} above` : '',
    h.skipped > 0 ? `${h.skipped.toLocaleString('en-US')} ${isResidual ? 'non-finite' : 'zero or non-finite originals'} not shown` : '',
  ].filter(Boolean).join(', ');
  const title = `${column.name}: ${isResidual ? 'residuals' : 'relative differences'}${outside ? ` (${outside})` : ''}`;
  return {
    id: `${isResidual ? 'residuals' : 'reldiff'}-${column.index}`,
    title,
    data: [{
      type: 'bar',
      x: centers,
      y: h.counts,
      width,
      marker: { color: isResidual ? palette.series[0] : palette.series[4] },
      hovertemplate: '%{x:.4g}: %{y:,}<extra></extra>',
    }],
    layout: baseLayout(title, palette, {
      height: 260,
      bargap: 0,
      margin: { l: 60, r: 20, t: 40, b: 45 },
      xaxis: axis(label, palette, { exponentformat: 'e' }),
      yaxis: axis('count', palette),
    }),
  };
}

function binCenters(h: ReportHistogram): { centers: number[]; width: number } {
  const lo = reportNumber(h.lo), hi = reportNumber(h.hi);
  const width = (hi - lo) / Math.max(1, h.counts.length);
  return { centers: h.counts.map((_, i) => lo + (i + 0.5) * width), width };
}

function extent(rows: number[][]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const row of rows) for (const v of row) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** Plotly renders a subset of HTML in text: names from the data are shown literally. */
function plotlyText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes, u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${v} B` : `${v.toPrecision(3)} ${units[u]}`;
}

export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '∞ %';
  return p >= 10 ? `${p.toFixed(1)}%` : p >= 0.1 ? `${p.toFixed(2)}%` : `${p.toPrecision(2)}%`;
}

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(3) : Number(x.toPrecision(4)).toString();
}

export function formatDb(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(1)} dB` : x > 0 ? '∞ (exact)' : formatNumber(x);
}

function formatSeconds(s: number): string {
  return s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}
