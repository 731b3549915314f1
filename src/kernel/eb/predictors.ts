// Every predictor the coder knows, in one typed registry: its id in the slab header (never reused), its
// name, the coding modes that offer it, the base it adds to (if any), and the arithmetic that forms
// its prediction. The traversals, the configuration search and the slab header all read this table;
// adding a predictor is an entry here and, for new arithmetic, a case in a kernel below.

/** How a prediction is formed (the kernels' switch). */
export const METHOD_CUBIC = 0;
export const METHOD_LINEAR = 1;
/** The base alone. */
export const METHOD_BASE = 2;
/** Cubic interpolation of (reconstruction − base), plus the base. */
export const METHOD_CUBIC_OVER_BASE = 3;
export const METHOD_LORENZO = 4;
/** Lorenzo differences of (reconstruction − base), plus the base. */
export const METHOD_LORENZO_OVER_BASE = 5;

/**
 * What a predictor adds to: the previous reconstructed frame (temporal mode), a model's prediction the
 * decoder also has (e.g. an autoencoder's reconstruction), the previous frame plus the model's
 * frame-to-frame change, or a table column's linear model of the columns coded before it (columns.ts).
 */
export type BaseName = 'previous-frame' | 'model' | 'model-delta' | 'columns';

/** interpolation: multilevel over the whole view; temporal: frame by frame; lorenzo: raster order. */
export type Mode = 'interpolation' | 'temporal' | 'lorenzo';

export interface PredictorSpec {
  id: number;
  name: string;
  method: number;
  base?: BaseName;
  /** Modes that offer it, in the order of their candidate lists. */
  modes: Mode[];
}

export const PREDICTORS = [
  { id: 0, name: 'cubic', method: METHOD_CUBIC, modes: ['interpolation', 'temporal'] },
  { id: 1, name: 'linear', method: METHOD_LINEAR, modes: ['interpolation', 'temporal'] },
  { id: 2, name: 'previous-frame', method: METHOD_BASE, base: 'previous-frame', modes: ['temporal'] },
  { id: 3, name: 'cubic-over-previous-frame', method: METHOD_CUBIC_OVER_BASE, base: 'previous-frame', modes: ['temporal'] },
  { id: 8, name: 'lorenzo', method: METHOD_LORENZO, modes: ['lorenzo'] },
  { id: 4, name: 'model', method: METHOD_BASE, base: 'model', modes: ['interpolation', 'temporal', 'lorenzo'] },
  { id: 5, name: 'cubic-over-model', method: METHOD_CUBIC_OVER_BASE, base: 'model', modes: ['interpolation', 'temporal'] },
  { id: 6, name: 'model-delta', method: METHOD_BASE, base: 'model-delta', modes: ['temporal'] },
  { id: 7, name: 'cubic-over-model-delta', method: METHOD_CUBIC_OVER_BASE, base: 'model-delta', modes: ['temporal'] },
  { id: 9, name: 'lorenzo-over-model', method: METHOD_LORENZO_OVER_BASE, base: 'model', modes: ['lorenzo'] },
  { id: 10, name: 'columns', method: METHOD_BASE, base: 'columns', modes: ['interpolation', 'lorenzo'] },
  { id: 11, name: 'cubic-over-columns', method: METHOD_CUBIC_OVER_BASE, base: 'columns', modes: ['interpolation'] },
  { id: 12, name: 'lorenzo-over-columns', method: METHOD_LORENZO_OVER_BASE, base: 'columns', modes: ['lorenzo'] },
] as const satisfies readonly PredictorSpec[];

/** Most predictors one configuration chooses among (the choice is coded in 3 bits at most). */
export const MAX_CHOICES = 8;

const BY_ID = new Map<number, PredictorSpec>(PREDICTORS.map((p) => [p.id, p]));
const BY_NAME = new Map<string, PredictorSpec>(PREDICTORS.map((p) => [p.name, p]));

export function predictorById(id: number): PredictorSpec | undefined {
  return BY_ID.get(id);
}

export function predictorByName(name: string): PredictorSpec {
  const p = BY_NAME.get(name);
  if (!p) throw new RangeError(`unknown predictor '${name}'`);
  return p;
}

/** Whether a predictor needs the model's prediction (the decoder must be given it). */
export function needsModel(p: PredictorSpec): boolean {
  return p.base === 'model' || p.base === 'model-delta';
}

/** Whether a predictor needs the columns' models (a table layout). */
export function needsColumns(p: PredictorSpec): boolean {
  return p.base === 'columns';
}

/** The candidates of a mode, in registry order; the model's only with a model prediction, the columns' only on a table. */
export function predictorsFor(mode: Mode, withModel: boolean, withColumns = false): PredictorSpec[] {
  return PREDICTORS.filter((p) => (p.modes as readonly Mode[]).includes(mode) && (withModel || !needsModel(p)) && (withColumns || !needsColumns(p)));
}

// ---------------------------------------------------------------- kernels

/**
 * Prediction at flat index i by interpolation along one axis (`unit`: the axis's stride) at level stride s,
 * from the known points at −s, −3s (when `before3`), +right1 and +right3 (0: absent) along it.
 * Inside an axis right1 = s and right3 = 3s or 0; near an axis's anchored last point (interpolation.ts) they
 * are closer, and the prediction is the Lagrange polynomial through the points there are; with no point
 * on the right (open edges), the left neighbour. `base[i + baseOffset]` is the base value of point i.
 * Small on purpose (the hot loops inline it): anything but plain points inside an axis goes to
 * predictAlongNear.
 */
