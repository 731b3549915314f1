// The learned basis of rows (frames of a simulation or a video, rows of a signal cut into pieces): a linear
// decoder from k latents per row, fitted by principal components on a sample. It pays where rows recur
// (periodic shedding, repeated heart beats, a static scene), which local predictors cannot see.
//
// Decoder: the mean row and k components scaled by their latents' spread, (k + 1) rows in the data's units,
// stored coded by the error-bounded coder at an absolute tolerance τB (the basis of a smooth field is itself
// a smooth field). Per slab: the latents of its rows, least squares against the decoded basis, stored coded
// by the error-bounded coder at τz (each latent down the rows). The prediction the data is coded against is
// mean + Σ z_i·B_i, summed in float64 in a fixed order: the same bits on every machine.
import { BalerError } from '../errors';
import { principalComponents } from '../model/linear-ae';
import { ByteReader, ByteWriter } from '../codec/bytes';
import { decodeEbSlab, encodeEbSlab, type EbGlobals } from '../compress/eb-slab';
import { solveSymmetric } from './linalg';
import { release, slabValues } from '../parallel/slab-buffers';

export interface BasisModel {
  family: 'basis';
  /** Shape of one row (axis-0 slice), e.g. [H, W] for frames. */
  rowShape: number[];
  k: number;
  /** Absolute tolerance the basis was coded at. */
  basisTolerance: number;
  /** The basis as every decoder has it: (k + 1) × width, row 0 the mean. */
  basis: Float64Array;
  /** The error-bounded coding of the basis (what the model blob stores). */
  basisBytes: Uint8Array;
  /** The coder's configuration the first slab coded against this basis chose (the encoder reuses it instead of
   *  searching again; not stored: every slab says its own configuration). */
  configuration?: string;
}

/** Latent tolerance as a fraction of the data's tolerance (worst case over a row); measured best 0.3 of 0.1–1. */
export const LATENT_TOLERANCE_SHARE = 0.3;
/** Basis tolerance as a fraction of the data's tolerance; measured best 0.1 of 0.03–1. */
export const BASIS_TOLERANCE_SHARE = 0.1;
/** Latent sizes tried, cheapest first. */
export const BASIS_SIZES = [2, 4, 8, 12, 16, 24, 32];

export function rowWidth(rowShape: number[]): number {
  return rowShape.reduce((a, b) => a * b, 1);
}

/** Principal components of sample rows (non-finite values replaced by the finite mean), top `k`. */
export function fitComponents(sample: Float64Array, rows: number, width: number, k: number, seed = 1): { mean: Float64Array; components: Float64Array; spread: Float64Array } {
  let sum = 0;
  let n = 0;
  for (const v of sample) if (v - v === 0) { sum += v; n++; }
  const fill = n ? sum / n : 0;
  const samples = new Float32Array(rows * width);
  for (let i = 0; i < samples.length; i++) samples[i] = sample[i] - sample[i] === 0 ? sample[i] : fill;
  const pc = principalComponents(samples, rows, width, Math.min(k, Math.max(1, rows - 1), width), seed);
  // The spread of each component's latents over the sample, so that scaled components are in the data's units.
  const spread = new Float64Array(pc.k);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < pc.k; i++) {
      let z = 0;
      for (let j = 0; j < width; j++) z += (samples[r * width + j] - pc.mean[j]) * pc.components[i * width + j];
      spread[i] += (z * z) / rows;
    }
  }
  for (let i = 0; i < pc.k; i++) spread[i] = Math.sqrt(spread[i]);
  return { mean: pc.mean, components: pc.components, spread };
}

