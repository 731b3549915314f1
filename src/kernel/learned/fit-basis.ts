// Fitting the learned basis on a sample: one principal-component fit with the largest latent size, then
// bases of 2, 4, 8, … components (nested) each coded on the sample, the smallest total (basis + latents +
// data, the sample's part scaled to the whole array) kept. Stops when two sizes in a row grew the total. No
// clock decides anything: the same sample gives the same basis on every machine.
import type { EbGlobals } from '../compress/eb-slab';
import { BASIS_SIZES, BASIS_TOLERANCE_SHARE, buildBasis, fitComponents, rowWidth, type BasisModel } from './basis';
import { dataTolerance, encodeLearnedSlab, type LearnedSlab } from './slab';

export interface BasisFit {
  model: BasisModel;
  /** Bytes of the basis as stored (error-bounded coding; the container adds little to it). */
  decoderBytes: number;
  /** Bytes of the sample's latents and data coded against this basis. */
  sampleBytes: number;
  coded: LearnedSlab;
  /** Every size tried: k → total bytes on the sample. */
  tried: { k: number; bytes: number }[];
  seconds: number;
}

/** Fewest rows the basis is tried on (fewer give no room for a basis to repeat). */
export const MIN_BASIS_ROWS = 6;

export async function fitBasis(values: Float64Array, shape: number[], g: EbGlobals, opts: { seed?: number; scale?: number } = {}): Promise<BasisFit | undefined> {
  const started = performance.now();
  const [rows, ...rowShape] = shape;
  const width = rowWidth(rowShape);
  const tolerance = dataTolerance(g);
  const sizes = BASIS_SIZES.filter((k) => 2 * k <= rows && k < width);
  if (rows < MIN_BASIS_ROWS || !(tolerance > 0) || sizes.length === 0) return undefined;
  const components = fitComponents(values, rows, width, sizes[sizes.length - 1], opts.seed);
  let best: BasisFit | undefined;
  const tried: { k: number; bytes: number }[] = [];
  let worse = 0;
  for (const k of sizes) {
    const model = await buildBasis(components, rowShape, k, BASIS_TOLERANCE_SHARE * tolerance);
    const coded = await encodeLearnedSlab(model, values, shape, g);
    const sampleBytes = coded.data.length + (coded.latents?.length ?? 0);
    const scale = opts.scale ?? 1;
    const total = sampleBytes * scale + model.basisBytes.length;
    tried.push({ k: model.k, bytes: Math.round(total) });
    if (!best || total < best.decoderBytes + best.sampleBytes * scale) {
      best = { model, decoderBytes: model.basisBytes.length, sampleBytes, coded, tried, seconds: 0 };
      worse = 0;
    } else if (++worse >= 2) break;
    if (model.k < k) break; // the sample has no more components
  }
  if (best) best.seconds = (performance.now() - started) / 1000;
  return best;
}
