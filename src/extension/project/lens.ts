// CodeLens on the lines of a project config that decide size and quality (the lines: ./lensLines.ts).
// Figures come from the measured points (the engine's FileInfo of each file written), never estimated.
import * as vscode from 'vscode';
import { readConfigText } from './configText';
import { lensLines } from './lensLines';
import { projectOfConfig } from './refs';
import type { ProjectStore } from './store';

export class ProjectLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ProjectStore) {
    this.subscription = store.onDidChange(() => this.emitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const ref = projectOfConfig(document.uri.fsPath);
    if (!ref) return [];
    const results = this.store.get(document.uri.fsPath);
    if (!results) {
      void this.store.refresh(ref);
      return [];
    }
    const parsed = readConfigText(document.getText());
    const offsets = new Map(parsed.locations.map((l) => [l.key, l.offset]));
    return lensLines(document.getText(), results).map((line) => {
      const range = document.lineAt(document.positionAt(offsets.get(line.key) ?? 0).line).range;
      return new vscode.CodeLens(range, { title: line.title, command: line.command, arguments: [document.uri] });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
