// How the peers suite runs each classical compressor on a raw array file and reads its output back: SZ3
// (`-M ABS`), QoZ (`sz3-qoz -q 3`; its level 4 was seen to break the bound on integer data), SPERR (`--pwe`),
// ZFP (fixed accuracy, through python3-zfpy) and lossless zstd -19. Every byte of each stream is counted
// (headers included); compress and decompress are timed with the child's own CPU time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromRawBytes, type BenchDataset, type StoredArray } from './datasets';
import { runMeasuredBatch, type PeerTools } from './peer-tools';

/** A raw little-endian array file a peer reads. */
export interface ArrayFile {
  file: string;
  dtype: BenchDataset['dtype'];
  /** C order, axes of length 1 removed (a 1 × 50 × 50 frame is a 50 × 50 image to the peers). */
  shape: number[];
}

export interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

/** One compressor on one array: its whole output and what came back. */
export interface CodecRun {
  bytes: number;
  decoded: StoredArray;
  compress: Timing;
  decompress: Timing;
  /** Peak resident memory of the child, MB (child processes only). */
  peakRssMB?: number;
  /** Bytes of baler's container header (part of `bytes`). */
  headerBytes?: number;
}

export interface PeerCodec {
  name: string;
  /** Lossless: the tolerance is not used, the output must be exact. */
  lossless: boolean;
  /** Why it cannot run here (then `runAll` is never called). */
  missing?: string;
  /** Compresses and decompresses each input at its tolerance; `work` is a scratch folder. */
  runAll(inputs: ArrayFile[], tolerances: number[], work: string): CodecRun[];
}

/** The shape without axes of length 1 (at least one axis). */
export function squeezeShape(shape: number[]): number[] {
  const s = shape.filter((d) => d !== 1);
  return s.length ? s : [1];
}

/** Dimensions fastest-varying first, as SZ3 and SPERR take them. */
const fastestFirst = (shape: number[]): string[] => [...shape].reverse().map(String);

/** A tolerance as text that parses back to the same double. */
const tol = (t: number): string => String(t);

function readBack(file: string, dtype: ArrayFile['dtype']): StoredArray {
  return fromRawBytes(fs.readFileSync(file), dtype);
}

/** A peer that runs a command to compress and one to decompress each input (a batch of them measured together). */
function cliCodec(name: string, lossless: boolean, commands: (input: ArrayFile, tolerance: number, stream: string, back: string) => { compress: string[]; decompress: string[] }): PeerCodec {
  return {
    name,
    lossless,
    runAll(inputs, tolerances, work) {
      const files = inputs.map((_, k) => ({ stream: path.join(work, `${name}-${k}.stream`), back: path.join(work, `${name}-${k}.back`) }));
      try {
        const lines = inputs.map((input, k) => commands(input, tolerances[k], files[k].stream, files[k].back));
        const c = runMeasuredBatch(lines.map((l) => l.compress));
        const bytes = files.map((f) => fs.statSync(f.stream).size);
        const d = runMeasuredBatch(lines.map((l) => l.decompress));
        return inputs.map((input, k) => ({
          bytes: bytes[k], decoded: readBack(files[k].back, input.dtype), compress: c[k], decompress: d[k],
          peakRssMB: Math.max(c[k].peakRssMB, d[k].peakRssMB),
        }));
      } finally {
        for (const f of files) for (const p of [f.stream, f.back]) fs.rmSync(p, { force: true });
      }
    },
  };
}

function sz3Codec(name: string, binary: string, extra: string[]): PeerCodec {
  return cliCodec(name, false, (input, tolerance, stream, back) => {
    const type = input.dtype === 'float32' ? '-f' : '-d';
    const dims = [`-${input.shape.length}`, ...fastestFirst(input.shape)];
    const bound = ['-M', 'ABS', tol(tolerance), ...extra];
    return {
      compress: [binary, type, '-i', input.file, '-z', stream, ...dims, ...bound],
      decompress: [binary, type, '-z', stream, '-o', back, ...dims, ...bound],
    };
  });
}

function sperrCodec(bin: string): PeerCodec {
  return cliCodec('SPERR', false, (input, tolerance, stream, back) => {
    if (input.shape.length > 3) throw new Error(`SPERR takes 1-3 dimensions, not ${input.shape.length}`);
    const is3d = input.shape.length === 3;
    // No 1-D tool: a 1-D array goes to sperr2d as n × 1.
    const dims = input.shape.length === 1 ? [String(input.shape[0]), '1'] : fastestFirst(input.shape);
    const tool = path.join(bin, is3d ? 'sperr3d' : 'sperr2d');
    const bits = input.dtype === 'float32' ? '32' : '64';
    return {
      compress: [tool, '-c', '--ftype', bits, '--dims', ...dims, '--pwe', tol(tolerance), '--bitstream', stream, input.file],
      decompress: [tool, '-d', input.dtype === 'float32' ? '--decomp_f' : '--decomp_d', back, stream],
    };
  });
}

