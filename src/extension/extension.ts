// Entry of the VS Code extension: wires the kernel process client, the commands, the .baler editor, the
// dashboard and the notebook controller. Heavy work never runs here: it goes to the kernel process.
import * as vscode from 'vscode';
import { BalerCommands } from './commands';
import { BalerEditorProvider } from './balerEditor';
import { DashboardPanel } from './dashboard';
import { KernelClient } from './kernelClient';
import { BalerNotebookController } from './notebook';

/** What activate() returns: used by the integration tests, and by other extensions if they like. */
export interface BalerExtensionApi {
  kernel(): KernelClient;
  commands: BalerCommands;
  balerEditor: BalerEditorProvider;
  notebook: BalerNotebookController;
  dashboard(): DashboardPanel | undefined;
  output: vscode.OutputChannel;
}

let kernel: KernelClient | undefined;

export function activate(context: vscode.ExtensionContext): BalerExtensionApi {
  const output = vscode.window.createOutputChannel('Baler');
  const log = (line: string) => output.appendLine(line);
  kernel = new KernelClient({
    kernelPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'kernel.js').fsPath,
    log,
    onCrash: (reason) => void vscode.window.showErrorMessage(`Baler: ${reason}. The next command starts a new kernel process.`, 'Show Log')
      .then((c) => c && output.show()),
  });
  const getKernel = () => kernel as KernelClient;
  const commands = new BalerCommands({ extensionUri: context.extensionUri, kernel: getKernel, output });
  const balerEditor = new BalerEditorProvider(context.extensionUri, {
    inspect: (file) => getKernel().call('inspect', { file }),
    decompress: (uri) => vscode.commands.executeCommand('baler.decompressFile', uri),
    openDashboard: (uri) => vscode.commands.executeCommand('baler.showDashboard', uri),
  });
  const notebook = new BalerNotebookController(getKernel, log);
  context.subscriptions.push(
    output,
    notebook,
    ...commands.register(),
    vscode.window.registerCustomEditorProvider(BalerEditorProvider.viewType, balerEditor, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
    { dispose: () => kernel?.dispose() },
  );
  log('Baler extension activated');
  return { kernel: getKernel, commands, balerEditor, notebook, dashboard: () => DashboardPanel.current, output };
}

export function deactivate(): void {
  kernel?.dispose();
  kernel = undefined;
}
