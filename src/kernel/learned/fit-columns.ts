// Fitting the cross-column model on a sample of rows: standardisation and integer flags per column, a coding
// order (the file's, or the least predictable columns first), a linear predictor per column by least squares
// and a sparse second-order one (poly.ts) (always; closed form, milliseconds) and small networks (when asked, within a time budget), each trained on
// inputs perturbed by the coding error they will see (uniform within each column's tolerance). A pass codes
// the sample column by column and keeps, for each column, whichever of no prediction, the linear one and the
// network codes it smallest.
import seedrandom from 'seedrandom';
import type { EbGlobals } from '../compress/eb-slab';
import { encodeEbSlab } from '../compress/eb-slab';
import { NormalEquations, solveSymmetric } from './linalg';
import type { Mlp } from './mlp';
import { columnGlobals, columnOf, predictColumn, type ColumnPredictor, type ColumnsModel } from './columns';
import { trainColumnNets, type NetTraining } from './train-mlp';
import { fitPoly, type PolyPredictor } from './poly';

export interface ColumnsFit {
  model: ColumnsModel;
  /** Bytes of the first rows of the sample (up to CHOICE_ROWS) coded with the chosen predictors. */
  sampleBytes: number;
  /** The same rows coded without any prediction, column by column. */
  plainBytes: number;
  seconds: number;
}

export interface ColumnsFitOptions {
  /** Train networks for this long (seconds); absent: linear predictors only. */
  nets?: NetTraining;
  seed?: number;
}

/** Rows of the sample that the least-squares fit uses at most (evenly spaced). */
const MAX_FIT_ROWS = 50_000;
/** Rows each column's predictor is chosen on (the first of the sample): enough to tell them apart. */
const CHOICE_ROWS = 16_384;

export async function fitColumns(sample: Float64Array, rows: number, columns: number, g: EbGlobals, opts: ColumnsFitOptions = {}): Promise<ColumnsFit> {
  const started = performance.now();
  const base = standardisation(sample, rows, columns);
  // Two coding orders: the file's, and the columns least predictable from the others first (a derived
  // column after what it derives from); linear predictors choose between them on the sample.
  let best: { model: ColumnsModel; pairs: TrainingPairs; choice: Choice; linear: (Float32Array | undefined)[]; poly: (PolyPredictor | undefined)[] } | undefined;
  const memo = new CodingMemo();
  for (const order of candidateOrders(sample, rows, columns, base)) {
    const model: ColumnsModel = { family: 'columns', columns, order, ...base, predictors: order.map(() => ({ kind: 'none' }) as ColumnPredictor) };
    const pairs = trainingPairs(sample, rows, columns, model, g, opts.seed ?? 1);
    const linear = order.map((_, p) => (p === 0 ? undefined : fitLinear(pairs.inputs, pairs.targets, rows, columns, p)));
    const poly = order.map((c, p) => fitPoly(pairs.inputs, pairs.targets, rows, columns, p, standardFloor(g, model, c), rows));
    const choice = await choosePredictors(model, sample, rows, g, { linear, poly }, memo);
    if (!best || choice.sampleBytes < best.choice.sampleBytes) best = { model, pairs, choice, linear, poly };
  }
  let { model, choice } = best!;
  if (opts.nets) {
    const nets = await trainColumnNets(best!.pairs.inputs, best!.pairs.targets, rows, columns, opts.nets);
    choice = await choosePredictors(model, sample, rows, g, { linear: best!.linear, poly: best!.poly, nets }, memo);
  }
  return { model, sampleBytes: choice.sampleBytes, plainBytes: choice.plainBytes, seconds: (performance.now() - started) / 1000 };
}

interface Choice {
  sampleBytes: number;
  plainBytes: number;
}

/** Fitted predictors by position in the coding order (undefined: none for that position). */
interface Fitted {
  linear: (Float32Array | undefined)[];
  poly: (PolyPredictor | undefined)[];
  nets?: (Mlp | undefined)[];
}

/**
 * Sets each column's predictor (in `model.predictors`) to whichever of none and the fitted ones codes the
 * first rows of the sample smallest, column by column in order, with the decoded columns as later inputs.
 */