/** The basis of the top `k` components (nested: the top 8 of a 16-component fit are the 8-component fit). */
export async function buildBasis(
  fit: { mean: Float64Array; components: Float64Array; spread: Float64Array }, rowShape: number[], k: number, basisTolerance: number,
): Promise<BasisModel> {
  const raw = rawBasis(fit, rowShape, k);
  const coded = await encodeEbSlab(raw.basis, [raw.k + 1, ...rowShape], basisGlobals(basisTolerance, rowShape));
  return { family: 'basis', rowShape: [...rowShape], k: raw.k, basisTolerance, basis: sharedBasis(coded.reconstruction), basisBytes: coded.bytes };
}

/**
 * The basis as fitted, not coded (no bytes): for estimates only, where the coded basis (within basisTolerance of
 * it, a tenth of the data's tolerance) would cost a coding per size tried for a difference the data hardly sees.
 */
export function estimateBasis(
  fit: { mean: Float64Array; components: Float64Array; spread: Float64Array }, rowShape: number[], k: number, basisTolerance: number,
): BasisModel {
  const raw = rawBasis(fit, rowShape, k);
  return { family: 'basis', rowShape: [...rowShape], k: raw.k, basisTolerance, basis: raw.basis, basisBytes: new Uint8Array(0) };
}

/** The components a basis of the top `k` keeps (those with spread > 0). */
function keptComponents(fit: { spread: Float64Array }, k: number): number[] {
  return Array.from({ length: Math.min(k, fit.spread.length) }, (_, i) => i).filter((i) => fit.spread[i] > 0);
}

/** The size of the basis of the top `k` components (buildBasis's k, without building it). */
export function basisSize(fit: { spread: Float64Array }, k: number): number {
  return keptComponents(fit, k).length;
}

/** The mean and the top k components with spread > 0, scaled to the data's units: (k' + 1) × width. */
function rawBasis(fit: { mean: Float64Array; components: Float64Array; spread: Float64Array }, rowShape: number[], k: number): { basis: Float64Array; k: number } {
  const width = rowWidth(rowShape);
  const kept = keptComponents(fit, k);
  const raw = new Float64Array((kept.length + 1) * width);
  raw.set(fit.mean, 0);
  kept.forEach((i, row) => {
    for (let j = 0; j < width; j++) raw[(row + 1) * width + j] = fit.components[i * width + j] * fit.spread[i];
  });
  return { basis: raw, k: kept.length };
}

/**
 * The basis in memory every thread shares: every slab task carries the model, and a basis in an ArrayBuffer was
 * serialised into each task's message and copied out of it again (at k = 2-4 on the scale bench's 1 GB field,
 * 1.5-2.5 MiB three times a task, 274 tasks). `values` (a buffer of this thread's slab buffers) goes back to them.
 */
function sharedBasis(values: Float64Array): Float64Array {
  const basis = new Float64Array(new SharedArrayBuffer(values.byteLength));
  basis.set(values);
  release(values);
  return basis;
}

function basisGlobals(tolerance: number, rowShape: number[]): EbGlobals {
  return { bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance], dtype: 'float64', kind: rowShape.length >= 2 ? 'frames' : 'table' };
}

function latentGlobals(tolerance: number): EbGlobals {
  return { bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance], dtype: 'float64', kind: 'table' };
}

// ---------------------------------------------------------------------------------------------------------
// Serialisation (inside the predictor blob, see blob.ts)

export function writeBasis(w: ByteWriter, m: BasisModel): void {
  w.varuint(m.k);
  w.f64(m.basisTolerance);
  w.varuint(m.basisBytes.length);
  w.bytes(m.basisBytes);
}

export async function readBasis(r: ByteReader, rowShape: number[]): Promise<BasisModel> {
  const width = rowWidth(rowShape);
  const k = r.varuint('basis size', 4096);
  const basisTolerance = r.f64('basis tolerance');
  if (!(basisTolerance >= 0 && Number.isFinite(basisTolerance))) r.fail(`bad basis tolerance ${basisTolerance}`);
  const basisBytes = r.take(r.varuint('basis length', r.remaining), 'basis');
  if ((k + 1) * width > 1 << 28) r.fail(`a basis of ${k + 1} rows of ${width} values is too large`);
  const decoded = await decodeEbSlab(basisBytes, [k + 1, ...rowShape], basisGlobals(basisTolerance, rowShape));
  const basis = sharedBasis(decoded);
  for (const v of basis) if (v - v !== 0) r.fail('the basis holds a non-finite value');
  return { family: 'basis', rowShape: [...rowShape], k, basisTolerance, basis, basisBytes: Uint8Array.from(basisBytes) };
}

