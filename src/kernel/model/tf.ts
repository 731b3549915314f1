// TensorFlow.js for the model code, loaded on first use: `import { tf } from './tf'` stands for
// `import * as tf from '@tensorflow/tfjs-core'`, but reads dist/vendor/tfjs.js only when a tf function or class
// is first touched, so that commands that never train or run a network do not pay for it (../vendor/README.md).
import type * as Core from '@tensorflow/tfjs-core';
import type * as Vendor from '../vendor/tfjs';

let vendor: typeof Vendor | undefined;

/** The vendored TensorFlow.js (core, gradients, cpu and wasm backends), loaded on the first call. */
export function tfjs(): typeof Vendor {
  return (vendor ??= require('../vendor/tfjs') as typeof Vendor);
}

/** tfjs-core's namespace; each property read loads TensorFlow.js first if needed. Property reads only. */
export const tf: typeof Core = new Proxy({} as typeof Core, {
  get: (_target, key) => Reflect.get(tfjs().tf, key),
  has: (_target, key) => Reflect.has(tfjs().tf, key),
});

// The tfjs-core types the model code names as `tf.X` (a value cannot carry a module's types: they are listed).
export declare namespace tf {
  type Rank = Core.Rank;
  type Tensor<R extends Core.Rank = Core.Rank> = Core.Tensor<R>;
  type Scalar = Core.Scalar;
  type Tensor1D = Core.Tensor1D;
  type Tensor2D = Core.Tensor2D;
  type Tensor3D = Core.Tensor3D;
  type Tensor4D = Core.Tensor4D;
  type Variable<R extends Core.Rank = Core.Rank> = Core.Variable<R>;
  type TensorInfo = Core.TensorInfo;
  type DataId = Core.DataId;
  type DataType = Core.DataType;
  type GradSaveFunc = Core.GradSaveFunc;
  type KernelBackend = Core.KernelBackend;
  type KernelConfig = Core.KernelConfig;
  type KernelFunc = Core.KernelFunc;
}
