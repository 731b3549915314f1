// `npm run bench -- --suite scale [--sizes 0.1,1,4] [--scratch DIR]`: files larger than memory. Generated float32
// fields (frames of 256 × 256, a smooth field plus noise) of 100 MB, 1 GB and 4 GB, written in pieces, never held
// whole; baler compress and decompress at rel:1e-3 on one thread and on every core, beside zstd -3 (-T1 and -T0)
// and ZFP at the same tolerance (≤ 1 GB: zfpy holds the array), each a child process measured for wall time, CPU
// time and peak memory. The largest file is also compressed under a memory cap (a cgroup) of 1 GB.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { BenchSuite } from './suite';
import { flagValue, rowsTable } from './suite';
import { ensureAptPackages, runMeasured, type ChildRun } from './peer-tools';
import { fieldFrame } from './synthetic-data';
import { npyHeaderFor } from '../kernel/data/npy';

const HEIGHT = 256;
const WIDTH = 256;
const FRAME_BYTES = HEIGHT * WIDTH * 4;
const REL = 1e-3;

interface ScaleRow {
  size: string;
  tool: string;
  step: 'compress' | 'decompress';
  mbPerSecondWall: number;
  mbPerSecondCpu: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  ratio: number | null;
}

/** A field of `frames` frames written frame by frame as .npy, with its range (min, max) measured on the way. */
function writeField(file: string, frames: number, log: (l: string) => void): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  if (fs.existsSync(file) && fs.existsSync(`${file}.range.json`)) return JSON.parse(fs.readFileSync(`${file}.range.json`, 'utf8'));
  log(`scale: writing ${path.basename(file)} (${((frames * FRAME_BYTES) / 1e9).toFixed(2)} GB)`);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, npyHeaderFor('float32', [frames, HEIGHT, WIDTH]));
    const frame = new Float32Array(HEIGHT * WIDTH);
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) + 0.5) / 2 ** 32;
    for (let t = 0; t < frames; t++) {
      fieldFrame(t, HEIGHT, WIDTH, random, frame);
      for (const v of frame) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      fs.writeSync(fd, new Uint8Array(frame.buffer));
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(`${file}.range.json`, JSON.stringify({ min, max }));
  return { min, max };
}

function row(size: string, tool: string, step: ScaleRow['step'], bytes: number, run: ChildRun, ratio: number | null): ScaleRow {
  const mb = bytes / 1e6;
  return {
    size, tool, step, mbPerSecondWall: mb / run.wallSeconds, mbPerSecondCpu: mb / Math.max(1e-9, run.cpuSeconds),
    wallSeconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, peakRssMB: run.peakRssMB, ratio,
  };
}

/** Runs a command inside a cgroup (v1 or v2) limited to `bytes` of memory; undefined when cgroups are unavailable. */
function runCapped(bytes: number, cmd: string[]): ChildRun | undefined {
  const v1 = '/sys/fs/cgroup/memory';
  const v2 = '/sys/fs/cgroup';
  const group = fs.existsSync(path.join(v1, 'cgroup.procs')) ? path.join(v1, `baler-bench-${process.pid}`)
    : fs.existsSync(path.join(v2, 'cgroup.controllers')) ? path.join(v2, `baler-bench-${process.pid}`) : undefined;
  if (!group || process.getuid?.() !== 0) return undefined;
  fs.mkdirSync(group);
  try {
    const v1Limit = path.join(group, 'memory.limit_in_bytes');
    if (fs.existsSync(v1Limit)) {
      fs.writeFileSync(v1Limit, String(bytes));
      const swap = path.join(group, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(swap)) fs.writeFileSync(swap, String(bytes));
    } else {
      fs.writeFileSync(path.join(group, 'memory.max'), String(bytes));
    }
    // The measuring child joins the group first, then starts the command.
    return runMeasured('sh', ['-c', `echo $$ > ${group}/cgroup.procs && exec "$@"`, 'sh', ...cmd]);
  } finally {
    spawnSync('rmdir', [group]);
  }
}

