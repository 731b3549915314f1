// A sparse second-order predictor of a table column from the columns decoded before it: a bias plus a few
// terms, each an earlier column or the product of two (squares included), on standardised inputs. Linear
// least squares (the classical coder's column models, and the learned linear predictor) cannot see products
// and squares, which measurement tables are full of (a power from a voltage and a current, an energy from
// squared momenta, a mass from a density and a volume). Terms are chosen greedily on a sample of rows while
// each saves more bits than it costs; fitting is closed form (no clock decides anything).
//
// Prediction sums the terms in float64 in their stored order, with float32 weights: every machine predicts
// the same bits.
import type { ByteReader, ByteWriter } from '../codec/bytes';
import { solveSymmetric } from './linalg';

export interface PolyPredictor {
  /** Per term: the first input position and the second (NO_FACTOR for a plain input). */
  first: Uint16Array;
  second: Uint16Array;
  /** One per term, then the bias. */
  weights: Float32Array;
}

export const NO_FACTOR = 0xffff;
/** Most terms a column's predictor takes. */
export const MAX_TERMS = 8;
/** Rows the terms are chosen and fitted on, at most (spread evenly over the sample). */
const FIT_ROWS = 4096;
/** Inputs products are formed from, at most (their pairs are the candidates: 136 for 16). */
const MAX_PRODUCT_INPUTS = 16;
/** Bits a term costs in the model (its two positions and its weight). */
const TERM_BITS = 64;

/** The prediction (standardised units) for `rows` rows of standardised inputs u (rows × n, row-major). */
export function polyForward(p: PolyPredictor, u: Float64Array, rows: number, n: number): Float64Array {
  const y = new Float64Array(rows);
  const terms = p.first.length;
  const bias = p.weights[terms];
  for (let r = 0; r < rows; r++) {
    const row = r * n;
    let s = 0;
    for (let t = 0; t < terms; t++) {
      const b = p.second[t];
      s += p.weights[t] * u[row + p.first[t]] * (b === NO_FACTOR ? 1 : u[row + b]);
    }
    y[r] = s + bias;
  }
  return y;
}

/**
 * Fits the predictor of position `p` (inputs: positions 0…p−1) on standardised pairs (rows × stride each,
 * in coding order). `floor`: the squared tolerance of the column /3 in standardised units (a residual below
 * it costs nothing more to shrink); `weightRows`: the rows the bits are counted over. Undefined when no term
 * pays.
 */
