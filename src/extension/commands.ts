// The file commands (palette category "Baler", explorer context menu, editor title): Compress File,
// Decompress File, Show File Info, Show Dashboard, Select Compute Backend, Cancel. Each returns its result so
// that other commands, notebooks and tests can use it; long work runs in the kernel process (./tasks.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName, CompressResult, DecompressResult, FileInfo } from '../kernel/api';
import { BACKENDS } from '../kernel/backends';
import { sanitizeText } from '../kernel/report/text';
import { writtenSummary } from '../kernel/report/written';
import { DashboardPanel, type RenderedState } from './dashboard';
import { infoText, resultSummary } from './format';
import { BALER_EXTENSION, DATA_EXTENSIONS, extensionOf } from './fileTypes';
import { KernelClient, KernelError } from './kernelClient';
import { onTrainingDefaults } from '../kernel/options/autoencoder';
import { outputPathFor, readSettings, trainingDefaults } from './settings';
import { KernelTasks } from './tasks';
import { CUSTOM_LABEL, describeTarget, parseTarget, recommendedTarget, targetOptions, targetPresets, type Target, type TargetPreset } from './targets';


const INSTALL_ITEM = '$(cloud-download) Install a GPU backend…';

export interface CompressArgs { target?: string; output?: string; force?: boolean }
export interface DecompressArgs { output?: string; force?: boolean }

export interface CommandServices {
  extensionUri: vscode.Uri;
  kernel(): KernelClient;
  output: vscode.OutputChannel;
  tasks: KernelTasks;
}

/** The questions commands ask; tests replace them to answer without a dialog. */
export interface Prompts {
  /** true: replace the existing file. */
  confirmReplace(file: string): Promise<boolean>;
  /** The target text, or undefined when dismissed. */
  pickTarget(presets: TargetPreset[]): Promise<string | Target | undefined>;
}

export const dialogPrompts: Prompts = {
  async confirmReplace(file) {
    const choice = await vscode.window.showWarningMessage(`${path.basename(file)} exists. Replace it?`, { modal: true }, 'Replace');
    return choice === 'Replace';
  },
  async pickTarget(presets) {
    const picked = await vscode.window.showQuickPick(presets.map((p) => ({ ...p, preset: p })), {
      title: 'Baler: compression target', placeHolder: 'How should this file be compressed? (the recommended one is first)', matchOnDescription: true, matchOnDetail: true,
    });
    if (!picked) return undefined;
    if (picked.preset.text === undefined || picked.label === CUSTOM_LABEL) {
      return vscode.window.showInputBox({
        title: 'Baler: compression target',
        prompt: 'A ratio (20), an error bound (abs:1e-3, rel:1e-3, pw-rel:1e-2), lossless or psnr:40',
        validateInput: (text) => { const t = parseTarget(text); return typeof t === 'string' ? t : undefined; },
      });
    }
    const target = parseTarget(picked.preset.text);
    if (typeof target === 'string') return picked.preset.text;
    return target.kind === 'ratio' && picked.preset.sharedDecoder ? { ...target, sharedDecoder: true } : target;
  },
};

export class BalerCommands {
  /** The data file each .baler written in this session came from (for reports when it is elsewhere). */
  private readonly originals = new Map<string, string>();
  lastCompressed: string | undefined;
  prompts: Prompts = dialogPrompts;

  constructor(private readonly s: CommandServices) {}

  register(guard: (id: string, fn: (...args: any[]) => unknown) => vscode.Disposable): vscode.Disposable[] {
    return [
      guard('baler.compressFile', (uri?: vscode.Uri, a?: CompressArgs) => this.compressFile(uri, a)),
      guard('baler.decompressFile', (uri?: vscode.Uri, a?: DecompressArgs) => this.decompressFile(uri, a)),
      guard('baler.showDashboard', (uri?: vscode.Uri) => this.showDashboard(uri)),
      guard('baler.showFileInfo', (uri?: vscode.Uri) => this.showFileInfo(uri)),
      guard('baler.selectBackend', (name?: string) => this.selectBackend(name)),
      guard('baler.cancel', () => this.s.tasks.cancelAll()),
    ];
  }

  // ------------------------------------------------------------ compress / decompress

