// The results of each project (src/kernel/project/results.ts, computed in the kernel process), cached by
// config path for the project view and the CodeLens, with an event when they change.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProjectResults } from '../../kernel/project/results-types';
import type { ProjectRef } from '../../kernel/protocol';
import type { KernelClient } from '../kernelClient';

/** workspaces/WS/PROJECT/config/PROJECT_config.json. */
export const CONFIG_GLOB = '**/workspaces/*/*/config/*_config.json';

/** The project of a config path: its names and the folder holding workspaces/; undefined if not one. */
export function projectOfConfig(configPath: string): ProjectRef | undefined {
  const parts = path.resolve(configPath).split(path.sep);
  const i = parts.length - 2;
  if (parts[i] !== 'config' || i < 4 || parts[i - 3] !== 'workspaces') return undefined;
  const project = parts[i - 1];
  if (parts[i + 1] !== `${project}_config.json`) return undefined;
  return { workspace: parts[i - 2], project, root: parts.slice(0, i - 3).join(path.sep) || path.sep };
}

export function configOf(ref: ProjectRef): string {
  return path.join(ref.root, 'workspaces', ref.workspace, ref.project, 'config', `${ref.project}_config.json`);
}

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
