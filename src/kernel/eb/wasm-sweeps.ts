// The decoder's common case in WebAssembly (src/wasm/eb-sweeps.ts, built to dist/eb-sweeps.wasm by esbuild.mjs): a slab
// coded by plain cubic/linear interpolation of real values in float32 or float64, with no exact values, special values
// or model. JavaScript walks the views, corners and sweeps as the coder does (interpolation.ts) and hands each sweep to
// the module, which decodes its points about twice as fast as pass.ts runPass; every value and the checksum are the
// same (test/unit/eb-wasm-sweeps.test.ts decodes every case both ways). Any other slab, or a machine where the module
// cannot be loaded, is decoded by runPass. BALER_EB_DECODER=js sends every slab there (to compare the two).

import type { Configuration } from './configure';
import { CAST_FLOAT32, CAST_FLOAT64 } from './dtype';
import { forEachCorner, forEachSweep, interpolationLevels } from './interpolation';
import { levelSteps } from './layout';
import type { Plan } from './plan';
import { METHOD_CUBIC, METHOD_LINEAR } from './predictors';
import { newBlock } from './sweep';
import { choiceBits } from './traversal';
import { slabValues } from '../parallel/slab-buffers';
import { MemoryLayout, reserve, wasmApi, WasmMemory, wasmModule } from './wasm-module';

interface SweepExports {
  memory: WasmMemory;
  hash: { value: number };
  MODEL_BYTES: { value: number };
  RECIPROCAL_BYTES: { value: number };
  heapBase(): number;
  begin(streamAt: number, streamLength: number, stateAt: number, reciprocalAt: number, reconAt: number, absIndexAt: number, float32: number): void;
  consumedExactly(): number;
  setChoices(at: number, count: number, bits: number): void;
  setAxis(e: number, listAt: number, length: number, stride: number, before3At: number, right1At: number, right3At: number): void;
  codePoint(i: number, prediction: number, step: number, level: number, activity: number): void;
  codeSweep(offset: number, level: number, step: number, edge: number, d: number, s: number, nd: number, e1: number, e2: number, previous: number): number;
}

/** Whether decodeSlabSync may use the module (the tests turn it off to decode both ways), and how many slabs it decoded in this thread. */
export const wasmDecoding = { enabled: process.env.BALER_EB_DECODER !== 'js', slabs: 0 };

/** The module, instantiated once per thread; undefined where it is not there or cannot run (runPass decodes then). */
export function sweepModule(): SweepExports | undefined {
  return wasmModule<SweepExports>('eb-sweeps');
}

/** What the slab header and plan say, for the choice of decoder. */
export interface SlabFacts {
  plan: Plan;
  configuration: Configuration;
  specials: boolean;
  usesModel: boolean;
  exactValues: number;
}

/** Whether the module decodes this slab: the case it implements, and nothing it would have to leave to JavaScript half-way. */
export function wasmTakes(f: SlabFacts): boolean {
  const { plan, configuration } = f;
  return configuration.mode === 'interpolation'
    && configuration.predictors.every((p) => p.base === undefined && (p.method === METHOD_CUBIC || p.method === METHOD_LINEAR))
    && plan.base.domain === 'absolute'
    && (plan.type.cast === CAST_FLOAT32 || plan.type.cast === CAST_FLOAT64)
    && plan.base.grids.every((grid) => grid === 0)
    && !f.specials && !f.usesModel && f.exactValues === 0
    && wasmDecoding.enabled && sweepModule() !== undefined;
}

export interface WasmDecoded {
  output: Float64Array;
  hash: number;
  consumedExactly: boolean;
}

/** Byte offsets of one slab's arrays in the module's memory. */
interface MemoryPlan {
  stream: number; state: number; reciprocal: number; methods: number; absIndex: number; recon: number;
  /** Per axis: its list, before3, right1, right3. */
  axes: { list: number; before3: number; right1: number; right3: number }[];
  end: number;
}

