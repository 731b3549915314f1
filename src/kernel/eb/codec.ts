// Error-bounded compression of a float64 array: predict each value from what the decoder will have
// reconstructed (multilevel interpolation or Lorenzo, or an autoencoder's reconstruction, chosen per
// block), quantise the residual with step 2ε, range-code the indices with context modelling, and
// store exactly every value that cannot be kept within the bound that way.

import { BalerError } from '../errors';
import { absoluteTolerances, ErrorBound, formatErrorBound, parseErrorBound, verifyBound } from './bound';
import { detLog2 } from './detmath';
import { CLASS_NEGATIVE, CLASS_POSITIVE, CLASS_SPECIAL, CLASS_ZERO, PointCoder, ValueDomain } from './pointcoder';
import {
  ChoiceCounts,
  codeByInterpolation,
  codeByLorenzo,
  GridView,
  InterpolationBases,
  InterpolationPlan,
  InterpolationPredictor,
  LorenzoPredictor,
  MODEL_PREDICTORS,
} from './traversal';

export { verifyBound } from './bound';

/** Streams that use none of the temporal mode's model predictors keep the first format, readable by older versions. */
const FORMAT_V1 = 'baler-eb/1';
/** Adds the temporal mode's model predictors (MODEL_PREDICTORS) and choices among up to 8 predictors. */
const FORMAT_V2 = 'baler-eb/2';
export const STREAM_SECTION = 'eb.stream';
export const EXACT_SECTION = 'eb.exact';

export interface EncodeOptions {
  /** A reconstruction the decoder will also have (e.g. an autoencoder's output), same length. */
  prediction?: Float64Array;
  /** Restrict the predictors tried: 'interpolation', 'lorenzo', 'ae' (default: all that apply). */
  predictors?: string[];
  /** 'table' (2-D rows × cols: each column predicted down its rows; rel uses each column's range)
   *  or 'frames'. Default: 'table' for 2-D shapes, 'frames' otherwise. */
  kind?: 'table' | 'frames';
  /** 'fast' tries one configuration; 'best' (default) searches a few and keeps the smallest. */
  effort?: 'fast' | 'best';
}

export interface EncodeStats {
  sectionBytes: Record<string, number>;
  totalBytes: number;
  bitsPerValue: number;
  mode: Mode;
  configuration: string;
  /** How many blocks chose each predictor. */
  predictorChoices: ChoiceCounts;
  exactValues: number;
  /** Every configuration tried with its size in bytes. */
  trials: { configuration: string; bytes: number }[];
}

export interface EncodedArray {
  header: Record<string, unknown>;
  sections: { name: string; data: Uint8Array }[];
  stats: EncodeStats;
  /** Exactly what decodeErrorBounded returns for these sections (the encoder runs the decoder's arithmetic). */
  reconstruction: Float64Array;
}

/**
 * interpolation: multilevel cubic/linear interpolation over all dimensions (SZ3-like);
 * temporal: frame by frame, each frame predicted from the previous reconstructed frame plus a
 *   multilevel spatial interpolation of the frame-to-frame difference (or spatial interpolation alone);
 *   with a model's prediction also from it: the prediction alone, the previous frame plus the
 *   prediction's frame-to-frame change, or either plus an interpolation of what they miss;
 * lorenzo: raster-order Lorenzo differences.
 */
type Mode = 'interpolation' | 'temporal' | 'lorenzo';

interface Configuration {
  mode: Mode;
  order: [number, number, number];
  alpha: number;
  beta: number;
  predictors: string[];
  blockSize: number;
}

interface Layout {
  kind: 'table' | 'frames';
  views: GridView[];
  /** Absolute tolerance per view (abs/rel); for pw-rel, the tolerance in the log2 domain. */
  tolerances: number[];
  /**
   * What the quantisation steps derive from (the header's `tolerances`): a hair below `tolerances`
   * for real-valued abs/rel data, so that a residual of exactly half a step (common on integer
   * data, e.g. 1 / 0.08) still rounds to an index whose reconstruction keeps the bound.
   */
  stepTolerances: number[];
}

// ------------------------------------------------------------------------------ layout

function threeDimensional(shape: number[]): [number, number, number] {
  if (shape.length === 0) return [1, 1, 1];
  if (shape.length === 1) return [1, 1, shape[0]];
  if (shape.length === 2) return [1, shape[0], shape[1]];
  const leading = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [leading, shape[shape.length - 2], shape[shape.length - 1]];
}