export const scaleSuite: BenchSuite = {
  name: 'scale',
  title: 'Files larger than memory: compress and decompress throughput and peak memory (float32 fields, rel:1e-3)',
  async run(args) {
    ensureAptPackages(['zstd'], 'the scale benchmark (zstd beside baler)', args.log);
    const sizes = (flagValue(args.argv, '--sizes') ?? (args.quick ? '0.1' : '0.1,1,4')).split(',').map(Number);
    const scratch = path.resolve(flagValue(args.argv, '--scratch') ?? path.join(args.out, 'scale-data'));
    fs.mkdirSync(scratch, { recursive: true });
    const baler = [process.execPath, path.join(__dirname, 'cli.js')];
    const cores = String(os.cpus().length);
    const rows: ScaleRow[] = [];
    const caps: Record<string, unknown>[] = [];
    for (const gb of sizes) {
      const frames = Math.round((gb * 1e9) / FRAME_BYTES);
      const size = `${gb} GB`;
      const input = path.join(scratch, `field-${frames}.npy`);
      const { min, max } = writeField(input, frames, args.log);
      const inputBytes = fs.statSync(input).size;
      const out = (name: string) => path.join(scratch, name);
      for (const threads of ['1', cores]) {
        const tool = `baler (${threads} thread${threads === '1' ? '' : 's'})`;
        args.log(`scale: ${size} ${tool}`);
        const c = runMeasured(baler[0], [baler[1], 'compress', input, '-o', out('f.baler'), '--error-bound', `rel:${REL}`, '--threads', threads, '--force'], 6 * 3600);
        const ratio = inputBytes / fs.statSync(out('f.baler')).size;
        rows.push(row(size, tool, 'compress', inputBytes, c, ratio));
        const d = runMeasured(baler[0], [baler[1], 'decompress', out('f.baler'), '-o', out('f.npy'), '--threads', threads, '--force'], 6 * 3600);
        rows.push(row(size, tool, 'decompress', inputBytes, d, ratio));
        fs.rmSync(out('f.npy'), { force: true });
      }
      for (const t of ['-T1', '-T0']) {
        const c = runMeasured('zstd', ['-3', t, '-q', '-f', input, '-o', out('f.zst')], 6 * 3600);
        const ratio = inputBytes / fs.statSync(out('f.zst')).size;
        rows.push(row(size, `zstd -3 ${t}`, 'compress', inputBytes, c, ratio));
        rows.push(row(size, `zstd -3 ${t}`, 'decompress', inputBytes, runMeasured('zstd', ['-d', t, '-q', '-f', out('f.zst'), '-o', out('f.raw')], 6 * 3600), ratio));
        fs.rmSync(out('f.raw'), { force: true });
      }
      if (gb <= 1) rows.push(...zfpRows(size, input, inputBytes, REL * (max - min), args.log));
      if (gb === Math.max(...sizes)) {
        const capped = runCapped(2 ** 30, [baler[0], baler[1], 'compress', input, '-o', out('capped.baler'), '--error-bound', `rel:${REL}`, '--memory', '768M', '--force']);
        caps.push(capped
          ? { size, cap: '1 GiB (cgroup)', result: 'completed', peakRssMB: capped.peakRssMB, wallSeconds: capped.wallSeconds, cpuSeconds: capped.cpuSeconds }
          : { size, cap: '1 GiB', result: 'not run: needs root and cgroups' });
      }
      for (const f of ['f.baler', 'f.zst', 'capped.baler']) fs.rmSync(out(f), { force: true });
    }
    console.log(rowsTable(rows));
    if (caps.length) {
      console.log('\nUnder a memory cap');
      console.log(rowsTable(caps));
    }
    return { rows, caps, cores: Number(cores) };
  },
};

/** ZFP in fixed-accuracy mode at the same absolute tolerance, through Debian's python3-zfpy (whole array in memory). */
function zfpRows(size: string, input: string, inputBytes: number, tolerance: number, log: (l: string) => void): ScaleRow[] {
  try {
    ensureAptPackages(['python3-zfpy', 'python3-numpy'], 'the scale benchmark (ZFP beside baler)', log);
  } catch (err) {
    log(`scale: ZFP skipped: ${(err as Error).message}`);
    return [];
  }
  const script = (mode: string) => `import numpy, zfpy, sys\na = numpy.load(sys.argv[1], mmap_mode='r')\n` +
    (mode === 'c' ? `open(sys.argv[2], 'wb').write(zfpy.compress_numpy(numpy.ascontiguousarray(a), tolerance=${tolerance}))`
      : `b = zfpy.decompress_numpy(open(sys.argv[2], 'rb').read())`);
  const zfp = `${input}.zfp`;
  const c = runMeasured('/usr/bin/python3', ['-c', script('c'), input, zfp], 3600);
  const ratio = inputBytes / fs.statSync(zfp).size;
  const d = runMeasured('/usr/bin/python3', ['-c', script('d'), input, zfp], 3600);
  fs.rmSync(zfp, { force: true });
  return [row(size, 'ZFP (zfpy)', 'compress', inputBytes, c, ratio), row(size, 'ZFP (zfpy)', 'decompress', inputBytes, d, ratio)];
}
