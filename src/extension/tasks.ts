// Long work in the kernel process, as the user sees it: a cancellable progress notification (epoch, loss,
// ETA), log lines in the output channel, `baler.busy` for the Cancel command, and Cancel stopping them all.
import * as vscode from 'vscode';
import type { Progress } from '../kernel/api';
import { progressMessage } from './format';
import type { CallHandlers } from './kernelClient';

export class KernelTasks {
  private readonly running = new Set<AbortController>();

  constructor(private readonly output: vscode.OutputChannel) {}

  get count(): number {
    return this.running.size;
  }

  /** Runs `work` under a progress notification; `extra` also receives progress (e.g. a live loss chart). */
  async run<T>(title: string, work: (handlers: CallHandlers) => Promise<T>, extra?: (p: Progress) => void): Promise<T> {
    const abort = new AbortController();
    this.running.add(abort);
    await vscode.commands.executeCommand('setContext', 'baler.busy', true);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Baler: ${title}`, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return work({
          signal: abort.signal,
          onLog: (line) => this.output.appendLine(`  ${line}`),
          onProgress: (p: Progress) => {
            extra?.(p);
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

  cancelAll(): number {
    const n = this.running.size;
    for (const c of this.running) c.abort();
    return n;
  }
}
