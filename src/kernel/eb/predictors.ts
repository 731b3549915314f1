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
 * decoder also has (e.g. an autoencoder's reconstruction), or the previous frame plus the model's
 * frame-to-frame change.
 */
export type BaseName = 'previous-frame' | 'model' | 'model-delta';

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
] as const satisfies readonly PredictorSpec[];

export type PredictorName = (typeof PREDICTORS)[number]['name'];

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

/** The candidates of a mode, in registry order; the model's only when a model prediction is there. */
export function predictorsFor(mode: Mode, withModel: boolean): PredictorSpec[] {
  return PREDICTORS.filter((p) => (p.modes as readonly Mode[]).includes(mode) && (withModel || !needsModel(p)));
}

// ---------------------------------------------------------------- kernels

/**
 * Prediction at flat index i by interpolation along one axis from the points ±along and ±3·along
 * (which exist as the flags say). `base[i + baseOffset]` is the base value of point i.
 */
export function predictAlong(
  method: number, recon: Float64Array, base: Float64Array, baseOffset: number,
  i: number, along: number, before3: boolean, after1: boolean, after3: boolean,
): number {
  if (method === METHOD_BASE) return base[i + baseOffset];
  if (method === METHOD_CUBIC_OVER_BASE) return cubicOverBase(recon, base, baseOffset, i, along, before3, after1, after3);
  const b = recon[i - along];
  if (!after1) return b;
  const c = recon[i + along];
  if (method === METHOD_LINEAR) return (b + c) / 2;
  if (before3 && after3) return (-recon[i - 3 * along] + 9 * b + 9 * c - recon[i + 3 * along]) / 16;
  if (before3) return (-recon[i - 3 * along] + 6 * b + 3 * c) / 8;
  if (after3) return (3 * b + 6 * c - recon[i + 3 * along]) / 8;
  return (b + c) / 2;
}

function cubicOverBase(recon: Float64Array, base: Float64Array, o: number, i: number, along: number, before3: boolean, after1: boolean, after3: boolean): number {
  const j = i - along;
  const b = recon[j] - base[j + o];
  if (!after1) return b + base[i + o];
  const k = i + along;
  const c = recon[k] - base[k + o];
  let r: number;
  if (before3 && after3) {
    const jj = i - 3 * along;
    const kk = i + 3 * along;
    r = (-(recon[jj] - base[jj + o]) + 9 * b + 9 * c - (recon[kk] - base[kk + o])) / 16;
  } else if (before3) {
    const jj = i - 3 * along;
    r = (-(recon[jj] - base[jj + o]) + 6 * b + 3 * c) / 8;
  } else if (after3) {
    const kk = i + 3 * along;
    r = (3 * b + 6 * c - (recon[kk] - base[kk + o])) / 8;
  } else {
    r = (b + c) / 2;
  }
  return r + base[i + o];
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
