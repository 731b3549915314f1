// Notebook renderer for application/vnd.baler.report+json: the dashboard's figures inline in a notebook
// output, kept compact: the headline, the rows folded away, the overview charts two to a row, and the
// histograms of one column at a time with a picker (a wide table would otherwise be dozens of charts).
import { headline } from '../src/kernel/report/info-rows';
import { isReportData, type ReportData } from '../src/kernel/report/types';
import { auditLayout, currentTheme, drawReport, onThemeChange, renderSections } from './plotting';

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
.baler-report .baler-summary { opacity: 0.85; margin-bottom: 6px; }
.baler-report details { margin: 4px 0 8px; }
.baler-report .sections { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 0 24px; }
.baler-report table.info th { font-weight: normal; opacity: 0.8; text-align: left; padding-right: 12px; }
.baler-report .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 8px; }
.baler-report .plot { min-height: 260px; }
.baler-report .column-picker { display: block; margin: 8px 0 4px; }
.baler-report .error { color: var(--vscode-errorForeground); }`;

export function activate(_ctx: RendererContext) {
  const redraws = new Map<string, () => void>();
  onThemeChange(() => redraws.forEach((redraw) => redraw()));
  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement): Promise<void> {
      const value = item.json() as { title?: string; data?: unknown };
      element.replaceChildren();
      const root = document.createElement('div');
      root.className = 'baler-report';
      const style = document.createElement('style');
      style.textContent = STYLE;
      const heading = document.createElement('h3');
      heading.textContent = `Baler report: ${value.title ?? ''}`;
      root.append(style, heading);
      element.appendChild(root);
      if (!isReportData(value.data)) {
        const err = document.createElement('div');
        err.className = 'error';
        err.textContent = 'this report was written by another version of Baler: run the cell again';
        root.appendChild(err);
        return;
      }
      const data: ReportData = value.data;
      const summary = document.createElement('div');
      summary.className = 'baler-summary';
      summary.textContent = headline(data.info);
      const details = document.createElement('details');
      const caption = document.createElement('summary');
      caption.textContent = 'Sizes, ratios and errors';
      const rows = document.createElement('div');
      rows.className = 'sections';
      renderSections(rows, data.info);
      details.append(caption, rows);
      const plots = document.createElement('div');
      root.append(summary, details, plots);
      const draw = async () => {
        try {
          await loadPlotly();
          await drawReport(plots, data, currentTheme(), { columns: 'picker' });
          root.dataset.layoutIssues = auditLayout(plots).join(' | ');
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
