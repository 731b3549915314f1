// The search for the smallest total (decoder counted) meeting a PSNR target or an error bound.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { compress, decompress, buildReport } from '../../src/kernel/pipeline';
import { reconstruct } from '../../src/kernel/decompress';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { simulateFlowPastObstacle } from '../../src/kernel/demo/flow';
import { verifyBound } from '../../src/kernel/eb/bound';
import { computeErrors } from '../../src/kernel/metrics';
import { BalerError } from '../../src/kernel/errors';
import { parseQualityTarget, readSearchPoints, type SearchPoint } from '../../src/kernel/search';
import { lightModelSpecs, decoderSizeOf } from '../../src/kernel/model/light';
import { principalComponents, linearAutoencoderWeights, refitLinearLatents } from '../../src/kernel/model/linear-ae';
import { encodeWeights, decodeWeights } from '../../src/kernel/codec/weights';
import type { Dataset } from '../../src/kernel/types';

const repo = path.resolve(__dirname, '..', '..');

async function recordedPoints(file: string): Promise<SearchPoint[]> {
  const { points: bytes } = await reconstruct(file);
  const points = bytes ? readSearchPoints(new Map([['search.points', bytes]])) : undefined;
  assert.ok(points && points.length > 0, 'the file records the points the search tried');
  return points;
}

function smallestMeeting(points: SearchPoint[]): SearchPoint {
  const meeting = points.filter((p) => p.meetsTarget);
  assert.ok(meeting.length > 0, 'some point meets the target');
  return meeting.reduce((a, b) => (b.totalBytes < a.totalBytes ? b : a));
}

/** rows × cols: every row a random mix of two smooth column profiles plus a little noise (rank 2 + noise). */
function lowRankTable(rows: number, cols: number): Dataset {
  const random = seedrandom('baler-search-table');
  const values = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    for (let c = 0; c < cols; c++) {
      const x = c / cols;
      values[r * cols + c] = a * Math.sin(2 * Math.PI * x) + b * Math.cos(3 * Math.PI * x) + 1e-3 * (random() - 0.5);
    }
  }
  return { kind: 'table', shape: [rows, cols], dtype: 'float64', names: [], values };
}

describe('search: smallest total meeting a target', function () {
  this.timeout(120_000);
  let dir: string;
  let flowFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-search-'));
    flowFile = path.join(dir, 'flow.npy');
    await writeDataset(flowFile, simulateFlowPastObstacle({ frames: 12 }), {});
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses psnr targets and rejects anything else with a clear error', () => {
    assert.deepEqual(parseQualityTarget('psnr:40'), { kind: 'psnr', value: 40 });
    assert.deepEqual(parseQualityTarget(' PSNR : 38.5 '), { kind: 'psnr', value: 38.5 });
    for (const bad of ['psnr:', 'psnr:-3', 'psnr:abc', 'ssim:0.9', '40']) {
      assert.throws(() => parseQualityTarget(bad, 'x.npy'), (e: unknown) => e instanceof BalerError && /psnr:DB/.test(e.message) && e.file === 'x.npy');
    }
  });

  it('meets a PSNR target with the smallest total it tried, records the points, and the file round-trips', async () => {
    const output = path.join(dir, 'flow.baler');
    const { info } = await compress(flowFile, { output, target: 'psnr:40', timeLimitSeconds: 20 });
    const original = await readDataset(flowFile);
    assert.ok(info.errors.psnr >= 40, `PSNR ${info.errors.psnr} misses the target`);
    assert.equal(info.search?.target, 'psnr:40');
    assert.equal(info.sizes.total, fs.statSync(output).size);

    const points = await recordedPoints(output);
    assert.equal(info.search?.pointsTried, points.length);
    const chosen = smallestMeeting(points);
    // The file adds only the search record to the chosen point's total.
    assert.ok(info.sizes.total >= chosen.totalBytes && info.sizes.total - chosen.totalBytes < 400, `file ${info.sizes.total} vs point ${chosen.totalBytes}`);
    assert.ok(points.some((p) => !p.meetsTarget || p.totalBytes > chosen.totalBytes), 'the search compared several points');

    const restoredFile = path.join(dir, 'flow.out.npy');
    await decompress(output, { output: restoredFile });
    const measured = computeErrors(original.values, (await readDataset(restoredFile)).values);
    // The header keeps figures as float32, PSNR rounded down: never better than measured, within float32 precision.
    assert.ok(info.errors.psnr <= measured.psnr && measured.psnr - info.errors.psnr < 1e-5, `reported ${info.errors.psnr}, measured ${measured.psnr}`);
    assert.ok(measured.psnr >= 40 - 1e-6, "float32 output: rounding moves PSNR by less than 1e-6 dB");

    const report = await buildReport(output, flowFile);
    assert.equal(report.tradeoff?.length, points.length, 'the report gets the trade-off points');
  });

  it('with a bound and --objective total (the automatic mode), never larger than the coder alone on a table its column models fit; the bound holds', async () => {
    // A rank-2 table: the coder's own column models (least squares on up to four earlier columns) fit it as
    // well as any linear learned predictor, so a learned one may only be taken where it is smaller.
    const table = lowRankTable(1500, 48);
    const input = path.join(dir, 'table.npy');
    await writeDataset(input, table, {});
    const output = path.join(dir, 'table.baler');
    const { info } = await compress(input, { output, errorBound: 'rel:1e-3', objective: 'total' });
    const plain = await compress(input, { output: path.join(dir, 'table-plain.baler'), errorBound: 'rel:1e-3', learned: 'none' });
    assert.equal(plain.info.learned, undefined);
    assert.ok(info.sizes.total <= plain.info.sizes.total, `the automatic mode: ${info.sizes.total} bytes (${info.learned?.family ?? 'coder alone'}), the coder alone ${plain.info.sizes.total}`);
    if (info.learned) assert.ok(info.sizes.decoder > 0, 'the learned predictor: its decoder is in the file and counted');

    const restoredFile = path.join(dir, 'table.out.npy');
    await decompress(output, { output: restoredFile });
    const check = verifyBound(table.values, (await readDataset(restoredFile)).values, { kind: 'rel', value: 1e-3 }, table.shape, true);
    assert.ok(check.ok, `bound broken at ${check.firstViolation}`);
  });

  it('rejects a target together with a bound, and --objective without either', async () => {
    await assert.rejects(compress(flowFile, { output: path.join(dir, 'x.baler'), target: 'psnr:40', errorBound: 'rel:1e-3' }), /either --target or --error-bound/);
    await assert.rejects(compress(flowFile, { output: path.join(dir, 'x.baler'), objective: 'total' }), /--objective needs/);
    assert.ok(!fs.existsSync(path.join(dir, 'x.baler')));
  });

});

