import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { ErrorBound, verifyBound } from '../../src/kernel/eb/bound';
import { decodeErrorBounded, encodeErrorBounded, EncodeOptions, EXACT_SECTION, STREAM_SECTION } from '../../src/kernel/eb/codec';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build(n: number, fn: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => fn(i));
}

interface Case {
  name: string;
  shape: number[];
  values: Float64Array;
}

function cases(): Case[] {
  const r = random(42);
  const smooth3 = build(6 * 9 * 11, (i) => Math.sin(i / 37) * 3 + Math.cos(i / 5));
  const noisy = build(500, () => r() * 2 - 1);
  const adversarial = build(300, (i) => [NaN, Infinity, -Infinity, 1e300, -1e300, 1e-300, 0, -0, 5e-324, 7][i % 10] * (i % 13 === 0 ? 1 : 1 + r()));
  const spikes = build(400, (i) => (i % 97 === 0 ? 1e6 : Math.sin(i / 10)));
  const table = build(40 * 3, (i) => (i % 3 === 0 ? i : i % 3 === 1 ? r() * 1e-6 : 1e9 + r() * 1e6));
  return [
    { name: 'smooth 3-D', shape: [6, 9, 11], values: smooth3 },
    { name: 'noisy 1-D', shape: [500], values: noisy },
    { name: 'adversarial 1-D', shape: [300], values: adversarial },
    { name: 'adversarial 3-D', shape: [3, 10, 10], values: adversarial },
    { name: 'spikes 2-D frames', shape: [1, 20, 20], values: spikes },
    { name: 'table 40×3', shape: [40, 3], values: table },
    { name: 'constant', shape: [5, 7, 3], values: new Float64Array(105).fill(0.1234567891234) },
    { name: 'integers', shape: [200], values: build(200, (i) => Math.round(1000 * Math.sin(i / 7) + r() * 20)) },
    { name: 'length 1', shape: [1], values: Float64Array.of(3.5) },
    { name: 'length 1 NaN', shape: [1, 1, 1], values: Float64Array.of(NaN) },
    { name: 'empty', shape: [0], values: new Float64Array(0) },
    { name: 'huge', shape: [64], values: build(64, () => (r() - 0.5) * 1e300) },
    { name: 'tiny', shape: [64], values: build(64, () => (r() - 0.5) * 1e-300) },
  ];
}

const BOUNDS: ErrorBound[] = [
  { kind: 'abs', value: 0.1 },
  { kind: 'abs', value: 1e-7 },
  { kind: 'abs', value: 0 },
  { kind: 'rel', value: 1e-2 },
  { kind: 'rel', value: 1e-5 },
  { kind: 'pw-rel', value: 1e-2 },
  { kind: 'pw-rel', value: 1e-6 },
];

async function roundTrip(c: Case, bound: ErrorBound, opts: EncodeOptions = {}): Promise<{ decoded: Float64Array; bytes: number }> {
  const encoded = await encodeErrorBounded(c.values, c.shape, bound, opts);
  const header = JSON.parse(JSON.stringify(encoded.header)) as Record<string, unknown>;
  const sections = new Map(encoded.sections.map((s) => [s.name, s.data.slice()]));
  const decoded = await decodeErrorBounded(header, sections, opts.prediction);
  assertSameValues(encoded.reconstruction, decoded, 'the encoder\'s reconstruction is what the decoder returns');
  return { decoded, bytes: encoded.stats.totalBytes };
}

