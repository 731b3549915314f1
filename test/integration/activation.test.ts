import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './helpers';

const COMMANDS = [
  'baler.newProject', 'baler.showProject', 'baler.train', 'baler.compressProject', 'baler.decompressProject', 'baler.plotProject',
  'baler.openProjectResults', 'baler.runProjectSettings', 'baler.compressFile', 'baler.decompressFile',
  'baler.showDashboard', 'baler.showFileInfo', 'baler.selectBackend', 'baler.restartNotebookKernel', 'baler.cancel',
];

describe('activation', () => {
  it('activates in the real extension host and returns its API', async () => {
    const api = await activateExtension();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.equal(typeof api.kernel, 'function');
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web, 'runs in the web workbench of the VS Code server');
  });

  it('registers every command of the palette', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of COMMANDS) assert.ok(all.includes(id), `${id} is registered`);
  });

  it('contributes settings with their defaults', () => {
    const c = vscode.workspace.getConfiguration('baler');
    assert.equal(c.get('backend'), 'auto');
    assert.equal(c.get('defaultCompressionRatio'), 20);
    assert.equal(c.get('outputLocation'), 'besideInput');
    assert.equal(typeof c.get('epochs'), 'number');
  });

  it('Select Compute Backend stores the choice in baler.backend', async () => {
    const chosen = await vscode.commands.executeCommand<string>('baler.selectBackend', 'cpu');
    assert.equal(chosen, 'cpu');
    assert.equal(vscode.workspace.getConfiguration('baler').get('backend'), 'cpu');
    await vscode.workspace.getConfiguration('baler').update('backend', undefined, vscode.ConfigurationTarget.Global);
  });
});
