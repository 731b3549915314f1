// Shared by the dashboard webview and the notebook renderer: draws the report's figures with plotly
// (loaded as a global from dist/webviews/plotly.min.js) for the light or dark theme.
import { buildFigures, formatNumber, type Theme } from '../src/kernel/report/figures';
import { reportNumber, type ReportData, type ReportNumber } from '../src/kernel/report/data';

export interface PlotlyLike {
  newPlot(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  react(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  extendTraces(el: HTMLElement, update: object, indices: number[]): unknown;
  purge(el: HTMLElement): void;
}

export function plotly(): PlotlyLike {
  const p = (globalThis as unknown as { Plotly?: PlotlyLike }).Plotly;
  if (!p) throw new Error('plotly.js did not load');
  return p;
}

/** VS Code marks the theme on <body> (vscode-light, vscode-dark, vscode-high-contrast[-light]). */
export function currentTheme(doc: Document = document): Theme {
  const cls = doc.body.classList;
  if (cls.contains('vscode-light') || cls.contains('vscode-high-contrast-light')) return 'light';
  return 'dark';
}

/** A report figure for summary lines, written as the charts write it. */
export function formatReportNumber(v: ReportNumber): string {
  return formatNumber(reportNumber(v));
}

export const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };

/** Lets the page background show through, so the figures follow the editor's background. */
function transparent(layout: object): object {
  return { ...layout, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)' };
}

/** Draws every figure of the report into `container`; returns the titles drawn. */
export async function drawReport(container: HTMLElement, data: ReportData, theme: Theme): Promise<string[]> {
  const P = plotly();
  for (const el of Array.from(container.children)) P.purge(el as HTMLElement);
  container.replaceChildren();
  const figures = buildFigures(data, theme);
  for (const fig of figures) {
    const div = document.createElement('div');
    div.className = 'plot';
    div.dataset.figure = fig.id;
    container.appendChild(div);
    await P.newPlot(div, fig.data, transparent(fig.layout), PLOT_CONFIG);
  }
  return figures.map((f) => f.title);
}

/** Re-runs `redraw` whenever VS Code switches between light and dark themes. */
export function onThemeChange(redraw: (theme: Theme) => void, doc: Document = document): void {
  let theme = currentTheme(doc);
  new MutationObserver(() => {
    const next = currentTheme(doc);
    if (next !== theme) {
      theme = next;
      redraw(next);
    }
  }).observe(doc.body, { attributes: true, attributeFilter: ['class'] });
}
