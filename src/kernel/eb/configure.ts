// The configurations the encoder may try on a slab (layout, coding mode, interpolation order, per-level
// tolerance schedule, how axes end, block size, candidate predictors), the variants of a chosen one worth
// a try, and where it samples a large slab to choose among them.

import type { Layout, LayoutName } from './layout';
import { layoutOf, threeDimensional } from './layout';
import { Mode, needsColumns, needsModel, PREDICTORS, predictorsFor, PredictorSpec } from './predictors';
import type { Directions, Edges } from './interpolation';

export interface Configuration {
  layout: LayoutName;
  mode: Mode;
  /** Order in which the axes are interpolated inside each level (a permutation of 0, 1, 2). */
  order: [number, number, number];
  /** Level l is quantised with tolerance τ / min(alpha^l, beta) (interpolation and temporal modes). */
  alpha: number;
  beta: number;
  /** Edge of the blocks that choose their predictor. */
  blockSize: number;
  /** How interpolation treats the end of each axis (interpolation.ts). */
  edges: Edges;
  /** Whether interpolation averages along every axis a point lies between (interpolation.ts). */
  directions: Directions;
  predictors: PredictorSpec[];
}

/** Families of predictors a caller may restrict the coder to ('ae' is the older name of 'model'; 'columns': a table's column models). */
export const PREDICTOR_FAMILIES = ['interpolation', 'lorenzo', 'columns', 'model', 'ae'] as const;

export interface SearchOptions {
  /** A model's prediction is available (abs/rel bounds only). */
  withModel: boolean;
  /** A table layout may predict columns from the columns before them (abs/rel bounds only). */
  withColumns?: boolean;
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
  const columnsAllowed = options.withColumns === true && layout.name === 'table' && (!allowed || allowed.includes('columns'));
  const fast = options.effort === 'fast';
  const frames = useInterpolation && layout.views[0].dims[0] > 1;
  const make = (mode: Mode, alpha: number, beta: number): Configuration => ({
    layout: layout.name,
    mode,
    order: mode === 'lorenzo' ? [0, 1, 2] : [1, 2, 0],
    alpha,
    beta,
    blockSize: blockSizeOf(mode),
    edges: 'anchored',
    directions: 'one',
    predictors: predictorsFor(mode, modelAllowed, columnsAllowed),
  });
  const configurations: Configuration[] = [];
  // Frames (a time axis first): spatial interpolation per frame on top of the previous frame wins on
  // CFD-like data; the other modes stay in the search for data where they do better. Each mode is tried
  // with one tolerance schedule; refinements() tries the others on the best.
  if (frames) configurations.push(make('temporal', 1.25, 4));
  // With a model, the whole-array interpolation on top of it stays a candidate even when fast.
  if (useInterpolation && (!fast || !frames || modelAllowed)) configurations.push(make('interpolation', 1, 1));
  if (useLorenzo && (!fast || !useInterpolation)) configurations.push(make('lorenzo', 1, 1));
  // A table's column models cost bytes of their own (a wide table's may cost more than they save): each
  // candidate is also tried without them.
  if (!fast && columnsAllowed) return configurations.flatMap((c) => [c, withoutColumns(c)!]);
  return configurations;
}

/** Per-level tolerance schedules (alpha, beta) a refinement steps through, from flat to coarse levels much tighter (smooth data). */
export const SCHEDULES: readonly (readonly [number, number])[] = [[1, 1], [1.25, 4], [1.5, 4], [2, 8]];

/** The block edge of a mode's configurations. */
export function blockSizeOf(mode: Mode): number {
  return mode === 'lorenzo' ? 8 : 16;
}

/** The configuration with the other way of ending the axes (interpolation modes only). */
export function otherEdges(c: Configuration): Configuration | undefined {
  return c.mode === 'lorenzo' ? undefined : { ...c, edges: c.edges === 'anchored' ? 'open' : 'anchored' };
}

/** A table's configuration without its column models (their size may be more than they save), else undefined. */
function withoutColumns(c: Configuration): Configuration | undefined {
  if (!c.predictors.some(needsColumns)) return undefined;
  return { ...c, predictors: predictorsFor(c.mode, c.predictors.some(needsModel), false) };
}

/** The configuration interpolating along the other number of directions (interpolation modes only). */
export function otherDirections(c: Configuration): Configuration | undefined {
  return c.mode === 'lorenzo' ? undefined : { ...c, directions: c.directions === 'one' ? 'all' : 'one' };
}

/**
 * The configuration with the next per-level tolerance schedule in SCHEDULES, tighter (+1) or flatter (−1)
 * at the coarse levels; undefined at either end, and for Lorenzo (no levels).
 */
export function nextSchedule(c: Configuration, direction: 1 | -1): Configuration | undefined {
  if (c.mode === 'lorenzo') return undefined;
  const at = SCHEDULES.findIndex(([alpha, beta]) => alpha === c.alpha && beta === c.beta);
  const next = SCHEDULES[at < 0 ? (direction > 0 ? 0 : SCHEDULES.length - 1) : at + direction];
  return next && { ...c, alpha: next[0], beta: next[1] };
}

