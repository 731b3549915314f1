import type { Dataset, Normalisation } from './types';
import { sampleLayout } from './types';

/**
 * Min–max normalisation as the reference's custom_norm: each table column (or, for frames, the whole
 * array, so that spatial structure keeps its relative scale) is mapped onto [0, 1].
 * Non-finite values are ignored when finding the range; a constant column maps to 0.
 */
export function fitMinMax(ds: Dataset): Normalisation {
  const { count, width } = sampleLayout(ds);
  const groups = ds.kind === 'table' ? width : 1;
  const min = new Array<number>(groups).fill(Infinity);
  const max = new Array<number>(groups).fill(-Infinity);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < width; j++) {
      const v = ds.values[i * width + j];
      if (!Number.isFinite(v)) continue;
      const g = groups === 1 ? 0 : j;
      if (v < min[g]) min[g] = v;
      if (v > max[g]) max[g] = v;
    }
  }
  for (let g = 0; g < groups; g++) {
    if (!Number.isFinite(min[g])) { min[g] = 0; max[g] = 0; }
  }
  return { kind: 'minmax', min, max };
}

function scaleFor(norm: Normalisation, column: number): { offset: number; span: number } {
  const g = norm.min.length === 1 ? 0 : column;
  const span = norm.max[g] - norm.min[g];
  return { offset: norm.min[g], span: span > 0 ? span : 1 };
}

/** Normalised float32 samples (count × width) ready for the model. */
export function normalise(values: Float64Array, width: number, norm: Normalisation): Float32Array {
  const out = new Float32Array(values.length);
  if (norm.kind === 'none') { out.set(values); return out; }
  const scales = Array.from({ length: width }, (_, j) => scaleFor(norm, j));
  for (let i = 0; i < values.length; i++) {
    const { offset, span } = scales[i % width];
    out[i] = (values[i] - offset) / span;
  }
  return out;
}

/** The inverse of `normalise`, back to float64 on the original scale. */
export function denormalise(samples: Float32Array, width: number, norm: Normalisation): Float64Array {
  const out = new Float64Array(samples.length);
  if (norm.kind === 'none') { out.set(samples); return out; }
  const scales = Array.from({ length: width }, (_, j) => scaleFor(norm, j));
  for (let i = 0; i < samples.length; i++) {
    const { offset, span } = scales[i % width];
    out[i] = samples[i] * span + offset;
  }
  return out;
}