describe('search: light decoders', () => {
  it('lists linear decoders first, each group cheapest first, with exact raw sizes', () => {
    const specs = lightModelSpecs(2500);
    const linear = specs.filter((s) => s.hidden.length === 0);
    assert.deepEqual(specs.slice(0, linear.length), linear);
    const sizes = linear.map((s) => decoderSizeOf(2500, s));
    assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
    const weights = linearAutoencoderWeights(principalComponents(new Float32Array(10 * 2500), 10, 2500, 2));
    assert.equal(encodeWeights(weights.decoder, 'int8').length, decoderSizeOf(2500, { latent: 2, hidden: [], precision: 'int8' }));
  });

  it('finds the same components on few rows (exactly, from their Gram matrix) as the range finder on many', () => {
    // Three directions of known strengths plus a little noise; 40 rows take the exact path for k = 8, 400 the range finder.
    const width = 300;
    const r = seedrandom.alea('pca');
    const directions = [0, 1, 2].map((d) => Float64Array.from({ length: width }, (_, j) => Math.sin((d + 1) * j / 17 + d)));
    const rows = (count: number) => {
      const out = new Float32Array(count * width);
      for (let s = 0; s < count; s++)
        for (let d = 0; d < 3; d++) {
          const z = (r() - 0.5) * 10 ** (2 - d);
          for (let j = 0; j < width; j++) out[s * width + j] += z * directions[d][j] + (d === 0 ? 1e-3 * (r() - 0.5) : 0);
        }
      return out;
    };
    const unit = (v: ArrayLike<number>) => { const n = Math.hypot(...Array.from(v)); return Array.from(v, (x) => x / n); };
    for (const count of [40, 400]) {
      const pc = principalComponents(rows(count), count, width, 8);
      const top = [0, 1, 2].map((d) => pc.components.subarray(d * width, (d + 1) * width));
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          const dot = top[a].reduce((sum, x, j) => sum + x * top[b][j], 0);
          assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-9, `${count} rows: components ${a}, ${b} orthonormal (${dot})`);
        }
      // Each direction lies in the span of the top three components, the strongest is the first.
      for (let d = 0; d < 3; d++) {
        const u = unit(directions[d]);
        const inSpan = top.reduce((sum, c) => sum + u.reduce((t, x, j) => t + x * c[j], 0) ** 2, 0);
        assert.ok(inSpan > 1 - 1e-6, `${count} rows: direction ${d} is ${inSpan} in the span of the top three`);
      }
      const first = unit(directions[0]).reduce((sum, x, j) => sum + x * top[0][j], 0);
      assert.ok(Math.abs(first) > 0.999, `${count} rows: the first component is the strongest direction (${first})`);
    }
  });

  it('the linear autoencoder reproduces rank-2 data, and refitted latents absorb the decoder quantisation', () => {
    const { values, shape } = lowRankTable(200, 48);
    const [count, width] = shape;
    const samples = Float32Array.from(values);
    const weights = linearAutoencoderWeights(principalComponents(samples, count, width, 2));
    const quantised = decodeWeights(encodeWeights(weights.decoder, 'int8'));
    const mse = (latents: Float32Array) => {
      const [kernel, bias] = quantised;
      let sum = 0;
      for (let s = 0; s < count; s++)
        for (let j = 0; j < width; j++) {
          let y = bias.values[j];
          for (let a = 0; a < 2; a++) y += latents[s * 2 + a] * kernel.values[a * width + j];
          sum += (y - samples[s * width + j]) ** 2;
        }
      return sum / (count * width);
    };
    const encoderLatents = new Float32Array(count * 2);
    const [ek, eb] = weights.encoder;
    for (let s = 0; s < count; s++)
      for (let a = 0; a < 2; a++) {
        let z = eb.values[a];
        for (let j = 0; j < width; j++) z += samples[s * width + j] * ek.values[j * 2 + a];
        encoderLatents[s * 2 + a] = z;
      }
    const refitted = refitLinearLatents(quantised, samples, count);
    assert.ok(mse(refitted) <= mse(encoderLatents), `refit ${mse(refitted)} vs encoder ${mse(encoderLatents)}`);
    assert.ok(Math.sqrt(mse(refitted)) < 2e-3, `rank-2 data + 1e-3 noise: RMSE ${Math.sqrt(mse(refitted))}`);
  });
});