function memoryPlan(w: SweepExports, streamLength: number, size: number, longest: number[]): MemoryPlan {
  const memory = new MemoryLayout(w.heapBase());
  const stream = memory.take(streamLength);
  const state = memory.take(w.MODEL_BYTES.value);
  const reciprocal = memory.take(w.RECIPROCAL_BYTES.value);
  const methods = memory.take(8);
  const axes = longest.map((n) => ({ list: memory.take(4 * n), before3: memory.take(n), right1: memory.take(4 * n), right3: memory.take(4 * n) }));
  const absIndex = memory.take(size);
  const recon = memory.take(8 * size);
  return { stream, state, reciprocal, methods, absIndex, recon, axes, end: memory.end };
}

/**
 * Decodes the slab's stream (wasmTakes said yes) into a new array of `size` values, as runPass would, or undefined
 * when the module cannot have the memory; the caller checks the checksum and that the stream was read exactly. A trap (an escape or a choice the slab cannot hold) is
 * thrown as a RangeError, which decodeSlabSync reports as corruption like runPass's.
 */
export function decodeInWasm(f: SlabFacts, stream: Uint8Array, size: number): WasmDecoded | undefined {
  const w = sweepModule()!;
  const { plan, configuration } = f;
  const views = plan.layout.views;
  const longest = [1, 1, 1];
  for (const view of views) for (let e = 0; e < 3; e++) longest[e] = Math.max(longest[e], view.dims[e] + 1);
  const m = memoryPlan(w, stream.length, size, longest);
  if (!reserve(w.memory, m.end)) return undefined;
  const buffer = w.memory.buffer;
  new Uint8Array(buffer, m.stream, stream.length).set(stream);
  // The reconstruction is left as the last slab left it: every point is decoded before any prediction reads it.
  const recon = new Float64Array(buffer, m.recon, size);
  const absIndex = new Uint8Array(buffer, m.absIndex, size).fill(0);
  const { predictors } = configuration;
  new Uint8Array(buffer, m.methods, predictors.length).set(predictors.map((p) => (p.method === METHOD_LINEAR ? 1 : 0)));
  try {
    w.begin(m.stream, stream.length, m.state, m.reciprocal, m.recon, m.absIndex, plan.type.cast === CAST_FLOAT32 ? 1 : 0);
    w.setChoices(m.methods, predictors.length, choiceBits(predictors.length));
    const block = newBlock();
    views.forEach((view, v) => {
      if (view.dims.some((n) => n === 0)) return;
      const levels = interpolationLevels(view.dims, configuration.edges);
      const steps = levelSteps(plan.base.stepTolerances[v], false, levels, configuration.alpha, configuration.beta);
      forEachCorner(view, configuration.order, configuration.edges, (i, from) => {
        w.codePoint(i, from < 0 ? 0 : recon[from], steps[levels], levels, from < 0 ? 0 : 2 * absIndex[from]);
      });
      forEachSweep(view.dims, configuration, block, (level, edge) => {
        const lists = [block.L0, block.L1, block.L2];
        for (let e = 0; e < 3; e++) {
          const n = lists[e].length;
          const a = m.axes[e];
          new Int32Array(buffer, a.list, n).set(lists[e]);
          new Uint8Array(buffer, a.before3, n).set(block.before3[e].subarray(0, n));
          new Int32Array(buffer, a.right1, n).set(block.right1[e].subarray(0, n));
          new Int32Array(buffer, a.right3, n).set(block.right3[e].subarray(0, n));
          w.setAxis(e, a.list, n, view.strides[e], a.before3, a.right1, a.right3);
        }
        const { dirs, nd } = block;
        block.previous = w.codeSweep(view.offset, level, steps[level], edge, block.d, block.s, nd, nd > 1 ? dirs[1] : 0, nd > 2 ? dirs[2] : 0, block.previous);
      });
    });
  } catch (error) {
    if (error instanceof wasmApi.RuntimeError) throw new RangeError(`the stream decodes to an index or choice the slab cannot hold (${error.message})`);
    throw error;
  }
  const output = slabValues(size);
  output.set(recon);
  wasmDecoding.slabs++;
  return { output, hash: w.hash.value >>> 0, consumedExactly: w.consumedExactly() === 1 };
}