function layoutOf(values: Float64Array, shape: number[], bound: ErrorBound, kind: 'table' | 'frames'): Layout {
  const tableColumns = kind === 'table' && shape.length === 2;
  const perColumnTolerances = bound.kind === 'rel' && tableColumns;
  const tolerances =
    bound.kind === 'pw-rel' ? [pwRelLogTolerance(bound.value)] : absoluteTolerances(values, shape, bound, perColumnTolerances);
  if (tableColumns) {
    const [rows, cols] = shape;
    const views: GridView[] = [];
    for (let c = 0; c < cols; c++) views.push({ offset: c, dims: [1, 1, rows], strides: [0, 0, cols] });
    const perView = views.map((_, c) => tolerances[perColumnTolerances ? c : 0]);
    return { kind, views, tolerances: perView, stepTolerances: perView };
  }
  const dims = threeDimensional(shape);
  return { kind, views: [{ offset: 0, dims, strides: [dims[1] * dims[2], dims[2], 1] }], tolerances, stepTolerances: tolerances };
}

/** |2^(y'−y) − 1| ≤ X needs |y' − y| ≤ log2(1 + X); a hair less leaves room for rounding. */
function pwRelLogTolerance(x: number): number {
  return x === 0 ? 0 : (detLog2(1 + x) * (1 - 1e-9));
}

/** Relative shrink of the step tolerances against the bound (see Layout.stepTolerances). */
const STEP_MARGIN = 1e-6;

function isIntegerValued(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && !Number.isInteger(v)) return false;
  }
  return true;
}

function stepFunction(tolerance: number, integer: boolean, configuration: Configuration): (level: number) => number {
  if (integer) {
    const step = 2 * Math.floor(tolerance) + 1;
    return () => (Number.isFinite(step) ? step : Number.MAX_VALUE);
  }
  return (level) => {
    let divisor = 1;
    for (let l = 0; l < level && divisor < configuration.beta; l++) divisor *= configuration.alpha;
    if (divisor > configuration.beta) divisor = configuration.beta;
    const step = (tolerance / divisor) * 2;
    return Number.isFinite(step) ? step : Number.MAX_VALUE;
  };
}

// ------------------------------------------------------------------------------ domains

function classOf(v: number): number {
  if (!Number.isFinite(v)) return CLASS_SPECIAL;
  return v > 0 ? CLASS_POSITIVE : v < 0 ? CLASS_NEGATIVE : CLASS_ZERO;
}

/** Codes the pw-rel sign/zero/special class of every value; zeros and specials become known points. */
function codeClasses(coder: PointCoder, classes: Uint8Array, known: Uint8Array, original?: Float64Array): void {
  let previous = 0;
  for (let i = 0; i < classes.length; i++) {
    const c = coder.codeSymbol(classes[i], 2, previous);
    classes[i] = c;
    previous = c;
    if (c === CLASS_ZERO) {
      known[i] = 1;
      coder.output[i] = 0;
    } else if (c === CLASS_SPECIAL) {
      known[i] = 1;
      coder.output[i] = coder.takeExact(original?.[i]);
    }
  }
}

// ------------------------------------------------------------------------------ configurations

function interpolationPredictors(hasPrediction: boolean, allowed: string[] | undefined): InterpolationPredictor[] {
  const list: InterpolationPredictor[] = ['cubic', 'linear'];
  if (hasPrediction && (!allowed || allowed.includes('ae'))) list.push('ae', 'cubic-ae');
  return list;
}

/** In the temporal mode 'ae' is the previous frame; a model's prediction adds MODEL_PREDICTORS. */
function temporalPredictors(hasPrediction: boolean, allowed: string[] | undefined): InterpolationPredictor[] {
  const list: InterpolationPredictor[] = ['cubic', 'linear', 'ae', 'cubic-ae'];
  if (hasPrediction && (!allowed || allowed.includes('ae'))) list.push(...MODEL_PREDICTORS);
  return list;
}

function lorenzoPredictors(hasPrediction: boolean, allowed: string[] | undefined): LorenzoPredictor[] {
  return hasPrediction && (!allowed || allowed.includes('ae')) ? ['lorenzo', 'ae', 'lorenzo-ae'] : ['lorenzo'];
}

