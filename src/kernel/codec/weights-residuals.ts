// Scaled integer weights (codec/weights.ts) stored as residuals of a prediction along the last axis (the
// previous value, or 2-D Lorenzo on rows of some width), and the bytes those integers are stored as.

/** Row widths worth trying for the 2-D prediction: divisors of the run with at least 4 rows and columns. */
export function gridWidths(run: number): number[] {
  const widths: number[] = [];
  for (let w = 4; w * 4 <= run && w <= 0xffff; w++) if (run % w === 0) widths.push(w);
  return widths;
}

/** x wrapped into the signed range of `bits` bits (two's complement). */
function wrap(x: number, bits: number): number {
  return bits === 8 ? (x << 24) >> 24 : (x << 16) >> 16;
}

/**
 * Prediction of q[i] from its neighbours within its run of `run` values along the last axis, taken as
 * rows of `width` (width = run: the previous value alone): left + up − up-left, missing ones as 0.
 */
function lorenzoPrediction(q: Int32Array, i: number, run: number, width: number): number {
  const position = i % run;
  const x = position % width;
  const hasUp = position >= width;
  if (x > 0) return hasUp ? q[i - 1] + q[i - width] - q[i - width - 1] : q[i - 1];
  return hasUp ? q[i - width] : 0;
}

/** q minus its prediction (wrapped to the stored width). */
export function predictionResiduals(q: Int32Array, run: number, width: number, bits: number): Int32Array {
  const out = new Int32Array(q.length);
  if (run === 0) return out;
  for (let i = 0; i < q.length; i++) out[i] = wrap(q[i] - lorenzoPrediction(q, i, run, width), bits);
  return out;
}

/** In place: residuals back to q, in order (each prediction uses q already restored). */
export function undoPrediction(d: Int32Array, run: number, width: number, bits: number): void {
  if (run === 0) return;
  for (let i = 0; i < d.length; i++) d[i] = wrap(d[i] + lorenzoPrediction(d, i, run, width), bits);
}

/** The stored bytes of q: one byte each for 8 bits; for 16, every low byte then every high byte. */
export function integerBytes(q: Int32Array, bits: number): Uint8Array {
  if (bits === 8) return Uint8Array.from(q, (v) => v & 255);
  const out = new Uint8Array(q.length * 2);
  for (let i = 0; i < q.length; i++) {
    out[i] = q[i] & 255;
    out[q.length + i] = (q[i] >> 8) & 255;
  }
  return out;
}

export function integersFromBytes(bytes: Uint8Array, count: number, bits: number): Int32Array {
  const q = new Int32Array(count);
  if (bits === 8) for (let i = 0; i < count; i++) q[i] = wrap(bytes[i], 8);
  else for (let i = 0; i < count; i++) q[i] = wrap(bytes[i] | (bytes[count + i] << 8), 16);
  return q;
}

/** Order-0 entropy of the bytes, in bits: roughly what an entropy coder would spend. */
export function byteEntropy(bytes: Uint8Array): number {
  const counts = new Float64Array(256);
  for (const b of bytes) counts[b]++;
  let bits = 0;
  for (const c of counts) if (c > 0) bits -= c * Math.log2(c / bytes.length);
  return bits;
}
