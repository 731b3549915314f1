// The dashboard webview: the report of one .baler (its table of rows, sizes, trade-off, loss, frames, per
// column histograms), redrawn when the theme changes. Messages: src/webview-protocol/dashboard.ts.
import { headline } from '../src/kernel/report/info-rows';
import type { ReportData } from '../src/kernel/report/types';
import { RenderedCommand, ShowErrorNotification, ShowReportNotification } from '../src/webview-protocol/dashboard';
import { onNotification, ready, reportError, send } from './ipc';
import { auditLayout, currentTheme, drawReport, onThemeChange, renderSections } from './plotting';

const $ = (id: string) => document.getElementById(id) as HTMLElement;
let shown: { title: string; data: ReportData } | undefined;

function errorText(message: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'error';
  el.textContent = message;
  return el;
}

async function redraw(): Promise<void> {
  if (!shown) return;
  const { title, data } = shown;
  $('title').textContent = `Baler Dashboard: ${title}`;
  $('status').textContent = headline(data.info);
  renderSections($('summary'), data.info);
  try {
    const many = data.columns.length > 8;
    const titles = await drawReport($('plots'), data, currentTheme(), { columns: many ? 'picker' : 'all' });
    const plots = document.querySelectorAll('#plots .js-plotly-plot').length;
    const issues = auditLayout($('plots'));
    document.body.dataset.layoutIssues = String(issues.length);
    send(RenderedCommand, { plots, titles, title, layoutIssues: issues });
  } catch (err) {
    $('status').replaceChildren(errorText(`could not draw the report: ${(err as Error).message}`));
    reportError(err);
  }
}

onNotification(ShowReportNotification, async (params) => {
  shown = params;
  await redraw();
});
onNotification(ShowErrorNotification, ({ message }) => {
  $('status').replaceChildren(errorText(message));
});
onThemeChange(() => void redraw());
ready();
