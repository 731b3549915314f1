// The project's test command: unit tests (plain Node, mocha), then the extension's tests in a real
// VS Code (scripts/vscode-tests.mjs). Ends with the line "N passed, N failed"; exits 1 on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const unitOnly = process.argv.includes('--unit');
const extra = process.argv.slice(2).filter((a) => a !== '--unit');
const countsDir = mkdtempSync(join(tmpdir(), 'baler-test-counts-'));
const totals = { passed: 0, failed: 0 };

function runStage(name, args) {
  const countsFile = join(countsDir, `${name}.json`);
  console.log(`\n=== ${name} tests ===`);
  const res = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, BALER_TEST_COUNTS: countsFile },
  });
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

runStage('unit', [
  '--import', 'tsx',
  'node_modules/mocha/bin/mocha.js',
  '--reporter', './scripts/count-reporter.cjs',
  '--timeout', '300000',
  ...(extra.length ? extra : ['test/unit/**/*.test.ts']),
]);

if (!unitOnly && existsSync('scripts/vscode-tests.mjs')) {
  runStage('vscode', ['scripts/vscode-tests.mjs']);
}

rmSync(countsDir, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
