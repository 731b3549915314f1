// `--suite startup`: what starting costs. Each `baler` command on a small file (a 200×200 float32 .npy and the
// same as .h5, generated) run as its own process from the built dist/cli.js, beside an empty `node -e ""`:
// median wall time and the process's own CPU time (user + system, read in the process at exit by a --require
// hook, which also lists the dist/vendor/ bundles it loaded). Then the kernel process (dist/kernel.js): time from
// fork to its 'ready' message. `--runs N` (default 9; `--quick` 3); `--dist DIR` measures other bundles (another build's
// dist/, to compare).
import { fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeDataset } from '../kernel/data/dataset';
import { BenchArgs, BenchSuite, flagValue, rowsTable } from './suite';

interface Row {
  command: string;
  wallMs: number;
  cpuMs: number;
  /** dist/vendor bundles the command loaded. */
  vendor: string;
}

/** Written by the hook at exit: the process's CPU time and the module files it loaded. */
interface Exit { cpuMs: number; loaded: string[] }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function hookSource(report: string): string {
  return `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(${JSON.stringify(report)}, ` +
    `JSON.stringify({ cpuMs: (u.user + u.system) / 1000, loaded: Object.keys(require.cache) })); });\n`;
}

function runOnce(args: string[], cwd: string, hook: string, report: string): { wallMs: number; exit: Exit } {
  fs.rmSync(report, { force: true });
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--require', hook, ...args], { cwd, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
  return { wallMs, exit: JSON.parse(fs.readFileSync(report, 'utf8')) as Exit };
}

function kernelReadyMs(kernel: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = fork(kernel, [], { stdio: 'ignore' });
    child.once('error', reject);
    child.on('message', (m: { type?: string }) => {
      if (m.type !== 'ready') return;
      const ms = performance.now() - started;
      child.once('exit', () => resolve(ms));
      child.disconnect();
    });
  });
}

async function runStartup(args: BenchArgs): Promise<{ commands: Row[]; kernelReadyMs: number }> {
  // dist/bench.js sits beside dist/cli.js and dist/kernel.js.
  const dist = path.resolve(flagValue(args.argv, '--dist') ?? __dirname);
  const cli = path.join(dist, 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found: build first (npm run build)`);
  const runs = Number(flagValue(args.argv, '--runs') ?? (args.quick ? 3 : 9));
  const dir = path.join(args.out, 'startup');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const hook = path.join(dir, 'exit-hook.cjs');
  const report = path.join(dir, 'exit.json');
  fs.writeFileSync(hook, hookSource(report));
  const values = Float64Array.from({ length: 200 * 200 }, (_, i) => Math.fround(10 * Math.sin((i % 200) / 31) * Math.cos(Math.floor(i / 200) / 17)));
  const field = { kind: 'table' as const, shape: [200, 200], dtype: 'float32' as const, names: [], values };
  await writeDataset(path.join(dir, 'small.npy'), field);
  await writeDataset(path.join(dir, 'small.h5'), field, { path: 'u' });
  const baler = (...a: string[]) => [cli, ...a];
  runOnce(baler('compress', 'small.npy', '--learned', 'none', '-o', 'small.baler', '--force'), dir, hook, report);
  const commands: [string, string[]][] = [
    ['node -e "" (Node alone)', ['-e', '']],
    ['baler --version', baler('--version')],
    ['baler info small.baler', baler('info', 'small.baler')],
    ['baler decompress → .npy', baler('decompress', 'small.baler', '-o', 'back.npy', '--force')],
    ['baler compress .npy (--learned none)', baler('compress', 'small.npy', '--learned', 'none', '-o', 'c.baler', '--force')],
    ['baler compress .h5 (--learned none)', baler('compress', 'small.h5', '--learned', 'none', '-o', 'h.baler', '--force')],
  ];
  const rows: Row[] = [];
  for (const [command, a] of commands) {
    args.log(`startup: ${command} × ${runs}`);
    const samples = Array.from({ length: runs }, () => runOnce(a, dir, hook, report));
    const vendor = samples[0].exit.loaded.filter((f) => f.includes(`${path.sep}vendor${path.sep}`)).map((f) => path.basename(f, '.js'));
    rows.push({ command, wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.exit.cpuMs)), vendor: vendor.join(', ') || '-' });
  }
  const ready: number[] = [];
  for (let i = 0; i < runs; i++) ready.push(await kernelReadyMs(path.join(dist, 'kernel.js')));
  fs.rmSync(dir, { recursive: true, force: true });
  return { commands: rows, kernelReadyMs: median(ready) };
}

export const startupSuite: BenchSuite = {
  name: 'startup',
  title: 'Start-up: each command on a 160 kB file as its own process, median wall and its own CPU time (ms)',
  async run(args) {
    const result = await runStartup(args);
    console.log(rowsTable(result.commands));
    console.log(`kernel process (dist/kernel.js): ready ${result.kernelReadyMs.toFixed(0)} ms after fork (median)`);
    return result;
  },
};
