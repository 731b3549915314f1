// Generated benchmark data of the kinds scientists store, deterministic from a seed (nothing is committed):
// an ECG-like signal sampled by an ADC (float64 of integer counts × the ADC step), a photograph-like greyscale
// image (float32 of integer grey levels 0..255), a table of correlated measurements, a table of independent
// columns, and a large smooth 3-D field with fine noise, built frame by frame.
import seedrandom from 'seedrandom';

type Random = () => number;

function rng(name: string, seed: number): Random {
  return seedrandom.alea(`baler-bench-${name}-${seed}`);
}

/** Standard normal (Box–Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

// ------------------------------------------------------------------------------------------------ ECG signal

/** Sampling rate and ADC of the classic arrhythmia recordings: 360 Hz, 11 bits, 200 counts per mV. */
export const ECG_SAMPLE_RATE = 360;
/** One ADC count in mV: every sample is an exact integer multiple of this step (as float64 k × step). */
export const ECG_ADC_STEP_MV = 0.005;
export const ECG_ADC_COUNTS: [number, number] = [-1024, 1023];

// P, Q, R, S, T waves: [amplitude mV, centre s after the beat, width s]
const ECG_WAVES: [number, number, number][] = [
  [0.15, -0.2, 0.025], [-0.12, -0.035, 0.01], [1.3, 0, 0.011], [-0.3, 0.035, 0.011], [0.32, 0.25, 0.055],
];

/** `samples` of a synthetic ECG in mV (heart-rate variability, baseline wander, noise), as float64 counts × step. */
export function ecgSignal(opts: { samples: number; seed?: number }): Float64Array {
  const random = rng('ecg', opts.seed ?? 1);
  const n = opts.samples;
  const clean = new Float64Array(n);
  const duration = n / ECG_SAMPLE_RATE;
  for (let beat = 0.3 + 0.2 * random(); beat < duration + 0.5; beat += 0.8 * (1 + 0.08 * gaussian(random))) {
    const gain = 1 + 0.05 * gaussian(random);
    for (const [amplitude, centre, width] of ECG_WAVES) {
      const t0 = beat + centre;
      const first = Math.max(0, Math.ceil((t0 - 5 * width) * ECG_SAMPLE_RATE));
      const last = Math.min(n - 1, Math.floor((t0 + 5 * width) * ECG_SAMPLE_RATE));
      for (let i = first; i <= last; i++) {
        const z = (i / ECG_SAMPLE_RATE - t0) / width;
        clean[i] += gain * amplitude * Math.exp(-0.5 * z * z);
      }
    }
  }
  const out = new Float64Array(n);
  const wanderPhase = 2 * Math.PI * random();
  for (let i = 0; i < n; i++) {
    const t = i / ECG_SAMPLE_RATE;
    const mv = clean[i] + 0.12 * Math.sin(2 * Math.PI * 0.25 * t + wanderPhase) + 0.01 * gaussian(random);
    const counts = Math.min(ECG_ADC_COUNTS[1], Math.max(ECG_ADC_COUNTS[0], Math.round(mv / ECG_ADC_STEP_MV)));
    out[i] = counts * ECG_ADC_STEP_MV;
  }
  return out;
}

// ------------------------------------------------------------------------------------------- greyscale image

/**
 * A photograph-like scene, height × width, float32 of integer grey levels 0..255: a sky gradient, shaded
 * discs and ridges, fine texture and sensor noise, rounded and clipped like an 8-bit camera's output.
 */
export function greyImage(opts: { height: number; width: number; seed?: number }): Float32Array {
  const { height, width } = opts;
  const random = rng('image', opts.seed ?? 1);
  const discs = Array.from({ length: 12 }, () => ({
    x: random() * width, y: random() * height, r: (0.05 + 0.15 * random()) * Math.min(width, height), level: 40 + 180 * random(),
  }));
  const ridge = { freq: 2 + 3 * random(), phase: 2 * Math.PI * random() };
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 200 - 120 * (y / height) + 25 * Math.sin((ridge.freq * 2 * Math.PI * x) / width + ridge.phase) * (y / height);
      for (const d of discs) {
        const dist = Math.hypot(x - d.x, y - d.y) / d.r;
        if (dist < 1) v = d.level + 40 * (0.5 - dist) * ((x - d.x) / d.r); // lit from one side
      }
      v += 6 * Math.sin(x * 0.9) * Math.sin(y * 1.3) + 2.5 * gaussian(random);
      out[y * width + x] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return out;
}

