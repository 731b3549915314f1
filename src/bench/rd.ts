// Rate–distortion benchmark: the error-bounded codec against lossless and classical lossy baselines,
// all run in this process, on CFD_animation.npz (ratios against its float32 content).

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { BalerError } from '../kernel/errors';
import { readDataset } from '../kernel/data/dataset';
import { compressBytes, decompressBytes, shuffleBytes, unshuffleBytes } from '../kernel/codec/entropy';
import { decodeErrorBounded, encodeErrorBounded } from '../kernel/eb/codec';
import { ErrorBound, finiteRange, verifyBound } from '../kernel/eb/bound';

export interface RdRow {
  dataset: string;
  method: string;
  /** e.g. "rel:0.001"; "lossless" for the lossless baselines. */
  bound: string;
  /** Everything needed to decode: sections plus the header as JSON. */
  totalBytes: number;
  /** float32 content bytes / totalBytes. */
  ratio: number;
  psnr: number;
  maxErrorOverBound: number;
  compressMBps: number;
  decompressMBps: number;
  note?: string;
}

const BOUNDS = [1e-2, 1e-3, 1e-4];

interface Field {
  name: string;
  values: Float64Array;
  shape: number[];
}

function float32Bytes(values: Float64Array): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function psnrOf(original: Float64Array, decoded: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < original.length; i++) sum += (decoded[i] - original[i]) ** 2;
  const rmse = Math.sqrt(sum / original.length);
  return rmse === 0 ? Infinity : 20 * Math.log10(finiteRange(original) / rmse);
}

async function timed<T>(fn: () => Promise<T>, minimumMs = 200): Promise<{ result: T; seconds: number }> {
  let runs = 0;
  const start = performance.now();
  let result: T;
  do {
    result = await fn();
    runs++;
  } while (performance.now() - start < minimumMs && runs < 20);
  return { result, seconds: (performance.now() - start) / 1000 / runs };
}

function row(field: Field, method: string, bound: string, bytes: number, decoded: Float64Array, seconds: [number, number], maxErrorOverBound: number, note?: string): RdRow {
  const contentBytes = field.values.length * 4;
  return {
    dataset: field.name,
    method,
    bound,
    totalBytes: bytes,
    ratio: contentBytes / bytes,
    psnr: psnrOf(field.values, decoded),
    maxErrorOverBound,
    compressMBps: contentBytes / 1e6 / seconds[0],
    decompressMBps: contentBytes / 1e6 / seconds[1],
    note,
  };
}

async function losslessBaselines(field: Field): Promise<RdRow[]> {
  const raw = float32Bytes(field.values);
  const asFloat64 = (bytes: Uint8Array): Float64Array => Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  const variants: { method: string; encode: () => Promise<Uint8Array>; decode: (c: Uint8Array) => Promise<Uint8Array> }[] = [
    { method: 'zstd-19 (float32)', encode: () => compressBytes(raw, 'zstd', 19), decode: (c) => decompressBytes(c, 'zstd', raw.length) },
    { method: 'deflate-9 (float32)', encode: () => compressBytes(raw, 'deflate', 9), decode: (c) => decompressBytes(c, 'deflate', raw.length) },
    {
      method: 'shuffle + zstd-19 (float32)',
      encode: () => compressBytes(shuffleBytes(raw, 4), 'zstd', 19),
      decode: async (c) => unshuffleBytes(await decompressBytes(c, 'zstd', raw.length), 4),
    },
  ];
  const rows: RdRow[] = [];
  for (const v of variants) {
    const enc = await timed(v.encode);
    const dec = await timed(() => v.decode(enc.result));
    rows.push(row(field, v.method, 'lossless', enc.result.length, asFloat64(dec.result), [enc.seconds, dec.seconds], 0));
  }
  return rows;
}

