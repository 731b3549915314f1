// The configurations the encoder may try on a slab (coding mode, interpolation order, per-level tolerance
// schedule, block size, candidate predictors), and where it samples a large slab to choose among them.

import type { Layout } from './layout';
import { threeDimensional } from './layout';
import { Mode, predictorsFor, PredictorSpec } from './predictors';

export interface Configuration {
  mode: Mode;
  /** Order in which the axes are interpolated inside each level (a permutation of 0, 1, 2). */
  order: [number, number, number];
  /** Level l is quantised with tolerance τ / min(alpha^l, beta) (interpolation and temporal modes). */
  alpha: number;
  beta: number;
  /** Edge of the blocks that choose their predictor. */
  blockSize: number;
  predictors: PredictorSpec[];
}

/** Families of predictors a caller may restrict the coder to ('ae' is the older name of 'model'). */
export const PREDICTOR_FAMILIES = ['interpolation', 'lorenzo', 'model', 'ae'] as const;

export interface SearchOptions {
  /** A model's prediction is available (abs/rel bounds only). */
  withModel: boolean;
  /** Allowed families (default: all). */
  families?: string[];
  effort: 'fast' | 'best';
}

/** The configurations to try, most promising first; empty when the families allow none. */
export function candidateConfigurations(layout: Layout, options: SearchOptions): Configuration[] {
  const allowed = options.families;
  const modelAllowed = options.withModel && (!allowed || allowed.includes('model') || allowed.includes('ae'));
  const useInterpolation = !allowed || allowed.includes('interpolation') || modelAllowed;
  const useLorenzo = !allowed || allowed.includes('lorenzo');
  const fast = options.effort === 'fast';
  const frames = useInterpolation && layout.views[0].dims[0] > 1;
  const make = (mode: Mode, alpha: number, beta: number): Configuration => ({
    mode,
    order: mode === 'lorenzo' ? [0, 1, 2] : [1, 2, 0],
    alpha,
    beta,
    blockSize: mode === 'lorenzo' ? 8 : 16,
    predictors: predictorsFor(mode, modelAllowed),
  });
  const configurations: Configuration[] = [];
  // Frames (a time axis first): spatial interpolation per frame on top of the previous frame wins on
  // CFD-like data; the other modes stay in the search for data where they do better.
  if (frames) {
    configurations.push(make('temporal', 1.25, 4));
    if (!fast) configurations.push(make('temporal', 1, 1));
  }
  // With a model, the whole-array interpolation on top of it stays a candidate even when fast.
  if (useInterpolation && (!fast || !frames || modelAllowed)) {
    configurations.push(make('interpolation', 1, 1));
    if (!fast && !frames) configurations.push(make('interpolation', 1.25, 4));
  }
  if (useLorenzo && (!fast || !useInterpolation)) configurations.push(make('lorenzo', 1, 1));
  return configurations;
}

export function describe(c: Configuration): string {
  const names = c.predictors.map((p) => p.name).join(',');
  return c.mode === 'lorenzo' ? `lorenzo [${names}]` : `${c.mode} order=${c.order.join('')} alpha=${c.alpha} beta=${c.beta} [${names}]`;
}

/** Slabs at least this large choose their configuration on a sample, then are coded once. */
export const SAMPLING_THRESHOLD = 131_072;
/** Values in the sample: a 1/SAMPLE_FRACTION of the slab, at least SAMPLE_MIN and at most SAMPLE_MAX. */
const SAMPLE_MIN = 32_768;
const SAMPLE_MAX = 1 << 20;
const SAMPLE_FRACTION = 8;

/** A sample of a slab: its values (a copy), shape, and where they came from (for a model's prediction). */
export interface Sample {
  shape: number[];
  take(values: Float64Array): Float64Array;
}

/**
 * The part of a large slab that configurations are compared on, or undefined for a small slab (every
 * configuration is then coded in full). Frames keep every frame and crop each frame to a centred window
 * (the time axis decides between the temporal and whole-array modes, so it is kept whole); tables and
 * single frames keep a contiguous middle run of rows.
 */
export function sampleOf(shape: number[], layout: Layout): Sample | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size < SAMPLING_THRESHOLD) return undefined;
  const wanted = Math.min(SAMPLE_MAX, Math.max(SAMPLE_MIN, size / SAMPLE_FRACTION));
  const table = layout.kind === 'table' && shape.length === 2;
  const dims = table ? [shape[0], 1, shape[1]] : threeDimensional(shape);
  if (!table && dims[0] > 1) {
    const scale = Math.sqrt(wanted / size);
    const h = Math.max(1, Math.min(dims[1], Math.ceil(dims[1] * scale)));
    const w = Math.max(1, Math.min(dims[2], Math.ceil(dims[2] * scale)));
    if (h * w * 2 > dims[1] * dims[2]) return undefined;
    const top = Math.floor((dims[1] - h) / 2);
    const left = Math.floor((dims[2] - w) / 2);
    return {
      shape: [dims[0], h, w],
      take(values) {
        const out = new Float64Array(dims[0] * h * w);
        let k = 0;
        for (let t = 0; t < dims[0]; t++)
          for (let y = top; y < top + h; y++) {
            const from = (t * dims[1] + y) * dims[2] + left;
            out.set(values.subarray(from, from + w), k);
            k += w;
          }
        return out;
      },
    };
  }
  // A table is sampled by whole rows (its columns are predicted down the rows); a field by its first long axis.
  const axis = table ? 0 : dims.findIndex((n) => n > 1);
  if (axis < 0 || dims[axis] < 2) return undefined;
  const slice = size / dims[axis];
  const count = Math.min(dims[axis], Math.max(1, Math.ceil(wanted / slice)));
  if (count * 2 > dims[axis]) return undefined;
  const first = Math.floor((dims[axis] - count) / 2);
  const sampleDims = dims.map((n, e) => (e === axis ? count : n));
  return {
    shape: table ? [count, shape[1]] : sampleDims,
    take: (values) => values.slice(first * slice, (first + count) * slice),
  };
}
