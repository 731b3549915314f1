// Error-bounded coding of one slab: plans the domain (absolute, integer path, or pw-rel's log domain) and
// the quantisation steps from the file's globals (plan.ts), chooses a configuration (search.ts: on a sample
// of large slabs), runs the coding pass, checks every value as written in the output dtype against the bound,
// and writes the self-describing slab (format.ts). decodeSlabSync reverses it and refuses anything inconsistent.

import { BalerError } from '../errors';
import type { DType } from '../types';
import type { ErrorBound } from './bound';
import { candidateConfigurations, Configuration, describe, reachableConfigurations } from './configure';
import { CAST_FLOAT32, CAST_OTHER, ExactReader, valueType } from './dtype';
import { checksumMatches, corrupt, readSlab, SlabHeader, writeSlab } from './format';
import { candidateLayouts, hasChannels, isTableKind, Kind, layoutOf, LayoutName } from './layout';
import { PassResult, runPass } from './pass';
import { encoderPlan, Plan, planFrom } from './plan';
import { needsColumns, needsModel } from './predictors';
import { Quantizer } from './quantizer';
import { codedBytes, fullCoding, FullCoding, searchConfiguration } from './search';
import { decodeInWasm, WasmDecoded } from './wasm/decode';
import { SlabFacts, wasmTakes } from './wasm/decoder-module';
import type { GridView } from './traversal';
import { ValueFacts, valueFacts } from './value-facts';

export interface EbGlobals {
  bound: ErrorBound;
  /** Absolute tolerance: one for the whole array, or one per column of a table (kind 'table', 2-D) under rel;
   *  computed by the caller over the whole array. Unused for pw-rel. */
  tolerances: number[];
  /** The dtype decompressed values are written in: the bound holds on every value after the cast to it. */
  dtype: DType;
  kind: Kind;
  /** An integer array's declared missing value (NaN in the values coded): no real value is reconstructed as it (the encoder's; not stored). */
  missing?: number;
  /**
   * Values read from text, which come back on their decimals: a view's grid (its last digit) is coded on even
   * where the real values would code smaller (grid.ts gridPays). The encoder's; the slab header says its grids.
   */
  keepsGrid?: boolean;
}

export interface SlabOptions {
  /** A reconstruction the decoder will also have (e.g. an autoencoder's), same length (abs/rel only). */
  prediction?: Float64Array;
  /** Restrict the predictor families: 'interpolation', 'lorenzo', 'columns' (a table's column models), 'model' (or 'ae'); default all. */
  predictors?: string[];
  /** 'fast' tries one configuration; 'best' (default) compares a few on a sample and keeps the smallest. */
  effort?: 'fast' | 'best';
  /** How a 2-D slab is seen (layout.ts); default: the smallest of those that apply, by measuring. */
  layout?: LayoutName;
  /**
   * An earlier slab's `stats.configuration` (of the same array): used without searching when this slab
   * could have chosen it, which saves most of the search on the slabs after the first.
   */
  configuration?: string;
  /**
   * A configuration (a `stats.configuration`) the search starts from instead of every candidate: it and its
   * variants are measured (search.ts refine), about half the trials. Ignored with `configuration`, or when this
   * slab could not have chosen it.
   */
  searchFrom?: string;
}

export interface EncodeStats {
  totalBytes: number;
  bitsPerValue: number;
  mode: Configuration['mode'];
  layout: LayoutName;
  configuration: string;
  /** How many blocks chose each predictor. */
  predictorChoices: Record<string, number>;
  exactValues: number;
  /** The grid of each view (0: real values, 1: integers, else a step; grid.ts). */
  grids: number[];
  /** Every view coded as integers. */
  integer: boolean;
  /** Every configuration tried with its size in bytes. */
  trials: { configuration: string; bytes: number }[];
}

/** Largest slab, in values, this coder accepts (its working arrays are about 17 bytes per value). */
export const MAX_SLAB_VALUES = 2 ** 28;

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
    const columns = isTableKind(shape, g.kind) ? shape[1] : 1;
    if (!Array.isArray(t) || !(t.length === 1 || t.length === columns) || !t.every((v) => typeof v === 'number' && v >= 0 && Number.isFinite(v))) {
      throw new BalerError(`bad tolerances: expected 1${columns > 1 ? ` or ${columns}` : ''} finite numbers ≥ 0`);
    }
  }
  return size;
}

// ------------------------------------------------------------------------------ encoding

