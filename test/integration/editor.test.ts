import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CompressResult } from '../../src/kernel/api';
import { activateExtension, fixturePath, setSetting, waitFor, writeCsv } from './helpers';

describe('.baler custom editor', () => {
  let balerFile: string;

  before(async () => {
    await activateExtension();
    await setSetting('epochs', 30);
    const csv = writeCsv(fixturePath('viewer.csv'), 300, 6);
    const result = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(csv), { target: '3', force: true });
    balerFile = result!.output;
  });

  after(() => setSetting('epochs', undefined));

  it('opens a .baler in the read-only viewer with its header, sizes and ratios', async () => {
    const api = await activateExtension();
    const uri = vscode.Uri.file(balerFile);
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await waitFor('the viewer tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom ? input : undefined;
    });
    assert.equal(tab.viewType, 'baler.balerFile', 'opened with the custom editor by default');
    const info = await waitFor('the viewer to show the file', () => api.balerEditor.shown.get(balerFile));
    assert.deepEqual(info.shape, [300, 6]);
    assert.ok(info.ratios.total > 0 && info.ratios.latentOnly > 0);
  });

  it('Show Dashboard uses the .baler in the active viewer', async () => {
    const state = await vscode.commands.executeCommand<{ plots: number }>('baler.showDashboard');
    assert.ok(state && state.plots >= 3);
  });
});
