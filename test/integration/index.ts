// Entry of the integration tests, run by VS Code's extension host (extensionTestsPath = this bundle).
// Mocha runs inside the real host; each result is logged with a "[baler-test]" prefix (the harness prints
// those lines) and the counts are written to $BALER_INTEGRATION_COUNTS for scripts/vscode-tests.mjs.
import * as fs from 'node:fs';
import Mocha from 'mocha';

function log(line: string): void {
  console.log(`[baler-test] ${line}`);
}

/** Loads the test files after mocha has put describe/it in scope (they are bundled into this file). */
function loadTestFiles(): void {
  require('./activation.test');
  require('./kernel.test');
  require('./commands.test');
  require('./sets.test');
  require('./project.test');
  require('./editor.test');
  require('./notebook.test');
  require('./gpu.test');
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: class {} as never });
  mocha.suite.emit('pre-require', globalThis, 'bundled', mocha);
  const grep = process.env.BALER_TEST_GREP;
  if (grep) mocha.grep(grep);
  loadTestFiles();
  return new Promise((resolve, reject) => {
    const counts = { passed: 0, failed: 0 };
    const runner = mocha.run();
    runner.on('suite', (suite) => suite.title && log(`${suite.fullTitle()}`));
    runner.on('pass', (test) => {
      counts.passed++;
      log(`  ✓ ${test.title} (${test.duration} ms)`);
    });
    runner.on('fail', (test, err: Error) => {
      counts.failed++;
      log(`  ✗ ${test.fullTitle()}: ${err.stack ?? err.message}`);
    });
    runner.on('end', () => {
      log(`${counts.passed} passed, ${counts.failed} failed`);
      const file = process.env.BALER_INTEGRATION_COUNTS;
      if (file) fs.writeFileSync(file, JSON.stringify(counts));
      if (counts.failed > 0) reject(new Error(`${counts.failed} integration tests failed`));
      else resolve();
    });
  });
}
