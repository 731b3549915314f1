// Error-bounded coding of one slab: decides the domain (absolute, integer path, or pw-rel's log domain) and
// the quantisation steps from the file's globals, chooses a configuration (on a sample of large slabs),
// runs the coding pass, checks every value as written in the output dtype against the bound, and
// writes the self-describing slab (format.ts). decodeSlab reverses it and refuses anything inconsistent.

import { BalerError } from '../errors';
import type { DType } from '../types';
import type { ErrorBound } from './bound';
import { candidateConfigurations, Configuration, describe, sampleOf } from './configure';
import { detLog2 } from './detmath';
import { ExactReader, ValueType, valueType } from './dtype';
import { checksumMatches, readSlab, SlabHeader, writeSlab } from './format';
import { isTableLayout, Layout, layoutOf, viewTolerances } from './layout';
import { PassInput, PassResult, runPass } from './pass';
import { needsModel } from './predictors';
import { Quantizer } from './quantizer';

export interface EbGlobals {
  bound: ErrorBound;
  /** Absolute tolerance: one for the whole array, or one per column of a table (kind 'table', 2-D) under rel;
   *  computed by the caller over the whole array. Unused for pw-rel. */
  tolerances: number[];
  /** The dtype decompressed values are written in: the bound holds on every value after the cast to it. */
  dtype: DType;
  kind: 'table' | 'frames';
}

export interface SlabOptions {
  /** A reconstruction the decoder will also have (e.g. an autoencoder's), same length (abs/rel only). */
  prediction?: Float64Array;
  /** Restrict the predictor families: 'interpolation', 'lorenzo', 'model' (or 'ae'); default all. */
  predictors?: string[];
  /** 'fast' tries one configuration; 'best' (default) compares a few on a sample and keeps the smallest. */
  effort?: 'fast' | 'best';
  /**
   * An earlier slab's `stats.configuration` (of the same array): used without searching when it is among this
   * slab's candidates, which saves most of the search on the slabs after the first.
   */
  configuration?: string;
}

export interface EncodeStats {
  totalBytes: number;
  bitsPerValue: number;
  mode: Configuration['mode'];
  configuration: string;
  /** How many blocks chose each predictor. */
  predictorChoices: Record<string, number>;
  exactValues: number;
  integer: boolean;
  /** Every configuration tried with its size in bytes. */
  trials: { configuration: string; bytes: number }[];
}

/** The step shrink of slabs whose steps need none (integer path, pw-rel): any valid value, fixed. */
const NO_SHRINK = 20;

/** Largest slab, in values, this coder accepts (its working arrays are about 17 bytes per value). */
export const MAX_SLAB_VALUES = 2 ** 28;

// ------------------------------------------------------------------------------ the coding plan

interface Plan {
  type: ValueType;
  layout: Layout;
  base: Omit<PassInput, 'size' | 'layout' | 'configuration' | 'model'>;
}

/** |2^(y'−y) − 1| plus the cast's roundoff u stays within X when |y' − y| ≤ log2((1 + X) / (1 + u)); a hair less. */
function pointwiseLogTolerance(x: number, roundoff: number): number {
  const ratio = (1 + x) / (1 + roundoff);
  return ratio > 1 ? detLog2(ratio) * (1 - 1e-9) : 0;
}

function planFor(g: EbGlobals, shape: number[], integer: boolean, stepShrink: number): Plan {
  const type = valueType(g.dtype);
  const layout = layoutOf(shape, g.kind);
  const views = layout.views.length;
  if (g.bound.kind === 'pw-rel' && !integer) {
    const logTolerance = pointwiseLogTolerance(g.bound.value, type.roundoff);
    return {
      type, layout,
      base: { type, domain: 'pointwise', integer: false, pointwiseBound: g.bound.value, tolerances: Array(views).fill(0), stepTolerances: Array(views).fill(logTolerance) },
    };
  }
  // pw-rel on the integer path: lossless (chosen only where the bound is below one unit everywhere).
  const tolerances = g.bound.kind === 'pw-rel' ? Array(views).fill(0) : viewTolerances(layout, g.tolerances);
  const stepTolerances = integer ? tolerances : tolerances.map((t) => t * (1 - 2 ** -stepShrink));
  return { type, layout, base: { type, domain: 'absolute', integer, pointwiseBound: 0, tolerances, stepTolerances } };
}

function checkGlobals(g: EbGlobals, shape: number[]): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new BalerError(`bad shape [${String(shape)}]`);
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_SLAB_VALUES) throw new BalerError(`a slab of ${size} values exceeds the coder's limit of ${MAX_SLAB_VALUES}`);
  const { bound } = g;
  if (!bound || !['abs', 'rel', 'pw-rel'].includes(bound.kind) || !(bound.value >= 0 && Number.isFinite(bound.value)) || (bound.kind === 'pw-rel' && bound.value >= 1)) {
    throw new BalerError(`bad error bound ${JSON.stringify(bound)}`);
  }
  if (g.kind !== 'table' && g.kind !== 'frames') throw new BalerError(`bad kind '${String(g.kind)}'`);
  valueType(g.dtype);
  if (bound.kind !== 'pw-rel') {
    const t = g.tolerances;
    const columns = isTableLayout(shape, g.kind) ? shape[1] : 1;
    if (!Array.isArray(t) || !(t.length === 1 || t.length === columns) || !t.every((v) => typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new BalerError(`bad tolerances: expected 1${columns > 1 ? ` or ${columns}` : ''} finite numbers ≥ 0`);
    }
  }
  return size;
}

