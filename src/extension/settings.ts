// The extension's settings (baler.*), read fresh each time so changes apply to the next command.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName, CompressOptions, LatentPrecision, ModelType } from '../kernel/api';

export const BACKENDS: { name: BackendName; detail: string }[] = [
  { name: 'auto', detail: 'the fastest available: tfjs-node(-gpu) if installed, else WebGPU, else wasm SIMD' },
  { name: 'wasm', detail: 'WebAssembly with SIMD: portable, no native install' },
  { name: 'cpu', detail: 'plain JavaScript: slowest, always works' },
  { name: 'tfjs-node', detail: 'native TensorFlow (npm install @tensorflow/tfjs-node)' },
  { name: 'tfjs-node-gpu', detail: 'native TensorFlow with CUDA (npm install @tensorflow/tfjs-node-gpu)' },
  { name: 'webgpu', detail: 'WebGPU where a GPU adapter exists' },
];

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
  };
}

/** A compression target typed by the user: a ratio ("50") or an error bound ("abs:1e-3"). */
export type Target = { compressionRatio: number } | { errorBound: string };

const BOUND = /^(abs|rel|pw-rel):\s*[0-9.]+(e[-+]?\d+)?$/i;

export function parseTarget(text: string): Target | string {
  const t = text.trim().replace(/x$/i, '');
  if (BOUND.test(t)) return { errorBound: t.replace(/\s+/g, '').toLowerCase() };
  const ratio = Number(t);
  if (Number.isFinite(ratio) && ratio > 1) return { compressionRatio: ratio };
  return 'enter a compression ratio above 1 (e.g. 20) or an error bound (abs:1e-3, rel:1e-3, pw-rel:1e-2)';
}

export function defaultTargetText(s: BalerSettings): string {
  return s.errorBound || String(s.defaultCompressionRatio);
}

/** The training settings every compression starts from (commands and notebook cells alike). */
export function trainingDefaults(s: BalerSettings): CompressOptions {
  return { backend: s.backend, epochs: s.epochs, modelType: s.modelType, latentPrecision: s.latentPrecision };
}

export function compressOptionsFrom(s: BalerSettings, target: Target): CompressOptions {
  return { ...trainingDefaults(s), ...target };
}

/** Where NAME.baler goes: beside the input, or in the configured folder of the input's workspace folder. */
export function outputPathFor(input: vscode.Uri, ext: string, s: BalerSettings): string {
  const parsed = path.parse(input.fsPath);
  if (s.outputLocation === 'outputFolder') {
    const folder = vscode.workspace.getWorkspaceFolder(input)?.uri.fsPath ?? parsed.dir;
    return path.join(path.resolve(folder, s.outputFolder), parsed.name + ext);
  }
  return path.join(parsed.dir, parsed.name + ext);
}
