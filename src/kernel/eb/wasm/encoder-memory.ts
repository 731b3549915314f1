// One pass in the encoder module's memory: how many bytes a value it takes (what memory.ts counts), whether its points
// may be held as f32, and where each of its arrays goes.

import { CAST_FLOAT32 } from '../dtype';
import type { PassInput } from '../pass';
import { BaseName, MAX_CHOICES, PredictorSpec } from '../predictors';
import { MemoryLayout } from './module';
import type { EncoderExports } from './encoder';
import { placeSweeps, RecordedSweep } from './sweeps';

/**
 * The most memory the module takes per value of a pass: the coder's arrays memory.ts counts for each value of a slab
 * being coded. A pass's originals and reconstruction (f64, or f32 in a float32 pass: see pointsAreFloat32), |q| (u8)
 * and a copy of each base its candidates use (f64: a model's prediction, the columns' predictions) must fit in it:
 * plain float32 or float64 passes (9 or 17 bytes) and float32 passes over one base (17) do; float64 passes over a base
 * and passes over a table's column models (wide: predictColumn reads the reconstruction as f64) are coded by runPass.
 * A temporal pass's previous frame is the reconstruction itself (wide: read as an f64 base), and frame 0's the zero
 * frame (one frame): 17 bytes; over the model's change ('model-delta') one frame more, over the model itself a copy of
 * it (25: a small pass only).
 * The rest is small (models, tables, a block's scratch) but for the stream, which starts at a quarter byte a value and
 * grows with the bytes coded. The memory stays as large as the largest pass left it, until releaseEncoderModule.
 */
export const ENCODER_MODULE_BYTES_PER_VALUE = 17;

/**
 * A pass whose copy takes at most this many bytes may take more bytes a value than ENCODER_MODULE_BYTES_PER_VALUE: the
 * configuration search's trials on a sample, a small array's pass (a float64 pass over a model, or a masked one: f64
 * points, 25 bytes a value). Within a worker's own runtime (memory.ts WORKER_RUNTIME); the module keeps its memory
 * at the largest pass's until releaseEncoderModule.
 */
export const SMALL_PASS_BYTES = 8 * 2 ** 20;

/** The bases the module copies: each one the candidates add to, once. */
export const COPIED_BASES: BaseName[] = ['model', 'columns'];

/** A temporal pass's frames (pass.ts codeFrameByFrame): the zero frame's length, and the sweeps of each frame shape. */
export interface FramePlan {
  extent: number;
  sweeps: Map<string, RecordedSweep[]>;
}

/** Byte offsets of one pass's arrays in the module's memory; the stream last, which the module grows the memory for. */
export interface MemoryPlan {
  state: number; reciprocal: number; log2: number; candidates: number;
  /** Per candidate: how many blocks chose it (i32). */
  counts: number;
  /** Per axis: its list, before3, right1, right3. */
  axes: { list: number; before3: number; right1: number; right3: number }[];
  original: number; recon: number; absIndex: number;
  /** Each base the candidates use (COPIED_BASES), by name. */
  bases: Map<BaseName, number>;
  /** Temporal: the zero frame frame 0 adds to (f64; 0: none). The recorded sweeps' `at` are set where they go. */
  zeroFrame: number;
  /** Temporal over 'model-delta': one frame's base (f64; 0: none), written before each frame (encoder.ts writeModelDelta). */
  modelDelta: number;
  /** A block's points; then per candidate, where its predictions go (plain cubic candidates share theirs, as do linear ones). */
  scratch: number; predictions: number[];
  stream: number;
  end: number;
}

/** The module's bytes per value of a pass: its points (width bytes each, twice), |q|, and each base once. */
export function bytesPerValue(width: number, predictors: PredictorSpec[]): number {
  return 2 * width + 1 + 8 * COPIED_BASES.filter((name) => predictors.some((p) => p.base === name)).length;
}

/**
 * Whether a pass may hold its originals and reconstruction as f32: a float32 pass (every value it reconstructs or
 * stores exactly is one) whose every original is a finite one, not over column models (predictColumn reads f64) nor
 * over the previous frame or the model's change since it (the reconstruction read as an f64 base).
 */
export function pointsAreFloat32(input: PassInput, original: Float64Array): boolean {
  if (input.type.cast !== CAST_FLOAT32 || input.configuration.predictors.some((p) => p.base === 'columns' || p.base === 'previous-frame' || p.base === 'model-delta')) return false;
  // The plan's measure of the slab holds for a sample of it too.
  if (input.finiteFloat32 !== undefined) return input.finiteFloat32;
  for (let i = 0; i < original.length; i++) {
    // A non-finite value's reconstruction is a stand-in (a prediction, in f64) until the end: wide.
    const x = original[i];
    if (!(Math.fround(x) === x && x - x === 0)) return false;
  }
  return true;
}

export function memoryPlan(
  w: EncoderExports, size: number, width: number, longest: number[], capacity: number, predictors: PredictorSpec[], frames?: FramePlan,
): MemoryPlan {
  const memory = new MemoryLayout(w.heapBase());
  const state = memory.take(w.MODEL_BYTES.value);
  const reciprocal = memory.take(w.RECIPROCAL_BYTES.value);
  const log2 = memory.take(w.LOG2_TABLE_BYTES.value);
  const candidates = memory.take(w.CANDIDATE_BYTES.value * predictors.length);
  // The module counts up to MAX_CHOICES candidates.
  const counts = memory.take(4 * MAX_CHOICES);
  const axes = longest.map((n) => ({ list: memory.take(4 * n), before3: memory.take(n), right1: memory.take(4 * n), right3: memory.take(4 * n) }));
  const original = memory.take(width * size);
  const recon = memory.take(width * size);
  const absIndex = memory.take(size);
  const bases = new Map<BaseName, number>();
  for (const name of COPIED_BASES) if (predictors.some((p) => p.base === name)) bases.set(name, memory.take(8 * size));
  const zeroFrame = frames !== undefined && predictors.some((p) => p.base === 'previous-frame') ? memory.take(8 * frames.extent) : 0;
  const modelDelta = frames !== undefined && predictors.some((p) => p.base === 'model-delta') ? memory.take(8 * frames.extent) : 0;
  // Each frame shape's sweeps, placed once for all its frames.
  if (frames !== undefined) placeSweeps(memory, frames.sweeps);
  const scratch = memory.take(4 * capacity);
  const slots = new Map<string, number>();
  const predictions = predictors.map((p, k) => {
    const key = p.base === undefined ? `method ${p.method}` : `candidate ${k}`;
    if (!slots.has(key)) slots.set(key, memory.take(8 * capacity));
    return slots.get(key)!;
  });
  const stream = memory.take(Math.max(1 << 12, size >> 2));
  return { state, reciprocal, log2, candidates, counts, axes, original, recon, absIndex, bases, zeroFrame, modelDelta, scratch, predictions, stream, end: memory.end };
}

/**
 * The most points a block of the configuration holds: an edge of max(blockSize, 4s) holds at most max(blockSize, 4)
 * points at stride s along an axis, and the axis's last point (coordinates are at least s apart).
 */
export function blockCapacity(blockSize: number, size: number): number {
  const along = Math.max(Math.ceil(blockSize), 4) + 2;
  return Math.min(size, along * along * along);
}