/** The classical baseline: uniform quantiser (step 2ε) on 3-D Lorenzo predictions, int32 indices, shuffle, zstd-19. */
function lorenzoQuantise(values: Float64Array, shape: number[], epsilon: number, indices?: Int32Array): { indices: Int32Array; recon: Float64Array } {
  const [n0, n1, n2] = shape.length === 3 ? shape : [1, 1, values.length];
  const s1 = n2;
  const s0 = n1 * n2;
  const recon = new Float64Array(values.length);
  const decoding = indices !== undefined;
  const q = indices ?? new Int32Array(values.length);
  const step = 2 * epsilon;
  const at = (i: number, ok: boolean): number => (ok ? recon[i] : 0);
  for (let a = 0, i = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0; c < n2; c++, i++) {
        const p =
          at(i - 1, c > 0) + at(i - s1, b > 0) + at(i - s0, a > 0) - at(i - s1 - 1, b > 0 && c > 0) - at(i - s0 - 1, a > 0 && c > 0) -
          at(i - s0 - s1, a > 0 && b > 0) + at(i - s0 - s1 - 1, a > 0 && b > 0 && c > 0);
        if (!decoding) q[i] = Math.round((values[i] - p) / step);
        recon[i] = p + q[i] * step;
      }
  return { indices: q, recon };
}

async function uniformLorenzoBaseline(field: Field, rel: number): Promise<RdRow> {
  const epsilon = rel * finiteRange(field.values);
  const enc = await timed(async () => {
    const { indices } = lorenzoQuantise(field.values, field.shape, epsilon);
    return compressBytes(shuffleBytes(new Uint8Array(indices.buffer), 4), 'zstd', 19);
  });
  const dec = await timed(async () => {
    const bytes = unshuffleBytes(await decompressBytes(enc.result, 'zstd', field.values.length * 4), 4);
    return lorenzoQuantise(field.values, field.shape, epsilon, new Int32Array(bytes.buffer, bytes.byteOffset, field.values.length)).recon;
  });
  const check = verifyBound(field.values, dec.result, { kind: 'abs', value: epsilon });
  const note = check.ok ? undefined : 'bound not guaranteed (no exact-value fallback)';
  return row(field, 'uniform quantiser + Lorenzo + shuffle + zstd-19', `rel:${rel}`, enc.result.length, dec.result, [enc.seconds, dec.seconds], check.maxRatioToBound, note);
}

async function errorBoundedRow(field: Field, rel: number): Promise<RdRow> {
  const bound: ErrorBound = { kind: 'rel', value: rel };
  const enc = await timed(() => encodeErrorBounded(field.values, field.shape, bound), 0);
  const sections = new Map(enc.result.sections.map((s) => [s.name, s.data]));
  const dec = await timed(() => decodeErrorBounded(enc.result.header, sections));
  const check = verifyBound(field.values, dec.result, bound);
  const headerBytes = Buffer.byteLength(JSON.stringify(enc.result.header));
  const bytes = enc.result.stats.totalBytes + headerBytes;
  const note = `${enc.result.stats.configuration}; header ${headerBytes} B`;
  return row(field, 'baler error-bounded', `rel:${rel}`, bytes, dec.result, [enc.seconds, dec.seconds], check.maxRatioToBound, note);
}

export async function runRdSuite(opts: { dataDir: string; quick?: boolean }): Promise<RdRow[]> {
  const file = path.join(opts.dataDir, 'CFD_animation.npz');
  if (!existsSync(file)) throw new BalerError('the rd benchmark needs CFD_animation.npz (the shared data folder)', file);
  const ds = readDataset(file);
  const field: Field = { name: 'CFD_animation', values: ds.values, shape: ds.shape };
  const rows: RdRow[] = [];
  for (const rel of opts.quick ? [1e-3] : BOUNDS) {
    rows.push(await errorBoundedRow(field, rel));
    rows.push(await uniformLorenzoBaseline(field, rel));
  }
  rows.push(...(await losslessBaselines(field)));
  return rows;
}

export function formatTable(rows: RdRow[]): string {
  const header = ['dataset', 'method', 'bound', 'bytes', 'ratio', 'PSNR dB', 'max err/bound', 'comp MB/s', 'decomp MB/s'];
  const lines = rows.map((r) => [
    r.dataset,
    r.method,
    r.bound,
    String(r.totalBytes),
    `${r.ratio.toFixed(2)}x`,
    Number.isFinite(r.psnr) ? r.psnr.toFixed(1) : 'inf',
    r.maxErrorOverBound.toFixed(3),
    r.compressMBps.toFixed(1),
    r.decompressMBps.toFixed(1),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => l[k].length)));
  const format = (cells: string[]): string => cells.map((c, k) => (k <= 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.method} ${r.bound}: ${r.note}`);
  return [format(header), ...lines.map(format), ...(notes.length ? ['notes:', ...notes] : [])].join('\n');
}