const zstdCodec: PeerCodec = cliCodec('zstd -19', true, (input, _tolerance, stream, back) => ({
  compress: ['zstd', '-19', '-T1', '-q', '-f', input.file, '-o', stream],
  decompress: ['zstd', '-d', '-q', '-f', stream, '-o', back],
}));

// ZFP runs inside one Python process per batch (a table's columns together); the times are taken there around
// each array's read-compress-write (or read-decompress-write), leaving out the interpreter's start.
const ZFP_SCRIPT = `
import json, sys, time, numpy as np, zfpy
jobs = json.load(open(sys.argv[1]))
times = []
for j in jobs:
    w, c = time.perf_counter(), time.process_time()
    if j['op'] == 'compress':
        a = np.fromfile(j['in'], dtype=j['dtype']).reshape(j['shape'])
        open(j['out'], 'wb').write(zfpy.compress_numpy(a, tolerance=j['tolerance']))
    else:
        zfpy.decompress_numpy(open(j['in'], 'rb').read()).tofile(j['out'])
    times.append([time.perf_counter() - w, time.process_time() - c])
print(json.dumps(times))
`;

function zfpCodec(python: string | undefined, missing: string | undefined): PeerCodec {
  return {
    name: 'ZFP',
    lossless: false,
    missing: python ? undefined : missing ?? 'not installed',
    runAll(inputs, tolerances, work) {
      const files = inputs.map((_, k) => ({ stream: path.join(work, `zfp-${k}.stream`), back: path.join(work, `zfp-${k}.back`) }));
      const runJobs = (jobs: object[]): Timing[] => {
        const jobFile = path.join(work, 'zfp-jobs.json');
        fs.writeFileSync(jobFile, JSON.stringify(jobs));
        const res = spawnSync(python!, ['-c', ZFP_SCRIPT, jobFile], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 15 * 60_000, killSignal: 'SIGKILL' });
        if (res.status !== 0) throw new Error(`ZFP (python3-zfpy) failed: ${(res.stderr || res.error?.message || '').trim().split('\n').pop()}`);
        return (JSON.parse(res.stdout) as [number, number][]).map(([wallSeconds, cpuSeconds]) => ({ wallSeconds, cpuSeconds }));
      };
      try {
        const c = runJobs(inputs.map((input, k) => ({
          op: 'compress', in: input.file, out: files[k].stream, dtype: input.dtype, shape: input.shape, tolerance: tolerances[k],
        })));
        const d = runJobs(files.map((f) => ({ op: 'decompress', in: f.stream, out: f.back })));
        return inputs.map((input, k) => ({
          bytes: fs.statSync(files[k].stream).size, decoded: readBack(files[k].back, input.dtype), compress: c[k], decompress: d[k],
        }));
      } finally {
        for (const f of files) for (const p of [f.stream, f.back]) fs.rmSync(p, { force: true });
      }
    },
  };
}

/** The peers in table order: the error-bounded ones, then lossless zstd -19. */
export function peerCodecs(tools: PeerTools): PeerCodec[] {
  return [
    sz3Codec('SZ3', path.join(tools.bin, 'sz3'), []),
    sz3Codec('QoZ', path.join(tools.bin, 'sz3-qoz'), ['-q', '3']),
    sperrCodec(tools.bin),
    zfpCodec(tools.zfpPython, tools.zfpMissing),
    zstdCodec,
  ];
}

/** Runs the per-column results of one compressor as one: bytes and times summed (each stream's header counted). */
export function sumRuns(runs: CodecRun[], decoded: StoredArray): CodecRun {
  const add = (pick: (r: CodecRun) => Timing): Timing => ({
    wallSeconds: runs.reduce((s, r) => s + pick(r).wallSeconds, 0),
    cpuSeconds: runs.reduce((s, r) => s + pick(r).cpuSeconds, 0),
  });
  const rss = runs.map((r) => r.peakRssMB).filter((m): m is number => m !== undefined);
  return {
    bytes: runs.reduce((s, r) => s + r.bytes, 0),
    decoded,
    compress: add((r) => r.compress),
    decompress: add((r) => r.decompress),
    peakRssMB: rss.length ? Math.max(...rss) : undefined,
  };
}
