// The custom read-only editor for *.baler: the rows `baler info` prints, with Decompress and Dashboard buttons.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileInfo } from '../kernel/api';
import { infoSections } from '../kernel/report/info-rows';
import { escapeHtml, sanitizeText } from '../kernel/report/text';
import {
  DecompressCommand, OpenDashboardCommand, ShowInfoNotification, ShowViewerErrorNotification,
} from '../webview-protocol/viewer';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';
import { WebviewHost } from './webviewHost';

export interface BalerEditorHost {
  inspect(file: string): Promise<FileInfo>;
  decompress(uri: vscode.Uri): Thenable<unknown>;
  openDashboard(uri: vscode.Uri): Thenable<unknown>;
}

export class BalerEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'baler.balerFile';
  /** Files whose view has been filled in (tests wait on it). */
  readonly shown = new Map<string, FileInfo>();
  private readonly shownEmitter = new vscode.EventEmitter<string>();
  readonly onDidShow = this.shownEmitter.event;

  constructor(private readonly extensionUri: vscode.Uri, private readonly host: BalerEditorHost) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => this.shown.delete(uri.fsPath) };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    const name = sanitizeText(path.basename(document.uri.fsPath));
    webview.options = webviewOptions(this.extensionUri);
    webview.html = renderWebviewHtml(webview, this.extensionUri, {
      title: name,
      scripts: ['viewer.js'],
      body: `<h1 id="title">${escapeHtml(name)}</h1>
<div><button id="decompress">Decompress</button><button id="dashboard">Open Dashboard</button></div>
<div id="content" class="status">reading…</div>`,
    });
    const ipc = new WebviewHost(webview);
    // The commands behind the buttons report their own errors (a notification): nothing to add here.
    ipc.onCommand(DecompressCommand, () => void Promise.resolve(this.host.decompress(document.uri)).catch(() => undefined));
    ipc.onCommand(OpenDashboardCommand, () => void Promise.resolve(this.host.openDashboard(document.uri)).catch(() => undefined));
    panel.onDidDispose(() => ipc.dispose());
    await this.fill(document.uri, ipc, name);
  }

  private async fill(uri: vscode.Uri, ipc: WebviewHost, name: string): Promise<void> {
    try {
      const info = await this.host.inspect(uri.fsPath);
      ipc.notify(ShowInfoNotification, { file: name, sections: infoSections(info) });
      this.shown.set(uri.fsPath, info);
      this.shownEmitter.fire(uri.fsPath);
    } catch (err) {
      ipc.notify(ShowViewerErrorNotification, { message: (err as Error).message });
    }
  }
}
