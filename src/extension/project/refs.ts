// A project's identity from its config path: workspaces/WORKSPACE/PROJECT/config/PROJECT_config.json under a
// root folder. Pure (no vscode): the commands, the view, the CodeLens and the unit tests share it.
import * as path from 'node:path';
import type { ProjectRef } from '../../kernel/protocol';

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
