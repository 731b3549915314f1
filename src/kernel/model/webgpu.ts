// The WebGPU backend in Node: Dawn from the `webgpu` npm package (binaries for Linux, macOS and Windows
// inside; an optional dependency, or installed by the user: ./user-packages.ts) under
// @tensorflow/tfjs-backend-webgpu (bundled). We pick the adapter ourselves instead of the package's own factory,
// so that a software adapter (Mesa lavapipe, SwiftShader: slower than wasm) is named and, under 'auto', passed
// over. Only asynchronous reads work in Node (readSync needs OffscreenCanvas): the training and encoding
// paths read with `await tensor.data()`.
import { tf, tfjs } from './tf';
import { describePackage, importPackage, locatePackage, type LocatedPackage } from './user-packages';
import { vulkanLoaderMissing } from './system-libraries';

/** The parts of the WebGPU API used here (the full types come with @webgpu/types, which is not a dependency). */
interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapter {
  info?: GpuAdapterInfo;
  limits: Record<string, number>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<unknown>;
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}
type WebGpuBackendClass = new (device: unknown, adapterInfo?: GpuAdapterInfo) => tf.KernelBackend;

export interface WebGpuSetup {
  ok: boolean;
  /** What was found or why nothing usable was. */
  reason: string;
  /** The adapter is a software renderer (CPU): correct, but slower than wasm. */
  software?: boolean;
}

interface Probe {
  reason: string;
  gpu?: Gpu;
  adapter?: GpuAdapter;
  pkg?: LocatedPackage;
  software?: boolean;
  description?: string;
}

const INSTALL_HINT = 'npm install webgpu (Dawn), or "Baler: Install GPU Backend" in VS Code';

/** The limits tfjs-backend-webgpu's own factory raises to the adapter's maximum. */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize',
  'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup',
];

let probe: Promise<Probe> | undefined;
let registration: Promise<WebGpuSetup> | undefined;

/**
 * Registers the 'webgpu' tfjs backend on the best adapter, once per process. A software adapter counts only
 * when `allowSoftware` (the user asked for webgpu by name); under 'auto' wasm is faster than it.
 */
export async function setUpWebGpu(allowSoftware: boolean): Promise<WebGpuSetup> {
  probe ??= probeAdapter();
  const found = await probe;
  if (!found.adapter || !found.gpu || !found.pkg) return { ok: false, reason: found.reason };
  if (found.software && !allowSoftware) {
    return { ok: false, software: true, reason: `only a software adapter (${found.description}): slower than wasm, used only when the backend is set to webgpu` };
  }
  registration ??= register(found as Required<Probe>);
  return registration;
}

async function probeAdapter(): Promise<Probe> {
  if (vulkanLoaderMissing()) {
    return { reason: 'no Vulkan loader (libvulkan.so.1): install libvulkan1 and the Vulkan driver of your GPU (NVIDIA: the driver package; Mesa: mesa-vulkan-drivers)' };
  }
  const lookup = locatePackage('webgpu');
  if ('missing' in lookup) return { reason: `${lookup.missing}: ${INSTALL_HINT}` };
  const pkg = lookup.found;
  let dawn: DawnModule;
  try {
    dawn = (await importPackage(pkg)) as DawnModule;
  } catch (err) {
    return { reason: `${describePackage(pkg)} failed to load (${firstLine(err)})` };
  }
  // tfjs-backend-webgpu registers its own factory on import when navigator.gpu exists: load it before.
  tfjsWebGpu();
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  let adapter: GpuAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { reason: `${describePackage(pkg)}: requestAdapter failed (${firstLine(err)})` };
  }
  if (!adapter) {
    return { reason: `no WebGPU adapter (${describePackage(pkg)}): no GPU driver Dawn can use (Vulkan on Linux; software: Mesa lavapipe 25 or later)` };
  }
  const info = adapter.info ?? {};
  const software = info.isFallbackAdapter === true || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`);
  return { reason: 'adapter found', gpu, adapter, pkg, software, description: describeAdapter(info) };
}

async function register(found: Required<Probe>): Promise<WebGpuSetup> {
  const limits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) if (typeof found.adapter.limits[name] === 'number') limits[name] = found.adapter.limits[name];
  let device: unknown;
  try {
    device = await found.adapter.requestDevice({ requiredLimits: limits });
  } catch (err) {
    return { ok: false, reason: `${found.description}: requestDevice failed (${firstLine(err)})` };
  }
  // The backend checks navigator.gpu when it is constructed; Node 20 has no navigator, Node 21+ one without gpu.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav && typeof nav === 'object' && Object.isExtensible(nav)) Object.defineProperty(nav, 'gpu', { value: found.gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: found.gpu }, configurable: true, writable: true });
  const { WebGPUBackend } = tfjsWebGpu();
  const adapterInfo = found.adapter.info;
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapterInfo));
  const software = found.software ? ', a software renderer: slower than wasm' : '';
  return { ok: true, software: found.software, reason: `${found.description}${software} (Dawn: ${describePackage(found.pkg)})` };
}

/** The bundled tfjs-backend-webgpu, evaluated on first use only (it is large, and registers kernels). */
function tfjsWebGpu(): { WebGPUBackend: WebGpuBackendClass } {
  return tfjs().tfjsWebGpu() as { WebGPUBackend: WebGpuBackendClass };
}

function describeAdapter(info: GpuAdapterInfo): string {
  const name = info.description || info.device || 'unnamed adapter';
  const vendor = [info.vendor, info.architecture].filter(Boolean).join(' ');
  return vendor ? `${name} [${vendor}]` : name;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
