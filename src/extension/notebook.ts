// The "Baler" notebook controller for .ipynb: cells are JavaScript with `baler` in scope, or `%baler …`
// lines that mirror the CLI. Cells run in the kernel process and share the notebook's variables (a session
// per notebook, reset by "Baler: Restart Notebook Kernel"); progress shows while a cell runs and is removed
// when it ends; tables, the rows of a file and the dashboard's charts come back as outputs (charts through
// this extension's renderer, with a text fallback). Interrupt cancels.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Progress } from '../kernel/api';
import type { CellOutput } from '../kernel/protocol';
import { headline, sectionsMarkdown, sectionsText } from '../kernel/report/info-rows';
import type { ReportData } from '../kernel/report/types';
import { progressMessage } from './format';
import { KernelClient, KernelError } from './kernelClient';
import { readSettings, trainingDefaults } from './settings';

/** Output item mime type of reports, drawn by webviews/renderer.ts. */
export const REPORT_MIME = 'application/vnd.baler.report+json';

export const CONTROLLER_ID = 'baler-notebook-kernel';
export const NOTEBOOK_TYPES = ['jupyter-notebook'];

export class BalerNotebookController implements vscode.Disposable {
  readonly controllers: vscode.NotebookController[];
  private executionOrder = 0;
  private readonly running = new Map<string, AbortController>();

  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly kernel: () => KernelClient, private readonly log: (line: string) => void) {
    this.controllers = NOTEBOOK_TYPES.map((type) => {
      const c = vscode.notebooks.createNotebookController(CONTROLLER_ID, type, 'Baler');
      c.description = 'ML compression: JavaScript with `baler` in scope, or %baler CLI lines';
      c.supportedLanguages = ['javascript', 'plaintext'];
      c.supportsExecutionOrder = true;
      c.executeHandler = (cells, notebook, controller) => this.executeAll(cells, notebook, controller);
      c.interruptHandler = (notebook) => this.interrupt(notebook);
      return c;
    });
    // Notebooks saved with the Baler kernelspec open with this controller preferred.
    for (const nb of vscode.workspace.notebookDocuments) this.preferIfBaler(nb);
    this.subscriptions.push(vscode.workspace.onDidOpenNotebookDocument((nb) => this.preferIfBaler(nb)));
  }

  private preferIfBaler(notebook: vscode.NotebookDocument): void {
    if (!isBalerNotebook(notebook)) return;
    for (const c of this.controllers) {
      if (c.notebookType === notebook.notebookType) c.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private async executeAll(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<void> {
    for (const cell of cells) {
      const ok = await this.execute(cell, notebook, controller);
      if (!ok) break;
    }
  }

  private interrupt(notebook: vscode.NotebookDocument): void {
    this.running.get(notebook.uri.toString())?.abort();
  }

  /** Forgets the notebook's variables; the next cell starts from a clean session. */
  async restart(notebook: vscode.NotebookDocument | undefined = vscode.window.activeNotebookEditor?.notebook): Promise<boolean> {
    if (!notebook) throw new Error('open a notebook that uses the Baler kernel first');
    this.interrupt(notebook);
    const { reset } = await this.kernel().call('resetSession', { session: notebook.uri.toString() });
    this.executionOrder = 0;
    this.log(`notebook kernel restarted for ${notebook.uri.fsPath}`);
    return reset;
  }

  private async execute(cell: vscode.NotebookCell, notebook: vscode.NotebookDocument, controller: vscode.NotebookController): Promise<boolean> {
    const execution = controller.createNotebookCellExecution(cell);
    execution.executionOrder = ++this.executionOrder;
    execution.start(Date.now());
    await execution.clearOutput();
    if (!vscode.workspace.isTrusted) {
      await execution.appendOutput(errorOutput('Untrusted workspace', 'Baler cells run code: trust this workspace to run them (Workspaces: Manage Workspace Trust).'));
      execution.end(false, Date.now());
      return false;
    }
    const abort = new AbortController();
    const key = notebook.uri.toString();
    this.running.set(key, abort);
    const onCancel = execution.token.onCancellationRequested(() => abort.abort());
    const writer = new OutputWriter(execution);
    try {
      const result = await this.kernel().call('runCell', {
        code: cell.document.getText(), cwd: notebookFolder(notebook), session: key, defaults: cellDefaults(notebook.uri),
      }, {
        signal: abort.signal,
        onOutput: (o) => writer.add(o),
        onProgress: (p) => writer.progress(p),
        onLog: (line) => this.log(line),
      });
      if (result.value) await writer.add(result.value);
      await writer.finish();
      execution.end(true, Date.now());
      return true;
    } catch (err) {
      const e = err as KernelError;
      await writer.add(e.cancelled
        ? errorOutput('Cancelled', 'the cell was interrupted; training stopped')
        : errorOutput(e.name === 'BalerError' ? 'Baler error' : e.name, e.message, e.name === 'BalerError' ? undefined : e.stack));
      await writer.finish();
      execution.end(false, Date.now());
      return false;
    } finally {
      onCancel.dispose();
      if (this.running.get(key) === abort) this.running.delete(key);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    for (const c of this.controllers) c.dispose();
  }
}

/** The ipynb serializer keeps the file's metadata under `metadata` (older versions: `custom.metadata`). */
export function isBalerNotebook(notebook: vscode.NotebookDocument): boolean {
  const m = notebook.metadata as { metadata?: NbMeta; custom?: { metadata?: NbMeta } } & NbMeta;
  const spec = m.metadata?.kernelspec ?? m.custom?.metadata?.kernelspec ?? m.kernelspec;
  return spec?.name === 'baler';
}

interface NbMeta { kernelspec?: { name?: string } }

function notebookFolder(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return path.dirname(notebook.uri.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

function errorOutput(name: string, message: string, stack?: string): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error({ name, message, stack: stack ?? `${name}: ${message}` })]);
}

/**
 * Turns the kernel's cell outputs into notebook outputs, in order. Progress is one output updated in place
 * while the cell runs, and removed when it ends (after success, an error or an interrupt).
 */
class OutputWriter {
  private chain: Promise<unknown> = Promise.resolve();
  private progressOutput: vscode.NotebookCellOutput | undefined;
  private readonly outputs: vscode.NotebookCellOutput[] = [];

  constructor(private readonly execution: vscode.NotebookCellExecution) {}

  add(output: CellOutput | vscode.NotebookCellOutput): Promise<unknown> {
    const notebookOutput = output instanceof vscode.NotebookCellOutput ? output : toNotebookOutput(output);
    this.outputs.push(notebookOutput);
    return this.enqueue(() => this.execution.appendOutput(notebookOutput));
  }

  progress(p: Progress): void {
    const item = vscode.NotebookCellOutputItem.text(progressMessage(p));
    void this.enqueue(async () => {
      if (this.progressOutput) {
        await this.execution.replaceOutputItems(item, this.progressOutput);
      } else {
        this.progressOutput = new vscode.NotebookCellOutput([item], { baler: 'progress' });
        await this.execution.appendOutput(this.progressOutput);
      }
    });
  }

  /** Waits for every output, then drops the progress line. */
  finish(): Promise<unknown> {
    return this.enqueue(async () => {
      if (!this.progressOutput) return;
      this.progressOutput = undefined;
      await this.execution.replaceOutput(this.outputs);
    });
  }

  private enqueue(step: () => Thenable<unknown>): Promise<unknown> {
    this.chain = this.chain.then(step, step);
    return this.chain;
  }
}

export function toNotebookOutput(output: CellOutput): vscode.NotebookCellOutput {
  switch (output.kind) {
    case 'text':
      return new vscode.NotebookCellOutput([
        output.stream === 'stderr' ? vscode.NotebookCellOutputItem.stderr(output.text + '\n') : vscode.NotebookCellOutputItem.stdout(output.text + '\n'),
      ]);
    case 'table':
      return new vscode.NotebookCellOutput([
        vscode.NotebookCellOutputItem.text(markdownTable(output.columns, output.rows, output.title), 'text/markdown'),
        vscode.NotebookCellOutputItem.text(plainTable(output.columns, output.rows, output.title), 'text/plain'),
      ]);
    case 'info':
      return new vscode.NotebookCellOutput([
        vscode.NotebookCellOutputItem.text(`**${output.title}**: ${headline(output.sections)}\n\n${sectionsMarkdown(output.sections)}`, 'text/markdown'),
        vscode.NotebookCellOutputItem.text(`${output.title}\n${sectionsText(output.sections)}`, 'text/plain'),
      ], { baler: 'info' });
    case 'report':
      return new vscode.NotebookCellOutput([
        vscode.NotebookCellOutputItem.json({ title: output.title, data: output.data }, REPORT_MIME),
        vscode.NotebookCellOutputItem.text(reportText(output.title, output.data), 'text/plain'),
      ]);
    case 'json':
      return new vscode.NotebookCellOutput([
        vscode.NotebookCellOutputItem.json(output.value),
        vscode.NotebookCellOutputItem.text(JSON.stringify(output.value, null, 2) ?? String(output.value), 'text/plain'),
      ]);
  }
}

function cellText(v: string | number): string {
  return String(v).replace(/\|/g, '\\|');
}

export function markdownTable(columns: string[], rows: (string | number)[][], title?: string): string {
  const head = `| ${columns.map(cellText).join(' | ')} |\n| ${columns.map(() => '---').join(' | ')} |`;
  const body = rows.map((r) => `| ${r.map(cellText).join(' | ')} |`).join('\n');
  return `${title ? `**${title}**\n\n` : ''}${head}\n${body}`;
}

function plainTable(columns: string[], rows: (string | number)[][], title?: string): string {
  const width = Math.max(...[columns, ...rows].map((r) => String(r[0]).length));
  const lines = rows.map((r) => `${String(r[0]).padEnd(width)}  ${r.slice(1).join('  ')}`);
  return [title, ...lines].filter(Boolean).join('\n');
}

function reportText(title: string, data: ReportData): string {
  return `Baler report: ${title}\n${headline(data.info)}`;
}

/** Cells compress with the user's baler.* training settings unless a cell says otherwise. */
function cellDefaults(scope: vscode.Uri) {
  return trainingDefaults(readSettings(scope));
}
