// The optimal linear autoencoder without gradient descent: its decoder spans the top principal components
// of the (normalised) samples, so it is computed directly (randomised range finder + a small symmetric
// eigenproblem), and after the decoder is quantised the latents are refitted to the quantised weights by
// least squares. Gradient training of a linear autoencoder converges slowly towards this same answer.
import seedrandom from 'seedrandom';
import type { WeightTensor } from '../types';
import { choleskySolve } from '../learned/linalg';

export interface PrincipalComponents {
  mean: Float64Array;
  /** k × width, row-major, orthonormal rows (a row is zero where the data has no more variance). */
  components: Float64Array;
  k: number;
  width: number;
}

const OVERSAMPLING = 8;
const POWER_ITERATIONS = 4;
/** Rows used to fit the components at most (evenly spaced); the latents are still computed for every row. */
const MAX_FIT_ROWS = 4096;

/**
 * Up to this many rows per column of the range finder, the exact components from the rows' Gram matrix cost less
 * (rows² · width, against the range finder's ten passes of rows · width · columns, and a rows × rows eigenproblem).
 */
const GRAM_ROWS = 4;

/** Top-k principal components of count × width samples (randomised SVD, seeded: repeatable; exact for few rows). */
export function principalComponents(samples: Float32Array, count: number, width: number, k: number, seed = 1): PrincipalComponents {
  const rows = Math.min(count, MAX_FIT_ROWS);
  const mean = new Float64Array(width);
  const centred = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    const src = Math.floor((r * count) / rows) * width;
    for (let j = 0; j < width; j++) centred[r * width + j] = samples[src + j];
  }
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) mean[j] += centred[r * width + j] / rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) centred[r * width + j] -= mean[j];

  const l = Math.min(k + OVERSAMPLING, rows, width);
  // As many range-finder columns as rows (a sample of a few frames) would take the rows' whole span anyway.
  if (rows <= GRAM_ROWS * l) return { mean, components: gramComponents(centred, rows, width, k), k, width };
  const random = seedrandom.alea(`baler-pca-${seed}`);
  let basis: Float64Array = new Float64Array(width * l).map(() => random() * 2 - 1); // width × l
  let q: Float64Array = orthonormalColumns(multiply(centred, rows, width, basis, l), rows, l); // rows × l
  // With as many columns as rows, q already spans every row's direction: power iterations cannot refine it.
  for (let i = 0; i < (l < rows ? POWER_ITERATIONS : 0); i++) {
    basis = orthonormalColumns(multiplyTransposed(centred, rows, width, q, l), width, l);
    q = orthonormalColumns(multiply(centred, rows, width, basis, l), rows, l);
  }
  const b = multiplyTransposed(centred, rows, width, q, l); // width × l, = Bᵀ with B = Qᵀ·X
  const gram = new Float64Array(l * l); // B·Bᵀ
  for (let a = 0; a < l; a++)
    for (let c = a; c < l; c++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += b[j * l + a] * b[j * l + c];
      gram[a * l + c] = s;
      gram[c * l + a] = s;
    }
  const { values, vectors, order } = eigenByValue(gram, l);
  const components = new Float64Array(k * width);
  for (let i = 0; i < Math.min(k, l); i++) {
    const e = order[i];
    const norm = Math.sqrt(Math.max(values[e], 0));
    if (!(norm > 1e-12)) continue;
    for (let j = 0; j < width; j++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += b[j * l + a] * vectors[a * l + e];
      components[i * width + j] = s / norm;
    }
  }
  return { mean, components, k, width };
}

/** The eigenpairs of a symmetric n × n matrix, with the order of their values, largest first. */
function eigenByValue(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array; order: number[] } {
  const { values, vectors } = symmetricEigen(matrix, n);
  return { values, vectors, order: Array.from({ length: n }, (_, i) => i).sort((x, y) => values[y] - values[x]) };
}

/** The top k components of centred rows (rows × width) exactly: eigenvectors u of X·Xᵀ give the components Xᵀ·u / √λ. */
function gramComponents(centred: Float64Array, rows: number, width: number, k: number): Float64Array {
  const gram = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++)
    for (let c = a; c < rows; c++) {
      let s = 0;
      for (let j = 0, x = a * width, y = c * width; j < width; j++) s += centred[x + j] * centred[y + j];
      gram[a * rows + c] = s;
      gram[c * rows + a] = s;
    }
  const { values, vectors, order } = eigenByValue(gram, rows);
  const components = new Float64Array(k * width);
  for (let i = 0; i < Math.min(k, rows); i++) {
    const e = order[i];
    const norm = Math.sqrt(Math.max(values[e], 0));
    if (!(norm > 1e-12)) continue;
    for (let r = 0; r < rows; r++) {
      const weight = vectors[r * rows + e] / norm;
      if (weight === 0) continue;
      for (let j = 0; j < width; j++) components[i * width + j] += weight * centred[r * width + j];
    }
  }
  return components;
}

