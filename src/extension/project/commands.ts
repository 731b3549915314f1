// The project commands, in the palette, on the config's editor title and as the project view's buttons:
// New Project, Train, Compress, Decompress, Plot, Open Results, Run These Settings, Show Project. Each fills
// the project's output folder (training/, compressed_output/, decompressed_output/, plotting/, results/,
// runs/) through the kernel process and refreshes the project view.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectPoint } from '../../kernel/project/results-types';
import type { CompressResult, DecompressResult } from '../../kernel/api';
import type { ProjectRef, TrainProjectResult } from '../../kernel/protocol';
import { formatNumber } from '../../kernel/report/format';
import { describePoint } from './lensLines';
import { resultSummary } from '../format';
import type { KernelClient } from '../kernelClient';
import type { KernelTasks } from '../tasks';
import { CONFIG_GLOB, configOf, projectOfConfig } from './refs';
import type { ProjectStore } from './store';
import { ProjectPanel } from './view';

export interface ProjectArgs { workspace: string; project: string; root?: string }

export interface ProjectServices {
  extensionUri: vscode.Uri;
  kernel(): KernelClient;
  output: vscode.OutputChannel;
  tasks: KernelTasks;
  store: ProjectStore;
}

export class ProjectCommands {
  constructor(private readonly s: ProjectServices) {}

  register(guard: (id: string, fn: (...args: any[]) => unknown) => vscode.Disposable): vscode.Disposable[] {
    type Arg = ProjectArgs | vscode.Uri | undefined;
    return [
      guard('baler.newProject', (a?: ProjectArgs) => this.newProject(a)),
      guard('baler.showProject', (a?: Arg) => this.showProject(a)),
      guard('baler.train', (a?: Arg) => this.train(a)),
      guard('baler.compressProject', (a?: Arg) => this.compress(a)),
      guard('baler.decompressProject', (a?: Arg) => this.decompress(a)),
      guard('baler.plotProject', (a?: Arg) => this.plot(a)),
      guard('baler.openProjectResults', (a?: Arg) => this.openResults(a)),
      guard('baler.runProjectSettings', (a?: Arg) => this.runSettings(a)),
    ];
  }

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

  /** Opens the project view beside the config. */
  async showProject(arg?: ProjectArgs | vscode.Uri): Promise<ProjectPanel | undefined> {
    const ref = await this.resolve(arg);
    return ref ? ProjectPanel.show(this.s.extensionUri, this.s.store, ref) : undefined;
  }

