// Compress Files with One Shared Model (explorer multi-select, palette): the selected data files are coded
// against one learned predictor kept in a shared .balermodel beside them (trained on them first when it does
// not exist yet; the kernel's compressSet), and the message gives the set's total with that model counted
// once, and from how many files sharing it pays.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ResultOf } from '../kernel/protocol';
import { setSummaryLines } from '../kernel/report/set-text';
import type { CommandServices, Prompts } from './commands';
import { DATA_EXTENSIONS, extensionOf } from './fileTypes';
import { KernelError } from './kernelClient';
import { readSettings } from './settings';

/** The model file's name, beside the first selected file. */
export const SHARED_MODEL_NAME = 'shared.balermodel';

export interface SetArgs { modelFile?: string; force?: boolean; trainSeconds?: number }
type SetResult = ResultOf<'compressSet'>;

export function registerSetCommands(s: CommandServices, prompts: () => Prompts, guard: (id: string, fn: (...args: any[]) => unknown) => vscode.Disposable): vscode.Disposable[] {
  return [
    guard('baler.compressFilesWithSharedModel', (uri?: vscode.Uri, uris?: vscode.Uri[], args?: SetArgs) => compressWithSharedModel(s, prompts(), uri, uris, args)),
  ];
}

export async function compressWithSharedModel(s: CommandServices, prompts: Prompts, uri?: vscode.Uri, uris?: vscode.Uri[], args: SetArgs = {}): Promise<SetResult | undefined> {
  const chosen = uris && uris.length > 0 ? uris : uri ? [uri] : await pickFiles();
  const files = (chosen ?? []).filter((u) => DATA_EXTENSIONS.includes(extensionOf(u.fsPath)));
  if (files.length < 2) {
    void vscode.window.showWarningMessage('Baler: select two or more data files (Ctrl- or Cmd-click in the explorer) to compress them with one shared model.');
    return undefined;
  }
  const settings = readSettings(files[0]);
  const modelFile = args.modelFile ?? path.join(path.dirname(files[0].fsPath), SHARED_MODEL_NAME);
  const inputs = files.map((f) => f.fsPath);
  s.output.appendLine(`compress ${inputs.length} files with ${fs.existsSync(modelFile) ? 'the existing' : 'a new'} shared model ${modelFile}`);
  const run = (force: boolean) => s.tasks.run(`Compressing ${inputs.length} files with one model`, (h) =>
    s.kernel().call('compressSet', { inputs, options: { backend: settings.backend, ...(settings.errorBound ? { errorBound: settings.errorBound } : {}), modelFile, force, ...(args.trainSeconds ? { trainSeconds: args.trainSeconds } : {}) } }, h));
  let result: SetResult;
  try {
    result = await run(args.force ?? false);
  } catch (err) {
    const e = err as KernelError;
    if (e.code !== 'EEXIST' || !e.file || args.force !== undefined) throw err;
    if (!(await prompts.confirmReplace(e.file))) return undefined;
    result = await run(true);
  }
  const lines = setSummaryLines(result.set);
  for (const line of lines) s.output.appendLine(`  ${line}`);
  void vscode.window.showInformationMessage(`Baler: ${lines.join('; ')}`, 'Show Output').then((c) => c && s.output.show());
  return result;
}

async function pickFiles(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true, openLabel: 'Compress with one model', title: 'Baler: data files to compress with one shared model',
    filters: { 'Data files': DATA_EXTENSIONS.map((e) => e.slice(1)) },
  });
}
