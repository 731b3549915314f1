// The dashboard webview panel: the report of one .baler file drawn with plotly (figures from
// src/kernel/report/figures.ts, built in the webview for its current theme), and the loss curve of a
// training run updating live.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReportData } from '../kernel/report/data';
import type { DashboardInbound, DashboardOutbound, LossPoint } from './messages';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { withTradeoff } from './tradeoff';

export interface RenderedState {
  plots: number;
  titles: string[];
}

export class DashboardPanel implements vscode.Disposable {
  static current: DashboardPanel | undefined;
  static readonly viewType = 'baler.dashboard';

  private ready = false;
  private readonly queue: DashboardInbound[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly renderedEmitter = new vscode.EventEmitter<RenderedState>();
  /** Fires when the webview has drawn a report (tests wait on it). */
  readonly onDidRender = this.renderedEmitter.event;
  lastRendered: RenderedState | undefined;
  lastError: string | undefined;
  /** Loss points the live curve has drawn in the current training run. */
  livePoints = 0;
  private pendingPoints: LossPoint[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  static show(extensionUri: vscode.Uri, column = vscode.ViewColumn.Beside): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal(column, true);
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Baler Dashboard', { viewColumn: column, preserveFocus: true }, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    DashboardPanel.current = new DashboardPanel(panel, extensionUri);
    return DashboardPanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: 'Baler Dashboard',
      scripts: ['plotly.min.js', 'dashboard.js'],
      body: '<h1 id="title">Baler Dashboard</h1><div id="status" class="status">waiting for a report…</div><div id="summary"></div><div id="live"></div><div id="plots" class="grid"></div>',
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: DashboardOutbound) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  showReport(balerFile: string, data: ReportData): void {
    this.panel.title = `Baler: ${path.basename(balerFile)}`;
    this.lastRendered = undefined;
    this.post({ type: 'report', title: path.basename(balerFile), data: withTradeoff(data) });
  }

  showError(message: string): void {
    this.post({ type: 'error', message });
  }

  trainStart(title: string, epochs: number): void {
    this.pendingPoints = [];
    this.livePoints = 0;
    this.post({ type: 'trainStart', title, epochs });
  }

  /** Batches loss points so the webview redraws a few times a second at most. */
  trainProgress(point: LossPoint, epochs: number, etaSeconds: number): void {
    this.pendingPoints.push(point);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const points = this.pendingPoints;
      this.pendingPoints = [];
      this.post({ type: 'trainProgress', points, epochs, etaSeconds });
    }, 250);
  }

  trainEnd(message: string): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.post({ type: 'trainProgress', points: this.pendingPoints, epochs: 0, etaSeconds: 0 });
      this.pendingPoints = [];
    }
    this.post({ type: 'trainEnd', message });
  }

  /** Resolves once the webview has drawn the report posted last. */
  waitForRender(timeoutMs = 60_000): Promise<RenderedState> {
    if (this.lastRendered) return Promise.resolve(this.lastRendered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`dashboard did not render in ${timeoutMs} ms${this.lastError ? `: ${this.lastError}` : ''}`)); }, timeoutMs);
      const sub = this.onDidRender((state) => { clearTimeout(timer); sub.dispose(); resolve(state); });
    });
  }

  private post(message: DashboardInbound): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  private onMessage(message: DashboardOutbound): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) void this.panel.webview.postMessage(m);
        break;
      case 'rendered':
        this.lastRendered = { plots: message.plots, titles: message.titles };
        this.renderedEmitter.fire(this.lastRendered);
        break;
      case 'liveLoss':
        this.livePoints = message.points;
        break;
      case 'renderError':
        this.lastError = message.message;
        break;
    }
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.renderedEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
