// One coding pass over a slab: composes the quantiser, the point coder (context model + range coder +
// exact store) and the traversal of the configuration's mode, view by view. The encoder runs it with the
// original values; the decoder with the stream and the exact values, making the same calls.

import { ColumnModel, predictColumn } from './columns';
import type { Configuration } from './configure';
import type { ExactReader, ValueType } from './dtype';
import { Layout, levelSteps } from './layout';
import { PointCoder } from './pointcoder';
import { maskRowsOf } from './mask-rows';
import { Domain, Quantizer } from './quantizer';
import { codeByInterpolation, interpolationLevels } from './interpolation';
import { Candidate, codeByLorenzo, frameDims, frameExtent, GridView } from './traversal';
import { PredictorSpec } from './predictors';
import { encodeInWasm, wasmEncodes } from './wasm/encoder';

export interface PassInput {
  size: number;
  layout: Layout;
  configuration: Configuration;
  type: ValueType;
  domain: Domain;
  /** Per view: the grid it is coded on (grid.ts; 1 for integers), or 0 for real values. */
  grids: number[];
  /** pw-rel: the relative bound X. */
  pointwiseBound: number;
  /** Per view: the error allowed (absolute domain; 0 = lossless). */
  tolerances: number[];
  /** Per view: what the quantisation steps derive from (a hair below the tolerance, in grid units on a grid, or log-domain for pw-rel). */
  stepTolerances: number[];
  /** A prediction the decoder also has (absolute domain only). */
  model?: Float64Array;
  /** Table layout: each column's model of the columns before it (needed by the 'columns' predictors). */
  columnModels?: ColumnModel[];
  /** The slab holds NaN or ±Inf: coded by kind, and in the absolute domain as a mask before the traversal (format 3). */
  specials?: boolean;
  /** Absolute domain: the mask is coded row by row (format 6; pointcoder.ts codeMaskRows), else as runs over the slab. */
  maskRows?: boolean;
  /** The checksum covers each block's predictor choice and a special's whole kind (formats 4 to 6; not 2 and 3). */
  checked?: boolean;
  /** Absolute domain, encoder: a value no reconstruction may take (EbGlobals.missing). */
  forbidden?: number;
  /** Encoder: every value of the slab is a finite float32 (plan.ts measured it; unset: not measured). */
  finiteFloat32?: boolean;
}

export interface PassResult {
  pc: PointCoder;
  /** How many blocks chose each of the configuration's predictors. */
  counts: Int32Array;
}

/** What the encoder's callers read of a coded pass: a PointCoder's, or the WebAssembly encoder's (wasm/encoder.ts). */
export interface CodedPoints {
  readonly hash: number;
  readonly exactCount: number;
  /** The coded stream (call once). */
  finishStream(): Uint8Array;
  exactBytes(): Uint8Array;
  /** The reconstruction as written in the output dtype (call once, at the end). */
  finishOutput(): Float64Array;
  release(keepOutput: boolean): void;
}

export interface EncodedPass {
  pc: CodedPoints;
  counts: Int32Array;
}

/** The encoder's pass: by the WebAssembly module where it takes the pass, else by runPass; the same bytes either way. */
export function encodePass(input: PassInput, original: Float64Array): EncodedPass {
  return (wasmEncodes(input) ? encodeInWasm(input, original) : undefined) ?? runPass(input, original);
}

const NO_BASE: Float64Array = new Float64Array(0);

/** The encoder when `original` is given, else the decoder reading `stream` and `exact`. */
export function runPass(input: PassInput, original?: Float64Array, stream?: Uint8Array, exact?: ExactReader): PassResult {
  const { size, layout, configuration, type, domain } = input;
  const quantizer = new Quantizer(type, domain, input.pointwiseBound);
  if (input.forbidden !== undefined) quantizer.forbidden = input.forbidden;
  const pc = original
    ? PointCoder.forEncoding(original, quantizer, type, Math.max(1 << 12, size >> 2), input.specials === true)
    : PointCoder.forDecoding(size, quantizer, stream!, exact!, input.specials === true);
  if (input.maskRows && domain === 'absolute') pc.maskRows = maskRowsOf(layout, size);
  pc.checked = input.checked === true;
  if (domain === 'pointwise' || pc.masked) pc.codeClasses();
  const counts = new Int32Array(configuration.predictors.length);
  const model = domain === 'pointwise' ? undefined : input.model;
  const columns = configuration.predictors.some((p) => p.base === 'columns') ? columnBase(input) : undefined;
  // One list for every view (the bases are whole arrays): a table's many views share it.
  const viewCandidates = configuration.mode === 'temporal' ? [] : candidates(configuration.predictors, { model, columns });
  layout.views.forEach((view, v) => {
    if (view.dims.some((d) => d === 0)) return;
    // A column's model reads the columns before it, already reconstructed.
    if (columns) predictColumn(input.columnModels![v], pc.recon, view.dims[2], layout.views.length, v, columns);
    quantizer.tolerance = input.tolerances[v];
    quantizer.grid = input.grids[v];
    const onGrid = input.grids[v] !== 0;
    const stepTolerance = input.stepTolerances[v];
    const { mode, alpha, beta } = configuration;
    if (mode === 'temporal') {
      codeFrameByFrame(pc, view, configuration, stepTolerance, onGrid, model, counts);
    } else if (mode === 'lorenzo') {
      const steps = levelSteps(stepTolerance, onGrid, 0, 1, 1);
      codeByLorenzo(pc, view, configuration.blockSize, steps[0], viewCandidates, counts);
    } else {
      const steps = levelSteps(stepTolerance, onGrid, interpolationLevels(view.dims, configuration.edges), alpha, beta);
      codeByInterpolation(pc, view, configuration, steps, viewCandidates, counts);
    }
  });
  return { pc, counts };
}

