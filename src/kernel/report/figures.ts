// Plotly figure specifications built from ReportData: pure data, no DOM, so the self-contained HTML report,
// the dashboard, the notebook renderer and the project view draw exactly the same figures
// (Plotly.newPlot(div, fig.data, fig.layout)). Numbers on axes and colour bars are never SI-suffixed.
import { formatBytes, formatDb, formatNumber, formatPercent, formatSeconds, PLOT_NUMBER_FORMAT } from './format';
import { findRow } from './info-rows';
import { plotlyText } from './text';
import {
  reportNumber, type ReportColumn, type ReportData, type ReportFrame, type ReportHistogram, type ReportLoss,
  type ReportTradeoffPoint,
} from './types';

export type Theme = 'light' | 'dark';

export interface FigureSpec {
  id: string;
  title: string;
  /** overview: sizes, trade-off, loss; frames; columns: the histograms of one column (see `column`). */
  group: 'overview' | 'frames' | 'columns';
  column?: number;
  data: object[];
  layout: object;
}

export interface Palette {
  text: string;
  grid: string;
  muted: string;
  series: string[];
}

const PALETTES: Record<Theme, Palette> = {
  light: { text: '#1f2328', grid: '#d8dee4', muted: '#6e7781', series: ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00'] },
  dark: { text: '#d4d4d4', grid: '#3c3c3c', muted: '#9da5b4', series: ['#4fc1ff', '#f48771', '#89d185', '#e2c08d', '#c586c0', '#ce9178'] },
};

export function paletteFor(theme: Theme): Palette {
  return PALETTES[theme];
}

export function buildFigures(data: ReportData, theme: Theme): FigureSpec[] {
  const palette = PALETTES[theme];
  const figures: FigureSpec[] = [sizeFigure(data, palette)];
  const tradeoff = data.tradeoff && tradeoffFigure(data.tradeoff, data.summary.sizes.original, palette);
  if (tradeoff) figures.push(tradeoff);
  if (data.loss) figures.push(lossFigure(data.loss, palette));
  for (const frame of data.frames ?? []) figures.push(frameFigure(frame, palette));
  for (const column of data.columns) {
    figures.push(histogramFigure(column, 'residuals', data, palette));
    figures.push(histogramFigure(column, 'relativeDifferences', data, palette));
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
    [s.decoderShared ? 'decoder (shared file)' : s.decoder === 0 ? 'decoder (none)' : 'decoder', s.decoder],
    ['residuals', s.residuals],
    ['header', s.header],
  ];
  const percent = (b: number) => (s.original > 0 ? ` (${formatPercent((100 * b) / s.original)})` : '');
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
  const total = findRow(data.info, 'sizes.total')?.value ?? formatBytes(s.total);
  const title = `Size breakdown: total ${total}`;
  return {
    id: 'sizes',
    title,
    group: 'overview',
    data: [bars],
    layout: baseLayout(title, palette, {
      xaxis: axis('', palette),
      yaxis: axis('bytes', palette, { rangemode: 'tozero', tickformat: PLOT_NUMBER_FORMAT }),
      margin: { l: 60, r: 20, t: 50, b: 40 },
    }),
  };
}

/**
 * Total bytes against decoder bytes, both on log axes labelled in bytes. Points without a decoder (the
 * error-bounded coder) cannot sit on a log axis: they are horizontal lines at their total instead.
 */
export function tradeoffFigure(points: ReportTradeoffPoint[], original: number, palette: Palette, title = 'File size versus decoder size'): FigureSpec | undefined {
  const withDecoder = points.filter((p) => p.decoderBytes > 0);
  if (withDecoder.length === 0) return undefined;
  const without = points.filter((p) => p.decoderBytes <= 0);
  const psnr = withDecoder.map((p) => reportNumber(p.psnr));
  const finite = psnr.filter(Number.isFinite);
  // A colour scale only when the points differ in quality; an exact point (∞ dB) takes its top.
  const scaled = new Set(finite).size > 1;
  const colour = scaled ? psnr.map((v) => (Number.isFinite(v) ? v : Math.max(...finite))) : palette.series[0];
  const scatter = {
    type: 'scatter',
    mode: 'markers+text',
    x: withDecoder.map((p) => p.decoderBytes),
    y: withDecoder.map((p) => p.totalBytes),
    text: withDecoder.map((p) => plotlyText(p.label)),
    textposition: withDecoder.map((p) => labelPosition(p.decoderBytes, withDecoder)),
    cliponaxis: false,
    customdata: withDecoder.map((p, i) => [p.latentBytes, formatDb(psnr[i]), p.filesSharingDecoder ?? 1]),
    hovertemplate: '%{text}<br>decoder %{x:,} B<br>latents + residuals %{customdata[0]:,} B<br>total %{y:,} B<br>PSNR %{customdata[1]}<br>files sharing the decoder: %{customdata[2]}<extra></extra>',
    marker: {
      size: withDecoder.map((p) => (p.current ? 16 : 11)),
      symbol: withDecoder.map((p) => (p.current ? 'star' : 'circle')),
      color: colour,
      colorscale: 'Viridis',
      showscale: scaled,
      colorbar: { title: { text: 'PSNR dB', side: 'right' }, thickness: 12, x: 1.02, tickformat: PLOT_NUMBER_FORMAT },
      line: { color: palette.text, width: 1 },
    },
  };
  const xs = withDecoder.map((p) => p.decoderBytes);
  const ys = [...withDecoder.map((p) => p.totalBytes), ...without.map((p) => p.totalBytes), original].filter((v) => v > 0);
  const lines = [
    { y: original, text: 'original', dash: 'dash', color: palette.muted },
    ...without.map((p) => ({ y: p.totalBytes, text: `${plotlyText(p.label)} (no decoder): ${formatBytes(p.totalBytes)}`, dash: 'dot', color: palette.series[2] })),
  ].filter((l) => l.y > 0);
  return {
    id: 'tradeoff',
    title,
    group: 'overview',
    data: [scatter],
    layout: baseLayout(title, palette, {
      height: 380,
      xaxis: axis('decoder bytes', palette, { type: 'log', ...byteTicks(xs), range: logRange(xs, 0.3, 0.3) }),
      yaxis: axis('total bytes (decoder counted)', palette, { type: 'log', ...byteTicks(ys), range: logRange(ys, 0.3, 0.4) }),
      shapes: lines.map((l) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: l.y, y1: l.y, line: { color: l.color, dash: l.dash, width: 1.5 } })),
      annotations: lines.map((l) => ({ xref: 'paper', x: 0, xanchor: 'left', y: Math.log10(l.y), yanchor: 'bottom', showarrow: false, text: l.text, font: { color: l.color } })),
    }),
  };
}

