// Chooses the fastest TensorFlow.js backend that works on this machine and explains the choice.
// Order for 'auto': tfjs-node-gpu → tfjs-node → webgpu (a hardware adapter) → wasm (SIMD) → pure-JS cpu.
// tfjs-node(-gpu) and webgpu's Dawn are packages the user installs (./user-packages.ts says where they are looked for).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf, tfjs } from './tf';
import type { BackendName } from '../api';
import { installWasmFixes } from './wasm-fixes';
import { describePackage, locatePackage, requirePackage, USER_PACKAGES_ENV, type UserPackage } from './user-packages';
import { CUDA_REQUIREMENT, missingCudaLibraries } from './system-libraries';
import { setUpWebGpu } from './webgpu';

export interface BackendAttempt {
  name: string;
  ok: boolean;
  reason: string;
  /** It works but was not chosen (a software WebGPU adapter under 'auto'). */
  passedOver?: boolean;
}

export interface BackendReport {
  active: string;
  simd?: boolean;
  /** The active backend runs on a software GPU adapter (webgpu on lavapipe, say). */
  software?: boolean;
  tried: BackendAttempt[];
  warning?: string;
}

export const TFJS_NODE_HINT =
  `install it with \`npm install @tensorflow/tfjs-node\` (or \`@tensorflow/tfjs-node-gpu\` with CUDA) on a machine with internet access; ` +
  `installed elsewhere (or for the VS Code extension), point ${USER_PACKAGES_ENV} (setting baler.tfjsNodePath) at the folder holding its node_modules`;

const CPU_WARNING =
  'using the pure-JavaScript cpu backend: training is 10-20x slower than wasm; ' + TFJS_NODE_HINT;

let current: { preference: BackendName; report: BackendReport } | undefined;
let pending: Promise<BackendReport> | undefined;

/** Selects and initialises a backend. Idempotent: repeated calls with the same preference reuse the result. */
export async function initBackend(preference: BackendName = 'auto'): Promise<BackendReport> {
  if (current && current.preference === preference && tf.getBackend() === current.report.active) {
    return current.report;
  }
  if (pending) await pending.catch(() => undefined);
  pending = selectBackend(preference);
  try {
    const report = await pending;
    current = { preference, report };
    return report;
  } finally {
    pending = undefined;
  }
}

/** The report of the last initBackend call, if any. */
export function lastBackendReport(): BackendReport | undefined {
  return current?.report;
}

