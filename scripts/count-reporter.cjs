// mocha reporter: the usual spec output, plus the pass/fail counts written to $BALER_TEST_COUNTS
// so that scripts/run-tests.mjs can add up every stage into one closing line.
const fs = require('node:fs');
const Mocha = require('mocha');

class CountReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.BALER_TEST_COUNTS;
      if (file) fs.writeFileSync(file, JSON.stringify({ passed: this.stats.passes, failed: this.stats.failures }));
    });
  }
}
module.exports = CountReporter;