  async compressFile(uri?: vscode.Uri, args: CompressArgs = {}): Promise<CompressResult | undefined> {
    const input = await this.pickFile(uri, DATA_EXTENSIONS, 'Compress');
    if (!input) return undefined;
    const settings = readSettings(input);
    const target = await this.askTarget(args.target, settings);
    if (!target) return undefined;
    const output = args.output ?? outputPathFor(input, BALER_EXTENSION, settings);
    const force = args.force ?? (await this.replaceIfExists(output));
    if (force === undefined) return undefined;
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const name = path.basename(input.fsPath);
    const modelFile = output.replace(/\.baler$/, '') + '.balermodel';
    this.s.output.appendLine(`compress ${input.fsPath} → ${output} (${describeTarget(target)})`);
    const result = await this.s.tasks.run(`Compressing ${name}`, (h) =>
      this.s.kernel().call('compress', { input: input.fsPath, options: { ...onTrainingDefaults(trainingDefaults(settings), targetOptions(target, modelFile)), output, force } }, h));
    this.originals.set(result.output, input.fsPath);
    this.lastCompressed = result.output;
    this.s.output.appendLine(`  ${resultSummary(result.info)}`);
    void this.announceCompressed(name, result, settings.openDashboardAfterCompress);
    return result;
  }