function candidateConfigurations(layout: Layout, hasPrediction: boolean, options: EncodeOptions): Configuration[] {
  const allowed = options.predictors;
  const useInterpolation = !allowed || allowed.includes('interpolation') || allowed.includes('ae');
  const useLorenzo = !allowed || allowed.includes('lorenzo');
  const dims = layout.views[0].dims;
  const configurations: Configuration[] = [];
  const interp = (order: [number, number, number], alpha: number, beta: number): Configuration => ({
    mode: 'interpolation',
    order,
    alpha,
    beta,
    predictors: interpolationPredictors(hasPrediction, allowed),
    blockSize: 16,
  });
  const temporal = (alpha: number, beta: number): Configuration => ({
    mode: 'temporal',
    order: [1, 2, 0],
    alpha,
    beta,
    predictors: temporalPredictors(hasPrediction, allowed),
    blockSize: 16,
  });
  const fast = options.effort === 'fast';
  // Frames (a time axis first): spatial interpolation per frame on top of the previous frame wins on
  // CFD-like data; the other modes stay in the search for data where they do better.
  const frames = useInterpolation && dims[0] > 1;
  if (frames) {
    configurations.push(temporal(1.25, 4));
    if (!fast) configurations.push(temporal(1, 1));
  }
  // With a prediction, the whole-array interpolation on top of it stays a candidate even when fast.
  if (useInterpolation && (!fast || !frames || hasPrediction)) {
    configurations.push(interp([1, 2, 0], 1, 1));
    if (!fast && !frames) configurations.push(interp([1, 2, 0], 1.25, 4));
  }
  if (useLorenzo && (options.effort !== 'fast' || !useInterpolation)) {
    configurations.push({
      mode: 'lorenzo',
      order: [0, 1, 2],
      alpha: 1,
      beta: 1,
      predictors: lorenzoPredictors(hasPrediction, allowed),
      blockSize: 8,
    });
  }
  return configurations;
}

function describe(c: Configuration): string {
  return c.mode === 'lorenzo'
    ? `lorenzo[${c.predictors.join(',')}]`
    : `${c.mode} order=${c.order.join('')} alpha=${c.alpha} beta=${c.beta} [${c.predictors.join(',')}]`;
}

// ------------------------------------------------------------------------------ the pass

interface PassInput {
  size: number;
  layout: Layout;
  bound: ErrorBound;
  configuration: Configuration;
  integer: boolean;
  prediction?: Float64Array;
}

/** One full pass: the encoder when `original` is given, else the decoder reading `stream`. */
function runPass(input: PassInput, original?: Float64Array, stream?: Uint8Array, exact?: number[]): { coder: PointCoder; counts: ChoiceCounts } {
  const { size, layout, bound, configuration, integer, prediction } = input;
  const pointwise = bound.kind === 'pw-rel';
  const classes = new Uint8Array(size);
  let target = original;
  if (pointwise && original) {
    target = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      classes[i] = classOf(original[i]);
      target[i] = classes[i] <= CLASS_NEGATIVE ? detLog2(Math.abs(original[i])) : 0;
    }
  }
  const domain: ValueDomain = pointwise ? { kind: 'pointwise', classes, bound: bound.value } : { kind: 'absolute' };
  const coder = original
    ? PointCoder.forEncoding(target!, original, domain, integer)
    : PointCoder.forDecoding(size, stream!, exact!, domain, integer);
  if (pointwise) codeClasses(coder, classes, coder.known, original);
  const counts: ChoiceCounts = {};
  const ae = pointwise ? undefined : prediction;
  layout.views.forEach((view, v) => {
    if (view.dims.some((d) => d === 0)) return;
    coder.tolerance = layout.tolerances[v];
    const stepAt = stepFunction(layout.stepTolerances[v], integer, configuration);
    if (configuration.mode === 'temporal') {
      codeFrameByFrame(coder, view, configuration, stepAt, counts, ae);
    } else if (configuration.mode === 'lorenzo') {
      codeByLorenzo(coder, view, configuration.predictors as LorenzoPredictor[], configuration.blockSize, stepAt(0), ae, counts, target);
    } else {
      const plan: InterpolationPlan = { ...configuration, predictors: configuration.predictors as InterpolationPredictor[] };
      codeByInterpolation(coder, view, plan, stepAt, { ae }, counts);
    }
  });
  return { coder, counts };
}

/**
 * Temporal mode: the previous reconstructed frame is the 'ae' base of each frame; with a model's
 * prediction P, 'model' is P and 'model-delta' the previous frame plus P's change since that frame.
 */