// ---------------------------------------------------------------------------------------------------------
// Per slab

/**
 * The prediction of `rows` rows from their latents: mean + Σ z_i·B_i, summed over i in order, in float64 (a zero
 * latent adds nothing, not even a signed zero). One pass over each row, the basis rows read side by side.
 */
export function predictRows(m: BasisModel, latents: Float64Array, rows: number): Float64Array {
  const width = rowWidth(m.rowShape);
  const { k, basis } = m;
  // Every value is written below: a reused buffer needs no zeroing.
  const out = slabValues(rows * width);
  const used = new Int32Array(k);
  const z = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let i = 0; i < k; i++) {
      const latent = latents[r * k + i];
      if (latent === 0) continue;
      used[n] = (i + 1) * width;
      z[n++] = latent;
    }
    predictRow(basis, used, z, n, out, r * width, width);
  }
  return out;
}

/** out[o + j] = mean[j] + Σ z_t·B_t[j] over the row's n non-zero latents (basis rows `used`), left to right. */
function predictRow(basis: Float64Array, used: Int32Array, z: Float64Array, n: number, out: Float64Array, o: number, width: number): void {
  // Up to four terms written out: a loop over the terms inside the loop over j is 3-4 times slower in V8.
  const [b0, b1, b2, b3] = used;
  const [z0, z1, z2, z3] = z;
  if (n === 0) out.set(basis.subarray(0, width), o);
  else if (n === 1) for (let j = 0; j < width; j++) out[o + j] = basis[j] + z0 * basis[b0 + j];
  else if (n === 2) for (let j = 0; j < width; j++) out[o + j] = basis[j] + z0 * basis[b0 + j] + z1 * basis[b1 + j];
  else if (n === 3) for (let j = 0; j < width; j++) out[o + j] = basis[j] + z0 * basis[b0 + j] + z1 * basis[b1 + j] + z2 * basis[b2 + j];
  else if (n === 4) for (let j = 0; j < width; j++) out[o + j] = basis[j] + z0 * basis[b0 + j] + z1 * basis[b1 + j] + z2 * basis[b2 + j] + z3 * basis[b3 + j];
  else {
    for (let j = 0; j < width; j++) {
      let s = basis[j];
      for (let t = 0; t < n; t++) s += z[t] * basis[used[t] + j];
      out[o + j] = s;
    }
  }
}

/** Least-squares latents of each row against the decoded basis (non-finite values left out of the fit). */
export function latentsOf(m: BasisModel, values: Float64Array, rows: number): Float64Array {
  const width = rowWidth(m.rowShape);
  const { k, basis } = m;
  const gram = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let c = a; c < k; c++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += basis[(a + 1) * width + j] * basis[(c + 1) * width + j];
      gram[a * k + c] = gram[c * k + a] = s;
    }
  // Every row's sums, a piece of the row at a time: the basis's piece (k + 1 rows of it) stays in the cache while every
  // row of the slab is read against it, where whole rows read the whole basis (megabytes) once per row. Each sum
  // still adds its terms in the order of j, so the latents have the same bits.
  const sums = new Float64Array(rows * k);
  for (let from = 0; from < width; from += BASIS_PIECE) {
    const to = Math.min(width, from + BASIS_PIECE);
    for (let r = 0; r < rows; r++) {
      for (let a = 0; a < k; ) {
        const n = k - a >= 4 ? 4 : k - a >= 2 ? 2 : 1;
        addProjections(values, r * width, basis, width, a, n, from, to, sums, r * k + a);
        a += n;
      }
    }
  }
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) out.set(solveSymmetric(gram, sums.subarray(r * k, (r + 1) * k), k), r * k);
  return out;
}

