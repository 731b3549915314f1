// Column models of a table: each column predicted, row by row, as a linear combination of a few columns
// coded before it (their reconstructions, which the decoder has) plus a constant; a column with no
// useful regressor is predicted by its constant alone (its mean: independent rows need no neighbour).
// The encoder fits them by least squares on the slab's rows; they are stored in the slab (format.ts).

/** The model of one column: prediction = intercept + Σ coefficients[k] · row[regressors[k]]. */
export interface ColumnModel {
  /** Earlier columns (each < this column's index), at most MAX_REGRESSORS. */
  regressors: number[];
  /** One per regressor; float32-exact, like the intercept (both are stored as float32). */
  coefficients: number[];
  intercept: number;
}

export const MAX_REGRESSORS = 4;
/** Rows the models are fitted on, at most (spread evenly over the slab)... */
const FIT_ROWS = 1 << 16;
/** Columns looked back at as regressors, at most (the nearest earlier ones)... */
const LOOK_BACK = 64;
/** ...and fewer for wide tables: the covariances kept (columns × look-back) and the products summed (× rows). */
const MAX_COVARIANCES = 1 << 22;
const MAX_PRODUCTS = 1 << 25;
/** Bits one more regressor costs in the slab (its column and coefficient), which its gain must exceed. */
const REGRESSOR_BITS = 48;

/**
 * The prediction of column `column` at every row from the reconstruction `recon` (rows × cols, row-major),
 * written into `out` at the column's own positions (out[r·cols + column]).
 */
export function predictColumn(model: ColumnModel, recon: Float64Array, rows: number, cols: number, column: number, out: Float64Array): void {
  const { regressors, coefficients, intercept } = model;
  const k = regressors.length;
  for (let r = 0, i = column; r < rows; r++, i += cols) {
    let p = intercept;
    const row = i - column;
    for (let m = 0; m < k; m++) p += coefficients[m] * recon[row + regressors[m]];
    out[i] = p;
  }
}

/** Per column of a rows × cols table: its mean and the covariances with the columns before it, over finite rows. */
interface Moments {
  mean: Float64Array;
  /** Columns looked back at. */
  lookBack: number;
  /** cov[a·(lookBack + 1) + (a − b)] for b ≤ a ≤ b + lookBack. */
  cov: Float64Array;
}

function moments(values: Float64Array, rows: number, cols: number): Moments {
  const lookBack = Math.max(0, Math.min(LOOK_BACK, Math.floor(MAX_COVARIANCES / cols) - 1));
  const band = lookBack + 1;
  const fitRows = Math.max(Math.min(rows, 256), Math.min(FIT_ROWS, Math.floor(MAX_PRODUCTS / (cols * band))));
  const every = Math.max(1, Math.floor(rows / fitRows));
  const mean = new Float64Array(cols);
  const count = new Float64Array(cols);
  for (let r = 0; r < rows; r += every)
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (v - v === 0) {
        mean[c] += v;
        count[c]++;
      }
    }
  for (let c = 0; c < cols; c++) mean[c] = count[c] > 0 ? mean[c] / count[c] : 0;
  const cov = new Float64Array(cols * band);
  const centred = new Float64Array(cols);
  let n = 0;
  for (let r = 0; r < rows; r += every) {
    let finite = true;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c] - mean[c];
      if (!(v - v === 0)) finite = false;
      centred[c] = v;
    }
    if (!finite) continue;
    n++;
    for (let a = 0; a < cols; a++) {
      const va = centred[a];
      const from = Math.max(0, a - lookBack);
      for (let b = from; b <= a; b++) cov[a * band + (a - b)] += va * centred[b];
    }
  }
  if (n > 0) for (let k = 0; k < cov.length; k++) cov[k] /= n;
  return { mean, lookBack, cov };
}

/** Solves the small symmetric system A x = b (Gaussian elimination with partial pivoting); undefined if singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (!(Math.abs(m[pivot][col]) > 1e-300)) return undefined;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col];
      for (let k = col; k <= n; k++) m[r][k] -= f * m[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x.every(Number.isFinite) ? x : undefined;
}

/**
 * Least-squares models of every column of a rows × cols table, regressors chosen greedily among the
 * (LOOK_BACK nearest) earlier columns while each saves more bits than it costs: about rows · ½·log2 of
 * the drop in residual variance, counted above the quantisation noise of the column's tolerance (a
 * residual already below the step costs nothing more to shrink).
 */
export function fitColumnModels(values: Float64Array, rows: number, cols: number, tolerances: number[]): ColumnModel[] {
  const { mean, lookBack, cov } = moments(values, rows, cols);
  const band = lookBack + 1;
  // Both columns within lookBack of each other (only such pairs are ever asked for: regressors of a column lie within it).
  const c = (a: number, b: number) => (a >= b ? cov[a * band + (a - b)] : cov[b * band + (b - a)]);
  const models: ColumnModel[] = [];
  for (let col = 0; col < cols; col++) {
    const chosen: number[] = [];
    let coefficients: number[] = [];
    let residual = c(col, col);
    const floor = (tolerances[tolerances.length === 1 ? 0 : col] ** 2) / 3;
    const bitsSaved = (from: number, to: number) => 0.5 * rows * Math.log2((from + floor) / (to + floor));
    // No regressor can save more than the whole variance above the floor: then none is looked for.
    const searchable = bitsSaved(residual, 0) > REGRESSOR_BITS;
    while (searchable && chosen.length < MAX_REGRESSORS && residual > 0) {
      let best: { j: number; x: number[]; residual: number } | undefined;
      for (let j = Math.max(0, col - lookBack); j < col; j++) {
        if (chosen.includes(j) || !(c(j, j) > 0)) continue;
        const set = [...chosen, j];
        const x = solve(set.map((p) => set.map((q) => c(p, q))), set.map((p) => c(col, p)));
        if (!x) continue;
        const explained = set.reduce((s, p, k) => s + x[k] * c(col, p), 0);
        const left = c(col, col) - explained;
        if (!best || left < best.residual) best = { j, x, residual: left };
      }
      if (!best || !(bitsSaved(residual, Math.max(0, best.residual)) > REGRESSOR_BITS)) break;
      chosen.push(best.j);
      coefficients = best.x;
      residual = best.residual;
    }
    const rounded = coefficients.map((x) => Math.fround(x));
    const intercept = Math.fround(chosen.reduce((s, j, k) => s - rounded[k] * mean[j], mean[col]));
    if (rounded.every(Number.isFinite) && Number.isFinite(intercept)) models.push({ regressors: chosen, coefficients: rounded, intercept });
    else models.push({ regressors: [], coefficients: [], intercept: Number.isFinite(Math.fround(mean[col])) ? Math.fround(mean[col]) : 0 });
  }
  return models;
}