// ----------------------------------------------------------------------------------------------------- tables

export const CORRELATED_COLUMNS = 13;
export const UNCORRELATED_COLUMNS = 30;

/**
 * Rows of 13 measurements driven by 3 slowly varying hidden factors (AR(1) along the rows, like a time series
 * of sensor readings), each column a different mix of them with its own offset, scale (1e-3 … 1e3) and noise.
 */
export function correlatedTable(opts: { rows: number; seed?: number }): Float64Array {
  const random = rng('correlated', opts.seed ?? 1);
  const cols = CORRELATED_COLUMNS;
  const loadings = Array.from({ length: cols }, () => [gaussian(random), gaussian(random), gaussian(random)]);
  const scales = Array.from({ length: cols }, (_, c) => 10 ** ((c % 7) - 3));
  const offsets = Array.from({ length: cols }, (_, c) => scales[c] * 10 * gaussian(random));
  const factors = [0, 0, 0];
  const out = new Float64Array(opts.rows * cols);
  for (let r = 0; r < opts.rows; r++) {
    for (let k = 0; k < 3; k++) factors[k] = 0.995 * factors[k] + 0.1 * gaussian(random);
    for (let c = 0; c < cols; c++) {
      const mix = loadings[c][0] * factors[0] + loadings[c][1] * factors[1] + loadings[c][2] * factors[2];
      out[r * cols + c] = offsets[c] + scales[c] * (mix + 0.05 * gaussian(random));
    }
  }
  return out;
}

/** Rows of 30 independent columns: normal, uniform, log-normal and exponential draws at scales 1e-3 … 1e3. */
export function uncorrelatedTable(opts: { rows: number; seed?: number }): Float64Array {
  const random = rng('uncorrelated', opts.seed ?? 1);
  const cols = UNCORRELATED_COLUMNS;
  const draw: ((r: Random) => number)[] = [gaussian, (r) => r(), (r) => Math.exp(0.5 * gaussian(r)), (r) => -Math.log(1 - r())];
  const out = new Float64Array(opts.rows * cols);
  for (let r = 0; r < opts.rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = 10 ** ((c % 7) - 3) * draw[c % draw.length](random);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ large field

/** Standard deviation of the noise added to the large field's sines. */
export const FIELD_NOISE = 1e-3;

/** Frame `t` of a smooth field (a sum of travelling sines) plus N(0, 1e-3), written into `out` (height × width). */
export function fieldFrame(t: number, height: number, width: number, random: Random, out: Float32Array): void {
  for (let y = 0; y < height; y++) {
    const wy = Math.sin(2 * Math.PI * (2.3 * y / height - 0.013 * t));
    for (let x = 0; x < width; x++) {
      const v = Math.sin(2 * Math.PI * (1.5 * x / width + 0.01 * t)) + 0.5 * wy
        + 0.25 * Math.sin(2 * Math.PI * (5 * (x + y) / (width + height) + 0.007 * t));
      out[y * width + x] = v + FIELD_NOISE * gaussian(random);
    }
  }
}

/** frames × height × width float32, generated one frame at a time (400 × 256 × 256 is 100 MB). */
export function largeField(opts: { frames: number; height: number; width: number; seed?: number }): Float32Array {
  const { frames, height, width } = opts;
  const random = rng('field', opts.seed ?? 1);
  const out = new Float32Array(frames * height * width);
  for (let t = 0; t < frames; t++) fieldFrame(t, height, width, random, out.subarray(t * height * width, (t + 1) * height * width));
  return out;
}