async function choosePredictors(model: ColumnsModel, sample: Float64Array, rows: number, g: EbGlobals, fitted: Fitted, memo: CodingMemo): Promise<Choice> {
  const { linear, poly, nets } = fitted;
  const { columns } = model;
  const choiceRows = Math.min(rows, CHOICE_ROWS);
  const decoded: Float64Array[] = new Array(columns);
  let sampleBytes = 0;
  let plainBytes = 0;
  for (const [p, c] of model.order.entries()) {
    const values = columnOf(sample, choiceRows, columns, c);
    const gc = columnGlobals(g, c);
    const models: ColumnPredictor[] = [];
    if (linear[p]) models.push({ kind: 'linear', weights: linear[p]! });
    if (poly[p]) models.push({ kind: 'poly', poly: poly[p]! });
    if (nets?.[p]) models.push({ kind: 'mlp', net: nets[p]! });
    // The coder runs on no prediction and on the model whose quantised residuals have the least entropy (a
    // close estimate of what the coder pays for rows that are independent), not on every model.
    const tolerance = gc.tolerances[0];
    let likeliest: ColumnPredictor | undefined;
    let fewest = Infinity;
    for (const predictor of models) {
      model.predictors[c] = predictor;
      const bits = tolerance > 0 ? residualEntropy(values, predictColumn(model, c, decoded, choiceRows)!, 2 * tolerance) : 0;
      if (bits < fewest) [likeliest, fewest] = [predictor, bits];
    }
    const candidates: ColumnPredictor[] = [{ kind: 'none' }, ...(tolerance > 0 ? (likeliest ? [likeliest] : []) : models)];
    let best: { bytes: number; reconstruction: Float64Array; predictor: ColumnPredictor; configuration: string } | undefined;
    for (const predictor of candidates) {
      model.predictors[c] = predictor;
      const coded = await memo.code(model, p, decoded, async () => {
        const prediction = predictColumn(model, c, decoded, choiceRows);
        return encodeEbSlab(values, [choiceRows, 1], gc, prediction ? { prediction } : {});
      });
      if (predictor.kind === 'none') plainBytes += coded.bytes.length;
      if (!best || coded.bytes.length < best.bytes) best = { bytes: coded.bytes.length, reconstruction: coded.reconstruction, predictor, configuration: coded.configuration };
    }
    model.predictors[c] = best!.predictor;
    (model.configurations ??= new Array(columns).fill(undefined))[c] = best!.configuration;
    decoded[c] = best!.reconstruction;
    sampleBytes += best!.bytes;
  }
  return { sampleBytes, plainBytes };
}

type ColumnCoding = Pick<Awaited<ReturnType<typeof encodeEbSlab>>, 'bytes' | 'reconstruction' | 'configuration'>;

/**
 * The column codings of one fit, reused between coding orders and the networks' pass: a column coded with the
 * same predictor on the same decoded inputs codes to the same bytes, so it is coded once (a column without
 * prediction is the same in every order; measured on a 20k-row jet table: 10.5 → 9.1 CPU-s, the same file).
 */
class CodingMemo {
  private readonly codings = new Map<string, ColumnCoding>();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  async code(model: ColumnsModel, position: number, decoded: Float64Array[], coding: () => Promise<ColumnCoding>): Promise<ColumnCoding> {
    const c = model.order[position];
    const key = this.keyOf(model, c, position, decoded);
    const known = this.codings.get(key);
    if (known) return known;
    const coded = await coding();
    this.codings.set(key, coded);
    return coded;
  }

  /** The column, its predictor and (for a prediction) the decoded columns before it, by identity. */
  private keyOf(model: ColumnsModel, c: number, position: number, decoded: Float64Array[]): string {
    const predictor = model.predictors[c];
    if (predictor.kind === 'none') return `${c}:none`;
    const weights = predictor.kind === 'linear' ? predictor.weights : predictor.kind === 'poly' ? predictor.poly : predictor.net;
    const inputs = model.order.slice(0, position).map((i) => `${i}=${this.idOf(decoded[i])}`);
    return `${c}:${predictor.kind}${this.idOf(weights)}:${inputs.join(',')}`;
  }

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}

/** Bits of the residuals x − prediction quantised to `step` (their empirical entropy; non-finite ones apart). */
function residualEntropy(values: Float64Array, prediction: Float64Array, step: number): number {
  const counts = new Map<number, number>();
  for (let r = 0; r < values.length; r++) {
    const q = Math.round((values[r] - prediction[r]) / step);
    const key = Number.isFinite(q) ? q : Number.NaN;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) bits -= n * Math.log2(n / values.length);
  return bits;
}

/**
 * The file's order, and (when different) the columns sorted by how well the others predict them linearly
 * (R² from the inverse correlation matrix, ascending): what others derive from comes first.
 */
