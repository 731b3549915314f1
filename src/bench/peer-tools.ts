// The classical compressors the peers suite runs beside baler, found or made ready once: SZ3, its QoZ branch and
// SPERR built from ../shared/peers into a cache; Debian's zstd CLI and ZFP's Python binding (python3-zfpy).
// Missing Debian packages are installed with apt-get when running as root; otherwise the error says what to install.
// Also: running a child process with its own CPU time measured (the child's rusage).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PeerTools {
  /** Folder holding sz3, sz3-qoz, sperr2d, sperr3d. */
  bin: string;
  /** The build's VERSIONS file (compilers, tool versions). */
  versions: string;
  /** Debian's Python with zfpy importable, or undefined (then `zfpMissing` says why). */
  zfpPython?: string;
  zfpMissing?: string;
}

/** Debian packages needed to build the peers from source. */
const BUILD_PACKAGES = ['g++', 'cmake', 'make', 'pkg-config', 'libzstd-dev'];
/** Debian packages the suite runs: the zstd CLI (lossless baseline) and Python (measures each child's CPU time). */
const RUN_PACKAGES = ['zstd', 'python3'];
const ZFP_PACKAGE = 'python3-zfpy';
/** Debian's own interpreter: python3-zfpy installs into its dist-packages, not into a pyenv or venv Python. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const PEER_BINARIES = ['sz3', 'sz3-qoz', 'sperr2d', 'sperr3d'];

/** A folder of ../shared (sharedRoot: ../shared beside the repository, or --shared DIR); an error when absent. */
export function sharedFolder(sharedRoot: string, sub: string): string {
  const dir = path.join(sharedRoot, sub);
  if (!fs.existsSync(dir)) {
    throw new Error(`${dir} not found: the peers suite needs the folder ../shared (with peers/ and data/) beside the repository, or --shared DIR`);
  }
  return dir;
}

/** Where the built peers are cached: $BALER_PEERS_DIR, else ~/.cache/baler-peers. */
export function peersCacheDir(): string {
  return process.env.BALER_PEERS_DIR || path.join(os.homedir(), '.cache', 'baler-peers');
}

function dpkgInstalled(pkg: string): boolean {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes('install ok installed');
}

