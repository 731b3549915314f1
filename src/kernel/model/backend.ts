// Chooses the fastest TensorFlow.js backend that works on this machine and explains the choice.
// Order for 'auto': tfjs-node-gpu → tfjs-node → webgpu → wasm (SIMD) → pure-JS cpu.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// A named import: bundlers drop a bare import of this package (its package.json declares no side effects).
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../api';
import { installWasmFixes } from './wasm-fixes';

export interface BackendAttempt {
  name: string;
  ok: boolean;
  reason: string;
}

export interface BackendReport {
  active: string;
  simd?: boolean;
  tried: BackendAttempt[];
  warning?: string;
}

const TFJS_NODE_HINT =
  'install it with `npm install @tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu` with CUDA) on a machine with internet access';

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
    const attempt = await tryBackend(name);
    tried.push(attempt.result);
    if (attempt.result.ok) {
      const report: BackendReport = { active: attempt.tfName, tried };
      if (attempt.simd !== undefined) report.simd = attempt.simd;
      if (attempt.tfName === 'cpu') report.warning = CPU_WARNING;
      return report;
    }
  }
  if (preference !== 'auto' && preference !== 'cpu') {
    // An explicitly requested backend that is missing still leaves a working (slow) engine.
    const fallback = await tryBackend('cpu');
    tried.push(fallback.result);
    return {
      active: 'cpu',
      tried,
      warning: `backend '${preference}' is not available (${tried[0].reason}); ${CPU_WARNING}`,
    };
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

interface Attempt {
  result: BackendAttempt;
  tfName: string;
  simd?: boolean;
}

async function tryBackend(name: Exclude<BackendName, 'auto'>): Promise<Attempt> {
  switch (name) {
    case 'tfjs-node-gpu':
      return tryTfjsNode(name, () => require('@tensorflow/tfjs-node-gpu'));
    case 'tfjs-node':
      return tryTfjsNode(name, () => require('@tensorflow/tfjs-node'));
    case 'webgpu':
      return { tfName: 'webgpu', result: { name, ok: false, reason: webgpuUnavailableReason() } };
    case 'wasm':
      return tryWasm();
    case 'cpu':
      return trySetBackend('cpu', 'cpu', `pure JavaScript (tfjs-backend-cpu ${version_cpu}), always available`);
  }
}

function webgpuUnavailableReason(): string {
  try {
    require.resolve('@tensorflow/tfjs-backend-webgpu');
  } catch {
    return 'not installed (@tensorflow/tfjs-backend-webgpu plus a Node WebGPU binding; it only pays with a real GPU adapter)';
  }
  return '@tensorflow/tfjs-backend-webgpu is installed, but this build does not load it: Node has no WebGPU adapter without an extra binding';
}

async function tryTfjsNode(name: string, load: () => unknown): Promise<Attempt> {
  try {
    load();
  } catch (err) {
    return { tfName: 'tensorflow', result: { name, ok: false, reason: describeLoadError(name, err) } };
  }
  // tfjs-node registers the 'tensorflow' backend in its own copy of tfjs-core if versions differ.
  if (!tf.findBackendFactory('tensorflow')) {
    return {
      tfName: 'tensorflow',
      result: { name, ok: false, reason: `@tensorflow/${name} loaded but registered no backend with this @tensorflow/tfjs-core (version mismatch?)` },
    };
  }
  return trySetBackend(name, 'tensorflow', 'native TensorFlow (libtensorflow)');
}

function describeLoadError(name: string, err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'MODULE_NOT_FOUND' && String(e.message).includes(`@tensorflow/${name}`)) {
    return `@tensorflow/${name} is not installed; ${TFJS_NODE_HINT}`;
  }
  const firstLine = String(e?.message ?? err).split('\n')[0];
  return `@tensorflow/${name} failed to load (${firstLine}); reinstall it with \`npm install @tensorflow/${name}\` on a machine with internet access`;
}

async function tryWasm(): Promise<Attempt> {
  const dir = findWasmDir();
  if (!dir) {
    return { tfName: 'wasm', result: { name: 'wasm', ok: false, reason: 'tfjs-backend-wasm*.wasm files not found next to the bundle or in node_modules' } };
  }
  try {
    setWasmPaths(dir + path.sep);
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

/** Text for `baler doctor`: the backend in use and why each faster one is not (one line each). */
export async function describeBackends(): Promise<string> {
  const report = current?.report ?? (await initBackend('auto'));
  const lines = [`backend in use: ${report.active}${report.simd === undefined ? '' : report.simd ? ' (SIMD)' : ' (no SIMD)'}`];
  for (const t of report.tried) lines.push(`  ${t.ok ? 'ok  ' : 'no  '} ${t.name}: ${t.reason}`);
  if (report.warning) lines.push(`warning: ${report.warning}`);
  if (!report.tried.some((t) => t.ok && t.name.startsWith('tfjs-node'))) {
    lines.push(`for faster training ${TFJS_NODE_HINT}`);
  }
  return lines.join('\n');
}