/** The array the columns' predictions are written into (one column at a time), checking the plan allows them. */
function columnBase(input: PassInput): Float64Array {
  const { layout, columnModels } = input;
  if (layout.name !== 'table' || !columnModels || columnModels.length !== layout.views.length) {
    throw new RangeError('the columns predictors need a table layout and a model per column');
  }
  return new Float64Array(input.size);
}

interface Bases {
  model?: Float64Array;
  columns?: Float64Array;
  previous?: { values: Float64Array; offset: number };
  modelDelta?: { values: Float64Array; offset: number };
}

/** The registry's predictors bound to this pass's base arrays. */
function candidates(specs: PredictorSpec[], bases: Bases): Candidate[] {
  return specs.map((spec) => {
    let base: Float64Array = NO_BASE;
    let baseOffset = 0;
    if (spec.base === 'model') {
      if (!bases.model) throw new RangeError(`predictor '${spec.name}' needs a model prediction`);
      base = bases.model;
    } else if (spec.base === 'columns') {
      if (!bases.columns) throw new RangeError(`predictor '${spec.name}' needs a table's column models`);
      base = bases.columns;
    } else if (spec.base === 'previous-frame' || spec.base === 'model-delta') {
      const b = spec.base === 'previous-frame' ? bases.previous : bases.modelDelta;
      if (!b) throw new RangeError(`predictor '${spec.name}' is for the temporal mode with ${spec.base === 'model-delta' ? 'a model' : 'frames'}`);
      base = b.values;
      baseOffset = b.offset;
    }
    return { spec, method: spec.method, base, baseOffset };
  });
}

/**
 * Temporal mode: frame by frame, each frame coded by spatial interpolation, its candidates adding to the
 * previous reconstructed frame ('previous-frame'), and with a model P also to P ('model') and to the
 * previous frame plus P's change since it ('model-delta'). Frame 0's previous frame is zero.
 */
function codeFrameByFrame(
  pc: PointCoder, view: GridView, configuration: Configuration, stepTolerance: number, onGrid: boolean,
  model: Float64Array | undefined, counts: Int32Array,
): void {
  const [frames, height, width] = view.dims;
  const [frameStride, rowStride, columnStride] = view.strides;
  const dims = frameDims(view);
  const steps = levelSteps(stepTolerance, onGrid, interpolationLevels(dims, configuration.edges), configuration.alpha, configuration.beta);
  const extent = frameExtent(view);
  const zeroFrame = new Float64Array(extent);
  const usesModelDelta = configuration.predictors.some((p) => p.base === 'model-delta');
  const delta = usesModelDelta ? new Float64Array(extent) : undefined;
  for (let t = 0; t < frames; t++) {
    const start = view.offset + t * frameStride;
    const frame: GridView = { offset: start, dims, strides: view.strides };
    const previous = t > 0 ? { values: pc.recon, offset: -frameStride } : { values: zeroFrame, offset: -start };
    if (delta) {
      if (!model) throw new RangeError('the model predictors have no prediction to use');
      for (let r = 0; r < height; r++)
        for (let c = 0; c < width; c++) {
          const local = r * rowStride + c * columnStride;
          const i = start + local;
          delta[local] = t > 0 ? pc.recon[i - frameStride] + (model[i] - model[i - frameStride]) : model[i];
        }
    }
    const bases: Bases = { model, previous, modelDelta: delta ? { values: delta, offset: -start } : undefined };
    codeByInterpolation(pc, frame, configuration, steps, candidates(configuration.predictors, bases), counts);
  }
}
