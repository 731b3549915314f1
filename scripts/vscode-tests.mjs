// The extension's tests in a real VS Code: the VS Code server inside the npm package code-server (installed
// and cached by ensure-vscode.mjs), its workbench opened in headless Chromium through playwright-core.
//  1. integration tests: mocha inside the real extension host (dist/test/integration.js, run() per test file);
//  2. the UI test (scripts/vscode-ui-test.mjs) through Chromium, as a person uses it: right-click a data file,
//     compress it, the dashboard, a notebook, a project config with its project view beside it (train, live loss
//     curve, compress, trade-off chart); screenshots under test-output/vscode/.
// Writes {passed, failed} to $BALER_TEST_COUNTS, ends with "N passed, N failed", exits 1 on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVscode } from './ensure-vscode.mjs';
import { runUiTest } from './vscode-ui-test.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputDir = join(repo, 'test-output', 'vscode');
const INTEGRATION_TIMEOUT_MS = 15 * 60 * 1000;
const started = Date.now();
const log = (line) => console.log(`[vscode-tests ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'files.hotExit': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.commandCenter.enabled': false,
};

/** Noise of an offline machine that says nothing about the extension. */
const HARMLESS = [/ENOTFOUND/, /open-vsx\.org/, /vsda/, /github.*auth/i, /Failed to fetch/, /net::ERR_/, /\[Service Worker\]/,
  /Aborted onWillSave(Text|Notebook)Document/, /Long running operations during shutdown/, /handleSaveError/];

function ensureBuilt() {
  const needed = ['dist/extension.js', 'dist/kernel.js', 'dist/test/integration.js', 'dist/webviews/project.js'];
  if (needed.every((f) => existsSync(join(repo, f)))) return;
  log('building (node esbuild.mjs)');
  const res = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('esbuild failed');
  const missing = needed.filter((f) => !existsSync(join(repo, f)));
  if (missing.length) throw new Error(`build did not produce ${missing.join(', ')}`);
}

function makeSandbox() {
  const root = mkdtempSync(join(tmpdir(), 'baler-vscode-'));
  const dirs = {};
  for (const name of ['user-data', 'server-data', 'extensions', 'xdg-config', 'xdg-data', 'xdg-cache', 'workspace', 'ui-workspace']) {
    dirs[name] = join(root, name);
    mkdirSync(dirs[name], { recursive: true });
  }
  for (const settingsDir of [join(dirs['user-data'], 'User'), join(dirs['server-data'], 'data', 'Machine'), join(dirs['server-data'], 'data', 'User')]) {
    mkdirSync(settingsDir, { recursive: true });
    writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  }
  return { root, dirs };
}

function freePort() {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** Starts server-main.js; resolves once it listens. Its output goes to the log file and, when asked, here. */
function startServer(tools, sandbox, port, env) {
  const args = [
    tools.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', sandbox.dirs['user-data'], '--server-data-dir', sandbox.dirs['server-data'],
    '--extensions-dir', sandbox.dirs.extensions,
  ];
  const server = spawn(tools.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  serverToStop = server;
  const lines = [];
  return new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(() => rejectReady(new Error(`server did not start in 60 s:\n${lines.join('\n')}`)), 60_000);
    server.on('error', (err) => rejectReady(new Error(`could not start ${tools.node} ${tools.serverMain}: ${err.message}`)));
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (process.env.BALER_VSCODE_VERBOSE) console.log(`  [server] ${line}`);
        if (line.includes('Extension host agent listening on')) {
          clearTimeout(timer);
          resolveReady({ server, lines });
        }
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => rejectReady(new Error(`server exited with ${code}:\n${lines.join('\n')}`)));
  });
}

/** The VS Code server once spawned: stopped on the way out, whatever happened (it runs in its own process group). */
let serverToStop;

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM to the server's process group (extension hosts, kernel processes), SIGKILL to what is left after 5 s. */
async function stopProcessTree(child) {
  if (!child?.pid) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
  killGroup(child.pid, 'SIGKILL');
}

// Ctrl+C or a killed parent: the detached server would outlive this script, so stop it first.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`[vscode-tests] ${signal}: stopping the VS Code server`);
    if (serverToStop?.pid) killGroup(serverToStop.pid, 'SIGKILL');
    process.exit(1);
  });
}

export function workbenchUrl(port, folder, payload) {
  const params = new URLSearchParams({ folder });
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${params.toString()}`;
}