export function encodeSlabSync(values: Float64Array, shape: number[], g: EbGlobals, opts: SlabOptions = {}): { bytes: Uint8Array; reconstruction: Float64Array; stats: EncodeStats } {
  const size = checkGlobals(g, shape);
  if (!(values instanceof Float64Array) || values.length !== size) throw new BalerError(`shape [${shape.join(', ')}] does not match ${values?.length} values`);
  const model = g.bound.kind === 'pw-rel' ? undefined : opts.prediction;
  if (model && model.length !== size) throw new BalerError('the prediction has a different length than the data');
  const type = valueType(g.dtype);
  const layouts = candidateLayouts(shape, g.kind, opts.layout);
  const effort = opts.effort ?? 'best';
  const searchOptions = { withModel: model !== undefined, withColumns: g.bound.kind !== 'pw-rel', families: opts.predictors, effort };
  // 'fast' codes the first layout's first configuration; 'best' measures every layout's.
  const configurations = (effort === 'fast' ? layouts.slice(0, 1) : layouts).flatMap((name) => candidateConfigurations(layoutOf(shape, name), searchOptions));
  if (configurations.length === 0) throw new BalerError(`no usable predictor in [${(opts.predictors ?? []).join(', ')}]`);
  const plans = new Map<LayoutName, Plan>();
  let facts: ValueFacts | undefined;
  const planOf = (name: LayoutName): Plan => {
    if (!plans.has(name)) plans.set(name, encoderPlan(values, shape, g, name, type, (facts ??= valueFacts(values))));
    return plans.get(name)!;
  };

  const trials: EncodeStats['trials'] = [];
  const reachable = (description: string | undefined) => description === undefined ? undefined : reachableConfigurations(configurations).find((c) => describe(c) === description);
  const reused = reachable(opts.configuration);
  const start = reused ? undefined : reachable(opts.searchFrom);
  let best: FullCoding | undefined;
  // The codings not kept give their arrays back (slab-buffers.ts); the kept one keeps its reconstruction.
  const keep = (coding: FullCoding): void => {
    if (!best || codedBytes(coding) < codedBytes(best)) {
      best?.pass.pc.release(false);
      best = coding;
    } else {
      coding.pass.pc.release(false);
    }
  };
  if (reused || configurations.length === 1 || size === 0) {
    const configuration = reused ?? configurations[0];
    const coding = fullCoding(values, planOf(configuration.layout), configuration, model);
    trials.push({ configuration: describe(configuration), bytes: codedBytes(coding) });
    keep(coding);
  } else {
    const { finalists, coded } = searchConfiguration(values, shape, planOf, model, start ? [start] : configurations, trials);
    if (coded) keep(coded);
    else {
      for (const configuration of finalists) {
        const coding = fullCoding(values, planOf(configuration.layout), configuration, model);
        trials.push({ configuration: describe(configuration), bytes: codedBytes(coding) });
        keep(coding);
      }
    }
  }
  const { configuration, stream, exact, pass } = best!;
  const plan = planOf(configuration.layout);
  const { pc, counts } = pass;
  const reconstruction = pc.finishOutput();
  checkBound(values, reconstruction, plan, g);
  const header: SlabHeader = {
    usesModel: model !== undefined && configuration.predictors.some(needsModel),
    dtypeCode: type.code,
    boundKind: g.bound.kind,
    tableKind: isTableKind(shape, g.kind),
    configuration,
    grids: plan.base.grids,
    columnModels: configuration.predictors.some(needsColumns) ? plan.base.columnModels : undefined,
    stepShrink: plan.stepShrink,
    exactCount: pc.exactCount,
    hash: pc.hash,
    specials: plan.base.specials === true,
    maskRows: plan.base.maskRows === true,
    checked: plan.base.checked === true,
  };
  const bytes = writeSlab({ header, stream, exact });
  pc.release(true);
  const predictorChoices: Record<string, number> = {};
  configuration.predictors.forEach((p, k) => (predictorChoices[p.name] = counts[k]));
  const grids = plan.base.grids;
  return {
    bytes,
    reconstruction,
    stats: {
      totalBytes: bytes.length,
      bitsPerValue: size ? (bytes.length * 8) / size : 0,
      mode: configuration.mode,
      layout: configuration.layout,
      configuration: describe(configuration),
      predictorChoices,
      exactValues: pc.exactCount,
      grids,
      integer: grids.length > 0 && grids.every((x) => x === 1),
      trials,
    },
  };
}

/** The final check, on the values as written in the dtype: the encoder never writes a broken bound. */
function checkBound(values: Float64Array, output: Float64Array, plan: Plan, g: EbGlobals): void {
  const q = new Quantizer(plan.type, plan.base.domain, plan.base.pointwiseBound);
  const pointwise = plan.base.domain === 'pointwise';
  plan.layout.views.forEach((view, v) => {
    const tolerance = plan.base.tolerances[v];
    const [n0, n1, n2] = view.dims;
    const [s0, s1, s2] = view.strides;
    // The common case first, inline: a finite value within a bound > 0, already in its float dtype.
    const quick = !pointwise && tolerance > 0 && q.cast !== CAST_OTHER;
    const float32 = q.cast === CAST_FLOAT32;
    if (quick && tolerance < Infinity && viewWithin(values, output, view, tolerance, float32)) return;
    for (let a = 0; a < n0; a++)
      for (let b = 0; b < n1; b++)
        for (let c = 0, i = view.offset + a * s0 + b * s1; c < n2; c++, i += s2) {
          const x = values[i];
          const y = output[i];
          if (quick && Math.abs(y - x) <= tolerance && x - x === 0 && (!float32 || Math.fround(y) === y)) continue;
          const exact = q.same(y, x) || (x !== x && y !== y);
          const allowed = pointwise ? g.bound.value * Math.abs(x) : tolerance;
          const ok = exact || (x - x === 0 && allowed > 0 && Math.abs(y - x) <= allowed && q.castOf(y) === y);
          if (!ok) throw new Error(`error-bounded encoder broke its bound at value ${i}: ${x} became ${y} (internal error)`);
        }
  });
}