/** Every configuration a search may end with, given its candidates (to recognise one an earlier slab chose). */
export function reachableConfigurations(candidates: Configuration[]): Configuration[] {
  const all: Configuration[] = [];
  for (const c of candidates) {
    const directions = [c, otherDirections(c)].filter((x): x is Configuration => x !== undefined);
    const edges = directions.flatMap((d) => [d, otherEdges(d)].filter((x): x is Configuration => x !== undefined));
    for (const e of edges) all.push(e, ...(e.mode === 'lorenzo' ? [] : SCHEDULES.map(([alpha, beta]) => ({ ...e, alpha, beta }))));
  }
  return all;
}

/**
 * The configuration `description` (as describe() writes it) names, with the predictors of its mode that use a
 * model's prediction added: a choice made without a model, for coding the same kind of data against one (the
 * encoder searches as usual when no candidate is described so). Undefined for a description it cannot read.
 */
export function describedWithModel(description: string): string | undefined {
  const match = /^(\S+) (interpolation|temporal|lorenzo) (.*)\[([^\]]*)\]$/.exec(description);
  if (!match) return undefined;
  const [, layout, mode, settings, names] = match;
  const columns = PREDICTORS.some((p) => needsColumns(p) && names.split(',').includes(p.name));
  return `${layout} ${mode} ${settings}[${predictorsFor(mode as Mode, true, columns).map((p) => p.name).join(',')}]`;
}

export function describe(c: Configuration): string {
  const names = c.predictors.map((p) => p.name).join(',');
  if (c.mode === 'lorenzo') return `${c.layout} lorenzo [${names}]`;
  return `${c.layout} ${c.mode} order=${c.order.join('')} alpha=${c.alpha} beta=${c.beta} edges=${c.edges} directions=${c.directions} [${names}]`;
}

/** Slabs at least this large choose their configuration on a sample, then are coded once. */
const SAMPLING_THRESHOLD = 131_072;
/** Values in the sample: a 1/SAMPLE_FRACTION of the slab, at least SAMPLE_MIN and at most SAMPLE_MAX. */
const SAMPLE_MIN = 32_768;
const SAMPLE_MAX = 1 << 20;
const SAMPLE_FRACTION = 16;

/** A sample of a slab: its values (a copy), shape, and where they came from (for a model's prediction). */
export interface Sample {
  shape: number[];
  take(values: Float64Array): Float64Array;
}

/**
 * The part of a large slab that configurations are compared on, or undefined for a small slab (every
 * configuration is then coded in full). Frames keep every frame and crop each frame to a window (the time
 * axis decides between the temporal and whole-array modes, so it is kept whole); tables, single frames
 * and series keep a contiguous run of rows or values. Each part ends where the slab ends, so that the
 * choice of how axes end (anchored or open) is made on the slab's real ends.
 */
export function sampleOf(shape: number[], layout: Layout): Sample | undefined {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size < SAMPLING_THRESHOLD) return undefined;
  const wanted = Math.min(SAMPLE_MAX, Math.max(SAMPLE_MIN, size / SAMPLE_FRACTION));
  if (layout.name === 'channels') return channelsSample(shape);
  if (layout.name === 'series') {
    const count = Math.ceil(wanted);
    return { shape: [count], take: (values) => values.slice(size - count) };
  }
  const table = layout.name === 'table';
  const dims = table ? [shape[0], 1, shape[1]] : threeDimensional(shape);
  if (!table && dims[0] > 1) {
    const scale = Math.sqrt(wanted / size);
    const h = Math.max(1, Math.min(dims[1], Math.ceil(dims[1] * scale)));
    const w = Math.max(1, Math.min(dims[2], Math.ceil(dims[2] * scale)));
    if (h * w * 2 > dims[1] * dims[2]) return undefined;
    const top = dims[1] - h;
    const left = dims[2] - w;
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
  const first = dims[axis] - count;
  const sampleDims = dims.map((n, e) => (e === axis ? count : n));
  return {
    shape: table ? [count, shape[1]] : sampleDims,
    take: (values) => values.slice(first * slice, (first + count) * slice),
  };
}

/** The channels layout's sample: the field sample of one channel's axes, taken of every channel (interleaved as they are). */
function channelsSample(shape: number[]): Sample | undefined {
  const channels = shape[shape.length - 1];
  const rest = shape.slice(0, -1);
  const inner = sampleOf(rest, layoutOf(rest, 'field'));
  if (!inner) return undefined;
  const innerSize = inner.shape.reduce((a, b) => a * b, 1);
  const restSize = rest.reduce((a, b) => a * b, 1);
  return {
    shape: [...inner.shape, channels],
    take(values) {
      const out = new Float64Array(innerSize * channels);
      const plane = new Float64Array(restSize);
      for (let c = 0; c < channels; c++) {
        for (let i = 0; i < restSize; i++) plane[i] = values[i * channels + c];
        const taken = inner.take(plane);
        for (let i = 0; i < innerSize; i++) out[i * channels + c] = taken[i];
      }
      return out;
    },
  };
}
