// The project's test command, in tiers: unit (plain Node, mocha, no processes or builds), e2e (the CLI, the
// demo and the kernel process, each run as a process), then the extension's tests in a real VS Code
// (scripts/vscode-tests.mjs). Ends with the line "N passed, N failed"; exits 1 on any failure.
//   node scripts/run-tests.mjs                 every tier
//   node scripts/run-tests.mjs --unit [FILES]  the unit tier (or the given test files)
//   node scripts/run-tests.mjs --e2e [FILES]   the e2e tier (or the given test files)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tierFlags = ['--unit', '--e2e'];
const chosen = process.argv.filter((a) => tierFlags.includes(a)).map((a) => a.slice(2));
const files = process.argv.slice(2).filter((a) => !tierFlags.includes(a));
const countsDir = mkdtempSync(join(tmpdir(), 'baler-test-counts-'));
const totals = { passed: 0, failed: 0 };

function runStage(name, args) {
  const countsFile = join(countsDir, `${name}.json`);
  console.log(`\n=== ${name} tests ===`);
  const started = Date.now();
  const res = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, BALER_TEST_COUNTS: countsFile },
  });
  console.log(`=== ${name} tests took ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
  if (!existsSync(countsFile)) {
    console.error(`${name} tests did not report results (exit ${res.status ?? res.signal}); counted as one failure`);
    totals.failed += 1;
    return;
  }
  const counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  if (res.status !== 0 && counts.failed === 0) {
    console.error(`${name} tests exited with ${res.status ?? res.signal}; counted as one failure`);
    totals.failed += 1;
  }
}

function mocha(name, defaultGlob, timeout) {
  runStage(name, [
    '--import', 'tsx',
    'node_modules/mocha/bin/mocha.js',
    '--reporter', './scripts/count-reporter.cjs',
    '--timeout', String(timeout),
    ...(files.length && chosen.length === 1 ? files : [defaultGlob]),
  ]);
}

// The layers (engine, webviews, extension, tests), each with only its platform's types: a type error is a
// failure of the run, like a failing test.
function typecheck() {
  console.log('\n=== typecheck ===');
  for (const project of ['src/kernel', 'webviews', 'src/extension', 'test/unit']) {
    const res = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', project], { stdio: 'inherit' });
    if (res.status === 0) totals.passed += 1;
    else {
      console.error(`typecheck of ${project} failed`);
      totals.failed += 1;
    }
  }
}

const all = chosen.length === 0;
if ((all || chosen.includes('unit')) && files.length === 0) typecheck();
if (all || chosen.includes('unit')) mocha('unit', 'test/unit/**/*.test.ts', 60_000);
if (all || chosen.includes('e2e')) mocha('e2e', 'test/e2e/**/*.test.ts', 300_000);
if (all && existsSync('scripts/vscode-tests.mjs')) runStage('vscode', ['scripts/vscode-tests.mjs']);

rmSync(countsDir, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
