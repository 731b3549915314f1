// Entry of the VS Code extension: wires the kernel process client, the file and project commands, the
// .baler editor, the dashboards, the project view (opened beside a project config) with its CodeLens, and
// the notebook controller. Heavy work never runs here: it goes to the kernel process.
import * as vscode from 'vscode';
import { BalerCommands } from './commands';
import { ComputePackages } from './computePackages';
import { BalerEditorProvider } from './balerEditor';
import { DashboardPanel } from './dashboard';
import { KernelClient, KernelError } from './kernelClient';
import { BalerNotebookController } from './notebook';
import { ProjectCommands } from './project/commands';
import { ProjectLensProvider } from './project/lens';
import { CONFIG_GLOB, projectOfConfig } from './project/refs';
import { ProjectStore } from './project/store';
import { ProjectPanel } from './project/view';
import { readSettings } from './settings';
import { KernelTasks } from './tasks';
import { registerSetCommands } from './setCommands';

/** What activate() returns: used by the integration tests, and by other extensions if they like. */
export interface BalerExtensionApi {
  kernel(): KernelClient;
  commands: BalerCommands;
  projects: ProjectCommands;
  projectStore: ProjectStore;
  balerEditor: BalerEditorProvider;
  notebook: BalerNotebookController;
  computePackages: ComputePackages;
  dashboard(file?: string): DashboardPanel | undefined;
  projectView(config: string): ProjectPanel | undefined;
  output: vscode.OutputChannel;
}

let kernel: KernelClient | undefined;

export function activate(context: vscode.ExtensionContext): BalerExtensionApi {
  const output = vscode.window.createOutputChannel('Baler');
  const log = (line: string) => output.appendLine(line);
  const computePackages = new ComputePackages(context, () => kernel as KernelClient, output);
  kernel = new KernelClient({
    kernelPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath,
    log,
    env: () => computePackages.kernelEnv(),
    onCrash: (reason) => void vscode.window.showErrorMessage(`Baler: ${reason}. The next command starts a new kernel process.`, 'Show Log')
      .then((c) => c && output.show()),
  });
  const getKernel = () => kernel as KernelClient;
  const tasks = new KernelTasks(output);
  const store = new ProjectStore(getKernel, log);
  const commands = new BalerCommands({ extensionUri: context.extensionUri, kernel: getKernel, output, tasks });
  const projects = new ProjectCommands({ extensionUri: context.extensionUri, kernel: getKernel, output, tasks, store });
  const balerEditor = new BalerEditorProvider(context.extensionUri, {
    inspect: (file) => getKernel().call('inspect', { file }),
    decompress: (uri) => vscode.commands.executeCommand('baler.decompressFile', uri),
    openDashboard: (uri) => vscode.commands.executeCommand('baler.showDashboard', uri),
  });
  const notebook = new BalerNotebookController(getKernel, log);
  const lens = new ProjectLensProvider(store);
  const guard = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, (...args) => guarded(id, output, () => fn(...args)));
  const projectView = new ProjectViewOpener(context.extensionUri, store);
  context.subscriptions.push(
    output,
    notebook,
    store,
    lens,
    projectView,
    ...commands.register(guard),
    ...registerSetCommands({ extensionUri: context.extensionUri, kernel: getKernel, output, tasks }, () => commands.prompts, guard),
    ...projects.register(guard),
    ...computePackages.register(guard),
    guard('baler.restartNotebookKernel', () => notebook.restart()),
    vscode.languages.registerCodeLensProvider({ language: 'json', pattern: CONFIG_GLOB }, lens),
    vscode.window.registerCustomEditorProvider(BalerEditorProvider.viewType, balerEditor, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    { dispose: () => kernel?.dispose() },
  );
  log('Baler extension activated');
  return {
    kernel: getKernel, commands, projects, projectStore: store, balerEditor, notebook, output, computePackages,
    dashboard: (file) => (file ? DashboardPanel.panels.get(file) : DashboardPanel.current),
    projectView: (config) => ProjectPanel.panels.get(config),
  };
}

/** Errors become one notification (cancellation is quiet) and the command rejects; the log keeps details. */
async function guarded<T>(id: string, output: vscode.OutputChannel, fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const e = err as KernelError;
    if (e.cancelled) {
      output.appendLine(`${id}: cancelled`);
      void vscode.window.showInformationMessage('Baler: cancelled.');
      return undefined;
    }
    output.appendLine(`${id} failed: ${e.message}${e.stack && e.name !== 'BalerError' ? `\n${e.stack}` : ''}`);
    if (!e.crashed) void vscode.window.showErrorMessage(`Baler: ${e.message}`);
    throw err;
  }
}

/**
 * Opens the project view beside a project config when its editor becomes active (setting
 * baler.openProjectView), once per config: a view the user closed stays closed until Show Project.
 */
class ProjectViewOpener implements vscode.Disposable {
  private readonly dismissed = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly extensionUri: vscode.Uri, private readonly store: ProjectStore) {
    this.subscriptions = [vscode.window.onDidChangeActiveTextEditor((e) => this.consider(e))];
    this.consider(vscode.window.activeTextEditor);
  }

  private consider(editor: vscode.TextEditor | undefined): void {
    const file = editor?.document.uri;
    if (!file || file.scheme !== 'file') return;
    const ref = projectOfConfig(file.fsPath);
    if (!ref || this.dismissed.has(file.fsPath) || ProjectPanel.panels.has(file.fsPath)) return;
    if (!readSettings(file).openProjectView) return;
    const view = ProjectPanel.show(this.extensionUri, this.store, ref, vscode.ViewColumn.Beside, true);
    view.panel.onDidDispose(() => this.dismissed.add(file.fsPath));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

export function deactivate(): void {
  kernel?.dispose();
  kernel = undefined;
}