async function selectBackend(preference: BackendName): Promise<BackendReport> {
  // Production mode silences tfjs's own console banners (e.g. the cpu backend's "install tfjs-node" notice);
  // the report carries our version of that advice.
  tf.enableProdMode();
  const chain: Exclude<BackendName, 'auto'>[] =
    preference === 'auto' ? ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'] : [preference];
  const tried: BackendAttempt[] = [];
  for (const name of chain) {
    const attempt = await tryBackend(name, preference);
    tried.push(attempt.result);
    if (attempt.result.ok) {
      const report: BackendReport = { active: attempt.tfName, tried };
      if (attempt.simd !== undefined) report.simd = attempt.simd;
      if (attempt.tfName === 'cpu') report.warning = CPU_WARNING;
      if (attempt.software) {
        report.software = true;
        report.warning = 'WebGPU runs on a software adapter: correct, but slower than wasm (set the backend to auto or wasm)';
      }
      return report;
    }
  }
  if (preference !== 'auto' && preference !== 'cpu') {
    // An explicitly requested backend that is missing still leaves a working engine: the portable ones.
    for (const name of preference === 'wasm' ? ['cpu' as const] : ['wasm' as const, 'cpu' as const]) {
      const fallback = await tryBackend(name);
      tried.push(fallback.result);
      if (!fallback.result.ok) continue;
      const using = name === 'cpu' ? CPU_WARNING : 'using wasm instead';
      return { active: fallback.tfName, tried, simd: fallback.simd, warning: `backend '${preference}' is not available (${tried[0].reason}); ${using}` };
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

interface Attempt {
  result: BackendAttempt;
  tfName: string;
  simd?: boolean;
  software?: boolean;
}

async function tryBackend(name: Exclude<BackendName, 'auto'>, explicitlyRequested?: BackendName): Promise<Attempt> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      return tryTfjsNode(name);
    case 'webgpu':
      return tryWebGpu(explicitlyRequested === 'webgpu');
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return trySetBackend('cpu', 'cpu', `pure JavaScript (tfjs-backend-cpu ${tfjs().version_cpu}), always available`);
  }
}

async function tryWebGpu(allowSoftware: boolean): Promise<Attempt> {
  const setup = await setUpWebGpu(allowSoftware);
  if (!setup.ok) return { tfName: 'webgpu', result: { name: 'webgpu', ok: false, reason: setup.reason, passedOver: setup.software } };
  const attempt = await trySetBackend('webgpu', 'webgpu', setup.reason);
  if (attempt.result.ok && setup.software) attempt.software = true;
  return attempt;
}

/** Which of the two native packages this process loaded: both register 'tensorflow', only one can. */
let nativeLoaded: UserPackage | undefined;

async function tryTfjsNode(name: 'tfjs-node' | 'tfjs-node-gpu'): Promise<Attempt> {
  const pkgName: UserPackage = `@tensorflow/${name}`;
  const fail = (reason: string): Attempt => ({ tfName: 'tensorflow', result: { name, ok: false, reason } });
  if (nativeLoaded && nativeLoaded !== pkgName) return fail(`this process already loaded ${nativeLoaded} (one native TensorFlow per process; restart to switch)`);
  const lookup = locatePackage(pkgName);
  if ('missing' in lookup) return fail(lookup.missing);
  const pkg = lookup.found;
  if (!nativeLoaded) {
    try {
      requirePackage(pkg);
      nativeLoaded = pkgName;
    } catch (err) {
      return fail(describeLoadError(describePackage(pkg), err));
    }
  }
  // A tfjs-node whose tfjs-core is another major version keeps its own engine: nothing registered here.
  if (!tf.findBackendFactory('tensorflow')) {
    return fail(`${describePackage(pkg)} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core ${tf.version_core} (version mismatch?)`);
  }
  let detail = `native TensorFlow (${describePackage(pkg)})`;
  if (name === 'tfjs-node-gpu') {
    const missing = missingCudaLibraries();
    if (missing.length > 0) detail += `; CUDA libraries missing (${missing.map((m) => `${m.file}: ${m.what}`).join(', ')}): TensorFlow runs on the CPU; it needs ${CUDA_REQUIREMENT}`;
  }
  return trySetBackend(name, 'tensorflow', detail);
}

function describeLoadError(what: string, err: unknown): string {
  const firstLine = String((err as Error)?.message ?? err).split('\n')[0];
  if (/tfjs_binding\.node|libtensorflow/.test(firstLine)) {
    return `${what} is installed without its native part (${firstLine}): its install script downloads libtensorflow; reinstall it with network access`;
  }
  return `${what} failed to load (${firstLine}); reinstall it with network access`;
}

async function tryWasm(): Promise<Attempt> {
  const dir = findWasmDir();
  if (!dir) {
    return { tfName: 'wasm', result: { name: 'wasm', ok: false, reason: 'tfjs-backend-wasm*.wasm files not found next to the bundle or in node_modules' } };
  }
  try {
    tfjs().setWasmPaths(dir + path.sep);
  } catch {
    // setWasmPaths throws once the backend is already initialised; the earlier path stays in effect.
  }
  const attempt = await trySetBackend('wasm', 'wasm', `WebAssembly from ${dir}`);
  if (attempt.result.ok) {
    installWasmFixes();
    attempt.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    attempt.result.reason += attempt.simd ? ', SIMD' : ', no SIMD';
  }
  return attempt;
}

/** Folder holding the backend's .wasm files: beside the bundle first, else the installed package. */
export function findWasmDir(): string | undefined {
  const candidates = [__dirname];
  try {
    candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')));
  } catch {
    try {
      candidates.push(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
    } catch {
      // not resolvable; only __dirname remains
    }
  }
  return candidates.find((d) => fs.existsSync(path.join(d, 'tfjs-backend-wasm-simd.wasm')) || fs.existsSync(path.join(d, 'tfjs-backend-wasm.wasm')));
}

async function trySetBackend(name: string, tfName: string, okReason: string): Promise<Attempt> {
  try {
    const ok = await tf.setBackend(tfName);
    if (!ok) return { tfName, result: { name, ok: false, reason: `tf.setBackend('${tfName}') failed to initialise` } };
    await tf.ready();
    return { tfName, result: { name, ok: true, reason: okReason } };
  } catch (err) {
    return { tfName, result: { name, ok: false, reason: String((err as Error)?.message ?? err).split('\n')[0] } };
  }
}
