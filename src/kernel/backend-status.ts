// Which compute backends are installed here, which one a preference resolves to, and why the faster ones are
// not in use: what the backend picker in VS Code shows beside each name and what `baler doctor` prints.
import type { BackendName } from './api';
import { BACKENDS } from './backends';
import { findWasmDir, initBackend, TFJS_NODE_HINT } from './model/backend';
import { describePackage, locatePackage, type UserPackage } from './model/user-packages';

export interface BackendStatus {
  name: BackendName;
  detail: string;
  /** Whether its package (or files) can be found; 'auto' and 'cpu' always are. */
  installed: boolean;
  /** Why it is (not) in use: the selection's reason where it was tried, else where it is installed or what is missing. */
  note?: string;
  /** It is the backend in use. */
  active?: boolean;
  /** Whether selecting it worked; undefined where it was not tried (a faster one was in use, or another was asked for). */
  usable?: boolean;
  /** It works but was passed over (a software WebGPU adapter under 'auto'). */
  passedOver?: boolean;
}

export interface BackendStatusReport {
  backends: BackendStatus[];
  /** The tfjs backend the preference resolves to now ('tensorflow' for tfjs-node(-gpu)). */
  active: string;
  preference: BackendName;
  warning?: string;
}

const PACKAGE_OF: Partial<Record<BackendName, UserPackage>> = {
  'tfjs-node': '@tensorflow/tfjs-node',
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  // tfjs-backend-webgpu is bundled; Dawn is what the user brings.
  webgpu: 'webgpu',
};

function installation(name: BackendName): { installed: boolean; note: string } {
  if (name === 'auto' || name === 'cpu') return { installed: true, note: 'always available' };
  if (name === 'wasm') {
    const dir = findWasmDir();
    return dir ? { installed: true, note: `WebAssembly files in ${dir}` } : { installed: false, note: 'tfjs-backend-wasm*.wasm files not found' };
  }
  const lookup = locatePackage(PACKAGE_OF[name]!);
  return 'found' in lookup ? { installed: true, note: `installed: ${describePackage(lookup.found)}` } : { installed: false, note: lookup.missing };
}

export async function backendStatus(preference: BackendName = 'auto'): Promise<BackendStatusReport> {
  const report = await initBackend(preference);
  const tried = new Map(report.tried.map((t) => [t.name, t]));
  const activeName = report.tried.find((t) => t.ok)?.name;
  return {
    preference,
    active: report.active,
    warning: report.warning,
    backends: BACKENDS.map((b) => {
      const install = installation(b.name);
      const attempt = tried.get(b.name);
      let note = attempt?.reason ?? install.note;
      if (!attempt && install.installed && b.name !== 'auto') note += `; not tried (${preference === 'auto' ? `${activeName} comes first` : `the backend is set to ${preference}`})`;
      if (b.name === 'auto') note = `resolves to ${activeName ?? report.active} here`;
      return { name: b.name, detail: b.detail, installed: install.installed, note, active: b.name === activeName, usable: attempt?.ok, passedOver: attempt?.passedOver };
    }),
  };
}

/** Text for `baler doctor`: every backend, whether it is installed, the one in use, and why the faster ones are not. */
export async function describeBackends(preference: BackendName = 'auto'): Promise<string> {
  const status = await backendStatus(preference);
  const inUse = status.backends.find((b) => b.active);
  const report = await initBackend(preference);
  const lines = [`backend in use: ${inUse?.name ?? status.active}${report.simd === undefined ? '' : report.simd ? ' (SIMD)' : ' (no SIMD)'}${preference === 'auto' ? '' : ` (asked for: ${preference})`}`];
  for (const b of status.backends) {
    if (b.name === 'auto') continue;
    const mark = !b.installed ? 'absent' : b.active ? 'in use' : b.passedOver ? 'passed' : b.usable === false ? 'failed' : 'ready ';
    lines.push(`  ${mark}  ${b.name}: ${b.note}`);
  }
  if (status.warning) lines.push(`warning: ${status.warning}`);
  if (!status.backends.some((b) => b.active && b.name.startsWith('tfjs-node'))) lines.push(`for faster training on the CPU or an NVIDIA GPU, ${TFJS_NODE_HINT}`);
  return lines.join('\n');
}