function isIntegerValued(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0 && Math.floor(v) !== v) return false;
  }
  return true;
}

function maxAbsFinite(values: Float64Array, view: Layout['views'][number]): number {
  let max = 0;
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
        const m = Math.abs(values[i]);
        if (m > max && m !== Infinity) max = m;
      }
  return max;
}

/**
 * k such that shrinking the steps' tolerance τ to τ·(1 − 2^−k) leaves room for the cast's roundoff
 * (|x|·u) and for float arithmetic: no escapes caused by the cast. Views where the cast's roundoff
 * is itself comparable to τ are left to the quantiser's acceptance (they escape where they must).
 */
function stepShrinkFor(values: Float64Array, layout: Layout, tolerances: number[], type: ValueType): number {
  let worst = 1e-6;
  layout.views.forEach((view, v) => {
    const tau = tolerances[v];
    if (!(tau > 0)) return;
    const r = ((maxAbsFinite(values, view) + tau) * type.roundoff) / tau + 1e-6;
    if (r < 0.25 && r > worst) worst = r;
  });
  return Math.max(1, Math.min(52, Math.floor(-Math.log2(worst))));
}

// ------------------------------------------------------------------------------ encoding

export function encodeSlabSync(values: Float64Array, shape: number[], g: EbGlobals, opts: SlabOptions = {}): { bytes: Uint8Array; reconstruction: Float64Array; stats: EncodeStats } {
  const size = checkGlobals(g, shape);
  if (!(values instanceof Float64Array) || values.length !== size) throw new BalerError(`shape [${shape.join(', ')}] does not match ${values?.length} values`);
  const model = g.bound.kind === 'pw-rel' ? undefined : opts.prediction;
  if (model && model.length !== size) throw new BalerError('the prediction has a different length than the data');
  const type = valueType(g.dtype);
  // The integer path: integer-valued data under abs/rel, and under pw-rel where the bound is below one unit
  // everywhere (then every value must come back exactly anyway).
  const integerValued = type.integer || isIntegerValued(values);
  const integer = g.bound.kind === 'pw-rel' ? integerValued && g.bound.value * maxAbsFinite(values, { offset: 0, dims: [1, 1, size], strides: [0, 0, 1] }) < 1 : integerValued;
  const layout = layoutOf(shape, g.kind);
  const stepShrink = g.bound.kind !== 'pw-rel' && !integer ? stepShrinkFor(values, layout, viewTolerances(layout, g.tolerances), type) : NO_SHRINK;
  const plan = planFor(g, shape, integer, stepShrink);
  const configurations = candidateConfigurations(plan.layout, { withModel: model !== undefined, families: opts.predictors, effort: opts.effort ?? 'best' });
  if (configurations.length === 0) throw new BalerError(`no usable predictor in [${(opts.predictors ?? []).join(', ')}]`);

  const trials: EncodeStats['trials'] = [];
  const reused = opts.configuration === undefined ? undefined : configurations.find((c) => describe(c) === opts.configuration);
  const finalists = reused ? [reused] : configurations.length > 1 && size > 0 ? shortlist(values, shape, g, plan, model, configurations, trials) : [configurations[0]];
  let best: { configuration: Configuration; pass: PassResult; stream: Uint8Array; exact: Uint8Array } | undefined;
  for (const configuration of finalists) {
    const pass = runPass({ ...plan.base, size, layout: plan.layout, configuration, model }, values);
    const stream = pass.pc.indices.finish();
    const exact = pass.pc.exactBytes();
    trials.push({ configuration: describe(configuration), bytes: stream.length + exact.length });
    if (!best || stream.length + exact.length < best.stream.length + best.exact.length) best = { configuration, pass, stream, exact };
  }
  const { configuration, stream, exact } = best!;
  const { pc, counts } = best!.pass;
  const reconstruction = pc.finishOutput();
  checkBound(values, reconstruction, plan, g);
  const header: SlabHeader = {
    integer,
    usesModel: model !== undefined && configuration.predictors.some(needsModel),
    dtypeCode: type.code,
    boundKind: g.bound.kind,
    table: isTableLayout(shape, g.kind),
    configuration,
    stepShrink,
    valueCount: size,
    exactCount: pc.exactCount,
    hash: pc.hash,
  };
  const bytes = writeSlab({ header, stream, exact });
  const predictorChoices: Record<string, number> = {};
  configuration.predictors.forEach((p, k) => (predictorChoices[p.name] = counts[k]));
  return {
    bytes,
    reconstruction,
    stats: {
      totalBytes: bytes.length,
      bitsPerValue: size ? (bytes.length * 8) / size : 0,
      mode: configuration.mode,
      configuration: describe(configuration),
      predictorChoices,
      exactValues: pc.exactCount,
      integer,
      trials,
    },
  };
}