export function predictAlong(
  method: number, recon: Float64Array, base: Float64Array, baseOffset: number,
  i: number, unit: number, s: number, before3: boolean, right1: number, right3: number,
): number {
  if (method === METHOD_BASE) return base[i + baseOffset];
  if (right1 === s && method <= METHOD_LINEAR) {
    const along = s * unit;
    const b = recon[i - along];
    const c = recon[i + along];
    if (method === METHOD_LINEAR) return (b + c) / 2;
    if (right3 === 3 * s) return before3 ? (-recon[i - 3 * along] + 9 * b + 9 * c - recon[i + 3 * along]) / 16 : (3 * b + 6 * c - recon[i + 3 * along]) / 8;
    if (right3 === 0) return before3 ? (-recon[i - 3 * along] + 6 * b + 3 * c) / 8 : (b + c) / 2;
  }
  return predictAlongNear(method, recon, base, baseOffset, i, unit, s, before3, right1, right3);
}

/** predictAlong over a base, or near an axis's end. */
function predictAlongNear(
  method: number, recon: Float64Array, base: Float64Array, baseOffset: number,
  i: number, unit: number, s: number, before3: boolean, right1: number, right3: number,
): number {
  const along = s * unit;
  const overBase = method === METHOD_CUBIC_OVER_BASE;
  const o = baseOffset;
  const j = i - along;
  const b = overBase ? recon[j] - base[j + o] : recon[j];
  const offset = overBase ? base[i + o] : 0;
  if (right1 === 0) return b + offset;
  const k = i + right1 * unit;
  const c = overBase ? recon[k] - base[k + o] : recon[k];
  if (method === METHOD_LINEAR) return (right1 === s ? (b + c) / 2 : (right1 * b + s * c) / (s + right1)) + offset;
  const regular = right1 === s && (right3 === 0 || right3 === 3 * s);
  let a = 0;
  if (before3) {
    const jj = i - 3 * along;
    a = overBase ? recon[jj] - base[jj + o] : recon[jj];
  }
  let d = 0;
  if (right3 !== 0) {
    const kk = i + right3 * unit;
    d = overBase ? recon[kk] - base[kk + o] : recon[kk];
  }
  if (regular) {
    if (before3 && right3 !== 0) return (-a + 9 * b + 9 * c - d) / 16 + offset;
    if (before3) return (-a + 6 * b + 3 * c) / 8 + offset;
    if (right3 !== 0) return (3 * b + 6 * c - d) / 8 + offset;
    return (b + c) / 2 + offset;
  }
  return lagrangeAtZero(before3 ? -3 * s : 0, -s, right1, right3, a, b, c, d) + offset;
}

/** The Lagrange polynomial through (x, value) at 0, for the nodes x1 < 0 < x2 and the optional x0 < x1, x3 > x2 (0: absent). */
function lagrangeAtZero(x0: number, x1: number, x2: number, x3: number, v0: number, v1: number, v2: number, v3: number): number {
  // Written out (no arrays: it runs near every axis's end, once per point there).
  let sum = 0;
  if (x0 !== 0) sum += lagrangeWeight(x0, x1, x2, x3) * v0;
  if (x1 !== 0) sum += lagrangeWeight(x1, x0, x2, x3) * v1;
  if (x2 !== 0) sum += lagrangeWeight(x2, x0, x1, x3) * v2;
  if (x3 !== 0) sum += lagrangeWeight(x3, x0, x1, x2) * v3;
  return sum;
}

/** The weight at 0 of node x among the other nodes a, b, c (in node order; 0: absent). */
function lagrangeWeight(x: number, a: number, b: number, c: number): number {
  let w = 1;
  if (a !== 0) w *= a / (a - x);
  if (b !== 0) w *= b / (b - x);
  if (c !== 0) w *= c / (c - x);
  return w;
}

/**
 * 3-D Lorenzo prediction at i from `values` (a0/a1/a2: whether the previous point exists along each
 * axis; st*: the strides), optionally over a base.
 */
export function predictLorenzo(
  method: number, values: Float64Array, base: Float64Array, o: number,
  i: number, a0: boolean, a1: boolean, a2: boolean, st0: number, st1: number, st2: number,
): number {
  if (method === METHOD_BASE) return base[i + o];
  if (method === METHOD_LORENZO) {
    let p = 0;
    if (a2) p += values[i - st2];
    if (a1) p += values[i - st1];
    if (a0) p += values[i - st0];
    if (a1 && a2) p -= values[i - st1 - st2];
    if (a0 && a2) p -= values[i - st0 - st2];
    if (a0 && a1) p -= values[i - st0 - st1];
    if (a0 && a1 && a2) p += values[i - st0 - st1 - st2];
    return p;
  }
  let p = base[i + o];
  let j: number;
  if (a2) p += values[(j = i - st2)] - base[j + o];
  if (a1) p += values[(j = i - st1)] - base[j + o];
  if (a0) p += values[(j = i - st0)] - base[j + o];
  if (a1 && a2) p -= values[(j = i - st1 - st2)] - base[j + o];
  if (a0 && a2) p -= values[(j = i - st0 - st2)] - base[j + o];
  if (a0 && a1) p -= values[(j = i - st0 - st1)] - base[j + o];
  if (a0 && a1 && a2) p += values[(j = i - st0 - st1 - st2)] - base[j + o];
  return p;
}
