// Fitting the learned basis on a sample: one principal-component fit with the largest latent size, then
// bases of 2, 4, 8, … components (nested) each coded on the sample, the smallest total (basis + latents +
// data, the sample's part scaled to the whole array) kept. The coder's configuration is searched for the first
// size and reused for the others; the size kept is coded again with its own search. Stops when two sizes in a
// row grew the total, or one grew it beyond the coder alone's estimate. No clock decides anything: the same
// sample gives the same basis on every machine.
// When the sample is only a part of the array, a basis is measured on rows it was not fitted on (each half of
// the sample coded against a basis of the other half): fitted and measured on the same few rows, 8 components
// of 16 frames reproduce them almost exactly, and a 100 MB field was estimated at 119 kB and came out at 840 kB,
// larger than the coder alone (791 kB).
import type { EbGlobals } from '../compress/eb-slab';
import { BASIS_SIZES, BASIS_TOLERANCE_SHARE, basisSize, buildBasis, estimateBasis, fitComponents, rowWidth, type BasisModel } from './basis';
import { dataTolerance, encodeLearnedSlab, learnedSlabBytes, type LearnedSlab } from './slab';
import { describedWithModel } from '../eb/configure';

export interface BasisFit {
  model: BasisModel;
  /** Bytes of the basis as stored (error-bounded coding; the container adds little to it). */
  decoderBytes: number;
  /** Bytes of the sample's latents and data coded against this basis. */
  sampleBytes: number;
  /** The sample coded against this basis (absent when the sample is a part of the array: measured held out). */
  coded?: LearnedSlab;
  /** Every size tried: k → total bytes on the sample (scaled to the whole array, basis included). */
  tried: TriedSize[];
  seconds: number;
}

export interface BasisFitOptions {
  seed?: number;
  /** Whole array rows / sample rows (1: the sample is the array). */
  scale?: number;
  /** The total to beat (the coder alone's estimate): a size that grew the total beyond it ends the sizes tried.
   *  Awaited from the second size on (the coder alone may still be coding the sample on another thread). */
  beat?: number | Promise<number>;
  /** The configuration the coder alone chose on the sample: the search for the rows measured held out starts
   *  from it, the model's predictors added (awaited before the first of them is coded). */
  aloneConfiguration?: string | Promise<string | undefined>;
}

export interface TriedSize {
  k: number;
  bytes: number;
  /** `bytes` is what the size had reached when it could no longer change the outcome: its total is larger. */
  atLeast?: boolean;
}

/** Fewest rows the basis is tried on (fewer give no room for a basis to repeat). */
export const MIN_BASIS_ROWS = 6;

export async function fitBasis(values: Float64Array, shape: number[], g: EbGlobals, opts: BasisFitOptions = {}): Promise<BasisFit | undefined> {
  const started = performance.now();
  const [rows, ...rowShape] = shape;
  const width = rowWidth(rowShape);
  const tolerance = dataTolerance(g);
  const sizes = BASIS_SIZES.filter((k) => 2 * k <= rows && k < width);
  if (rows < MIN_BASIS_ROWS || !(tolerance > 0) || sizes.length === 0 || !withinFloat32(values)) return undefined;
  const components = fitComponents(values, rows, width, sizes[sizes.length - 1], opts.seed);
  const scale = opts.scale ?? 1;
  const heldOut = scale > 1 && rows >= 2 * MIN_BASIS_ROWS ? halves(values, shape, sizes[sizes.length - 1], opts.seed) : undefined;
  let best: BasisFit | undefined;
  const tried: TriedSize[] = [];
  let worse = 0;
  const reuse: Reuse = heldOut ? { searchFrom: heldOutSearchStart(await opts.aloneConfiguration) } : {};
  let bestSearched = true;
  const basisTolerance = BASIS_TOLERANCE_SHARE * tolerance;
  let beat = Infinity;
  // Bytes only grow as a size is measured: once what it has reached ends the sizes tried whatever the rest adds
  // (not the best, and the second to grow in a row or beyond `beat`, as below), the rest is not coded.
  const endsTrial = (reached: number) => best !== undefined && reached >= best.decoderBytes + best.sampleBytes * scale && (worse >= 1 || reached > beat);
  for (const k of sizes) {
    if (best) beat = (await opts.beat) ?? Infinity;
    let model: BasisModel;
    let coded: LearnedSlab | undefined;
    let sampleBytes: number;
    // The first size searches the coder's configuration (held out: from the coder alone's); the others reuse it,
    // and the best is searched at the end.
    const searched = reuse.configuration === undefined;
    if (heldOut) {
      // Measured before the basis is coded: its bytes count only when the data's leave the size a chance.
      const measured = await heldOutBytes(heldOut, rowShape, k, basisTolerance, g, reuse, (bytes) => endsTrial(bytes * scale));
      if (!measured.complete || endsTrial(measured.bytes * scale)) {
        tried.push({ k: basisSize(components, k), bytes: Math.floor(measured.bytes * scale), atLeast: true });
        break;
      }
      sampleBytes = measured.bytes;
      model = await buildBasis(components, rowShape, k, basisTolerance);
    } else {
      model = await buildBasis(components, rowShape, k, basisTolerance);
      coded = await encodeLearnedSlab({ ...model, configuration: reuse.configuration }, values, shape, g);
      reuse.configuration ??= coded.configuration;
      sampleBytes = learnedSlabBytes(coded);
    }
    const total = sampleBytes * scale + model.basisBytes.length;
    tried.push({ k: model.k, bytes: Math.round(total) });
    if (!best || total < best.decoderBytes + best.sampleBytes * scale) {
      best = { model, decoderBytes: model.basisBytes.length, sampleBytes, ...(coded ? { coded } : {}), tried, seconds: 0 };
      bestSearched = searched;
      worse = 0;
    } else if (++worse >= 2 || total > beat) break;
    if (model.k < k) break; // the sample has no more components
  }
  if (best?.coded && !bestSearched) {
    best.coded = await encodeLearnedSlab(best.model, values, shape, g);
    best.sampleBytes = learnedSlabBytes(best.coded);
  }
  if (best) best.seconds = (performance.now() - started) / 1000;
  return best;
}