export async function launchBrowser(tools) {
  const { chromium } = createRequire(import.meta.url)(tools.playwrightCore);
  return chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

/** Runs the integration tests inside the extension host; resolves with their counts and exit code. */
async function runIntegrationTests(browser, port, sandbox, countsFile) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    if (HARMLESS.some((re) => re.test(text))) return;
    if (text.startsWith('[baler-test]')) console.log(`  ${text.slice('[baler-test] '.length)}`);
    else if (process.env.BALER_VSCODE_VERBOSE || type === 'error') console.log(`  [host ${type}] ${text.slice(0, 2000)}`);
  });
  page.on('pageerror', (err) => process.env.BALER_VSCODE_VERBOSE && console.log(`  [page] ${err.message}`));
  const url = workbenchUrl(port, sandbox.dirs.workspace, [
    ['extensionDevelopmentPath', remote(repo)],
    ['extensionTestsPath', remote(join(repo, 'dist/test/integration.js'))],
  ]);
  log('integration tests: opening the workbench');
  await page.goto(url);
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), INTEGRATION_TIMEOUT_MS));
  const code = await Promise.race([exited, timeout]);
  await page.screenshot({ path: join(outputDir, 'integration-end.png') }).catch(() => undefined);
  await page.close().catch(() => undefined);
  if (code === 'timeout') return { passed: 0, failed: 1, note: `timed out after ${INTEGRATION_TIMEOUT_MS / 1000} s` };
  const counts = existsSync(countsFile) ? JSON.parse(readFileSync(countsFile, 'utf8')) : null;
  if (!counts) return { passed: 0, failed: 1, note: `no results (exit code ${code})` };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

async function main() {
  const totals = { passed: 0, failed: 0 };
  let browser;
  const sandbox = makeSandbox();
  try {
    const tools = ensureVscode();
    ensureBuilt();
    mkdirSync(outputDir, { recursive: true });
    const port = freePort();
    const countsFile = join(sandbox.root, 'integration-counts.json');
    // The .vsix a user would install, from the bundles just built; the packaging test reads it.
    const vsix = join(sandbox.root, 'baler.vsix');
    log('packaging the .vsix (scripts/vscode-package.mjs)');
    const packaged = spawnSync(process.execPath, [join(repo, 'scripts', 'vscode-package.mjs'), '--skip-build', '--out', vsix], { cwd: repo, encoding: 'utf8' });
    if (packaged.status !== 0) log(`packaging failed:\n${packaged.stdout}${packaged.stderr}`);
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: sandbox.dirs['xdg-config'], XDG_DATA_HOME: sandbox.dirs['xdg-data'], XDG_CACHE_HOME: sandbox.dirs['xdg-cache'],
      BALER_INTEGRATION_COUNTS: countsFile,
      BALER_TEST_WORKSPACE: sandbox.dirs.workspace,
      BALER_TEST_OUTPUT: outputDir,
      BALER_TEST_VSIX: vsix,
      BALER_SHARED_DATA: resolve(repo, '..', 'shared', 'data'),
    };
    delete env.BALER_TEST_COUNTS;
    log(`starting the VS Code server on port ${port}`);
    await startServer(tools, sandbox, port, env);
    log('server ready; launching headless Chromium');
    browser = await launchBrowser(tools);

    if (!process.env.BALER_SKIP_INTEGRATION) {
      const integration = await runIntegrationTests(browser, port, sandbox, countsFile);
      log(`integration tests: ${integration.passed} passed, ${integration.failed} failed${integration.note ? ` (${integration.note})` : ''}`);
      totals.passed += integration.passed;
      totals.failed += integration.failed;
    }

    if (!process.env.BALER_SKIP_UI_TEST) {
      log('UI test: explorer right-click → Compress File → dashboard');
      const ui = await runUiTest({ browser, port, repo, workspace: sandbox.dirs['ui-workspace'], outputDir, log });
      totals.passed += ui.passed;
      totals.failed += ui.failed;
    }
  } catch (err) {
    console.error(`[vscode-tests] ${err.stack ?? err}`);
    totals.failed += 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await stopProcessTree(serverToStop);
    try {
      rmSync(sandbox.root, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      console.error(`[vscode-tests] could not remove ${sandbox.root}: ${err.message}`);
    }
  }
  if (process.env.BALER_TEST_COUNTS) writeFileSync(process.env.BALER_TEST_COUNTS, JSON.stringify(totals));
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