  private async announceCompressed(name: string, result: CompressResult, openDashboard: boolean): Promise<void> {
    if (openDashboard) await this.showDashboard(vscode.Uri.file(result.output));
    const choice = await vscode.window.showInformationMessage(
      `Baler: compressed ${name} → ${path.basename(result.output)}: ${resultSummary(result.info)}`, 'Open Dashboard', 'Show File');
    if (choice === 'Open Dashboard') await vscode.commands.executeCommand('baler.showDashboard', vscode.Uri.file(result.output));
    if (choice === 'Show File') await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(result.output), 'baler.balerFile');
  }

  /** Decompresses beside the .baler (or to `output`); an existing output is replaced only after asking. */
  async decompressFile(uri?: vscode.Uri, args: DecompressArgs = {}): Promise<DecompressResult | undefined> {
    const input = await this.pickFile(uri, [BALER_EXTENSION], 'Decompress');
    if (!input) return undefined;
    let output = args.output;
    let force = args.force ?? (output ? await this.replaceIfExists(output) : false);
    if (force === undefined) return undefined;
    const name = path.basename(input.fsPath);
    const run = () => this.s.tasks.run(`Decompressing ${name}`, (h) =>
      this.s.kernel().call('decompress', { input: input.fsPath, options: { output, force } }, h));
    this.s.output.appendLine(`decompress ${input.fsPath}${output ? ` → ${output}` : ''}`);
    let result: DecompressResult;
    try {
      result = await run();
    } catch (err) {
      // The engine chose the output name and found it taken: ask, as Compress does, instead of CLI advice.
      const e = err as KernelError;
      if (e.code !== 'EEXIST' || !e.file || force) throw err;
      if (!(await this.prompts.confirmReplace(e.file))) return undefined;
      output = e.file;
      force = true;
      result = await run();
    }
    this.s.output.appendLine(`  wrote ${result.output}`);
    void vscode.window.showInformationMessage(`Baler: decompressed ${name} → ${path.basename(result.output)} (${writtenSummary(result)})`, 'Reveal')
      .then((c) => c && vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.output)));
    return result;
  }

  // ------------------------------------------------------------ info and dashboard

  async showFileInfo(uri?: vscode.Uri): Promise<FileInfo | undefined> {
    const file = await this.pickFile(uri, [BALER_EXTENSION], 'Show Info of');
    if (!file) return undefined;
    const info = await this.s.kernel().call('inspect', { file: file.fsPath });
    this.s.output.appendLine(`info ${sanitizeText(file.fsPath, 1000)}\n${infoText(info)}`);
    this.s.output.show(true);
    return info;
  }

  async showDashboard(uri?: vscode.Uri): Promise<RenderedState | undefined> {
    const file = uri ?? activeBalerUri() ?? (this.lastCompressed ? vscode.Uri.file(this.lastCompressed) : undefined) ?? (await this.pickFile(undefined, [BALER_EXTENSION], 'Show Dashboard of'));
    if (!file) return undefined;
    const panel = DashboardPanel.show(this.s.extensionUri, file.fsPath);
    const name = path.basename(file.fsPath);
    try {
      const data = await this.s.tasks.run(`Building the report of ${name}`, () =>
        this.s.kernel().call('report', { balerFile: file.fsPath, originalFile: this.originals.get(file.fsPath) }));
      panel.showReport(data);
    } catch (err) {
      // Otherwise the panel would keep saying "waiting for a report…".
      if (!(err as KernelError).cancelled) panel.showError(`could not build the report of ${name}: ${(err as Error).message}`);
      throw err;
    }
    return panel.waitForRender();
  }

  // ------------------------------------------------------------ backend

  /** The picker says which backends are installed and which one `auto` resolves to here. */
  async selectBackend(name?: string): Promise<string | undefined> {
    const current = readSettings().backend;
    let choice = name;
    if (!choice) {
      const status = await this.s.kernel().call('backends', { preference: current });
      const state = (b: (typeof status.backends)[number]) =>
        b.name === 'auto' ? b.note : !b.installed ? 'not installed' : b.active ? 'in use' : b.passedOver ? 'works, passed over' : b.usable === false ? 'installed, not usable' : 'installed';
      const items: vscode.QuickPickItem[] = status.backends.map((b) => ({
        label: b.name,
        description: [b.name === current ? 'current setting' : '', state(b)].filter(Boolean).join(' · '),
        detail: `${b.active ? '$(pass-filled)' : b.installed && b.usable !== false ? '$(check)' : '$(circle-slash)'} ${b.detail}${b.note && b.name !== 'auto' ? ` — ${b.note}` : ''}`,
      }));
      items.push({ label: INSTALL_ITEM, detail: 'WebGPU (Dawn), or TensorFlow with CUDA / on the CPU, installed with npm into Baler\'s storage' });
      choice = (await vscode.window.showQuickPick(items, { placeHolder: `Compute backend for Compress File and notebooks (in use: ${status.active})`, matchOnDetail: true }))?.label;
      if (choice === INSTALL_ITEM) {
        await vscode.commands.executeCommand('baler.installGpuBackend');
        return undefined;
      }
    }
    if (!choice) return undefined;
    if (!BACKENDS.some((b) => b.name === choice)) throw new Error(`unknown backend '${choice}' (one of ${BACKENDS.map((b) => b.name).join(', ')})`);
    await vscode.workspace.getConfiguration('baler').update('backend', choice as BackendName, vscode.ConfigurationTarget.Global);
    this.s.output.appendLine(`backend: ${choice}`);
    return choice;
  }

  // ------------------------------------------------------------ helpers

  private async pickFile(uri: vscode.Uri | undefined, extensions: string[], verb: string): Promise<vscode.Uri | undefined> {
    const matches = (u?: vscode.Uri) => !!u && u.scheme === 'file' && extensions.includes(extensionOf(u.fsPath));
    if (uri) {
      if (!matches(uri)) throw new Error(`${path.basename(uri.fsPath)}: not a ${extensions.join('/')} file`);
      return uri;
    }
    const active = vscode.window.activeTextEditor?.document.uri ?? activeBalerUri();
    if (matches(active)) return active;
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false, openLabel: verb, filters: { [extensions.join(', ')]: extensions.map((e) => e.slice(1)) },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    return picked?.[0];
  }

  private async askTarget(given: string | undefined, settings: ReturnType<typeof readSettings>): Promise<Target | undefined> {
    const presets = targetPresets(settings);
    const answer = given ?? (settings.askForTarget ? await this.prompts.pickTarget(presets) : recommendedTarget(settings));
    if (answer === undefined) return undefined;
    if (typeof answer !== 'string') return answer;
    const target = parseTarget(answer);
    if (typeof target === 'string') throw new Error(`'${answer}': ${target}`);
    return target;
  }

  /** true: replace; false: the file does not exist; undefined: the user declined. */
  private async replaceIfExists(file: string): Promise<boolean | undefined> {
    if (!fs.existsSync(file)) return false;
    return (await this.prompts.confirmReplace(file)) ? true : undefined;
  }
}

export function activeBalerUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath.endsWith(BALER_EXTENSION)) return input.uri;
  return undefined;
}