/**
 * Whether every value of the view passes checkBound's quick test, in a loop of its own: within the finite `tolerance`
 * of its original (so both are finite) and, with `float32`, a float32.
 */
function viewWithin(values: Float64Array, output: Float64Array, view: GridView, tolerance: number, float32: boolean): boolean {
  const [n0, n1, n2] = view.dims;
  const [s0, s1, s2] = view.strides;
  for (let a = 0; a < n0; a++) {
    for (let b = 0; b < n1; b++) {
      if (!rowWithin(values, output, view.offset + a * s0 + b * s1, n2, s2, tolerance, float32)) return false;
    }
  }
  return true;
}

/** viewWithin's test on the `count` values from `first` on at `stride`. */
function rowWithin(values: Float64Array, output: Float64Array, first: number, count: number, stride: number, tolerance: number, float32: boolean): boolean {
  for (let c = 0, i = first; c < count; c++, i += stride) {
    const y = output[i];
    if (!(Math.abs(y - values[i]) <= tolerance) || (float32 && Math.fround(y) !== y)) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------ decoding

export function decodeSlabSync(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array): Float64Array {
  const size = checkGlobals(g, shape);
  const type = valueType(g.dtype);
  const parts = readSlab(bytes, type.width, size);
  const { header, stream, exact } = parts;
  if (header.dtypeCode !== type.code || header.boundKind !== g.bound.kind || header.tableKind !== isTableKind(shape, g.kind)) {
    throw corrupt(`it was coded for another dtype, bound or kind than ${g.dtype} ${g.bound.kind} ${g.kind}`);
  }
  const modelNeeded = header.configuration.predictors.some(needsModel);
  if (modelNeeded !== header.usesModel || (modelNeeded && g.bound.kind === 'pw-rel')) throw corrupt('the model flag contradicts the predictors');
  if (header.usesModel && (!prediction || prediction.length !== size)) {
    throw new BalerError('this data was coded against a model reconstruction, which is missing or has the wrong size');
  }
  const { layout: name } = header.configuration;
  if (name === 'table' && shape.length !== 2) throw corrupt(`a table layout for shape [${shape.join(', ')}]`);
  if (name === 'channels' && !hasChannels(shape)) throw corrupt(`a channels layout for shape [${shape.join(', ')}]`);
  const layout = layoutOf(shape, name);
  const views = layout.views.length;
  if (header.grids.length !== 1 && header.grids.length !== views) throw corrupt(`${header.grids.length} grids for ${views} views`);
  const grids = header.grids.length === views ? header.grids : Array<number>(views).fill(header.grids[0]);
  if (g.bound.kind === 'pw-rel' && !grids.every((x) => x === grids[0] && (x === 0 || x === 1))) throw corrupt('bad grids for pw-rel');
  const columnsNeeded = header.configuration.predictors.some(needsColumns);
  if (columnsNeeded !== (header.columnModels !== undefined) || (columnsNeeded && (name !== 'table' || g.bound.kind === 'pw-rel' || header.columnModels!.length !== views))) {
    throw corrupt('the column models contradict the predictors or the layout');
  }
  const plan = planFrom(g, layout, type, grids, header.stepShrink, header.specials, header.columnModels);
  if (header.maskRows && plan.base.domain !== 'absolute') throw corrupt('a mask coded by rows in the pointwise domain');
  plan.base.maskRows = header.maskRows; // a format-3 or -5 slab's mask is runs over the whole slab
  plan.base.checked = header.checked; // formats 2 and 3 hash neither choices nor whole kinds
  const facts: SlabFacts = { plan, configuration: header.configuration, specials: header.specials };
  if (wasmTakes(facts)) {
    let decoded: WasmDecoded | undefined;
    try {
      decoded = decodeInWasm(facts, stream, exact, size, header.usesModel ? prediction : undefined);
    } catch (error) {
      if (error instanceof RangeError) throw corrupt(error.message);
      throw error;
    }
    if (decoded) {
      if (!decoded.consumedExactly) throw corrupt('the coded stream has the wrong length');
      if (decoded.exactRemaining !== 0) throw corrupt('unused exact values');
      if (!checksumMatches(parts, decoded.hash)) throw corrupt('the checksum does not match');
      return decoded.output;
    }
  }
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
  const output = pc.finishOutput();
  pc.release(true);
  return output;
}
