import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompressResult, DecompressResult, FileInfo } from '../../src/kernel/api';
import { unzipSync } from 'fflate';
import { dialogPrompts } from '../../src/extension/commands';
import type { RenderedState } from '../../src/extension/dashboard';
import type { TargetPreset } from '../../src/extension/targets';
import { formatRatio } from '../../src/kernel/report/format';
import { activateExtension, EXTENSION_ID, fixturePath, setSetting, workspaceDir, writeCsv, writeNpz } from './helpers';

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

describe('what a first-time user hit (issue 12 §3)', () => {
  let csv: string;
  let npz: string;
  let ebFile: string;

  before(async () => {
    await activateExtension();
    await setSetting('epochs', 30);
    csv = writeCsv(fixturePath('defects.csv'), 300, 6);
    npz = writeNpz(fixturePath('defect-frames.npz'), 16, 24, 24);
    const eb = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(csv), { target: 'abs:1e-2', force: true, output: fixturePath('defects.eb.baler') });
    ebFile = eb!.output;
  });

  after(async () => {
    const api = await activateExtension();
    api.commands.prompts = dialogPrompts;
    await setSetting('epochs', undefined);
  });

  it('4: Decompress a second time asks Replace? (as Compress does) instead of failing with CLI advice', async () => {
    const api = await activateExtension();
    const asked: string[] = [];
    let answer = true;
    api.commands.prompts = { ...dialogPrompts, confirmReplace: async (file) => { asked.push(file); return answer; } };
    const first = await vscode.commands.executeCommand<DecompressResult>('baler.decompressFile', vscode.Uri.file(ebFile));
    assert.ok(first && fs.existsSync(first.output));
    const before = fs.statSync(first.output).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const second = await vscode.commands.executeCommand<DecompressResult>('baler.decompressFile', vscode.Uri.file(ebFile));
    assert.deepEqual(asked, [first.output], 'asked once, naming the file');
    assert.equal(second?.output, first.output);
    assert.ok(fs.statSync(first.output).mtimeMs > before, 'replaced');
    answer = false;
    const declined = await vscode.commands.executeCommand('baler.decompressFile', vscode.Uri.file(ebFile));
    assert.equal(declined, undefined, 'declining writes nothing and is no error');
  });

  it('5 and 6: an error-bounded file shows the same ratios everywhere, no decoder, no 1-byte trade-off point, the bound met', async () => {
    const api = await activateExtension();
    const info = await api.kernel().call('inspect', { file: ebFile });
    const report = await api.kernel().call('report', { balerFile: ebFile, originalFile: csv });
    const row = (key: string) => report.info.flatMap((s) => s.rows).find((r) => r.key === key)?.value;
    assert.equal(row('ratio.latentOnly'), formatRatio(info.ratios.latentOnly));
    assert.doesNotMatch(row('ratio.latentOnly') ?? '', /∞/);
    assert.equal(row('sizes.decoder'), 'none (this mode needs no decoder)');
    assert.match(row('bound.met') ?? '', /^yes: max error = [01]\.\d{3} × bound$/);
    assert.equal(report.tradeoff, undefined, 'no trade-off chart without a decoder');
    const state = await vscode.commands.executeCommand<RenderedState>('baler.showDashboard', vscode.Uri.file(ebFile));
    assert.ok(state);
    assert.ok(!state.titles.some((t) => /decoder size/i.test(t)), state.titles.join(' | '));
    assert.ok(state.titles.some((t) => /±bound [\d.e-]+ dashed|bound ±[\d.e-]+ is far outside/.test(t)), 'residual histograms mark ±bound');
    assert.ok(state.titles.every((t) => !/\d[μ]/.test(t)));
  });

  it('7: frame panels: colour bars clear of the captions and panels, no SI-suffixed ticks (checked in the drawn webview)', async () => {
    const result = await vscode.commands.executeCommand<CompressResult>('baler.compressFile', vscode.Uri.file(npz), { target: '8', force: true });
    const state = await vscode.commands.executeCommand<RenderedState>('baler.showDashboard', vscode.Uri.file(result!.output));
    assert.ok(state && state.titles.some((t) => /^Frame/.test(t)), state?.titles.join(' | '));
    assert.deepEqual(state.layoutIssues, []);
  });

  it('10: Compress File offers presets, the recommended first, each with a one-line explanation', async () => {
    const api = await activateExtension();
    let offered: TargetPreset[] = [];
    api.commands.prompts = { ...dialogPrompts, pickTarget: async (presets) => { offered = presets; return undefined; } };
    const result = await vscode.commands.executeCommand('baler.compressFile', vscode.Uri.file(csv));
    assert.equal(result, undefined, 'dismissing the picker compresses nothing');
    assert.equal(offered[0]?.recommended, true);
    assert.match(offered[0].label, /^Error bound/);
    assert.ok(offered.every((p) => p.detail.length > 20));
    assert.ok(['Lossless', 'PSNR target', 'shared decoder', 'Custom'].every((w) => offered.some((p) => p.label.includes(w))));
  });

  it('11: menus say "Baler", .baler files have an icon, the backend picker says what is installed', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const titles = new Map<string, string>(pkg.contributes.commands.map((c: { command: string; title: string }) => [c.command, c.title]));
    for (const m of pkg.contributes.menus['explorer/context']) assert.match(titles.get(m.command) ?? '', /^Baler: /, m.command);
    const language = pkg.contributes.languages.find((l: { extensions: string[] }) => l.extensions.includes('.baler'));
    assert.ok(language?.icon && fs.existsSync(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, language.icon.dark)));
    const api = await activateExtension();
    const status = await api.kernel().call('backends', { preference: 'auto' });
    const byName = new Map(status.backends.map((b) => [b.name, b]));
    assert.equal(byName.get('wasm')?.installed, true);
    assert.equal(byName.get('cpu')?.installed, true);
    assert.equal(byName.get('tfjs-node-gpu')?.installed, false, 'not installed on these machines');
    assert.ok(['wasm', 'tensorflow', 'cpu', 'webgpu'].includes(status.active));
  });

  it('12: the package: user README, CHANGELOG, keywords, no bin or engines.node, no unused threaded wasm', async () => {
    const vsix = process.env.BALER_TEST_VSIX;
    assert.ok(vsix && fs.existsSync(vsix), `the harness packages the extension first (BALER_TEST_VSIX=${vsix})`);
    const files = unzipSync(fs.readFileSync(vsix));
    const text = (name: string) => new TextDecoder().decode(files[name]);
    const manifest = JSON.parse(text('extension/package.json'));
    assert.equal(manifest.bin, undefined);
    assert.deepEqual(Object.keys(manifest.engines), ['vscode']);
    assert.ok(manifest.keywords.length >= 5);
    assert.match(text('extension/readme.md'), /^# Baler: machine-learning compression/);
    assert.doesNotMatch(text('extension/readme.md'), /npm ci|npm test/);
    assert.ok(files['extension/changelog.md']);
    assert.ok(!Object.keys(files).some((f) => f.includes('threaded')), 'tfjs-backend-wasm-threaded-simd.wasm is never loaded: not shipped');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    assert.ok(!fs.existsSync(path.join(ext, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm')), 'and the extension trains without it (the tests above)');
    for (const f of ['extension/dist/kernel.js', 'extension/dist/vendor/tfjs.js', 'extension/dist/vendor/h5wasm.js', 'extension/dist/webviews/project.js', 'extension/dist/webviews/renderer.js', 'extension/media/baler-file.svg']) assert.ok(files[f], f);
  });
});