function logRange(values: number[], below: number, above: number): [number, number] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [0, 1];
  return [Math.log10(Math.min(...positive)) - below, Math.log10(Math.max(...positive)) + above];
}

/** Decade ticks labelled in bytes (10 kB, 100 kB, 1 MB) rather than plotly's SI numbers. */
function byteTicks(values: number[]): { tickvals: number[]; ticktext: string[] } {
  const [lo, hi] = logRange(values, 0.3, 0.4);
  const tickvals: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) tickvals.push(10 ** e);
  return { tickvals, ticktext: tickvals.map(formatBytes) };
}

/** Labels lean away from the plot's left and right edges so they stay readable. */
function labelPosition(decoderBytes: number, points: ReportTradeoffPoint[]): string {
  const logs = points.map((p) => Math.log10(p.decoderBytes));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const at = hi > lo ? (Math.log10(decoderBytes) - lo) / (hi - lo) : 0.5;
  return at > 0.7 ? 'top left' : at < 0.3 ? 'top right' : 'top center';
}

export function lossFigure(loss: ReportLoss, palette: Palette): FigureSpec {
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
    group: 'overview',
    data: traces,
    layout: baseLayout(title, palette, {
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: -0.25 },
      margin: { l: 60, r: 70, t: 40, b: 70 },
      xaxis: axis('epoch', palette),
      yaxis: axis('loss (MSE, log)', palette, { type: 'log', dtick: 1, exponentformat: 'power' }),
      yaxis2: axis('learning rate', palette, { type: 'log', nticks: 4, overlaying: 'y', side: 'right', showgrid: false, exponentformat: 'e', tickformat: PLOT_NUMBER_FORMAT }),
    }),
  };
}

/**
 * Original and reconstruction (one shared colour scale, its bar right of the reconstruction) and the residual
 * (diverging, symmetric, its bar at the right edge). The bars are shorter than the panels and sit in their own
 * gaps, so they never run into the next panel's caption.
 */
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
  const domains = [[0, 0.26], [0.29, 0.55], [0.71, 0.97]];
  const layoutAxes: Record<string, unknown> = {};
  // Short captions: a long one overhangs its (square, narrow) panel into the colour bar beside it.
  const names = ['original', 'reconstructed', 'residual'];
  const annotations = names.map((text, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    // Relative to the subplot's own (square-constrained) domain, so the caption sits centred above it.
    return { xref: `x${suffix} domain`, yref: `y${suffix} domain`, x: 0.5, y: 1.02, yanchor: 'bottom', showarrow: false, text, font: { size: 12 } };
  });
  domains.forEach(([a, b], i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    layoutAxes[`xaxis${suffix}`] = { domain: [a, b], anchor: `y${suffix}`, showgrid: false, zeroline: false, ticks: '', showticklabels: false, constrain: 'domain' };
    layoutAxes[`yaxis${suffix}`] = { domain: [0, 0.9], anchor: `x${suffix}`, showgrid: false, zeroline: false, ticks: '', showticklabels: false, scaleanchor: `x${suffix}`, constrain: 'domain' };
  });
  const colorbar = (x: number) => ({ x, xanchor: 'left', y: 0.45, yanchor: 'middle', len: 0.75, thickness: 10, tickformat: PLOT_NUMBER_FORMAT, exponentformat: 'e' });
  const which = frame.worst && frame.label !== 'worst' ? `${frame.label} (worst)` : frame.label;
  const title = `Frame ${frame.index} (${which}): RMSE ${formatNumber(reportNumber(frame.rmse))}; residual = reconstructed − original`;
  return {
    id: `frame-${frame.label}`,
    title,
    group: 'frames',
    data: [heatmap(frame.original, 1, 'coloraxis'), heatmap(frame.reconstructed, 2, 'coloraxis'), heatmap(frame.residual, 3, 'coloraxis2')],
    layout: baseLayout(title, palette, {
      height: 300,
      margin: { l: 10, r: 10, t: 50, b: 10 },
      ...layoutAxes,
      annotations,
      coloraxis: { colorscale: 'Viridis', cmin: lo, cmax: hi, colorbar: colorbar(0.565) },
      coloraxis2: { colorscale: 'RdBu', reversescale: true, cmin: -residualLimit, cmax: residualLimit, colorbar: colorbar(0.98) },
    }),
  };
}

