// Replacement kernels for defects of stock tfjs-backend-wasm 4.22 (measured in shared/notes/tfjs-backends.md):
// transposed MatMul is 11-24x slower than plain MatMul, LeakyRelu and Sum over axis 0 are slow, and
// Conv2DBackpropFilter is missing, so conv layers cannot train. Each replacement calls the backend's own
// (already set-up) kernels on wasm heap tensors; nothing here goes through the engine or the tape.
import { tf } from './tf';

type TensorInfo = tf.TensorInfo;

/** The part of BackendWasm the fixes use (the class is not exported with these members typed). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId): boolean;
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs?: Record<string, unknown> };
type WasmKernelFunc = (args: KernelArgs) => TensorInfo;

const FIXED_KERNELS = ['BatchMatMul', 'LeakyRelu', 'Sum', 'Conv2DBackpropFilter'] as const;

const originals = new Map<string, tf.KernelConfig | undefined>();
let installed = false;

export function wasmFixesInstalled(): boolean {
  return installed;
}

/** Registers the fixed kernels for 'wasm'. Call after tf.setBackend('wasm') so the originals are set up. */
export function installWasmFixes(): void {
  if (installed) return;
  for (const name of FIXED_KERNELS) originals.set(name, tf.getKernel(name, 'wasm'));
  const replacements: Record<(typeof FIXED_KERNELS)[number], WasmKernelFunc> = {
    BatchMatMul: batchMatMulWithoutTransposes,
    LeakyRelu: leakyReluViaPrelu,
    Sum: sumAxis0ViaMatMul,
    Conv2DBackpropFilter: conv2dBackpropFilterViaConv2d,
  };
  for (const name of FIXED_KERNELS) {
    if (originals.get(name)) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: replacements[name] as unknown as tf.KernelFunc });
  }
  installed = true;
}

/** Restores the stock kernels (used by benchmarks to compare). */
export function uninstallWasmFixes(): void {
  if (!installed) return;
  for (const name of FIXED_KERNELS) {
    tf.unregisterKernel(name, 'wasm');
    const original = originals.get(name);
    if (original) tf.registerKernel(original);
  }
  installed = false;
}

function original(name: string): WasmKernelFunc {
  const config = originals.has(name) ? originals.get(name) : tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm kernel ${name} is not registered`);
  return config.kernelFunc as unknown as WasmKernelFunc;
}

const TRANSPOSE_BLOCK = 32;

/** Swaps the last two axes of a [batch, rows, cols] array in cache-sized blocks. */
export function transposeLastTwo(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  const plane = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * plane;
    for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
      const i1 = Math.min(i0 + TRANSPOSE_BLOCK, rows);
      for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_BLOCK) {
        const j1 = Math.min(j0 + TRANSPOSE_BLOCK, cols);
        for (let i = i0; i < i1; i++) {
          const srcRow = base + i * cols;
          for (let j = j0; j < j1; j++) dst[base + j * rows + i] = src[srcRow + j];
        }
      }
    }
  }
}

function transposedCopy(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2];
  const cols = x.shape[rank - 1];
  const batch = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], x.dtype);
  // Views are taken after the allocation: growing the heap detaches older views.
  transposeLastTwo(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), batch, rows, cols);
  return out;
}

function batchMatMulWithoutTransposes(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const matMul = original('BatchMatMul');
  if ((!attrs.transposeA && !attrs.transposeB) || inputs.a.dtype !== 'float32' || inputs.b.dtype !== 'float32') {
    return matMul(args);
  }
  const a = attrs.transposeA ? transposedCopy(backend, inputs.a) : inputs.a;
  const b = attrs.transposeB ? transposedCopy(backend, inputs.b) : inputs.b;
  const out = matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  if (a !== inputs.a) backend.disposeData(a.dataId);
  if (b !== inputs.b) backend.disposeData(b.dataId);
  return out;
}

function filledOnHeap(backend: WasmBackend, shape: number[], value: number): TensorInfo {
  const t = backend.makeOutput(shape, 'float32');
  backend.typedArrayFromHeap(t).fill(value);
  return t;
}

/** Prelu with one alpha per channel (last axis): XNNPACK's fast path; a single broadcast alpha is 18x slower. */
function leakyReluViaPrelu(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const x = inputs.x;
  if (x.dtype !== 'float32' || x.shape.length === 0) return original('LeakyRelu')(args);
  const alpha = filledOnHeap(backend, [x.shape[x.shape.length - 1]], Number(attrs.alpha ?? 0.2));
  const out = original('Prelu')({ inputs: { x, alpha }, backend });
  backend.disposeData(alpha.dataId);
  return out;
}

function sumAxis0ViaMatMul(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const x = inputs.x;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
  if (x.shape.length !== 2 || axes.length !== 1 || axes[0] !== 0 || x.dtype !== 'float32') {
    return original('Sum')(args);
  }
  const [rows, cols] = x.shape;
  const ones = filledOnHeap(backend, [1, rows], 1);
  const out = original('BatchMatMul')({ inputs: { a: ones, b: x }, backend, attrs: { transposeA: false, transposeB: false } });
  backend.disposeData(ones.dataId);
  out.shape = attrs.keepDims ? [1, cols] : [cols];
  return out;
}

/**
 * dW[kh,kw,ci,co] = Σ_b,i,j x[b, i·s+kh−pt, j·s+kw−pl, ci] · dy[b,i,j,co]: a stride-1 convolution of x (channels
 * as batch, batch as channels) with dy as the filter, dilated by the forward stride.
 */
function conv2dBackpropFilterViaConv2d(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs = {} } = args;
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, attrs.strides as [number, number], 1,
    attrs.pad as 'same', attrs.dimRoundingMode as 'floor' | undefined);
  const [kh, kw] = filterShape;
  const oh = info.outHeight;
  const ow = info.outWidth;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const spanH = (oh - 1) * sh + kh;
  const spanW = (ow - 1) * sw + kw;

  const xWindow = channelsFirstPaddedWindow(backend, x, info.padInfo.top, info.padInfo.left, spanH, spanW);
  const dyAsFilter = original('Transpose')({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  const grad = original('Conv2D')({
    inputs: { x: xWindow, filter: dyAsFilter },
    backend,
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
  });
  backend.disposeData(xWindow.dataId);
  backend.disposeData(dyAsFilter.dataId);
  const out = original('Transpose')({ inputs: { x: grad }, backend, attrs: { perm: [1, 2, 0, 3] } });
  backend.disposeData(grad.dataId);
  return out;
}

/** [B,H,W,C] → [C, spanH, spanW, B], shifted by the padding, zero outside the input. */
function channelsFirstPaddedWindow(backend: WasmBackend, x: TensorInfo, padTop: number, padLeft: number, spanH: number, spanW: number): TensorInfo {
  const [batch, height, width, channels] = x.shape;
  const out = backend.makeOutput([channels, spanH, spanW, batch], 'float32');
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  dst.fill(0);
  for (let r = 0; r < spanH; r++) {
    const h = r - padTop;
    if (h < 0 || h >= height) continue;
    for (let c = 0; c < spanW; c++) {
      const w = c - padLeft;
      if (w < 0 || w >= width) continue;
      for (let b = 0; b < batch; b++) {
        const s = ((b * height + h) * width + w) * channels;
        const d = (r * spanW + c) * batch + b;
        for (let ch = 0; ch < channels; ch++) dst[ch * spanH * spanW * batch + d] = src[s + ch];
      }
    }
  }
  return out;
}
