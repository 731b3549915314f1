// The README's first command: `baler demo` runs end to end on generated data (here in its quick form).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');

describe('baler demo --quick', function () {
  this.timeout(300_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-demo-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('generates data, compresses it every way, and prints the table of sizes, ratios and errors', () => {
    buildCli();
    const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'baler.js'), 'demo', '--quick', '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^flow 60×50×50: .*, 600 kB\n.*ratio +ratio .*\n.*total +latent-only/m);
    assert.match(r.stdout, /^jets 20k×24: /m);
    const rows = r.stdout.split('\n').filter((l) => /^(reference tool|default|rel:1e-3|smallest)\b.* {2}/.test(l));
    assert.equal(rows.length, 8, `eight result rows expected:\n${r.stdout}`);
    const widest = Math.max(...r.stdout.split('\n').filter((l) => !/^(flow|jets) \S+ at /.test(l)).map((l) => l.length));
    assert.ok(widest <= 120, `the tables fit a terminal of 120 columns (widest line ${widest})`);
    assert.match(r.stdout, /flow 60×50×50 at rel:0\.001: the learned basis makes .*, its decoder .* counted, .*× smaller/, 'the learned model pays, decoder counted');
    for (const stem of ['flow.autoencoder', 'flow.default', 'flow.coder', 'flow.bounded', 'flow.searched', 'jets.autoencoder', 'jets.coder', 'jets.bounded']) {
      for (const ext of ['.baler', '.decompressed.npz', '.report.html']) {
        assert.ok(fs.existsSync(path.join(out, stem + ext)), `${stem}${ext} written`);
      }
    }
  });
});
