// The Baler commands (palette category "Baler", explorer context menu, editor title). Each returns its
// result so that other commands, notebooks and tests can use it; long work runs in the kernel process with
// a cancellable progress notification.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompressResult, DecompressResult, FileInfo, Progress } from '../kernel/api';
import { DashboardPanel, type RenderedState } from './dashboard';
import { fmtNumber, infoText, progressMessage, resultSummary } from './format';
import { KernelClient, KernelError, type CallHandlers } from './kernelClient';
import {
  BACKENDS, compressOptionsFrom, defaultTargetText, outputPathFor, parseTarget, readSettings, type Target,
} from './settings';

export const DATA_EXTENSIONS = ['.npz', '.npy', '.csv'];
export const BALER_EXTENSION = '.baler';

export interface CompressArgs { target?: string; output?: string; force?: boolean }
export interface DecompressArgs { output?: string; force?: boolean }
export interface ProjectArgs { workspace: string; project: string; root?: string }

export interface CommandServices {
  extensionUri: vscode.Uri;
  kernel(): KernelClient;
  output: vscode.OutputChannel;
}

export class BalerCommands {
  /** The data file each .baler written in this session came from (for reports when it is elsewhere). */
  private readonly originals = new Map<string, string>();
  private readonly running = new Set<AbortController>();
  lastCompressed: string | undefined;

