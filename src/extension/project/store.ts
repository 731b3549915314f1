// The results of each project (src/kernel/project/results.ts, computed in the kernel process), cached by
// config path for the project view and the CodeLens, with an event when they change.
import * as vscode from 'vscode';
import type { ProjectResults } from '../../kernel/project/results-types';
import type { ProjectRef } from '../../kernel/protocol';
import type { KernelClient } from '../kernelClient';
import { configOf } from './refs';

export class ProjectStore implements vscode.Disposable {
  private readonly results = new Map<string, ProjectResults>();
  private readonly errors = new Map<string, string>();
  private readonly pending = new Map<string, Promise<ProjectResults | undefined>>();
  private readonly emitter = new vscode.EventEmitter<string>();
  /** Fires with the config path whose results changed. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly kernel: () => KernelClient, private readonly log: (line: string) => void) {}

  get(config: string): ProjectResults | undefined {
    return this.results.get(config);
  }

  error(config: string): string | undefined {
    return this.errors.get(config);
  }

  /** Reads the project's results again (one request at a time per project). */
  refresh(ref: ProjectRef): Promise<ProjectResults | undefined> {
    const config = configOf(ref);
    const running = this.pending.get(config);
    if (running) return running;
    const request = this.kernel().call('projectResults', ref)
      .then((r) => {
        this.results.set(config, r);
        this.errors.delete(config);
        return r;
      }, (err: Error) => {
        this.errors.set(config, err.message);
        this.log(`project results of ${config}: ${err.message}`);
        return undefined;
      })
      .finally(() => {
        this.pending.delete(config);
        this.emitter.fire(config);
      });
    this.pending.set(config, request);
    return request;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