export function fitPoly(inputs: Float64Array, targets: Float64Array, rows: number, stride: number, p: number, floor: number, weightRows: number): PolyPredictor | undefined {
  if (p === 0) return undefined;
  const step = Math.max(1, Math.floor(rows / FIT_ROWS));
  const n = Math.ceil(rows / step);
  const x = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let r = 0, i = 0; i < n; r += step, i++) {
    for (let k = 0; k < p; k++) x[i * p + k] = inputs[r * stride + k];
    y[i] = targets[r * stride + p];
  }
  const candidates: [number, number][] = [];
  for (let a = 0; a < p; a++) candidates.push([a, NO_FACTOR]);
  const factors = productInputs(x, y, n, p);
  for (const [i, a] of factors.entries()) for (const b of factors.slice(i)) candidates.push([Math.min(a, b), Math.max(a, b)]);
  const feature = (c: [number, number], out: Float64Array) => {
    const [a, b] = c;
    for (let i = 0; i < n; i++) out[i] = x[i * p + a] * (b === NO_FACTOR ? 1 : x[i * p + b]);
  };

  // Every candidate's values, centred, and their squared norms: computed once, scored at every step.
  const centredFeatures = candidates.map((c) => {
    const out = new Float64Array(n);
    feature(c, out);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += out[i];
    mean /= n;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      out[i] -= mean;
      norm += out[i] * out[i];
    }
    return { values: out, norm };
  });

  const chosen: number[] = [];
  const columns: Float64Array[] = [];
  let weights: Float64Array = new Float64Array(1);
  let residual: Float64Array = centred(y);
  let variance = meanSquare(residual);
  // Counted over the fit rows at most: a term must pay on the rows it was chosen on, not by chance among many.
  const bitsSaved = (from: number, to: number) => 0.5 * Math.min(n, weightRows) * Math.log2((from + floor) / (to + floor));
  while (chosen.length < MAX_TERMS && variance > 0) {
    // The candidate most correlated with what is left (matching pursuit), then all chosen terms refitted.
    let best = -1;
    let bestScore = 0;
    centredFeatures.forEach(({ values, norm }, k) => {
      if (!(norm > 1e-12 * n) || chosen.includes(k)) return;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += values[i] * residual[i];
      const score = (dot * dot) / norm;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    if (best < 0) break;
    const column = new Float64Array(n);
    feature(candidates[best], column);
    const fit = leastSquares([...columns, column], y, n);
    const left = meanSquare(fit.residual);
    if (!(bitsSaved(variance, left) > TERM_BITS)) break;
    chosen.push(best);
    columns.push(column);
    weights = fit.weights;
    residual = fit.residual;
    variance = left;
  }
  if (chosen.length === 0) return undefined;
  const rounded = Float32Array.from(weights);
  if (!rounded.every(Number.isFinite)) return undefined;
  return { first: Uint16Array.from(chosen, (k) => candidates[k][0]), second: Uint16Array.from(chosen, (k) => candidates[k][1]), weights: rounded };
}

/**
 * The inputs products are formed from: all of them up to MAX_PRODUCT_INPUTS, else those whose values or
 * squares follow the target most closely (|correlation|), which bounds the fit's time and memory on wide tables
 * (a product of two inputs that neither follows, centred and symmetric, is then missed).
 */
function productInputs(x: Float64Array, y: Float64Array, n: number, p: number): number[] {
  const all = Array.from({ length: p }, (_, a) => a);
  if (p <= MAX_PRODUCT_INPUTS) return all;
  const yc = centred(y);
  const score = all.map((a) => {
    let best = 0;
    for (const power of [1, 2]) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = x[i * p + a] ** power;
      const vc = centred(v);
      let dot = 0, vv = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        dot += vc[i] * yc[i];
        vv += vc[i] * vc[i];
        yy += yc[i] * yc[i];
      }
      const r = vv > 0 && yy > 0 ? Math.abs(dot) / Math.sqrt(vv * yy) : 0;
      if (r > best) best = r;
    }
    return best;
  });
  return all.sort((a, b) => score[b] - score[a] || a - b).slice(0, MAX_PRODUCT_INPUTS).sort((a, b) => a - b);
}

/** Least squares of y on the columns and a bias: the weights (bias last) and the residual. */
function leastSquares(columns: Float64Array[], y: Float64Array, n: number): { weights: Float64Array; residual: Float64Array } {
  const m = columns.length + 1;
  const a = new Float64Array(m * m);
  const b = new Float64Array(m);
  const at = (k: number, i: number) => (k < columns.length ? columns[k][i] : 1);
  for (let j = 0; j < m; j++) {
    for (let k = 0; k <= j; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(j, i) * at(k, i);
      a[j * m + k] = a[k * m + j] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += at(j, i) * y[i];
    b[j] = s;
  }
  const weights = solveSymmetric(a, b, m, 1e-9);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = weights[m - 1];
    for (let k = 0; k < columns.length; k++) s += weights[k] * columns[k][i];
    residual[i] = y[i] - s;
  }
  return { weights, residual };
}

function centred(y: Float64Array): Float64Array {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= Math.max(1, y.length);
  return y.map((v) => v - mean);
}

function meanSquare(r: Float64Array): number {
  let s = 0;
  for (const v of r) s += v * v;
  return s / Math.max(1, r.length);
}

export function writePoly(w: ByteWriter, p: PolyPredictor): void {
  w.varuint(p.first.length);
  for (let t = 0; t < p.first.length; t++) {
    w.varuint(p.first[t]);
    w.varuint(p.second[t] === NO_FACTOR ? 0 : p.second[t] + 1);
  }
  for (const v of p.weights) w.f32(v);
}

/** Reads a predictor of `inputs` positions; every position is checked against them. */
export function readPoly(r: ByteReader, inputs: number): PolyPredictor {
  const terms = r.varuint('polynomial terms', MAX_TERMS);
  if (terms === 0) r.fail('a polynomial predictor without terms');
  const first = new Uint16Array(terms);
  const second = new Uint16Array(terms);
  for (let t = 0; t < terms; t++) {
    first[t] = r.varuint('term input', inputs - 1);
    const b = r.varuint('term factor', inputs);
    second[t] = b === 0 ? NO_FACTOR : b - 1;
  }
  const weights = Float32Array.from({ length: terms + 1 }, () => r.f32('polynomial weight'));
  if (!weights.every(Number.isFinite)) r.fail('a polynomial weight is not finite');
  return { first, second, weights };
}