/** The bound in data units for a column's residuals, or as a fraction for relative differences (pw-rel). */
function boundFor(data: ReportData, column: ReportColumn, which: 'residuals' | 'relativeDifferences'): number | undefined {
  const b = data.bound;
  if (!b) return undefined;
  if (which === 'relativeDifferences') return b.kind === 'pw-rel' ? b.value : undefined;
  if (!b.absolute || b.absolute.length === 0) return undefined;
  const v = reportNumber(b.absolute.length > 1 ? b.absolute[column.index] : b.absolute[0]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function histogramFigure(column: ReportColumn, which: 'residuals' | 'relativeDifferences', data: ReportData, palette: Palette): FigureSpec {
  const h = column[which];
  const { centers, width } = binCenters(h);
  const isResidual = which === 'residuals';
  const label = isResidual ? 'residual (reconstructed − original)' : 'relative difference (reconstructed − original) / original';
  const outside = [
    h.underflow > 0 ? `${h.underflow.toLocaleString('en-US')} below` : '',
    h.overflow > 0 ? `${h.overflow.toLocaleString('en-US')} above` : '',
    h.skipped > 0 ? `${h.skipped.toLocaleString('en-US')} ${isResidual ? 'non-finite' : 'zero or non-finite originals'} not shown` : '',
  ].filter(Boolean).join(', ');
  const bound = boundFor(data, column, which);
  const extentOfBars = Math.max(Math.abs(reportNumber(h.lo)), Math.abs(reportNumber(h.hi))) || 0;
  // Lines far outside the bars would squash them to a sliver: then the title says where the bound is.
  const drawBound = bound !== undefined && bound <= 5 * extentOfBars;
  const boundNote = bound === undefined ? '' : drawBound ? `; ±bound ${formatNumber(bound)} dashed` : `; bound ±${formatNumber(bound)} is far outside`;
  const title = `${column.name}: ${isResidual ? 'residuals' : 'relative differences'}${outside ? ` (${outside})` : ''}${boundNote}`;
  const boundLines = drawBound ? [-bound, bound].map((x) => ({ type: 'line', xref: 'x', yref: 'paper', x0: x, x1: x, y0: 0, y1: 1, line: { color: palette.series[1], dash: 'dash', width: 1.5 } })) : [];
  return {
    id: `${isResidual ? 'residuals' : 'reldiff'}-${column.index}`,
    title,
    group: 'columns',
    column: column.index,
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
      xaxis: axis(label, palette, { tickformat: PLOT_NUMBER_FORMAT, exponentformat: 'e' }),
      yaxis: axis('count', palette, { tickformat: ',d' }),
      shapes: boundLines,
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

/** An empty loss chart that live training extends point by point; its epoch axis grows with the points. */
export function liveLossFigure(title: string, theme: Theme): FigureSpec {
  const palette = PALETTES[theme];
  return {
    id: 'live-loss',
    title,
    group: 'overview',
    data: [
      { type: 'scatter', mode: 'lines+markers', marker: { size: 3 }, name: 'training loss', x: [], y: [], line: { color: palette.series[0], width: 2 } },
      { type: 'scatter', mode: 'lines+markers', marker: { size: 3 }, name: 'validation loss', x: [], y: [], line: { color: palette.series[1], width: 2 } },
    ],
    layout: baseLayout(title, palette, {
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: -0.25 },
      margin: { l: 60, r: 20, t: 40, b: 70 },
      xaxis: axis('epoch', palette, { autorange: true, rangemode: 'tozero', tickformat: ',d' }),
      yaxis: axis('loss (MSE, log)', palette, { type: 'log', autorange: true, exponentformat: 'power' }),
    }),
  };
}
