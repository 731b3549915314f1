// Trains one small network per column (inputs: the columns before it in coding order) on tfjs, all columns at
// once as one grouped model: the first layer is a masked dense layer (position p sees positions < p), the
// others are batched per column. Adam on the absolute error (the coder pays for the distance in tolerance
// steps, and a median prediction lands more residuals on zero than a mean), within a time budget. The
// weights come back as float16-rounded networks for pure-TS inference (mlp.ts).
import { tf } from '../model/tf';
import seedrandom from 'seedrandom';
import type { BackendName } from '../api';
import { initBackend } from '../model/backend';
import { MLP_LEAKY_ALPHA, roundMlp, type Mlp } from './mlp';

export interface NetTraining {
  seconds: number;
  hidden?: number;
  seed?: number;
  backend?: BackendName;
  signal?: AbortSignal;
}

const DEFAULT_HIDDEN = 16;
const BATCH = 512;
const LEARNING_RATE = 3e-3;
const MAX_EPOCHS = 200;

/**
 * Networks for positions 1…columns−1 (index 0 is undefined: the first column has no inputs), trained on
 * standardised inputs and targets (rows × columns, in coding order).
 */
export async function trainColumnNets(inputs: Float64Array, targets: Float64Array, rows: number, columns: number, opts: NetTraining): Promise<(Mlp | undefined)[]> {
  await initBackend(opts.backend ?? 'auto');
  const h = opts.hidden ?? DEFAULT_HIDDEN;
  const c = columns;
  const random = seedrandom.alea(`baler-nets-${opts.seed ?? 1}`);
  const uniform = (n: number, limit: number) => Float32Array.from({ length: n }, () => (2 * random() - 1) * limit);
  const maskValues = new Float32Array(c * c * h);
  for (let i = 0; i < c; i++) for (let p = i + 1; p < c; p++) for (let u = 0; u < h; u++) maskValues[i * c * h + p * h + u] = 1;
  const mask = tf.tensor2d(maskValues, [c, c * h]);
  // Variables keep their own copy; tidy disposes the initial values.
  const variable = (init: () => tf.Tensor) => tf.tidy(() => tf.variable(init()));
  const w1 = variable(() => tf.tensor2d(uniform(c * c * h, 1 / Math.sqrt(Math.max(1, c / 2))), [c, c * h]));
  const b1 = variable(() => tf.zeros([c * h]));
  const w2 = variable(() => tf.tensor3d(uniform(c * h * h, 1 / Math.sqrt(h)), [c, h, h]));
  const b2 = variable(() => tf.zeros([c, 1, h]));
  const w3 = variable(() => tf.tensor3d(uniform(c * h, 1 / Math.sqrt(h)), [c, h, 1]));
  const b3 = variable(() => tf.zeros([c, 1, 1]));
  const positionWeights = tf.tensor2d(Float32Array.from({ length: c }, (_, p) => (p === 0 ? 0 : 1 / (c - 1))), [1, c]);
  const forward = (x: tf.Tensor2D) => {
    const n = x.shape[0];
    const h1 = tf.leakyRelu(tf.add(tf.matMul(x, tf.mul(w1, mask)), b1), MLP_LEAKY_ALPHA);
    const grouped = tf.transpose(tf.reshape(h1, [n, c, h]), [1, 0, 2]) as tf.Tensor3D;
    const h2 = tf.leakyRelu(tf.add(tf.matMul(grouped, w2), b2), MLP_LEAKY_ALPHA) as tf.Tensor3D;
    const out = tf.add(tf.matMul(h2, w3), b3);
    return tf.transpose(tf.reshape(out, [c, n]));
  };
  const optimizer = tf.train.adam(LEARNING_RATE);
  const started = performance.now();
  const order = Array.from({ length: rows }, (_, i) => i);
  const xb = new Float32Array(BATCH * c);
  const yb = new Float32Array(BATCH * c);
  try {
    for (let epoch = 0; epoch < MAX_EPOCHS && (performance.now() - started) / 1000 < opts.seconds; epoch++) {
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let start = 0; start + BATCH <= rows; start += BATCH) {
        if (opts.signal?.aborted || (performance.now() - started) / 1000 >= opts.seconds) break;
        for (let b = 0; b < BATCH; b++) {
          const r = order[start + b];
          for (let k = 0; k < c; k++) {
            xb[b * c + k] = inputs[r * c + k];
            yb[b * c + k] = targets[r * c + k];
          }
        }
        tf.tidy(() => {
          const x = tf.tensor2d(xb, [BATCH, c]);
          const y = tf.tensor2d(yb, [BATCH, c]);
          optimizer.minimize(() => tf.mean(tf.mul(tf.abs(tf.sub(forward(x), y)), positionWeights)) as tf.Scalar, false, [w1, b1, w2, b2, w3, b3] as tf.Variable[]);
        });
      }
    }
    const values = async (t: tf.Tensor) => (await t.data()) as Float32Array;
    return extract(await values(w1), await values(b1), await values(w2), await values(b2), await values(w3), await values(b3), c, h);
  } finally {
    for (const t of [mask, w1, b1, w2, b2, w3, b3, positionWeights]) t.dispose();
    optimizer.dispose();
  }
}

function extract(w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array, w3: Float32Array, b3: Float32Array, c: number, h: number): (Mlp | undefined)[] {
  const nets: (Mlp | undefined)[] = [undefined];
  for (let p = 1; p < c; p++) {
    const k1 = new Float64Array(p * h);
    for (let i = 0; i < p; i++) for (let u = 0; u < h; u++) k1[i * h + u] = w1[i * c * h + p * h + u];
    nets.push(roundMlp({
      layers: [
        { inputs: p, outputs: h, kernel: k1, bias: Float64Array.from(b1.subarray(p * h, (p + 1) * h)) },
        { inputs: h, outputs: h, kernel: Float64Array.from(w2.subarray(p * h * h, (p + 1) * h * h)), bias: Float64Array.from(b2.subarray(p * h, (p + 1) * h)) },
        { inputs: h, outputs: 1, kernel: Float64Array.from(w3.subarray(p * h, (p + 1) * h)), bias: Float64Array.from([b3[p]]) },
      ],
    }));
  }
  return nets;
}