/** Encoder and decoder weights of the dense k-latent linear autoencoder (names as the layer plan gives them). */
export function linearAutoencoderWeights(pc: PrincipalComponents): { encoder: WeightTensor[]; decoder: WeightTensor[] } {
  const { k, width, mean, components } = pc;
  const encoderKernel = new Float32Array(width * k);
  const encoderBias = new Float32Array(k);
  for (let i = 0; i < k; i++) {
    let offset = 0;
    for (let j = 0; j < width; j++) {
      encoderKernel[j * k + i] = components[i * width + j];
      offset += mean[j] * components[i * width + j];
    }
    encoderBias[i] = -offset;
  }
  return {
    encoder: [
      { name: 'encoder.dense0.kernel', shape: [width, k], values: encoderKernel },
      { name: 'encoder.dense0.bias', shape: [k], values: encoderBias },
    ],
    decoder: [
      { name: 'decoder.dense0.kernel', shape: [k, width], values: Float32Array.from(components) },
      { name: 'decoder.dense0.bias', shape: [width], values: Float32Array.from(mean) },
    ],
  };
}

/**
 * Latents that best reproduce the samples through a linear decoder y = z·W + b (W: k × width) as stored,
 * e.g. after quantisation: z = (x − b)·Wᵀ·(W·Wᵀ)⁻¹ (a tiny ridge keeps rank-deficient W solvable).
 */
export function refitLinearLatents(decoder: WeightTensor[], samples: Float32Array, count: number): Float32Array {
  const [kernel, bias] = decoder;
  const [k, width] = kernel.shape;
  const w = kernel.values;
  const gram = new Float64Array(k * k);
  let trace = 0;
  for (let a = 0; a < k; a++)
    for (let c = a; c < k; c++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += w[a * width + j] * w[c * width + j];
      gram[a * k + c] = s;
      gram[c * k + a] = s;
      if (a === c) trace += s;
    }
  for (let a = 0; a < k; a++) gram[a * k + a] += 1e-9 * (trace / k) + 1e-30;
  const cholesky = choleskyFactor(gram, k);
  const latents = new Float32Array(count * k);
  const rhs = new Float64Array(k);
  for (let s = 0; s < count; s++) {
    rhs.fill(0);
    for (let j = 0; j < width; j++) {
      const d = samples[s * width + j] - bias.values[j];
      for (let a = 0; a < k; a++) rhs[a] += d * w[a * width + j];
    }
    const z = choleskySolve(cholesky, k, rhs);
    for (let a = 0; a < k; a++) latents[s * k + a] = z[a];
  }
  return latents;
}

// ---------------------------------------------------------------------------------------------------------
// Small dense linear algebra (row-major Float64Arrays)

/** (rows × inner) · (inner × cols) */
function multiply(a: Float64Array, rows: number, inner: number, b: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < inner; i++) {
      const x = a[r * inner + i];
      if (x === 0) continue;
      for (let c = 0; c < cols; c++) out[r * cols + c] += x * b[i * cols + c];
    }
  return out;
}

/** Aᵀ·B with A rows × inner, B rows × cols: (inner × cols) */
function multiplyTransposed(a: Float64Array, rows: number, inner: number, b: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(inner * cols);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < inner; i++) {
      const x = a[r * inner + i];
      if (x === 0) continue;
      for (let c = 0; c < cols; c++) out[i * cols + c] += x * b[r * cols + c];
    }
  return out;
}

/** Modified Gram–Schmidt on the columns of an n × m matrix; a dependent column becomes zero. */
function orthonormalColumns(a: Float64Array, n: number, m: number): Float64Array {
  for (let c = 0; c < m; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += a[r * m + c] * a[r * m + p];
      for (let r = 0; r < n; r++) a[r * m + c] -= dot * a[r * m + p];
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += a[r * m + c] ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) a[r * m + c] = norm > 1e-300 ? a[r * m + c] / norm : 0;
  }
  return a;
}

/** Cyclic Jacobi eigen-decomposition of a symmetric n × n matrix: eigenvalues and eigenvectors (columns). */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

function choleskyFactor(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * n + j];
    }
  return l;
}

