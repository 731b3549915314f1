// The HTML shell of every webview: a strict Content-Security-Policy with a per-load nonce, scripts only
// from the extension's dist/webviews folder, styles from VS Code's theme variables.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml } from '../kernel/report/text';

export function makeNonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

export interface WebviewPage {
  title: string;
  /** Script file names under dist/webviews, loaded in order. */
  scripts: string[];
  body: string;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')] };
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = makeNonce();
  const scriptTags = page.scripts
    .map((name) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', name)))
    .map((src) => `<script nonce="${nonce}" src="${src}"></script>`)
    .join('\n');
  // plotly sets inline styles on its elements, hence style-src 'unsafe-inline' (no inline scripts).
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data: blob:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
  h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 8px; }
  h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 6px; }
  table { border-collapse: collapse; margin: 4px 0 12px; }
  td, th { padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
  td:first-child { color: var(--vscode-descriptionForeground); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 6px 14px; margin-right: 8px; cursor: pointer; border-radius: 2px; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  .status { color: var(--vscode-descriptionForeground); margin: 6px 0; }
  .error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 12px; }
  .plot { min-height: 260px; }
  .sections { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 0 24px; }
  table.info th { font-weight: normal; color: var(--vscode-descriptionForeground); padding-right: 16px; text-align: left; }
  section.info h3 { font-size: 1em; margin: 12px 0 4px; }
  .column-picker { display: block; margin: 12px 0 4px; }
  select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
</style>
</head>
<body>
${page.body}
${scriptTags}
</body>
</html>`;
}
