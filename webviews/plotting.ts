// Shared by the dashboard, the notebook renderer and the project view: draws a report's figures with plotly
// (loaded as a global from dist/webviews/plotly.min.js) for the light or dark theme, the table of rows, a
// column picker for the per-column histograms (a wide table would otherwise be dozens of full-width charts),
// and a check of what was drawn that the tests read (colour bars clear of captions, no SI-suffixed ticks).
import { buildFigures, type FigureSpec, type Theme } from '../src/kernel/report/figures';
import { sectionsHtml, type InfoSection } from '../src/kernel/report/info-rows';
import type { ReportData } from '../src/kernel/report/types';

export interface PlotlyLike {
  newPlot(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  react(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
  extendTraces(el: HTMLElement, update: object, indices: number[]): unknown;
  relayout(el: HTMLElement, update: object): Promise<unknown>;
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

export const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };

/** Lets the page background show through, so the figures follow the editor's background. */
function transparent(layout: object): object {
  return { ...layout, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: 'rgba(0,0,0,0)' };
}

export async function drawFigure(container: HTMLElement, fig: FigureSpec): Promise<HTMLElement> {
  const div = document.createElement('div');
  div.className = 'plot';
  div.dataset.figure = fig.id;
  container.appendChild(div);
  await plotly().newPlot(div, fig.data, transparent(fig.layout), PLOT_CONFIG);
  return div;
}

export function clearPlots(container: HTMLElement): void {
  for (const el of Array.from(container.querySelectorAll<HTMLElement>('.js-plotly-plot'))) plotly().purge(el);
  container.replaceChildren();
}

/** The rows every view shows, as tables (HTML built by the kernel's one renderer, escaped there). */
export function renderSections(container: HTMLElement, sections: InfoSection[]): void {
  container.innerHTML = sectionsHtml(sections, 'h3');
}

/** The column whose histograms show first: the kernel's choice (a report saved before it had one: the first). */
export function firstColumn(data: Pick<ReportData, 'columns' | 'worstColumn'>): number {
  return data.worstColumn ?? data.columns[0]?.index ?? 0;
}

export interface DrawOptions {
  /** 'picker': one column's histograms at a time with a picker (notebooks, many columns); 'all': every column. */
  columns: 'all' | 'picker';
}

/** Draws the report's figures into `container`; returns the titles drawn. */
export async function drawReport(container: HTMLElement, data: ReportData, theme: Theme, options: DrawOptions = { columns: 'all' }): Promise<string[]> {
  clearPlots(container);
  const figures = buildFigures(data, theme);
  const overview = document.createElement('div');
  overview.className = 'grid';
  container.appendChild(overview);
  const drawn: string[] = [];
  for (const fig of figures.filter((f) => f.group !== 'columns')) {
    await drawFigure(overview, fig);
    drawn.push(fig.title);
  }
  const columnFigures = figures.filter((f) => f.group === 'columns');
  if (columnFigures.length === 0) return drawn;
  const section = document.createElement('div');
  section.className = 'columns';
  container.appendChild(section);
  if (options.columns === 'all' || data.columns.length <= 1) {
    const grid = document.createElement('div');
    grid.className = 'grid';
    section.appendChild(grid);
    for (const fig of columnFigures) {
      await drawFigure(grid, fig);
      drawn.push(fig.title);
    }
    return drawn;
  }
  drawn.push(...(await drawColumnPicker(section, data, columnFigures)));
  return drawn;
}

/** A select of the columns and the histograms of the chosen one, side by side. */
async function drawColumnPicker(section: HTMLElement, data: ReportData, figures: FigureSpec[]): Promise<string[]> {
  const label = document.createElement('label');
  label.className = 'column-picker';
  label.textContent = `Residuals of column (${data.columns.length} of ${data.columnCount} shown, worst first selected): `;
  const select = document.createElement('select');
  for (const c of data.columns) {
    const option = document.createElement('option');
    option.value = String(c.index);
    option.textContent = c.name;
    select.appendChild(option);
  }
  select.value = String(firstColumn(data));
  label.appendChild(select);
  const grid = document.createElement('div');
  grid.className = 'grid';
  section.append(label, grid);
  const show = async (): Promise<string[]> => {
    clearPlots(grid);
    const chosen = figures.filter((f) => f.column === Number(select.value));
    for (const fig of chosen) await drawFigure(grid, fig);
    return chosen.map((f) => f.title);
  };
  select.addEventListener('change', () => void show());
  return show();
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

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.width > 0 && b.width > 0 && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
}

/** A tick label like "40μ" or "2k": plotly's SI suffixes, which scientists misread. */
const SI_TICK = /\d(\.\d+)?\s?[yzafpnuμmkMGTPEZY]$/;

/**
 * What a reader would trip over in the drawn plots: colour bars running into a caption or into another
 * panel, and SI-suffixed tick labels. Empty when the layout is clean.
 */
export function auditLayout(root: ParentNode): string[] {
  const issues: string[] = [];
  for (const plot of Array.from(root.querySelectorAll<HTMLElement>('.js-plotly-plot'))) {
    const id = plot.dataset.figure ?? plot.closest<HTMLElement>('[data-figure]')?.dataset.figure ?? '?';
    const bars = Array.from(plot.querySelectorAll('g.colorbar')).map((e) => e.getBoundingClientRect());
    const captions = Array.from(plot.querySelectorAll('g.annotation')).map((e) => ({ rect: e.getBoundingClientRect(), text: e.textContent ?? '' }));
    const panels = Array.from(plot.querySelectorAll('rect.nsewdrag')).map((e) => e.getBoundingClientRect());
    for (const bar of bars) {
      for (const c of captions) if (overlaps(bar, c.rect)) issues.push(`${id}: a colour bar runs into "${c.text}"`);
      const hits = panels.filter((p) => overlaps(bar, p)).length;
      if (hits > 0) issues.push(`${id}: a colour bar overlaps ${hits} panel(s)`);
    }
    for (const t of Array.from(plot.querySelectorAll('g.xtick text, g.ytick text, g.colorbar text'))) {
      const text = (t.textContent ?? '').trim();
      if (SI_TICK.test(text) && !/\d\s?[kMGT]?B$/.test(text)) issues.push(`${id}: tick label "${text}" uses an SI suffix`);
    }
  }
  return issues;
}
