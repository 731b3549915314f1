// The extension's settings (baler.*), read fresh each time so changes apply to the next command.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName, CompressOptions, LatentPrecision, ModelType } from '../kernel/api';
import { extensionOf } from '../kernel/data/extensions';

export type OutputLocation = 'besideInput' | 'outputFolder';

export interface BalerSettings {
  backend: BackendName;
  defaultCompressionRatio: number;
  errorBound: string;
  epochs: number;
  modelType: ModelType;
  latentPrecision: LatentPrecision;
  outputLocation: OutputLocation;
  outputFolder: string;
  askForTarget: boolean;
  openDashboardAfterCompress: boolean;
  openProjectView: boolean;
  /** A folder whose node_modules holds tfjs-node(-gpu) or webgpu for the kernel process ('' = none). */
  tfjsNodePath: string;
}

export function readSettings(scope?: vscode.Uri): BalerSettings {
  const c = vscode.workspace.getConfiguration('baler', scope);
  return {
    backend: c.get<BackendName>('backend', 'auto'),
    defaultCompressionRatio: c.get<number>('defaultCompressionRatio', 20),
    errorBound: c.get<string>('errorBound', '').trim(),
    epochs: c.get<number>('epochs', 300),
    modelType: c.get<ModelType>('modelType', 'dense'),
    latentPrecision: c.get<LatentPrecision>('latentPrecision', 'float32'),
    outputLocation: c.get<OutputLocation>('outputLocation', 'besideInput'),
    outputFolder: c.get<string>('outputFolder', 'baler-output'),
    askForTarget: c.get<boolean>('askForTarget', true),
    openDashboardAfterCompress: c.get<boolean>('openDashboardAfterCompress', false),
    openProjectView: c.get<boolean>('openProjectView', true),
    tfjsNodePath: c.get<string>('tfjsNodePath', '').trim(),
  };
}

/** The training settings every compression starts from (commands and notebook cells alike). */
export function trainingDefaults(s: BalerSettings): CompressOptions {
  return { backend: s.backend, epochs: s.epochs, modelType: s.modelType, latentPrecision: s.latentPrecision };
}

/** Where NAME.baler goes: beside the input, or in the configured folder of the input's workspace folder. */
export function outputPathFor(input: vscode.Uri, ext: string, s: BalerSettings): string {
  const parsed = path.parse(input.fsPath);
  const own = extensionOf(input.fsPath); // brain.nii.gz → brain.baler
  if (own.length > parsed.ext.length) parsed.name = parsed.base.slice(0, parsed.base.length - own.length);
  if (s.outputLocation === 'outputFolder') {
    const folder = vscode.workspace.getWorkspaceFolder(input)?.uri.fsPath ?? parsed.dir;
    return path.join(path.resolve(folder, s.outputFolder), parsed.name + ext);
  }
  return path.join(parsed.dir, parsed.name + ext);
}
