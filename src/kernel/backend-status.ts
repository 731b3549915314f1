// Which compute backends are installed here and which one a preference resolves to: what the backend
// picker in VS Code shows beside each name (`baler doctor` explains the same in prose).
import type { BackendName } from './api';
import { BACKENDS } from './backends';
import { findWasmDir, initBackend } from './model/backend';

export interface BackendStatus {
  name: BackendName;
  detail: string;
  /** Whether its package (or files) can be found; 'auto' and 'cpu' always are. */
  installed: boolean;
  /** What resolving was tried and why it failed or worked (from the backend selection). */
  note?: string;
}

export interface BackendStatusReport {
  backends: BackendStatus[];
  /** The backend the preference resolves to now. */
  active: string;
  preference: BackendName;
  warning?: string;
}

function resolvable(id: string): boolean {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}

function isInstalled(name: BackendName): boolean {
  switch (name) {
    case 'auto': case 'cpu': return true;
    case 'wasm': return findWasmDir() !== undefined;
    case 'tfjs-node': return resolvable('@tensorflow/tfjs-node');
    case 'tfjs-node-gpu': return resolvable('@tensorflow/tfjs-node-gpu');
    case 'webgpu': return resolvable('@tensorflow/tfjs-backend-webgpu');
  }
}

export async function backendStatus(preference: BackendName = 'auto'): Promise<BackendStatusReport> {
  const report = await initBackend(preference);
  const tried = new Map(report.tried.map((t) => [t.name, t]));
  return {
    preference,
    active: report.active,
    warning: report.warning,
    backends: BACKENDS.map((b) => ({ name: b.name, detail: b.detail, installed: isInstalled(b.name), note: tried.get(b.name)?.reason })),
  };
}