function assertSameValues(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: value ${i} is ${a[i]} and ${b[i]}`);
}

/** Frames of a travelling wave over fixed fine detail, and a smooth model of the wave alone (as a small autoencoder gives). */
function wavesWithModel(frames: number, height: number, width: number): { values: Float64Array; prediction: Float64Array; shape: number[] } {
  const r = random(11);
  const at = (t: number, y: number, x: number) => Math.sin(x / 5 - t / 3) * Math.cos(y / 7 + t / 11);
  const values = new Float64Array(frames * height * width);
  const prediction = new Float64Array(values.length);
  for (let t = 0, i = 0; t < frames; t++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++, i++) {
        values[i] = at(t, y, x) + 0.05 * Math.sin(x * 1.3 + y * 0.7) + 1e-4 * (r() - 0.5); // detail fixed in time
        prediction[i] = at(t, y, x) + 0.01 * Math.sin(x / 3) * Math.cos(t); // smooth but not exact
      }
  return { values, prediction, shape: [frames, height, width] };
}

describe('eb: every value within the bound after encode → decode', () => {
  for (const c of cases()) {
    it(c.name, async () => {
      for (const bound of BOUNDS) {
        for (const effort of ['fast', 'best'] as const) {
          const { decoded } = await roundTrip(c, bound, { effort });
          assert.equal(decoded.length, c.values.length);
          const check = verifyBound(c.values, decoded, bound, c.shape, c.shape.length === 2);
          assert.ok(check.ok, `${c.name} ${bound.kind}:${bound.value} ${effort}: value ${check.firstViolation} off by ${check.maxAbsError}`);
        }
      }
    });
  }

  it('integers with an abs bound below 0.5 come back exactly', async () => {
    const c = cases().find((k) => k.name === 'integers')!;
    const { decoded } = await roundTrip(c, { kind: 'abs', value: 0.49 });
    assert.deepEqual(decoded, c.values);
  });

  it('compresses smooth data and uses the autoencoder prediction when it helps', async () => {
    const n = 20 * 16 * 16;
    const values = build(n, (i) => Math.sin(i / 50) + Math.sin(i * 1.7) * 0.3);
    const c = { name: 'with prediction', shape: [20, 16, 16], values };
    const prediction = build(n, (i) => values[i] + 1e-4 * Math.sin(i));
    const bound: ErrorBound = { kind: 'abs', value: 1e-3 };
    const plain = await encodeErrorBounded(values, c.shape, bound);
    const withAe = await encodeErrorBounded(values, c.shape, bound, { prediction });
    assert.ok(withAe.stats.totalBytes < plain.stats.totalBytes / 2, `${withAe.stats.totalBytes} vs ${plain.stats.totalBytes}`);
    assert.ok((withAe.stats.predictorChoices.ae ?? 0) + (withAe.stats.predictorChoices['cubic-ae'] ?? 0) + (withAe.stats.predictorChoices['lorenzo-ae'] ?? 0) > 0);
    const { decoded } = await roundTrip(c, bound, { prediction });
    assert.ok(verifyBound(values, decoded, bound).ok);
    await assert.rejects(decodeErrorBounded(withAe.header, new Map(withAe.sections.map((s) => [s.name, s.data]))), BalerError);
  });
});

describe('eb: corrupted input', () => {
  const values = build(8 * 12 * 12, (i) => Math.sin(i / 9) + 0.01 * Math.cos(i * 3.1));
  values[17] = NaN;
  const shape = [8, 12, 12];
  const bound: ErrorBound = { kind: 'rel', value: 1e-3 };

  it('rejects truncated, altered or missing sections and bad headers with a BalerError', async () => {
    const encoded = await encodeErrorBounded(values, shape, bound);
    const stream = encoded.sections.find((s) => s.name === STREAM_SECTION)!.data;
    const exact = encoded.sections.find((s) => s.name === EXACT_SECTION)!.data;
    const attempts: [string, Record<string, unknown>, Map<string, Uint8Array>][] = [
      ['truncated stream', encoded.header, new Map([[STREAM_SECTION, stream.subarray(0, stream.length - 5)], [EXACT_SECTION, exact]])],
      ['extended stream', encoded.header, new Map([[STREAM_SECTION, Uint8Array.from([...stream, 1, 2, 3])], [EXACT_SECTION, exact]])],
      ['missing exact', encoded.header, new Map([[STREAM_SECTION, stream]])],
      ['short exact', encoded.header, new Map([[STREAM_SECTION, stream], [EXACT_SECTION, exact.subarray(0, exact.length - 8)]])],
      ['bad shape', { ...encoded.header, shape: [3, -1] }, new Map([[STREAM_SECTION, stream], [EXACT_SECTION, exact]])],
      ['bad format', { ...encoded.header, format: 'x' }, new Map([[STREAM_SECTION, stream], [EXACT_SECTION, exact]])],
      ['bad predictors', { ...encoded.header, predictors: ['magic'] }, new Map([[STREAM_SECTION, stream], [EXACT_SECTION, exact]])],
    ];
    for (const [name, header, sections] of attempts) {
      await assert.rejects(decodeErrorBounded(header, sections), BalerError, name);
    }
  });

  it('never silently returns values outside the bound when one stream byte flips', async () => {
    const encoded = await encodeErrorBounded(values, shape, bound);
    const stream = encoded.sections.find((s) => s.name === STREAM_SECTION)!.data;
    const exact = encoded.sections.find((s) => s.name === EXACT_SECTION)!.data;
    let rejected = 0;
    for (let k = 0; k < stream.length; k += Math.max(1, Math.floor(stream.length / 40))) {
      const bad = stream.slice();
      bad[k] ^= 0x10;
      try {
        const decoded = await decodeErrorBounded(encoded.header, new Map([[STREAM_SECTION, bad], [EXACT_SECTION, exact]]));
        assert.ok(verifyBound(values, decoded, bound).ok, `byte ${k} flipped: decoded outside the bound without an error`);
      } catch (error) {
        assert.ok(error instanceof BalerError, `byte ${k}: ${String(error)}`);
        rejected++;
      }
    }
    assert.ok(rejected > 0);
  });
});

describe('eb: format compatibility and configuration search', () => {
  // Written by the first implementation of baler-eb/1 (before the speed-up): it must keep decoding
  // to exactly the same values.
  const goldenHeader = {
    format: 'baler-eb/1', shape: [4, 6, 5], kind: 'frames', bound: 'rel:0.001', tolerances: [0.002355303654448597], integer: false,
    mode: 'temporal', order: [1, 2, 0], alpha: 1, beta: 1, predictors: ['cubic', 'linear', 'ae', 'cubic-ae'], blockSize: 16,
    usesPrediction: false, exactCount: 1, hash: 2128622503,
  };
  const goldenStream =
    'X1PfcaYyNnDqj76ZliFHdKW6VQ4HRrcZG23aqJHpeQcCLFnfVcp3GtkAyCbYEPHwwXN7lw2m4H8iJh5tQYWfsp3HdJr6ERSNZQ9wFIYXFDANe2NnC1XX8Rggsif+FFjUom4tcxZFI0b2j4p4pNGsu3kwJyCOQQ3lCQ==';

  it('decodes a stream written by the first baler-eb/1 encoder to the same values', async () => {
    const values = build(4 * 6 * 5, (i) => Math.sin(i / 7) + 0.25 * Math.cos(i / 3) + (i === 17 ? NaN : 0));
    const sections = new Map([
      [STREAM_SECTION, new Uint8Array(Buffer.from(goldenStream, 'base64'))],
      [EXACT_SECTION, new Uint8Array(Buffer.from('AAAAAAAA+H8=', 'base64'))],
    ]);
    const decoded = await decodeErrorBounded({ ...goldenHeader }, sections);
    assert.ok(verifyBound(values, decoded, { kind: 'rel', value: 1e-3 }).ok);
    let checksum = 0;
    for (const v of decoded) checksum = (checksum * 31 + (Number.isNaN(v) ? 7 : Math.round(v * 1e9))) % 1000000007;
    assert.equal(checksum, 903530770);
    assert.equal(decoded[0], 0.24966218737155127);
    assert.equal(decoded[119], -1.0598866445018689);
  });

  it('chooses the configuration on a sample for large arrays and keeps the bound', async () => {
    const shape = [40, 64, 64];
    const values = build(40 * 64 * 64, (i) => {
      const t = Math.floor(i / 4096), y = Math.floor(i / 64) % 64, x = i % 64;
      return Math.sin(x / 9 + t / 5) * Math.cos(y / 7 - t / 11) + 0.001 * Math.sin(i * 1.3);
    });
    const bound: ErrorBound = { kind: 'rel', value: 1e-3 };
    const encoded = await encodeErrorBounded(values, shape, bound, { effort: 'best' });
    const sampled = encoded.stats.trials.filter((t) => t.configuration.includes('(sample'));
    assert.ok(sampled.length >= 2, 'every configuration is tried on the sample');
    assert.ok(encoded.stats.trials.length - sampled.length < sampled.length, 'fewer configurations are coded in full');
    const decoded = await decodeErrorBounded(encoded.header, new Map(encoded.sections.map((s) => [s.name, s.data])));
    assert.ok(verifyBound(values, decoded, bound).ok);
  });

  it('integer columns in a real-valued table need no exact values when the residual is half a step', async () => {
    // Column 0: integers 0..4 (tolerance 0.04 at rel 1e-2, so a difference of 1 is exactly 12.5 steps).
    const r = random(3);
    const rows = 3000;
    const values = build(rows * 2, (i) => (i % 2 === 0 ? (i === 0 ? 4 : Math.floor(r() * 5)) : r() * 10));
    const bound: ErrorBound = { kind: 'rel', value: 1e-2 };
    const encoded = await encodeErrorBounded(values, [rows, 2], bound, { kind: 'table' });
    assert.equal(encoded.stats.exactValues, 0);
    const decoded = await decodeErrorBounded(encoded.header, new Map(encoded.sections.map((s) => [s.name, s.data])));
    assert.ok(verifyBound(values, decoded, bound, [rows, 2], true).ok);
  });
});

describe('eb: the temporal mode with a model prediction', () => {
  const { values, prediction, shape } = wavesWithModel(24, 20, 24);

  it('offers the model among the frame-by-frame predictors, keeps the bound and decodes to the encoder\'s values', async () => {
    for (const bound of [{ kind: 'rel', value: 1e-2 }, { kind: 'rel', value: 1e-4 }, { kind: 'abs', value: 0 }] as ErrorBound[]) {
      for (const effort of ['fast', 'best'] as const) {
        const encoded = await encodeErrorBounded(values, shape, bound, { prediction, effort });
        const sections = new Map(encoded.sections.map((s) => [s.name, s.data.slice()]));
        const decoded = await decodeErrorBounded(JSON.parse(JSON.stringify(encoded.header)), sections, prediction);
        assertSameValues(encoded.reconstruction, decoded, `${bound.kind}:${bound.value} ${effort}`);
        assert.ok(verifyBound(values, decoded, bound).ok, `${bound.kind}:${bound.value} ${effort}`);
      }
    }
  });

  it('writes baler-eb/2 when the model predictors are used, and the model earns bytes over the coder alone', async () => {
    const bound: ErrorBound = { kind: 'rel', value: 1e-3 };
    const alone = await encodeErrorBounded(values, shape, bound, { effort: 'fast' });
    const withModel = await encodeErrorBounded(values, shape, bound, { prediction, effort: 'fast' });
    assert.equal(alone.header.format, 'baler-eb/1');
    assert.equal(withModel.header.mode, 'temporal');
    assert.equal(withModel.header.format, 'baler-eb/2');
    const choices = withModel.stats.predictorChoices;
    const modelBlocks = ['model', 'cubic-model', 'model-delta', 'cubic-model-delta'].reduce((n, p) => n + (choices[p] ?? 0), 0);
    assert.ok(modelBlocks > 0, JSON.stringify(choices));
    assert.ok(withModel.stats.totalBytes < alone.stats.totalBytes * 0.9, `${withModel.stats.totalBytes} vs ${alone.stats.totalBytes}`);
  });

  it('rejects a missing prediction and headers that misdeclare the model predictors', async () => {
    const encoded = await encodeErrorBounded(values, shape, { kind: 'rel', value: 1e-3 }, { prediction, effort: 'fast' });
    const sections = new Map(encoded.sections.map((s) => [s.name, s.data]));
    await assert.rejects(decodeErrorBounded(encoded.header, sections), BalerError);
    await assert.rejects(decodeErrorBounded(encoded.header, sections, prediction.subarray(1)), BalerError);
    await assert.rejects(decodeErrorBounded({ ...encoded.header, format: 'baler-eb/1' }, sections, prediction), /bad predictors/);
    await assert.rejects(decodeErrorBounded({ ...encoded.header, usesPrediction: false }, sections, prediction), /model reconstruction/);
  });

  it('a model prediction of pure noise costs little: the previous frame stays available', async () => {
    const r = random(5);
    const noise = build(values.length, () => r() * 4 - 2);
    const bound: ErrorBound = { kind: 'rel', value: 1e-3 };
    const alone = await encodeErrorBounded(values, shape, bound, { effort: 'fast' });
    const withNoise = await encodeErrorBounded(values, shape, bound, { prediction: noise, effort: 'fast' });
    assert.ok(withNoise.stats.totalBytes < alone.stats.totalBytes * 1.05, `${withNoise.stats.totalBytes} vs ${alone.stats.totalBytes}`);
  });
});