function candidateOrders(sample: Float64Array, rows: number, columns: number, base: Pick<ColumnsModel, 'centre' | 'scale'>): number[][] {
  const identity = Array.from({ length: columns }, (_, c) => c);
  const step = Math.max(1, Math.floor(rows / MAX_FIT_ROWS));
  const eq = new NormalEquations(columns);
  const x = new Float64Array(columns);
  for (let r = 0; r < rows; r += step) {
    for (let c = 0; c < columns; c++) {
      const u = (sample[r * columns + c] - base.centre[c]) / base.scale[c];
      x[c] = u - u === 0 ? u : 0;
    }
    eq.add(x, 0);
  }
  const correlation = new Float64Array(columns * columns);
  for (let i = 0; i < columns; i++) for (let j = 0; j <= i; j++) correlation[i * columns + j] = correlation[j * columns + i] = eq.xtx[i * columns + j] / Math.max(1, eq.count);
  const explained = identity.map((c) => {
    const unit = new Float64Array(columns);
    unit[c] = 1;
    const diagonal = solveSymmetric(correlation, unit, columns, 1e-6)[c];
    return diagonal > 0 ? 1 - 1 / diagonal : 0;
  });
  const sorted = [...identity].sort((a, b) => explained[a] - explained[b] || a - b);
  return sorted.every((c, i) => c === i) ? [identity] : [identity, sorted];
}

/** Centre and scale of each column over its finite values (mean and standard deviation; 1 when constant). */
function standardisation(sample: Float64Array, rows: number, columns: number): Pick<ColumnsModel, 'centre' | 'scale' | 'integer'> {
  const centre = new Float64Array(columns);
  const scale = new Float64Array(columns);
  const integer: boolean[] = [];
  for (let c = 0; c < columns; c++) {
    let n = 0;
    let sum = 0;
    let isInteger = true;
    for (let r = 0; r < rows; r++) {
      const v = sample[r * columns + c];
      if (v - v !== 0) continue;
      n++;
      sum += v;
      if (isInteger && Math.floor(v) !== v) isInteger = false;
    }
    const mean = n ? sum / n : 0;
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const v = sample[r * columns + c];
      if (v - v === 0) squares += (v - mean) ** 2;
    }
    const sd = n ? Math.sqrt(squares / n) : 0;
    centre[c] = Number.isFinite(mean) ? mean : 0;
    scale[c] = sd > 0 && Number.isFinite(sd) ? sd : 1;
    integer.push(isInteger);
  }
  return { centre, scale, integer };
}

/**
 * Standardised training pairs in coding order (rows × columns each): inputs perturbed uniformly within each
 * column's tolerance (what decoding will hand the predictor), targets exact. Non-finite values become 0.
 */
interface TrainingPairs {
  inputs: Float64Array;
  targets: Float64Array;
}

function trainingPairs(sample: Float64Array, rows: number, columns: number, m: ColumnsModel, g: EbGlobals, seed: number): TrainingPairs {
  const random = seedrandom.alea(`baler-columns-${seed}`);
  const inputs = new Float64Array(rows * columns);
  const targets = new Float64Array(rows * columns);
  for (const [p, c] of m.order.entries()) {
    const tolerance = g.tolerances.length ? g.tolerances[g.tolerances.length === 1 ? 0 : c] : 0;
    for (let r = 0; r < rows; r++) {
      const v = sample[r * columns + c];
      const t = (v - m.centre[c]) / m.scale[c];
      const clean = t - t === 0 ? t : 0;
      targets[r * columns + p] = clean;
      inputs[r * columns + p] = clean + ((2 * random() - 1) * tolerance) / m.scale[c];
    }
  }
  return { inputs, targets };
}

/** A column's squared tolerance / 3 in standardised units: the residual variance the coder pays nothing for. */
function standardFloor(g: EbGlobals, m: ColumnsModel, c: number): number {
  const tolerance = g.tolerances.length ? g.tolerances[g.tolerances.length === 1 ? 0 : c] : 0;
  return (tolerance / m.scale[c]) ** 2 / 3;
}

/** Least squares of the column at position p on the columns before it (+ a bias), float32 weights. */
function fitLinear(inputs: Float64Array, targets: Float64Array, rows: number, columns: number, p: number): Float32Array {
  const eq = new NormalEquations(p + 1);
  const x = new Float64Array(p + 1);
  const step = Math.max(1, Math.floor(rows / MAX_FIT_ROWS));
  for (let r = 0; r < rows; r += step) {
    for (let i = 0; i < p; i++) x[i] = inputs[r * columns + i];
    x[p] = 1;
    eq.add(x, targets[r * columns + p]);
  }
  return Float32Array.from(eq.solve(1e-6));
}
