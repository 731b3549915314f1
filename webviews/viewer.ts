// The read-only view of a .baler file: header, sizes, ratios (total and latent-only), error figures, and
// buttons to decompress it or open its dashboard.
import type { ViewerInbound, ViewerOutbound, ViewerSection } from '../src/extension/messages';

declare function acquireVsCodeApi(): { postMessage(m: ViewerOutbound): void };

const vscode = acquireVsCodeApi();
const content = document.getElementById('content') as HTMLElement;

function section(s: ViewerSection): HTMLElement {
  const wrap = document.createElement('section');
  const h = document.createElement('h2');
  h.textContent = s.title;
  const table = document.createElement('table');
  for (const [key, value] of s.rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = key;
    tr.insertCell().textContent = value;
  }
  wrap.append(h, table);
  return wrap;
}

function render(m: ViewerInbound): void {
  if (m.type === 'error') {
    const err = document.createElement('div');
    err.className = 'error';
    err.textContent = m.message;
    content.replaceChildren(err);
    return;
  }
  (document.getElementById('title') as HTMLElement).textContent = m.file;
  content.replaceChildren(...m.sections.map(section));
}

document.getElementById('decompress')?.addEventListener('click', () => vscode.postMessage({ type: 'decompress' }));
document.getElementById('dashboard')?.addEventListener('click', () => vscode.postMessage({ type: 'openDashboard' }));
window.addEventListener('message', (e: MessageEvent<ViewerInbound>) => render(e.data));
vscode.postMessage({ type: 'ready' });
