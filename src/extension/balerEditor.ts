// The custom read-only editor for *.baler: shows what `baler info` shows, with Decompress and Dashboard buttons.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileInfo } from '../kernel/api';
import { infoSections } from './format';
import type { ViewerInbound, ViewerOutbound } from './messages';
import { escapeHtml, renderWebviewHtml, webviewOptions } from './webviewHtml';

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
    const name = path.basename(document.uri.fsPath);
    webview.options = webviewOptions(this.extensionUri);
    webview.html = renderWebviewHtml(webview, this.extensionUri, {
      title: name,
      scripts: ['viewer.js'],
      body: `<h1 id="title">${escapeHtml(name)}</h1>
<div><button id="decompress">Decompress</button><button id="dashboard">Open Dashboard</button></div>
<div id="content" class="status">reading…</div>`,
    });
    const post = (m: ViewerInbound) => webview.postMessage(m);
    const listener = webview.onDidReceiveMessage((m: ViewerOutbound) => this.onMessage(m, document.uri, post));
    panel.onDidDispose(() => listener.dispose());
  }

  /** The commands behind the buttons report their own errors (a notification): nothing to add here. */
  private async onMessage(m: ViewerOutbound, uri: vscode.Uri, post: (m: ViewerInbound) => Thenable<boolean>): Promise<void> {
    try {
      if (m.type === 'ready') await this.fill(uri, post);
      else if (m.type === 'decompress') await this.host.decompress(uri);
      else if (m.type === 'openDashboard') await this.host.openDashboard(uri);
    } catch {
      // shown to the user by the command that failed
    }
  }

  private async fill(uri: vscode.Uri, post: (m: ViewerInbound) => Thenable<boolean>): Promise<void> {
    try {
      const info = await this.host.inspect(uri.fsPath);
      await post({ type: 'info', file: path.basename(uri.fsPath), sections: infoSections(info) });
      this.shown.set(uri.fsPath, info);
      this.shownEmitter.fire(uri.fsPath);
    } catch (err) {
      await post({ type: 'error', message: (err as Error).message });
    }
  }
}