function codeFrameByFrame(
  coder: PointCoder, view: GridView, configuration: Configuration, stepAt: (level: number) => number, counts: ChoiceCounts,
  prediction: Float64Array | undefined,
): void {
  const [frames, height, width] = view.dims;
  const frameStride = view.strides[0];
  const previous = new Float64Array(coder.recon.length);
  const usesModel = configuration.predictors.some((p) => (MODEL_PREDICTORS as string[]).includes(p));
  if (usesModel && !prediction) throw new RangeError('the model predictors have no prediction to use');
  const modelDelta = usesModel ? new Float64Array(coder.recon.length) : undefined;
  const bases: InterpolationBases = { ae: previous, model: usesModel ? prediction : undefined, modelDelta };
  const plan: InterpolationPlan = { ...configuration, predictors: configuration.predictors as InterpolationPredictor[] };
  for (let t = 0; t < frames; t++) {
    const frame: GridView = { offset: view.offset + t * frameStride, dims: [1, height, width], strides: view.strides };
    for (let r = 0; r < height; r++)
      for (let c = 0; c < width; c++) {
        const i = frame.offset + r * view.strides[1] + c * view.strides[2];
        if (t > 0) previous[i] = coder.recon[i - frameStride];
        if (modelDelta) modelDelta[i] = t > 0 ? previous[i] + (prediction![i] - prediction![i - frameStride]) : prediction![i];
      }
    codeByInterpolation(coder, frame, plan, stepAt, bases, counts);
  }
}

// ------------------------------------------------------------------------------ configuration search

/** Arrays at least this large choose their configuration on a sample before coding everything once. */
const SAMPLING_THRESHOLD = 131_072;
/** Values in the sample: at least this many, and at least 1/SAMPLE_FRACTION of the array. */
const SAMPLE_VALUES = 32_768;
const SAMPLE_FRACTION = 8;
/** Configurations whose sample costs at most this much more than the best one are also coded in full. */
const CLOSE_CALL = 0.03;

/**
 * The configurations worth coding in full: on large arrays, every configuration codes a contiguous
 * middle slab (whole frames, or whole table rows) under the full array's tolerances, and only those
 * within CLOSE_CALL of the smallest go on. Small arrays keep every configuration.
 */
function shortlistOnSample(
  input: PassInput,
  values: Float64Array,
  shape: number[],
  configurations: Configuration[],
  trials: EncodeStats['trials'],
): Configuration[] {
  const sample = sampleSlab(input, values, shape);
  if (!sample) return configurations;
  const sizes = configurations.map((configuration) => {
    const { coder } = runPass({ ...sample.input, configuration }, sample.values);
    const bytes = coder.finish().length + coder.exact.length * 8;
    trials.push({ configuration: `${describe(configuration)} (sample of ${sample.values.length})`, bytes });
    return bytes;
  });
  const smallest = Math.min(...sizes);
  return configurations.filter((_, k) => sizes[k] <= smallest * (1 + CLOSE_CALL));
}

function sampleSlab(input: PassInput, values: Float64Array, shape: number[]): { input: PassInput; values: Float64Array } | undefined {
  const { size, layout } = input;
  if (size < SAMPLING_THRESHOLD) return undefined;
  // Slab along the first axis longer than 1: rows of a table, frames (or rows) of a field.
  const dims = layout.kind === 'table' && shape.length === 2 ? [shape[0], 1, shape[1]] : threeDimensional(shape);
  const axis = dims.findIndex((n) => n > 1);
  if (axis < 0) return undefined;
  const slice = size / dims[axis];
  const wanted = Math.max(SAMPLE_VALUES, size / SAMPLE_FRACTION);
  const count = Math.min(dims[axis], Math.max(1, Math.ceil(wanted / slice)));
  if (count * 2 > dims[axis]) return undefined;
  const first = Math.floor((dims[axis] - count) / 2);
  const range = [first * slice, (first + count) * slice];
  const sampleDims = dims.map((n, e) => (e === axis ? count : n));
  const sampleShape = layout.kind === 'table' && shape.length === 2 ? [count, shape[1]] : sampleDims;
  const sampleValues = values.subarray(range[0], range[1]);
  const sampleLayout = layoutOf(new Float64Array(0), sampleShape, { kind: 'abs', value: 0 }, layout.kind);
  sampleLayout.tolerances = layout.tolerances;
  sampleLayout.stepTolerances = layout.stepTolerances;
  return {
    values: sampleValues,
    input: {
      ...input,
      size: sampleValues.length,
      layout: sampleLayout,
      prediction: input.prediction?.subarray(range[0], range[1]),
    },
  };
}

