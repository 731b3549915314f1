// A short fuzzing campaign on every run (`npm run fuzz -- --seconds N` runs a long one): every damaged file is
// refused cleanly or decodes to the valid file's data; no crash, no hang, bounded memory.
import { strict as assert } from 'node:assert';
import { runFuzz } from '../fuzz/run';

describe('fuzz: damaged and crafted .baler and .balermodel files', function () {
  this.timeout(180_000);
  it('refuses or decodes correctly, never crashes or hangs', async () => {
    const report = await runFuzz({ seed: Date.now() % 100_000, seconds: 20 });
    const summary = `seed ${report.seed}: ${report.cases} cases; crashes ${report.crashes.slice(0, 5).join(' | ')}; hangs ${report.hangs.join(' | ')}`;
    assert.ok(report.cases > 500, summary);
    assert.deepEqual(report.crashes, [], summary);
    assert.deepEqual(report.hangs, [], summary);
    assert.equal(report.wrongDataAccepted, 0, summary);
    assert.ok(report.peakRssMiB < 1500, `peak RSS ${report.peakRssMiB} MiB`);
  });
});
