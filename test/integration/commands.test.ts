import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompressResult, DecompressResult, FileInfo } from '../../src/kernel/api';
import type { RenderedState } from '../../src/extension/dashboard';
import { activateExtension, fixturePath, setSetting, waitFor, workspaceDir, writeCsv, writeNpz } from './helpers';

describe('commands on fixture files', function () {
  let csv: string;
  let npz: string;
  let compressed: CompressResult;

  before(async () => {
    await activateExtension();
    await setSetting('epochs', 40);
    csv = writeCsv(fixturePath('table.csv'), 400, 8);
    npz = writeNpz(fixturePath('frames.npz'), 24, 16, 16);
  });

  after(async () => {
    for (const key of ['epochs', 'outputLocation', 'outputFolder']) await setSetting(key, undefined);
  });

  it('Compress File writes NAME.baler beside a .csv and reports total and latent-only ratios', async () => {
    const result = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(csv), { target: '4', force: true });
    assert.ok(result, 'the command returns its result');
    compressed = result;
    assert.equal(result.output, csv.replace(/\.csv$/, '.baler'));
    assert.equal(fs.statSync(result.output).size, result.info.sizes.file, 'reported size is the file written');
    assert.equal(result.info.mode, 'autoencoder');
    assert.deepEqual(result.info.shape, [400, 8]);
    assert.ok(result.info.sizes.decoder > 0, 'decoder is counted');
    assert.ok(result.info.ratios.latentOnly > result.info.ratios.total, 'latent-only ratio exceeds the total one');
    assert.ok(Number.isFinite(result.info.errors.psnr) && result.info.errors.psnr > 10, `PSNR ${result.info.errors.psnr}`);
  });

  it('Compress File with an error bound keeps every value within it (.npz frames)', async () => {
    const result = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(npz), { target: 'abs:1e-3', force: true });
    assert.ok(result);
    assert.equal(result.info.mode, 'error-bounded');
    assert.deepEqual(result.info.shape, [24, 16, 16]);
    assert.ok(result.info.errors.maxAbsError <= 1e-3, `max error ${result.info.errors.maxAbsError}`);
    assert.ok(fs.existsSync(npz.replace(/\.npz$/, '.baler')));
  });

  it('Compress File honours baler.outputLocation = outputFolder', async () => {
    await setSetting('outputLocation', 'outputFolder');
    await setSetting('outputFolder', 'compressed-here');
    const result = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(csv), { target: '8', force: true });
    assert.ok(result);
    assert.equal(result.output, path.join(workspaceDir(), 'compressed-here', 'table.baler'));
    assert.ok(fs.existsSync(result.output));
    await setSetting('outputLocation', undefined);
  });

  it('Decompress File restores the data with the original shape', async () => {
    const output = fixturePath('table.restored.csv');
    const result = await vscode.commands.executeCommand<DecompressResult>('baler.decompressFile', vscode.Uri.file(compressed.output), { output, force: true });
    assert.ok(result);
    assert.equal(result.output, output);
    const lines = fs.readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(lines.length, 401, 'header + 400 rows');
    assert.equal(lines[1].split(',').length, 8);
  });

  it('Show File Info returns the figures stored in the file', async () => {
    const info = await vscode.commands.executeCommand<FileInfo>('baler.showFileInfo', vscode.Uri.file(compressed.output));
    assert.ok(info);
    assert.equal(info.sizes.total, compressed.info.sizes.total);
    assert.equal(info.ratios.total, compressed.info.ratios.total);
    assert.equal(info.errors.psnr, compressed.info.errors.psnr);
  });

  it('Show Dashboard draws the report: sizes, trade-off, histograms', async () => {
    const state = await vscode.commands.executeCommand<RenderedState>('baler.showDashboard', vscode.Uri.file(compressed.output));
    assert.ok(state, 'dashboard rendered');
    assert.ok(state.plots >= 4, `${state.plots} plots`);
    assert.ok(state.titles.some((t) => t.startsWith('Size breakdown')), state.titles.join(' | '));
    assert.ok(state.titles.some((t) => /decoder size/i.test(t)), 'trade-off chart');
    assert.ok(state.titles.some((t) => /residual/i.test(t)), 'residual histograms');
  });

  it('Show Dashboard of frame data adds frame comparisons', async () => {
    const state = await vscode.commands.executeCommand<RenderedState>('baler.showDashboard', vscode.Uri.file(npz.replace(/\.npz$/, '.baler')));
    assert.ok(state);
    assert.ok(state.titles.some((t) => /frame/i.test(t)), state.titles.join(' | '));
  });

  it('rejects a file of the wrong type with a clear message', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('baler.decompressFile', vscode.Uri.file(csv))),
      /table\.csv: not a \.baler file/,
    );
  });

  it('Cancel stops a running compression: no output is written', async () => {
    const slowCsv = writeCsv(fixturePath('slow.csv'), 2000, 16);
    await setSetting('epochs', 100000);
    const running = vscode.commands.executeCommand<CompressResult | undefined>('baler.compressFile', vscode.Uri.file(slowCsv), { target: '4', force: true });
    await new Promise((r) => setTimeout(r, 4000));
    const cancelled = await vscode.commands.executeCommand<number>('baler.cancel');
    assert.equal(cancelled, 1, 'one operation was running');
    const started = Date.now();
    assert.equal(await running, undefined, 'a cancelled command resolves to undefined');
    assert.ok(Date.now() - started < 15_000, 'cancel is prompt');
    assert.equal(fs.existsSync(slowCsv.replace(/\.csv$/, '.baler')), false);
    await setSetting('epochs', 40);
  });
});

describe('projects', () => {
  let config: string;

  it('New Project creates the workspace layout and opens its config', async () => {
    config = (await vscode.commands.executeCommand<string>('baler.newProject', { workspace: 'ws1', project: 'flow' }))!;
    assert.equal(config, path.join(workspaceDir(), 'workspaces', 'ws1', 'flow', 'config', 'flow_config.json'));
    assert.ok(fs.existsSync(config));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, config);
  });

  it('the JSON schema validates the project config in the editor', async () => {
    const doc = await vscode.workspace.openTextDocument(config);
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const whole = () => new vscode.Range(0, 0, doc.lineCount, 0);
    try {
      await editor.edit((e) => e.replace(whole(), original.replace(/"modelType": "dense"/, '"modelType": "banana"')));
      const diagnostics = await waitFor('schema diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri);
        return d.some((x) => /dense|conv|banana|allowed|enum/i.test(x.message)) ? d : undefined;
      }, 60_000);
      assert.ok(diagnostics.length >= 1);
    } finally {
      await editor.edit((e) => e.replace(whole(), original));
      await doc.save();
    }
  });

  it('Train trains the project with live progress on the dashboard', async () => {
    const cfg = JSON.parse(fs.readFileSync(config, 'utf8'));
    fs.writeFileSync(config, JSON.stringify({ ...cfg, epochs: 5, earlyStoppingPatience: 5 }, null, 2));
    const api = await activateExtension();
    const result = await vscode.commands.executeCommand<{ modelFile: string; epochs: number }>('baler.train', { workspace: 'ws1', project: 'flow', root: workspaceDir() });
    assert.ok(result);
    assert.ok(fs.existsSync(result.modelFile));
    assert.ok(result.epochs >= 1 && result.epochs <= 5, `${result.epochs} epochs`);
    const dashboard = api.dashboard();
    assert.ok(dashboard, 'dashboard opened for the live loss curve');
    const points = await waitFor('the live loss curve', () => dashboard.livePoints || undefined);
    assert.ok(points >= 1 && points <= result.epochs, `${points} points drawn live`);
  });
});
