// The dashboard webview panel: the report of one .baler file drawn with plotly (figures from
// src/kernel/report/figures.ts, built in the webview for its current theme). One panel per file; training a
// project shows in that project's view, never here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReportData } from '../kernel/report/types';
import { sanitizeText } from '../kernel/report/text';
import { RenderedCommand, ShowErrorNotification, ShowReportNotification, type RenderedState } from '../webview-protocol/dashboard';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { WebviewHost } from './webviewHost';

export type { RenderedState };

export class DashboardPanel implements vscode.Disposable {
  /** Open dashboards by .baler path. */
  static readonly panels = new Map<string, DashboardPanel>();
  static readonly viewType = 'baler.dashboard';

  private readonly host: WebviewHost;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedState>();
  /** Fires when the webview has drawn a report (tests wait on it). */
  readonly onDidRender = this.renderedEmitter.event;
  lastRendered: RenderedState | undefined;

  /** The dashboard of `balerFile`: the open one, or a new one beside the editor. */
  static show(extensionUri: vscode.Uri, balerFile: string, column = vscode.ViewColumn.Beside): DashboardPanel {
    const open = DashboardPanel.panels.get(balerFile);
    if (open) {
      open.panel.reveal(column, true);
      return open;
    }
    const name = sanitizeText(path.basename(balerFile));
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, `Baler: ${name}`, { viewColumn: column, preserveFocus: true }, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    const dashboard = new DashboardPanel(panel, extensionUri, balerFile);
    DashboardPanel.panels.set(balerFile, dashboard);
    return dashboard;
  }

  /** The most recently shown dashboard (tests). */
  static get current(): DashboardPanel | undefined {
    return [...DashboardPanel.panels.values()].at(-1);
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, readonly balerFile: string) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: 'Baler Dashboard',
      scripts: ['plotly.min.js', 'dashboard.js'],
      body: '<h1 id="title">Baler Dashboard</h1><div id="status" class="status">waiting for a report…</div><div id="summary" class="sections"></div><div id="plots"></div>',
    });
    this.host = new WebviewHost(panel.webview);
    this.host.onCommand(RenderedCommand, (state) => {
      this.lastRendered = state;
      this.renderedEmitter.fire(state);
    });
    this.disposables.push(this.host, panel.onDidDispose(() => this.dispose()));
  }

  showReport(data: ReportData): void {
    this.lastRendered = undefined;
    this.host.notify(ShowReportNotification, { title: sanitizeText(path.basename(this.balerFile)), data });
  }

  showError(message: string): void {
    this.host.notify(ShowErrorNotification, { message });
  }

  get lastError(): string | undefined {
    return this.host.lastRenderError;
  }

  /** Resolves once the webview has drawn the report posted last. */
  waitForRender(timeoutMs = 60_000): Promise<RenderedState> {
    if (this.lastRendered) return Promise.resolve(this.lastRendered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`dashboard did not render in ${timeoutMs} ms${this.lastError ? `: ${this.lastError}` : ''}`)); }, timeoutMs);
      const sub = this.onDidRender((state) => { clearTimeout(timer); sub.dispose(); resolve(state); });
    });
  }

  dispose(): void {
    if (DashboardPanel.panels.get(this.balerFile) === this) DashboardPanel.panels.delete(this.balerFile);
    this.renderedEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
