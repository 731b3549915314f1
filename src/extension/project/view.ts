// The project view: a webview beside a project config showing that project's results (trade-off of file
// size versus decoder size over the measured points, the last training's loss curve, live while training,
// residual histograms per column, quality reached against the target) with the project's commands as
// buttons. It follows the config editor as the user types: settings without a measured point are marked and
// a run that measures them is offered.
import * as vscode from 'vscode';
import type { ProjectRef } from '../../kernel/protocol';
import { sanitizeText } from '../../kernel/report/text';
import {
  BusyNotification, EditorStateNotification, LiveLossCommand, ProjectActionCommand, ProjectErrorNotification,
  ProjectRenderedCommand, ProjectResultsNotification, TrainEndNotification, TrainProgressNotification,
  TrainStartNotification, type EditorState, type LossPoint, type ProjectAction, type ProjectRenderedState,
} from '../../webview-protocol/project';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';
import { WebviewHost } from '../webviewHost';
import { changedKeys, effectiveSettings, measuredPoint, readConfigText } from './configText';
import { configOf } from './refs';
import type { ProjectStore } from './store';

/** The command each button runs (with the config's URI). */
export const ACTION_COMMANDS: Record<ProjectAction, string> = {
  train: 'baler.train',
  compress: 'baler.compressProject',
  decompress: 'baler.decompressProject',
  plot: 'baler.plotProject',
  openResults: 'baler.openProjectResults',
  runSettings: 'baler.runProjectSettings',
};

export class ProjectPanel implements vscode.Disposable {
  static readonly viewType = 'baler.project';
  static readonly panels = new Map<string, ProjectPanel>();

  private readonly host: WebviewHost;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingPoints: LossPoint[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<ProjectRenderedState>();
  readonly onDidRender = this.renderedEmitter.event;
  lastRendered: ProjectRenderedState | undefined;
  /** The live loss chart as the webview last reported it (tests: the curve has points in view). */
  liveLoss: { points: number; xRange: [number, number]; lastEpoch: number } | undefined;
  lastEditorState: EditorState | undefined;

  static show(extensionUri: vscode.Uri, store: ProjectStore, ref: ProjectRef, column = vscode.ViewColumn.Beside, preserveFocus = true): ProjectPanel {
    const config = configOf(ref);
    const open = ProjectPanel.panels.get(config);
    if (open) {
      open.panel.reveal(column, preserveFocus);
      return open;
    }
    const title = `Baler: ${sanitizeText(ref.workspace)}/${sanitizeText(ref.project)}`;
    const panel = vscode.window.createWebviewPanel(ProjectPanel.viewType, title, { viewColumn: column, preserveFocus }, {
      ...webviewOptions(extensionUri),
      retainContextWhenHidden: true,
    });
    const view = new ProjectPanel(panel, extensionUri, store, ref);
    ProjectPanel.panels.set(config, view);
    return view;
  }

  private constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly store: ProjectStore, readonly ref: ProjectRef) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: panel.title,
      scripts: ['plotly.min.js', 'project.js'],
      body: '<div id="app" class="status">reading the project…</div>',
    });
    this.host = new WebviewHost(panel.webview);
    this.host.onCommand(ProjectActionCommand, ({ action }) => void vscode.commands.executeCommand(ACTION_COMMANDS[action], vscode.Uri.file(this.config)).then(undefined, () => undefined));
    this.host.onCommand(ProjectRenderedCommand, (state) => {
      this.lastRendered = state;
      this.renderedEmitter.fire(state);
    });
    this.host.onCommand(LiveLossCommand, (state) => { this.liveLoss = state; });
    this.disposables.push(
      this.host,
      panel.onDidDispose(() => this.dispose()),
      store.onDidChange((config) => config === this.config && this.sendResults()),
      vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.fsPath === this.config && this.sendEditorState(e.document)),
      vscode.workspace.onDidSaveTextDocument((d) => d.uri.fsPath === this.config && void this.refresh()),
    );
    const existing = store.get(this.config);
    if (existing) this.sendResults();
    void this.refresh();
  }

  get config(): string {
    return configOf(this.ref);
  }

  refresh(): Promise<unknown> {
    return this.store.refresh(this.ref);
  }

  /** The config's text as the editor holds it, or the file on disk. */
  private document(): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => d.uri.fsPath === this.config);
  }

  private editorState(doc: vscode.TextDocument | undefined): EditorState {
    const results = this.store.get(this.config);
    if (!doc || !results) return { changed: [], measured: false, dirty: false };
    const text = readConfigText(doc.getText());
    const settings = effectiveSettings(text.settings, results.settings);
    const reference = results.points.find((p) => p.source === 'compress')?.settings ?? results.settings;
    return {
      settings,
      changed: changedKeys(settings, reference),
      measured: measuredPoint(results.points, settings) !== undefined,
      dirty: doc.isDirty,
      parseError: text.parseError,
    };
  }

  private sendEditorState(doc: vscode.TextDocument): void {
    this.lastEditorState = this.editorState(doc);
    this.host.notify(EditorStateNotification, this.lastEditorState);
  }

  private sendResults(): void {
    const results = this.store.get(this.config);
    const error = this.store.error(this.config);
    if (error && !results) {
      this.host.notify(ProjectErrorNotification, { message: error });
      return;
    }
    if (!results) return;
    this.lastRendered = undefined;
    this.lastEditorState = this.editorState(this.document());
    this.host.notify(ProjectResultsNotification, { results, editor: this.lastEditorState });
  }

  busy(task: string | undefined): void {
    this.host.notify(BusyNotification, { task });
  }

  trainStart(epochs: number): void {
    this.pendingPoints = [];
    this.liveLoss = undefined;
    this.host.notify(TrainStartNotification, { title: `${this.ref.workspace}/${this.ref.project}`, epochs });
  }

  /** Batches loss points so the webview redraws a few times a second at most. */
  trainProgress(point: LossPoint, epochs: number, etaSeconds: number): void {
    this.pendingPoints.push(point);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(epochs, etaSeconds), 250);
  }

  private flush(epochs: number, etaSeconds: number): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const points = this.pendingPoints;
    this.pendingPoints = [];
    if (points.length > 0) this.host.notify(TrainProgressNotification, { points, epochs, etaSeconds });
  }

  trainEnd(message: string): void {
    this.flush(0, 0);
    this.host.notify(TrainEndNotification, { message });
  }

  /** Resolves with the next drawing of the results (after a refresh). */
  waitForRender(timeoutMs = 60_000): Promise<ProjectRenderedState> {
    if (this.lastRendered) return Promise.resolve(this.lastRendered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`project view did not render in ${timeoutMs} ms${this.host.lastRenderError ? `: ${this.host.lastRenderError}` : ''}`)); }, timeoutMs);
      const sub = this.onDidRender((s) => { clearTimeout(timer); sub.dispose(); resolve(s); });
    });
  }

  dispose(): void {
    if (ProjectPanel.panels.get(this.config) === this) ProjectPanel.panels.delete(this.config);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.renderedEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