/**
 * Whether every finite value is within float32's range: the components are fitted in float32 (fitComponents), where
 * 1e300 is Infinity: the basis came out infinite and the file written was refused when read back.
 */
function withinFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) > FLOAT32_MAX && values[i] - values[i] === 0) return false;
  return true;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** The coder's configuration for the sizes after the first, and where the first one's search starts. */
interface Reuse {
  configuration?: string;
  searchFrom?: string;
}

/**
 * Where the held-out rows' search starts: the coder alone's choice on the sample with the model's predictors added,
 * and its variants (about half the trials of a whole search). Taken as it is, it came out 13% larger than the
 * search's choice on a periodic field (directions: all without a model, one with it).
 */
function heldOutSearchStart(alone: string | undefined): string | undefined {
  return alone === undefined ? undefined : describedWithModel(alone);
}

interface Half {
  values: Float64Array;
  shape: number[];
  components: ReturnType<typeof fitComponents>;
}

/** The sample's first and second halves of rows, each with its own principal components. */
function halves(values: Float64Array, shape: number[], k: number, seed?: number): [Half, Half] {
  const [rows, ...rowShape] = shape;
  const width = rowWidth(rowShape);
  const half = (start: number, end: number): Half => {
    const part = values.subarray(start * width, end * width);
    return { values: part, shape: [end - start, ...rowShape], components: fitComponents(part, end - start, width, k, seed) };
  };
  const middle = Math.floor(rows / 2);
  return [half(0, middle), half(middle, rows)];
}

/**
 * Bytes of each half coded against a basis of k components of the other half, as fitted (estimateBasis). The
 * coder's configuration is searched on the first coding (from reuse.searchFrom) and reused by the others: an
 * estimate, not the file's bytes. Stops after the first half when `enough` says its bytes already decide
 * (complete: false).
 */
async function heldOutBytes(
  parts: [Half, Half], rowShape: number[], k: number, basisTolerance: number, g: EbGlobals, reuse: Reuse, enough: (bytes: number) => boolean,
): Promise<{ bytes: number; complete: boolean }> {
  let bytes = 0;
  for (const [i, [fitted, measured]] of [[parts[0], parts[1]], [parts[1], parts[0]]].entries()) {
    const model = { ...estimateBasis(fitted.components, rowShape, k, basisTolerance), configuration: reuse.configuration };
    const coded = await encodeLearnedSlab(model, measured.values, measured.shape, g, reuse.searchFrom);
    reuse.configuration ??= coded.configuration;
    bytes += learnedSlabBytes(coded);
    if (i === 0 && enough(bytes)) return { bytes, complete: false };
  }
  return { bytes, complete: true };
}
