// `--suite eb-speed`: speed and ratio of the error-bounded coder on one core, slab API, at rel 1e-2/1e-3/1e-4:
// a 400×256×256 float32 field (sum of sines + N(0, 1e-3) noise, generated in memory frame by frame) and
// CFD_animation.npz. MB/s of CPU time beside wall time; every decoded element checked against the bound
// in the output dtype. `--quick`: 64 frames instead of 400. `--slabs N[,M…]`: also code the field in slabs of N
// frames (default 32, about what compress's default memory budget gives; 0 for none), searching each slab's
// configuration, and again reusing the first slab's. Decompression is timed twice, side by side: with the
// WebAssembly decoder where it takes the slab (eb/wasm/decoder-module.ts), and with the JavaScript decoder alone.
import { readDataset } from '../kernel/data/dataset';
import type { ErrorBound } from '../kernel/eb/bound';
import { verifyBound } from '../kernel/eb/bound';
import { castOne } from '../kernel/data/dtype';
import { valueType } from '../kernel/eb/dtype';
import { decodeSlab, encodeSlab, globalsFor } from '../kernel/eb';
import { wasmDecoding } from '../kernel/eb/wasm/decoder-module';
import type { DType } from '../kernel/types';
import { BenchArgs, BenchSuite, flagValue, requireSharedFile, rowsTable } from './suite';
import { seededUniform as mulberry } from './random';

const BOUNDS = [1e-2, 1e-3, 1e-4];

interface Field {
  name: string;
  values: Float64Array;
  shape: number[];
  dtype: DType;
}

/** Frames [first, first + count) of the field into `out`: deterministic, float32-representable. */
export function fieldFrames(out: Float64Array, first: number, count: number, height: number, width: number): void {
  const random = mulberry(0x5eed + first);
  const TAU = 2 * Math.PI;
  let i = 0;
  for (let t = first; t < first + count; t++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const smooth = Math.sin(TAU * (x / 97 + t / 211)) + 0.5 * Math.sin(TAU * (y / 61 - t / 157)) + 0.25 * Math.sin(TAU * ((x + y) / 43 + t / 89));
        const u = 1 - random();
        const v = random();
        const noise = Math.sqrt(-2 * Math.log(u)) * Math.cos(TAU * v); // Box–Muller, one normal per pair
        out[i++] = Math.fround(smooth + 1e-3 * noise);
      }
}

function generatedField(frames: number): Field {
  const [height, width] = [256, 256];
  const values = new Float64Array(frames * height * width);
  const piece = 10;
  for (let t = 0; t < frames; t += piece) {
    const n = Math.min(piece, frames - t);
    fieldFrames(values.subarray(t * height * width, (t + n) * height * width), t, n, height, width);
  }
  return { name: `field ${frames}×256×256 f32`, values, shape: [frames, height, width], dtype: 'float32' };
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; cpu: number; wall: number }> {
  const c = cpuSeconds();
  const w = performance.now();
  const result = await work();
  return { result, cpu: cpuSeconds() - c, wall: (performance.now() - w) / 1000 };
}

interface Row {
  data: string;
  bound: string;
  slabs: string;
  bytes: number;
  ratio: number;
  'comp MB/s cpu': number;
  'comp MB/s wall': number;
  'decomp MB/s cpu': number;
  'decomp MB/s wall': number;
  'decomp JS-only MB/s cpu': number;
  'max err/bound': number;
  exact: number;
  configuration: string;
}

/**
 * Codes the field in slabs of `framesPerSlab` (all of it when 0) and checks every element as written; with
 * `reuse`, the slabs after the first take the first slab's configuration instead of searching.
 */