function runOrThrow(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', env: opts.env, timeout: opts.timeoutMs ?? 20 * 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  if (res.status !== 0) {
    const why = res.error ? res.error.message : `exit ${res.status ?? res.signal}`;
    const tail = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${why})${tail ? `:\n${tail}` : ''}`);
  }
  return res.stdout;
}

/** Installs the missing Debian packages as root; otherwise throws naming them (`why` says what they are for). */
export function ensureAptPackages(packages: string[], why: string, log: (line: string) => void): void {
  const missing = packages.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages for ${why}: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  }
  log(`installing system packages for ${why}: ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runOrThrow('apt-get', ['update'], { env });
  runOrThrow('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

function peersBuilt(prefix: string): boolean {
  return PEER_BINARIES.every((b) => fs.existsSync(path.join(prefix, 'bin', b)));
}

/**
 * Builds SZ3, QoZ and SPERR with ../shared/peers/build.sh into the cache, once (about 3.5 minutes on 2 cores).
 * The build goes to a private folder renamed into place when complete, so a failed or concurrent build never
 * leaves a half-built cache behind.
 */
function ensurePeersBuilt(sharedRoot: string, log: (line: string) => void): string {
  const prefix = peersCacheDir();
  if (peersBuilt(prefix)) return prefix;
  if (fs.existsSync(prefix)) throw new Error(`${prefix} exists but lacks ${PEER_BINARIES.join(', ')}: remove it and run again`);
  const buildScript = path.join(sharedFolder(sharedRoot, 'peers'), 'build.sh');
  ensureAptPackages(BUILD_PACKAGES, 'building SZ3, QoZ and SPERR', log);
  const partial = `${prefix}.partial-${process.pid}`;
  log(`building SZ3, QoZ and SPERR from ${path.dirname(buildScript)} into ${prefix} (once; about 3.5 min on 2 cores)`);
  try {
    runOrThrow('bash', [buildScript, partial], { timeoutMs: 40 * 60_000 });
    if (!peersBuilt(partial)) throw new Error(`${buildScript} finished but ${partial}/bin lacks ${PEER_BINARIES.join(', ')}`);
    // The binaries are static; the unpacked sources and CMake trees are not needed to run them.
    for (const sub of ['src', 'build']) fs.rmSync(path.join(partial, sub), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
    try {
      fs.renameSync(partial, prefix);
    } catch (err) {
      if (!peersBuilt(prefix)) throw err; // else another run finished first: use its build
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return prefix;
}

/** ZFP through Debian's python3-zfpy: installed when running as root, else reported as not installed. */
function findZfp(log: (line: string) => void): { zfpPython?: string; zfpMissing?: string } {
  const importable = () => spawnSync(SYSTEM_PYTHON, ['-c', 'import zfpy, numpy'], { encoding: 'utf8' }).status === 0;
  if (fs.existsSync(SYSTEM_PYTHON) && importable()) return { zfpPython: SYSTEM_PYTHON };
  if (process.getuid?.() === 0) {
    ensureAptPackages([ZFP_PACKAGE], 'ZFP', log);
    if (importable()) return { zfpPython: SYSTEM_PYTHON };
    return { zfpMissing: `${ZFP_PACKAGE} installed but ${SYSTEM_PYTHON} cannot import zfpy` };
  }
  return { zfpMissing: `not installed (sudo apt-get install -y ${ZFP_PACKAGE})` };
}

/** Everything the peers suite runs, built or installed where needed. */
export function ensurePeerTools(sharedRoot: string, log: (line: string) => void): PeerTools {
  ensureAptPackages(RUN_PACKAGES, 'the peers benchmark (zstd CLI, Python to time the peers)', log);
  const prefix = ensurePeersBuilt(sharedRoot, log);
  const versionsFile = path.join(prefix, 'VERSIONS');
  const versions = fs.existsSync(versionsFile) ? fs.readFileSync(versionsFile, 'utf8').trim() : '(no VERSIONS file)';
  return { bin: path.join(prefix, 'bin'), versions, ...findZfp(log) };
}

export interface ChildRun {
  /** Wall-clock seconds of the child, from its start to its exit. */
  wallSeconds: number;
  /** User + system CPU seconds of the child (its rusage, microseconds). */
  cpuSeconds: number;
  /** Peak resident memory of the child, MB. */
  peakRssMB: number;
}

// Node cannot read a child's rusage, and GNU time prints CPU seconds to 10 ms only (0.00 on small arrays), so a
// few lines of Debian's Python start each child and read its own rusage (wait4); the interpreter's start is
// outside the figures and is paid once per batch (a table's columns). argv: job file, result file.
const MEASURE_SCRIPT = `
import json, os, signal, sys, threading, time
job = json.load(open(sys.argv[1]))
results = []
for cmd in job['commands']:
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    timer = threading.Timer(job['timeout'], lambda: os.kill(pid, signal.SIGKILL))
    timer.start()
    _, status, ru = os.wait4(pid, 0)
    timer.cancel()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    results.append({'code': code, 'wall': wall, 'cpu': ru.ru_utime + ru.ru_stime, 'rssKB': ru.ru_maxrss})
    if code != 0: break
json.dump(results, open(sys.argv[2], 'w'))
`;

/**
 * Runs commands one after the other, each measured on its own; throws with the end of the output when one fails
 * (or is killed after `timeoutSeconds`), naming it.
 */
export function runMeasuredBatch(commands: string[][], timeoutSeconds = 15 * 60): ChildRun[] {
  if (!fs.existsSync(SYSTEM_PYTHON)) throw new Error(`${SYSTEM_PYTHON} not found: the peers benchmark times its children with Debian's python3 (apt-get install -y python3)`);
  const base = path.join(os.tmpdir(), `baler-bench-run-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    fs.writeFileSync(`${base}.job.json`, JSON.stringify({ commands, timeout: timeoutSeconds }));
    const res = spawnSync(SYSTEM_PYTHON, ['-c', MEASURE_SCRIPT, `${base}.job.json`, `${base}.out.json`], {
      encoding: 'utf8', timeout: (commands.length * timeoutSeconds + 60) * 1000, killSignal: 'SIGKILL', maxBuffer: 64 << 20,
    });
    const tail = () => {
      const t = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
      return t ? `: ${t}` : '';
    };
    if (res.status !== 0) throw new Error(`running ${path.basename(commands[0][0])} failed (${res.error?.message ?? `exit ${res.status ?? res.signal}`})${tail()}`);
    const results = JSON.parse(fs.readFileSync(`${base}.out.json`, 'utf8')) as { code: number; wall: number; cpu: number; rssKB: number }[];
    const bad = results.findIndex((r) => r.code !== 0);
    if (bad >= 0) {
      const why = results[bad].code === -9 ? `killed after ${timeoutSeconds} s` : `exit ${results[bad].code}`;
      throw new Error(`${path.basename(commands[bad][0])} failed (${why})${tail()}`);
    }
    return results.map((r) => ({ wallSeconds: r.wall, cpuSeconds: r.cpu, peakRssMB: r.rssKB / 1024 }));
  } finally {
    for (const f of [`${base}.job.json`, `${base}.out.json`]) fs.rmSync(f, { force: true });
  }
}

/** One command, measured (see runMeasuredBatch). */
export function runMeasured(cmd: string, args: string[], timeoutSeconds?: number): ChildRun {
  return runMeasuredBatch([[cmd, ...args]], timeoutSeconds)[0];
}
