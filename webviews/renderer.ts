// Notebook renderer for application/vnd.baler.report+json: draws the dashboard's figures inline in a
// notebook output (VS Code renders no plotly output by itself). plotly.js is loaded once from beside this file.
import type { ReportData } from '../src/kernel/report/data';
import { currentTheme, drawReport, formatReportNumber, onThemeChange } from './plotting';

interface OutputItem {
  id: string;
  json(): unknown;
}

interface RendererContext {
  postMessage?(message: unknown): void;
}

let plotlyLoading: Promise<void> | undefined;

function loadPlotly(): Promise<void> {
  if ((globalThis as { Plotly?: unknown }).Plotly) return Promise.resolve();
  plotlyLoading ??= new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('./plotly.min.js', import.meta.url).toString();
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.appendChild(script);
  });
  return plotlyLoading;
}

const STYLE = `.baler-report h3 { margin: 4px 0; font-weight: 600; }
.baler-report .baler-summary { opacity: 0.8; margin-bottom: 6px; }
.baler-report .plot { min-height: 300px; margin-bottom: 8px; }
.baler-report .error { color: var(--vscode-errorForeground); }`;

export function activate(_ctx: RendererContext) {
  const redraws = new Map<string, () => void>();
  onThemeChange(() => redraws.forEach((redraw) => redraw()));
  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement): Promise<void> {
      const { title, data } = item.json() as { title: string; data: ReportData };
      element.replaceChildren();
      const root = document.createElement('div');
      root.className = 'baler-report';
      const style = document.createElement('style');
      style.textContent = STYLE;
      const heading = document.createElement('h3');
      heading.textContent = `Baler report: ${title}`;
      const summary = document.createElement('div');
      summary.className = 'baler-summary';
      summary.textContent = `total ratio ${formatReportNumber(data.summary.ratios.total)}× (decoder counted) · latents only ${formatReportNumber(data.summary.ratios.latentOnly)}× · PSNR ${formatReportNumber(data.errors.psnr)} dB`;
      const plots = document.createElement('div');
      root.append(style, heading, summary, plots);
      element.appendChild(root);
      const draw = async () => {
        try {
          await loadPlotly();
          await drawReport(plots, data, currentTheme());
        } catch (err) {
          plots.textContent = `could not draw the report: ${(err as Error).message}`;
          plots.className = 'error';
        }
      };
      redraws.set(item.id, () => void draw());
      await draw();
    },
    disposeOutputItem(id?: string): void {
      if (id) redraws.delete(id);
      else redraws.clear();
    },
  };
}