  constructor(private readonly s: CommandServices) {}

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, (...args) => this.guard(id, () => fn(...args)));
    return [
      reg('baler.newProject', (a?: ProjectArgs) => this.newProject(a)),
      reg('baler.train', (a?: ProjectArgs | vscode.Uri) => this.train(a)),
      reg('baler.compressFile', (uri?: vscode.Uri, a?: CompressArgs) => this.compressFile(uri, a)),
      reg('baler.decompressFile', (uri?: vscode.Uri, a?: DecompressArgs) => this.decompressFile(uri, a)),
      reg('baler.showDashboard', (uri?: vscode.Uri) => this.showDashboard(uri)),
      reg('baler.showFileInfo', (uri?: vscode.Uri) => this.showFileInfo(uri)),
      reg('baler.selectBackend', (name?: string) => this.selectBackend(name)),
      reg('baler.cancel', () => this.cancel()),
    ];
  }

  /** Errors become one notification (cancellation is quiet) and the command resolves to undefined. */
  private async guard<T>(id: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      const e = err as KernelError;
      if (e.cancelled) {
        this.s.output.appendLine(`${id}: cancelled`);
        void vscode.window.showInformationMessage('Baler: cancelled.');
        return undefined;
      }
      this.s.output.appendLine(`${id} failed: ${e.message}${e.stack && e.name !== 'BalerError' ? `\n${e.stack}` : ''}`);
      if (!e.crashed) void vscode.window.showErrorMessage(`Baler: ${e.message}`);
      throw err;
    }
  }

  // ------------------------------------------------------------ compress / decompress

  async compressFile(uri?: vscode.Uri, args: CompressArgs = {}): Promise<CompressResult | undefined> {
    const input = await this.pickFile(uri, DATA_EXTENSIONS, 'Compress');
    if (!input) return undefined;
    const settings = readSettings(input);
    const target = await this.askTarget(args.target, settings);
    if (!target) return undefined;
    const output = args.output ?? outputPathFor(input, BALER_EXTENSION, settings);
    const force = args.force ?? (await this.confirmReplace(output));
    if (force === undefined) return undefined;
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const name = path.basename(input.fsPath);
    this.s.output.appendLine(`compress ${input.fsPath} → ${output} (${describeTarget(target)})`);
    const result = await this.withProgress(`Compressing ${name}`, (h) =>
      this.s.kernel().call('compress', { input: input.fsPath, options: { ...compressOptionsFrom(settings, target), output, force } }, h));
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

  async decompressFile(uri?: vscode.Uri, args: DecompressArgs = {}): Promise<DecompressResult | undefined> {
    const input = await this.pickFile(uri, [BALER_EXTENSION], 'Decompress');
    if (!input) return undefined;
    const output = args.output;
    const force = args.force ?? (output ? await this.confirmReplace(output) : false);
    if (force === undefined) return undefined;
    const name = path.basename(input.fsPath);
    this.s.output.appendLine(`decompress ${input.fsPath}${output ? ` → ${output}` : ''}`);
    const result = await this.withProgress(`Decompressing ${name}`, (h) =>
      this.s.kernel().call('decompress', { input: input.fsPath, options: { output, force } }, h));
    this.s.output.appendLine(`  wrote ${result.output}`);
    void vscode.window.showInformationMessage(`Baler: decompressed ${name} → ${path.basename(result.output)} (${result.info.shape.join('×')} ${result.info.dtype})`, 'Reveal')
      .then((c) => c && vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.output)));
    return result;
  }

  // ------------------------------------------------------------ info and dashboard

  async showFileInfo(uri?: vscode.Uri): Promise<FileInfo | undefined> {
    const file = await this.pickFile(uri, [BALER_EXTENSION], 'Show Info of');
    if (!file) return undefined;
    const info = await this.s.kernel().call('inspect', { file: file.fsPath });
    this.s.output.appendLine(`info ${file.fsPath}\n${infoText(info)}`);
    this.s.output.show(true);
    return info;
  }

  async showDashboard(uri?: vscode.Uri): Promise<RenderedState | undefined> {
    const file = uri ?? activeBalerUri() ?? (this.lastCompressed ? vscode.Uri.file(this.lastCompressed) : undefined) ?? (await this.pickFile(undefined, [BALER_EXTENSION], 'Show Dashboard of'));
    if (!file) return undefined;
    const panel = DashboardPanel.show(this.s.extensionUri);
    const name = path.basename(file.fsPath);
    try {
      const data = await this.withProgress(`Building the report of ${name}`, () =>
        this.s.kernel().call('report', { balerFile: file.fsPath, originalFile: this.originals.get(file.fsPath) }));
      panel.showReport(file.fsPath, data as Parameters<DashboardPanel['showReport']>[1]);
    } catch (err) {
      // Otherwise the panel would keep saying "waiting for a report…".
      if (!(err as KernelError).cancelled) panel.showError(`could not build the report of ${name}: ${(err as Error).message}`);
      throw err;
    }
    return panel.waitForRender();
  }

  // ------------------------------------------------------------ projects

  async newProject(args?: ProjectArgs): Promise<string | undefined> {
    const root = args?.root ?? workspaceRoot();
    if (!root) throw new Error('open a folder first: a project lives in workspaces/WORKSPACE/PROJECT inside it');
    const workspace = args?.workspace ?? (await askName('Workspace name (groups projects that share data)', 'workspace1'));
    if (!workspace) return undefined;
    const project = args?.project ?? (await askName('Project name', 'project1'));
    if (!project) return undefined;
    const { config } = await this.s.kernel().call('newProject', { root, workspace, project });
    this.s.output.appendLine(`new project: ${config}`);
    await vscode.window.showTextDocument(vscode.Uri.file(config), { preview: false });
    return config;
  }

  async train(arg?: ProjectArgs | vscode.Uri): Promise<{ modelFile: string; epochs: number; finalLoss?: number } | undefined> {
    const project = arg instanceof vscode.Uri ? projectFromConfig(arg.fsPath) : arg ?? (await this.pickProject());
    if (!project) return undefined;
    const root = project.root ?? workspaceRoot();
    if (!root) throw new Error('open a folder first');
    const title = `${project.workspace}/${project.project}`;
    const dashboard = DashboardPanel.show(this.s.extensionUri);
    dashboard.trainStart(title, 0);
    this.s.output.appendLine(`train ${title}`);
    try {
      const result = await this.withProgress(`Training ${title}`, (h) => this.s.kernel().call('trainProject', { root, workspace: project.workspace, project: project.project }, {
        ...h,
        onProgress: (p) => {
          h.onProgress?.(p);
          if (p.phase === 'train') dashboard.trainProgress({ epoch: p.epoch, loss: p.loss, valLoss: p.valLoss }, p.epochs, p.etaSeconds);
        },
      }));
      const summary = `trained ${title}: ${result.epochs} epochs, final loss ${fmtNumber(result.finalLoss ?? NaN)}`;
      dashboard.trainEnd(summary);
      this.s.output.appendLine(`  ${summary} → ${result.modelFile}`);
      void vscode.window.showInformationMessage(`Baler: ${summary}.`);
      return result;
    } catch (err) {
      dashboard.trainEnd(`training stopped: ${(err as Error).message}`);
      throw err;
    }
  }

  private async pickProject(): Promise<ProjectArgs | undefined> {
    const configs = await vscode.workspace.findFiles('**/workspaces/*/*/config/*_config.json', '**/node_modules/**', 50);
    if (configs.length === 0) throw new Error('no project found: run "Baler: New Project" first');
    const items = configs.map((uri) => ({ label: path.relative(workspaceRoot() ?? '', uri.fsPath), uri }));
    const pick = configs.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Project to train' });
    return pick ? projectFromConfig(pick.uri.fsPath) : undefined;
  }

  // ------------------------------------------------------------ backend and cancel

  async selectBackend(name?: string): Promise<string | undefined> {
    const current = readSettings().backend;
    const choice = name ?? (await vscode.window.showQuickPick(
      BACKENDS.map((b) => ({ label: b.name, description: b.name === current ? '(current)' : undefined, detail: b.detail })),
      { placeHolder: 'Compute backend for Compress File (Train uses the backend in the project config)' }))?.label;
    if (!choice) return undefined;
    if (!BACKENDS.some((b) => b.name === choice)) throw new Error(`unknown backend '${choice}' (one of ${BACKENDS.map((b) => b.name).join(', ')})`);
    await vscode.workspace.getConfiguration('baler').update('backend', choice, vscode.ConfigurationTarget.Global);
    this.s.output.appendLine(`backend: ${choice}`);
    return choice;
  }

  cancel(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }

  // ------------------------------------------------------------ helpers

  private async withProgress<T>(title: string, work: (handlers: CallHandlers) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.running.add(abort);
    await vscode.commands.executeCommand('setContext', 'baler.busy', true);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Baler: ${title}`, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return work({
          signal: abort.signal,
          onLog: (line) => this.s.output.appendLine(`  ${line}`),
          onProgress: (p: Progress) => {
            const fraction = p.phase === 'train' ? p.epoch / Math.max(1, p.epochs) : p.fraction;
            const increment = fraction !== undefined ? Math.max(0, fraction * 100 - reported) : undefined;
            if (increment !== undefined) reported += increment;
            progress.report({ message: progressMessage(p), increment });
          },
        });
      });
    } finally {
      this.running.delete(abort);
      if (this.running.size === 0) await vscode.commands.executeCommand('setContext', 'baler.busy', false);
    }
  }

  private async pickFile(uri: vscode.Uri | undefined, extensions: string[], verb: string): Promise<vscode.Uri | undefined> {
    const matches = (u?: vscode.Uri) => !!u && u.scheme === 'file' && extensions.includes(path.extname(u.fsPath).toLowerCase());
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
    const initial = given ?? (settings.askForTarget
      ? await vscode.window.showInputBox({
        title: 'Baler: compression target',
        prompt: 'A compression ratio (values per sample / latent size, e.g. 20) or an error bound (abs:1e-3, rel:1e-3, pw-rel:1e-2)',
        value: defaultTargetText(settings),
        validateInput: (text) => (typeof parseTarget(text) === 'string' ? (parseTarget(text) as string) : undefined),
      })
      : defaultTargetText(settings));
    if (initial === undefined) return undefined;
    const target = parseTarget(initial);
    if (typeof target === 'string') throw new Error(`'${initial}': ${target}`);
    return target;
  }

  /** true: replace; false: the file does not exist; undefined: the user declined. */
  private async confirmReplace(file: string): Promise<boolean | undefined> {
    if (!fs.existsSync(file)) return false;
    const choice = await vscode.window.showWarningMessage(`${path.basename(file)} exists. Replace it?`, { modal: true }, 'Replace');
    return choice === 'Replace' ? true : undefined;
  }
}

function describeTarget(t: Target): string {
  return 'errorBound' in t ? `error bound ${t.errorBound}` : `ratio ${t.compressionRatio}`;
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function activeBalerUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath.endsWith(BALER_EXTENSION)) return input.uri;
  return undefined;
}

async function askName(prompt: string, value: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    prompt, value,
    validateInput: (t) => (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t) ? undefined : 'letters, digits, _ . - only'),
  });
}

/** workspaces/WS/PROJECT/config/PROJECT_config.json → its names and the folder holding workspaces/. */
export function projectFromConfig(configPath: string): ProjectArgs {
  const parts = path.resolve(configPath).split(path.sep);
  const i = parts.lastIndexOf('config');
  if (i < 4 || parts[i - 3] !== 'workspaces') throw new Error(`${configPath}: not a project config (workspaces/WORKSPACE/PROJECT/config/PROJECT_config.json)`);
  return { workspace: parts[i - 2], project: parts[i - 1], root: parts.slice(0, i - 3).join(path.sep) || path.sep };
}