function exactBytes(values: number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, k) => view.setFloat64(k * 8, v, true));
  return bytes;
}

// ------------------------------------------------------------------------------ public API

export async function encodeErrorBounded(
  values: Float64Array,
  shape: number[],
  bound: ErrorBound,
  opts: EncodeOptions = {},
): Promise<EncodedArray> {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new BalerError(`shape [${shape.join(', ')}] does not match ${values.length} values`);
  if (opts.prediction && opts.prediction.length !== size) throw new BalerError('the prediction has a different length than the data');
  const kind = opts.kind ?? (shape.length === 2 ? 'table' : 'frames');
  const layout = layoutOf(values, shape, bound, kind);
  const integer = bound.kind !== 'pw-rel' && isIntegerValued(values);
  if (!integer && bound.kind !== 'pw-rel') layout.stepTolerances = layout.tolerances.map((t) => t * (1 - STEP_MARGIN));
  const hasPrediction = opts.prediction !== undefined && bound.kind !== 'pw-rel';
  const configurations = candidateConfigurations(layout, hasPrediction, opts);
  if (configurations.length === 0) throw new BalerError(`no usable predictor in [${(opts.predictors ?? []).join(', ')}]`);

  const trials: EncodeStats['trials'] = [];
  const input: PassInput = { size, layout, bound, configuration: configurations[0], integer, prediction: opts.prediction };
  const finalists = configurations.length > 1 ? shortlistOnSample(input, values, shape, configurations, trials) : configurations;
  let best: { configuration: Configuration; coder: PointCoder; stream: Uint8Array; counts: ChoiceCounts } | undefined;
  for (const configuration of finalists) {
    const { coder, counts } = runPass({ ...input, configuration }, values);
    const stream = coder.finish();
    const bytes = stream.length + coder.exact.length * 8;
    trials.push({ configuration: describe(configuration), bytes });
    if (!best || bytes < best.stream.length + best.coder.exact.length * 8) best = { configuration, coder, stream, counts };
    if (size === 0) break;
  }
  const { configuration, coder, stream, counts } = best!;
  const usesModelPredictors = configuration.predictors.some((p) => (MODEL_PREDICTORS as string[]).includes(p));
  const header: Record<string, unknown> = {
    format: usesModelPredictors ? FORMAT_V2 : FORMAT_V1,
    shape: [...shape],
    kind,
    bound: formatErrorBound(bound),
    tolerances: layout.stepTolerances,
    integer,
    mode: configuration.mode,
    order: configuration.order,
    alpha: configuration.alpha,
    beta: configuration.beta,
    predictors: configuration.predictors,
    blockSize: configuration.blockSize,
    usesPrediction: hasPrediction,
    exactCount: coder.exact.length,
    hash: coder.hash,
  };
  const exact = exactBytes(coder.exact);
  const check = verifyBound(values, coder.output, bound, shape, kind === 'table');
  if (!check.ok) throw new Error(`error-bounded encoder broke its bound at value ${check.firstViolation} (internal error)`);
  const total = stream.length + exact.length;
  return {
    header,
    reconstruction: coder.output,
    sections: [
      { name: STREAM_SECTION, data: stream },
      { name: EXACT_SECTION, data: exact },
    ],
    stats: {
      sectionBytes: { [STREAM_SECTION]: stream.length, [EXACT_SECTION]: exact.length },
      totalBytes: total,
      bitsPerValue: size ? (total * 8) / size : 0,
      mode: configuration.mode,
      configuration: describe(configuration),
      predictorChoices: counts,
      exactValues: coder.exact.length,
      trials,
    },
  };
}

function corrupt(detail: string): BalerError {
  return new BalerError(`corrupted error-bounded data: ${detail}`);
}

