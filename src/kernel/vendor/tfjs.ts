// Vendor entry: TensorFlow.js (core with every gradient, the cpu and wasm backends, ~3 MB). Loaded with require()
// on first use through ../model/tf.ts; bundled alone as dist/vendor/tfjs.js (README.md in this folder).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * as tf from '@tensorflow/tfjs-core';
// Importing the backends registers them with tfjs-core ('cpu', 'wasm').
export { version_cpu } from '@tensorflow/tfjs-backend-cpu';
export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** tfjs-backend-webgpu, evaluated only when a WebGPU adapter is used (it is large, and registers kernels). */
export function tfjsWebGpu(): unknown {
  return require('@tensorflow/tfjs-backend-webgpu');
}
