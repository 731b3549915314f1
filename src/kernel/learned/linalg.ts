// Small dense linear algebra for fitting learned predictors (normal equations of least squares). Only the
// encoder fits; decoders never solve anything, so nothing here has to be reproducible across machines.

/**
 * Solves (A + λ·diag(A)) x = b for a symmetric positive semi-definite n × n matrix A (row-major) by
 * Cholesky, with a relative ridge λ that keeps rank-deficient systems (constant or duplicate inputs) solvable.
 */
export function solveSymmetric(a: Float64Array, b: Float64Array, n: number, ridge = 1e-9): Float64Array {
  const l = new Float64Array(n * n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + i]));
  const floor = Math.max(scale, 1e-300) * 1e-12;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      if (i === j) s += ridge * a[i * n + i] + floor;
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, floor));
      else l[i * n + j] = s / l[j * n + j];
    }
  }
  return choleskySolve(l, n, b);
}

/** x with L·Lᵀ·x = b, for the lower-triangular Cholesky factor L (n × n, row-major). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Accumulates the normal equations XᵀX w = Xᵀy of a least-squares fit, one observation at a time. */
export class NormalEquations {
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  count = 0;

  constructor(readonly n: number) {
    this.xtx = new Float64Array(n * n);
    this.xty = new Float64Array(n);
  }

  add(x: Float64Array, y: number, weight = 1): void {
    const n = this.n;
    for (let i = 0; i < n; i++) {
      const xi = x[i] * weight;
      if (xi === 0) continue;
      this.xty[i] += xi * y;
      const row = i * n;
      for (let j = 0; j <= i; j++) this.xtx[row + j] += xi * x[j];
    }
    this.count++;
  }

  solve(ridge?: number): Float64Array {
    const n = this.n;
    const full = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) full[i * n + j] = full[j * n + i] = this.xtx[i * n + j];
    return solveSymmetric(full, this.xty, n, ridge);
  }
}
