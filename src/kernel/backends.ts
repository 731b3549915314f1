// The compute backends, named once: the CLI's --backend choices, the project config, the VS Code setting
// (package.json and the JSON schema are checked against this list by a test) and the backend picker.
import type { BackendName } from './api';

export const BACKENDS = [
  { name: 'auto', detail: 'the fastest available: tfjs-node(-gpu) if installed, else WebGPU on a hardware GPU, else wasm SIMD' },
  { name: 'tfjs-node-gpu', detail: 'native TensorFlow with CUDA 11.2 + cuDNN 8.1 (npm install @tensorflow/tfjs-node-gpu)' },
  { name: 'tfjs-node', detail: 'native TensorFlow on the CPU (npm install @tensorflow/tfjs-node)' },
  { name: 'webgpu', detail: 'WebGPU through Dawn (npm install webgpu) on a GPU adapter' },
  { name: 'wasm', detail: 'WebAssembly with SIMD: portable, no native install' },
  { name: 'cpu', detail: 'plain JavaScript: slowest, always works' },
] as const satisfies readonly { name: BackendName; detail: string }[];

export const BACKEND_NAMES: readonly BackendName[] = BACKENDS.map((b) => b.name);

/** Compile-time check that the list names every BackendName. */
type Missing = Exclude<BackendName, (typeof BACKENDS)[number]['name']>;
const everyBackendListed: Missing extends never ? true : Missing = true;
void everyBackendListed;