async function measure(field: Field, rel: number, framesPerSlab: number, reuse = false): Promise<Row> {
  const bound: ErrorBound = { kind: 'rel', value: rel };
  const g = globalsFor(field.values, field.shape, bound, 'frames', field.dtype);
  const frameSize = field.shape.slice(1).reduce((a, b) => a * b, 1);
  const perSlab = framesPerSlab > 0 ? framesPerSlab : field.shape[0];
  const decoded = new Float64Array(field.values.length);
  let bytes = 0, exact = 0, cpuIn = 0, wallIn = 0, cpuOut = 0, wallOut = 0, cpuOutJs = 0, slabs = 0;
  const configurations = new Set<string>();
  let first: string | undefined;
  for (let t = 0; t < field.shape[0]; t += perSlab) {
    const n = Math.min(perSlab, field.shape[0] - t);
    const shape = [n, ...field.shape.slice(1)];
    const part = field.values.subarray(t * frameSize, (t + n) * frameSize);
    const enc = await timed(() => encodeSlab(part, shape, g, { configuration: reuse ? first : undefined }));
    first ??= enc.result.stats.configuration;
    const dec = await timed(() => decodeSlab(enc.result.bytes, shape, g));
    wasmDecoding.enabled = false;
    const decJs = await timed(() => decodeSlab(enc.result.bytes, shape, g));
    wasmDecoding.enabled = true;
    for (let i = 0; i < part.length; i++) {
      if (!Object.is(dec.result[i], enc.result.reconstruction[i])) throw new Error(`${field.name}: the decoder differs from the encoder at ${t * frameSize + i}`);
      if (!Object.is(decJs.result[i], dec.result[i])) throw new Error(`${field.name}: the JavaScript decoder differs from the WebAssembly one at ${t * frameSize + i}`);
    }
    cpuOutJs += decJs.cpu;
    decoded.set(dec.result, t * frameSize);
    bytes += enc.result.bytes.length;
    exact += enc.result.stats.exactValues;
    configurations.add(enc.result.stats.configuration.replace(/ \[.*\]$/, ''));
    cpuIn += enc.cpu; wallIn += enc.wall; cpuOut += dec.cpu; wallOut += dec.wall; slabs++;
  }
  // As written: cast to the dtype (a no-op when the coder did its job; the check is on what the file holds).
  const type = valueType(field.dtype);
  const written = decoded.map((v) => castOne(v, field.dtype));
  const check = verifyBound(field.values, written, bound, field.shape);
  if (!check.ok) throw new Error(`${field.name} rel:${rel}: bound broken at ${check.firstViolation}`);
  const megabytes = (field.values.length * type.width) / 1e6;
  return {
    data: field.name,
    bound: `rel:${rel}`,
    slabs: reuse ? `${slabs}, reused` : String(slabs),
    bytes,
    ratio: (field.values.length * type.width) / bytes,
    'comp MB/s cpu': megabytes / cpuIn,
    'comp MB/s wall': megabytes / wallIn,
    'decomp MB/s cpu': megabytes / cpuOut,
    'decomp MB/s wall': megabytes / wallOut,
    'decomp JS-only MB/s cpu': megabytes / cpuOutJs,
    'max err/bound': check.maxRatioToBound,
    exact,
    configuration: [...configurations].join(' | '),
  };
}

async function runEbSpeedSuite(args: BenchArgs): Promise<Row[]> {
  const cfd = await readDataset(requireSharedFile(args.dataDir));
  const fields: Field[] = [{ name: 'CFD_animation f64', values: cfd.values, shape: cfd.shape, dtype: cfd.dtype }];
  args.log(`eb-speed: generating the field`);
  fields.push(generatedField(args.quick ? 64 : 400));
  const slabFrames = (flagValue(args.argv, '--slabs') ?? '32').split(',').map(Number).filter((n) => n > 0);
  // Compile the hot loops before anything is timed.
  await measure(fields[0], 1e-3, 0);
  const rows: Row[] = [];
  for (const field of fields) {
    for (const rel of BOUNDS) {
      args.log(`eb-speed: ${field.name} rel:${rel}`);
      rows.push(await measure(field, rel, 0));
      for (const frames of slabFrames) {
        if (field.values.length < 1e6 || field.shape[0] <= frames) continue;
        rows.push(await measure(field, rel, frames));
        rows.push(await measure(field, rel, frames, true));
      }
    }
  }
  console.log(rowsTable(rows));
  console.log('ratio against the dtype\'s bytes; MB of the dtype per second of CPU time (one thread) and of wall time; every element checked;');
  console.log('decomp JS-only: the same slabs decoded without the WebAssembly decoder (every value the same)');
  return rows;
}

export const ebSpeedSuite: BenchSuite = { name: 'eb-speed', title: 'Error-bounded coder, one core: MB/s (CPU and wall) and ratio', run: runEbSpeedSuite };