  async train(arg?: ProjectArgs | vscode.Uri): Promise<TrainProjectResult | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    const view = ProjectPanel.show(this.s.extensionUri, this.s.store, ref);
    const title = `${ref.workspace}/${ref.project}`;
    view.trainStart(0);
    view.busy('training');
    this.s.output.appendLine(`train ${title}`);
    try {
      const result = await this.s.tasks.run(`Training ${title}`, (h) => this.s.kernel().call('trainProject', ref, h), (p) => {
        if (p.phase === 'train') view.trainProgress({ epoch: p.epoch, loss: p.loss, valLoss: p.valLoss }, p.epochs, p.etaSeconds);
      });
      const summary = `trained ${title}: ${result.epochs} epochs, final loss ${formatNumber(result.finalLoss ?? NaN)}`;
      view.trainEnd(summary);
      this.s.output.appendLine(`  ${summary} → ${result.modelFile}`);
      void vscode.window.showInformationMessage(`Baler: ${summary}. Next: compress the project's data with this model.`, 'Compress')
        .then((c) => c && vscode.commands.executeCommand('baler.compressProject', vscode.Uri.file(configOf(ref))));
      return result;
    } catch (err) {
      view.trainEnd(`training stopped: ${(err as Error).message}`);
      throw err;
    } finally {
      view.busy(undefined);
      void this.s.store.refresh(ref);
    }
  }

  async compress(arg?: ProjectArgs | vscode.Uri): Promise<{ result: CompressResult; point: ProjectPoint } | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    return this.withView(ref, 'compressing', async () => {
      const r = await this.s.tasks.run(`Compressing ${ref.workspace}/${ref.project}`, (h) => this.s.kernel().call('compressProject', ref, h));
      this.s.output.appendLine(`compress ${ref.workspace}/${ref.project} → ${r.result.output}\n  ${resultSummary(r.result.info)}`);
      void vscode.window.showInformationMessage(`Baler: compressed ${ref.workspace}/${ref.project}: ${resultSummary(r.result.info)}`);
      return r;
    });
  }

  async decompress(arg?: ProjectArgs | vscode.Uri): Promise<DecompressResult | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    return this.withView(ref, 'decompressing', async () => {
      const r = await this.s.tasks.run(`Decompressing ${ref.workspace}/${ref.project}`, (h) => this.s.kernel().call('decompressProject', ref, h));
      this.s.output.appendLine(`decompress ${ref.workspace}/${ref.project} → ${r.output}`);
      void vscode.window.showInformationMessage(`Baler: decompressed ${ref.workspace}/${ref.project} → ${path.basename(r.output)}`);
      return r;
    });
  }

  async plot(arg?: ProjectArgs | vscode.Uri): Promise<string | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    return this.withView(ref, 'writing the report', async () => {
      const { file } = await this.s.tasks.run(`Plotting ${ref.workspace}/${ref.project}`, () => this.s.kernel().call('plotProject', ref));
      this.s.output.appendLine(`plot ${ref.workspace}/${ref.project} → ${file}`);
      void vscode.window.showInformationMessage(`Baler: wrote ${path.relative(ref.root, file)} (self-contained HTML, opens in any browser)`, 'Reveal')
        .then((c) => c && vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file)));
      return file;
    });
  }

  /** Shows the project view and the output folder in the explorer. */
  async openResults(arg?: ProjectArgs | vscode.Uri): Promise<string | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    const outputDir = path.join(ref.root, 'workspaces', ref.workspace, ref.project, 'output');
    ProjectPanel.show(this.s.extensionUri, this.s.store, ref);
    if (fs.existsSync(outputDir)) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(outputDir));
    return outputDir;
  }

  /** Saves the config and compresses with its settings into output/runs/: one more measured point. */
  async runSettings(arg?: ProjectArgs | vscode.Uri): Promise<ProjectPoint | undefined> {
    const ref = await this.resolve(arg);
    if (!ref) return undefined;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === configOf(ref));
    if (doc?.isDirty) await doc.save();
    return this.withView(ref, 'measuring these settings', async () => {
      const point = await this.s.tasks.run(`Trying the settings of ${ref.workspace}/${ref.project}`, (h) => this.s.kernel().call('runProjectSettings', ref, h));
      const line = `${point.label} → ${describePoint(point)}`;
      this.s.output.appendLine(`run ${ref.workspace}/${ref.project}: ${line}`);
      void vscode.window.showInformationMessage(`Baler: ${line} (added to the trade-off chart)`);
      return point;
    });
  }

  private async withView<T>(ref: ProjectRef, task: string, work: () => Promise<T>): Promise<T> {
    const view = ProjectPanel.panels.get(configOf(ref));
    view?.busy(task);
    try {
      return await work();
    } finally {
      view?.busy(undefined);
      await this.s.store.refresh(ref);
    }
  }

  /** A config URI, project names, the active config editor, or a pick among the workspace's projects. */
  private async resolve(arg?: ProjectArgs | vscode.Uri): Promise<ProjectRef | undefined> {
    if (arg instanceof vscode.Uri) {
      const ref = projectOfConfig(arg.fsPath);
      if (!ref) throw new Error(`${path.basename(arg.fsPath)}: not a project config (workspaces/WORKSPACE/PROJECT/config/PROJECT_config.json)`);
      return ref;
    }
    if (arg) {
      const root = arg.root ?? workspaceRoot();
      if (!root) throw new Error('open a folder first');
      return { root, workspace: arg.workspace, project: arg.project };
    }
    const active = vscode.window.activeTextEditor?.document.uri.fsPath;
    const fromEditor = active ? projectOfConfig(active) : undefined;
    if (fromEditor) return fromEditor;
    const panel = [...ProjectPanel.panels.values()].find((p) => p.panel.active);
    if (panel) return panel.ref;
    const configs = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 50);
    if (configs.length === 0) throw new Error('no project found: run "Baler: New Project" first');
    const items = configs.map((uri) => ({ label: path.relative(workspaceRoot() ?? '', uri.fsPath), uri }));
    const pick = configs.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { placeHolder: 'Project' });
    return pick ? projectOfConfig(pick.uri.fsPath) : undefined;
  }
}

function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function askName(prompt: string, value: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    prompt, value,
    validateInput: (t) => (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(t) ? undefined : 'letters, digits, _ . - only'),
  });
}