function readHeader(header: Record<string, unknown>): { shape: number[]; bound: ErrorBound; input: Omit<PassInput, 'prediction'>; exactCount: number; hash: number; usesPrediction: boolean } {
  if (header.format !== FORMAT_V1 && header.format !== FORMAT_V2) throw corrupt(`unknown format ${JSON.stringify(header.format)}`);
  const shape = header.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw corrupt('bad shape');
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size) || size > 2 ** 31) throw corrupt('shape too large');
  if (typeof header.bound !== 'string') throw corrupt('bad bound');
  const bound = parseErrorBound(header.bound);
  const kind = header.kind;
  if (kind !== 'table' && kind !== 'frames') throw corrupt('bad kind');
  const mode = header.mode;
  if (mode !== 'interpolation' && mode !== 'lorenzo' && mode !== 'temporal') throw corrupt('bad mode');
  const order = header.order;
  if (!Array.isArray(order) || order.length !== 3 || [...order].sort().join() !== '0,1,2') throw corrupt('bad order');
  const numbers = ['alpha', 'beta', 'blockSize', 'exactCount', 'hash'].map((k) => header[k]);
  if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) throw corrupt('bad parameters');
  const [alpha, beta, blockSize, exactCount, hash] = numbers as number[];
  if (alpha < 1 || beta < 1 || !Number.isInteger(blockSize) || blockSize < 1 || !Number.isInteger(exactCount)) throw corrupt('bad parameters');
  const predictors = header.predictors;
  const known: string[] = mode === 'lorenzo' ? ['lorenzo', 'ae', 'lorenzo-ae'] : ['cubic', 'linear', 'ae', 'cubic-ae'];
  if (mode === 'temporal' && header.format === FORMAT_V2) known.push(...MODEL_PREDICTORS);
  if (!Array.isArray(predictors) || predictors.length < 1 || predictors.length > known.length || !predictors.every((p) => known.includes(p))) {
    throw corrupt('bad predictors');
  }
  const needsPrediction = predictors.some((p) => (mode === 'temporal' ? (MODEL_PREDICTORS as string[]).includes(p) : p !== 'cubic' && p !== 'linear' && p !== 'lorenzo'));
  if (needsPrediction && header.usesPrediction !== true) throw corrupt('the predictors need a model reconstruction the header does not declare');
  if (typeof header.integer !== 'boolean') throw corrupt('bad integer flag');
  const layout = layoutOf(new Float64Array(0), shape as number[], { kind: 'abs', value: 0 }, kind);
  const tolerances = header.tolerances;
  if (!Array.isArray(tolerances) || tolerances.length !== layout.views.length && tolerances.length !== 1) throw corrupt('bad tolerances');
  if (!tolerances.every((t) => typeof t === 'number' && t >= 0)) throw corrupt('bad tolerances');
  layout.tolerances = layout.views.map((_, v) => tolerances[tolerances.length === 1 ? 0 : v] as number);
  layout.stepTolerances = layout.tolerances;
  const configuration: Configuration = {
    mode,
    order: order as [number, number, number],
    alpha,
    beta,
    predictors: predictors as string[],
    blockSize,
  };
  return {
    shape: shape as number[],
    bound,
    input: { size, layout, bound, configuration, integer: header.integer },
    exactCount,
    hash,
    usesPrediction: header.usesPrediction === true,
  };
}

export async function decodeErrorBounded(
  header: Record<string, unknown>,
  sections: Map<string, Uint8Array>,
  prediction?: Float64Array,
): Promise<Float64Array> {
  const { input, exactCount, hash, usesPrediction } = readHeader(header);
  const stream = sections.get(STREAM_SECTION);
  const exactSection = sections.get(EXACT_SECTION);
  if (!stream || !exactSection) throw corrupt('a section is missing');
  if (exactSection.length !== exactCount * 8) throw corrupt('exact-value section has the wrong length');
  if (usesPrediction && (!prediction || prediction.length !== input.size)) {
    throw new BalerError('this data was compressed against a model reconstruction, which is missing or has the wrong size');
  }
  const view = new DataView(exactSection.buffer, exactSection.byteOffset, exactSection.byteLength);
  const exact: number[] = [];
  for (let k = 0; k < exactCount; k++) exact.push(view.getFloat64(k * 8, true));
  let coder: PointCoder;
  try {
    ({ coder } = runPass({ ...input, prediction: usesPrediction ? prediction : undefined }, undefined, stream, exact));
  } catch (error) {
    if (error instanceof RangeError) throw corrupt(error.message);
    throw error;
  }
  if (!coder.decoderConsumedExactly()) throw corrupt('the coded stream has the wrong length');
  if (coder.exactRemaining() !== 0) throw corrupt('unused exact values');
  if (coder.hash !== hash) throw corrupt('the decoded indices do not match their checksum');
  return coder.output;
}
