// The read-only view of a .baler file: the one table of rows (header, sizes, both ratios, errors, bound),
// and buttons to decompress it or open its dashboard. Messages: src/webview-protocol/viewer.ts.
import {
  DecompressCommand, OpenDashboardCommand, ShowInfoNotification, ShowViewerErrorNotification,
} from '../src/webview-protocol/viewer';
import { onNotification, ready, send } from './ipc';
import { renderSections } from './plotting';

const content = document.getElementById('content') as HTMLElement;

onNotification(ShowInfoNotification, ({ file, sections }) => {
  (document.getElementById('title') as HTMLElement).textContent = file;
  content.className = 'sections';
  renderSections(content, sections);
});
onNotification(ShowViewerErrorNotification, ({ message }) => {
  const err = document.createElement('div');
  err.className = 'error';
  err.textContent = message;
  content.replaceChildren(err);
});
document.getElementById('decompress')?.addEventListener('click', () => send(DecompressCommand, undefined));
document.getElementById('dashboard')?.addEventListener('click', () => send(OpenDashboardCommand, undefined));
ready();