/** Values of a row latentsOf takes at a time. */
const BASIS_PIECE = 2048;

/**
 * sums[at + t] += Σ_j (x_j − mean_j)·B_(a+t)[j] for t < n (1, 2 or 4), j from `from` to `to` over the row's finite
 * values, in the order of j.
 */
function addProjections(
  values: Float64Array, row: number, basis: Float64Array, width: number, a: number, n: number, from: number, to: number, sums: Float64Array, at: number,
): void {
  const c0 = (a + 1) * width;
  const c1 = c0 + width;
  const c2 = c1 + width;
  const c3 = c2 + width;
  let s0 = sums[at];
  let s1 = n > 1 ? sums[at + 1] : 0;
  let s2 = n > 2 ? sums[at + 2] : 0;
  let s3 = n > 2 ? sums[at + 3] : 0;
  for (let j = from; j < to; j++) {
    const x = values[row + j];
    if (x - x !== 0) continue;
    const d = x - basis[j];
    s0 += d * basis[c0 + j];
    if (n === 1) continue;
    s1 += d * basis[c1 + j];
    if (n === 2) continue;
    s2 += d * basis[c2 + j];
    s3 += d * basis[c3 + j];
  }
  sums[at] = s0;
  if (n > 1) sums[at + 1] = s1;
  if (n > 2) {
    sums[at + 2] = s2;
    sums[at + 3] = s3;
  }
}

/** Largest Σ_i |B_i[j]| over positions j: the worst-case effect of a unit change in every latent. */
function latentGain(m: BasisModel): number {
  const width = rowWidth(m.rowShape);
  let worst = 0;
  for (let j = 0; j < width; j++) {
    let s = 0;
    for (let i = 1; i <= m.k; i++) s += Math.abs(m.basis[i * width + j]);
    worst = Math.max(worst, s);
  }
  return worst;
}

/** The latent tolerance for data coded at absolute tolerance `dataTolerance` (0 when the basis is empty). */
export function latentTolerance(m: BasisModel, dataTolerance: number): number {
  const gain = latentGain(m);
  return gain > 0 ? (LATENT_TOLERANCE_SHARE * dataTolerance) / gain : 0;
}

export interface CodedLatents {
  /** The latents chunk: f64 tolerance, then the error-bounded coding of rows × k latents. */
  chunk: Uint8Array;
  prediction: Float64Array;
}

export async function encodeLatents(m: BasisModel, values: Float64Array, rows: number, dataTolerance: number): Promise<CodedLatents> {
  const tolerance = latentTolerance(m, dataTolerance);
  const w = new ByteWriter();
  w.f64(tolerance);
  if (m.k === 0) return { chunk: w.finish(), prediction: predictRows(m, new Float64Array(0), rows) };
  const coded = await encodeEbSlab(latentsOf(m, values, rows), [rows, m.k], latentGlobals(tolerance));
  w.bytes(coded.bytes);
  return { chunk: w.finish(), prediction: predictRows(m, coded.reconstruction, rows) };
}

export async function decodeLatents(m: BasisModel, chunk: Uint8Array, rows: number, file?: string): Promise<Float64Array> {
  const r = new ByteReader(chunk, file, 'latents');
  const tolerance = r.f64('latent tolerance');
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) r.fail(`bad latent tolerance ${tolerance}`);
  if (m.k === 0) {
    r.end();
    return predictRows(m, new Float64Array(0), rows);
  }
  const latents = await decodeEbSlab(r.take(r.remaining, 'latents'), [rows, m.k], latentGlobals(tolerance), undefined, file);
  for (const v of latents) if (v - v !== 0) throw new BalerError('corrupted: a latent is not finite', file, 'ECORRUPT');
  return predictRows(m, latents, rows);
}