/** Sample sizes within this fraction of the smallest are close calls... */
const CLOSE_CALL = 0.03;
/** ...which slabs up to this many values settle by coding each in full. */
const FULL_TRIALS_MAX = 1 << 18;

/** The configurations worth coding in full: all of a small slab's; of a large one, the smallest on a sample (close calls too while the slab is small enough). */
function shortlist(
  values: Float64Array, shape: number[], g: EbGlobals, plan: Plan, model: Float64Array | undefined,
  configurations: Configuration[], trials: EncodeStats['trials'],
): Configuration[] {
  const sample = sampleOf(shape, plan.layout);
  if (!sample) return configurations; // small: each is coded in full
  const sampleValues = sample.take(values);
  const sampleLayout = layoutOf(sample.shape, g.kind);
  const sampleModel = model ? sample.take(model) : undefined;
  const sizes = configurations.map((configuration) => {
    const { pc } = runPass({ ...plan.base, size: sampleValues.length, layout: sampleLayout, configuration, model: sampleModel }, sampleValues);
    const bytes = pc.indices.finish().length + pc.exactCount * plan.type.width;
    trials.push({ configuration: `${describe(configuration)} (sample of ${sampleValues.length})`, bytes });
    return bytes;
  });
  const smallest = Math.min(...sizes);
  const order = configurations.map((c, k) => ({ c, bytes: sizes[k] })).sort((a, b) => a.bytes - b.bytes);
  const close = values.length <= FULL_TRIALS_MAX ? order.filter((o) => o.bytes <= smallest * (1 + CLOSE_CALL)) : [order[0]];
  return close.map((o) => o.c);
}

/** The final check, on the values as written in the dtype: the encoder never writes a broken bound. */
function checkBound(values: Float64Array, output: Float64Array, plan: Plan, g: EbGlobals): void {
  const q = new Quantizer(plan.type, plan.base.domain, plan.base.integer, plan.base.pointwiseBound);
  const pointwise = plan.base.domain === 'pointwise';
  plan.layout.views.forEach((view, v) => {
    const tolerance = plan.base.tolerances[v];
    const [n0, n1, n2] = view.dims;
    const [s0, s1, s2] = view.strides;
    for (let a = 0; a < n0; a++)
      for (let b = 0; b < n1; b++)
        for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
          const x = values[i];
          const y = output[i];
          const exact = q.same(y, x) || (x !== x && y !== y);
          const allowed = pointwise ? g.bound.value * Math.abs(x) : tolerance;
          const ok = exact || (x - x === 0 && allowed > 0 && Math.abs(y - x) <= allowed && q.castOf(y) === y);
          if (!ok) throw new Error(`error-bounded encoder broke its bound at value ${i}: ${x} became ${y} (internal error)`);
        }
  });
}

// ------------------------------------------------------------------------------ decoding

function corrupt(detail: string): BalerError {
  return new BalerError(`corrupted error-bounded slab: ${detail}`);
}

export function decodeSlabSync(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array): Float64Array {
  const size = checkGlobals(g, shape);
  const type = valueType(g.dtype);
  const parts = readSlab(bytes, type.width);
  const { header, stream, exact } = parts;
  if (header.dtypeCode !== type.code || header.boundKind !== g.bound.kind || header.table !== isTableLayout(shape, g.kind)) {
    throw corrupt(`it was coded for another dtype, bound or layout than ${g.dtype} ${g.bound.kind} ${g.kind}`);
  }
  if (header.valueCount !== size) throw corrupt(`it holds ${header.valueCount} values, the shape [${shape.join(', ')}] needs ${size}`);
  const modelNeeded = header.configuration.predictors.some(needsModel);
  if (modelNeeded !== header.usesModel || (modelNeeded && g.bound.kind === 'pw-rel')) throw corrupt('the model flag contradicts the predictors');
  if (header.usesModel && (!prediction || prediction.length !== size)) {
    throw new BalerError('this data was coded against a model reconstruction, which is missing or has the wrong size');
  }
  const plan = planFor(g, shape, header.integer, header.stepShrink);
  let result: PassResult;
  try {
    result = runPass({ ...plan.base, size, layout: plan.layout, configuration: header.configuration, model: header.usesModel ? prediction : undefined }, undefined, stream, new ExactReader(exact, type));
  } catch (error) {
    if (error instanceof RangeError) throw corrupt(error.message);
    throw error;
  }
  const { pc } = result;
  if (!pc.indices.consumedExactly()) throw corrupt('the coded stream has the wrong length');
  if (pc.exactRemaining !== 0) throw corrupt('unused exact values');
  if (!checksumMatches(parts, pc.hash)) throw corrupt('the checksum does not match');
  return pc.finishOutput();
}
