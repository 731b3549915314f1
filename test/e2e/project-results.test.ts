// A project's results in its output folder (src/kernel/project/results.ts): measured trade-off points, one per
// set of settings, kept across reloads; the report cached for the project view; quality against the target.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newProject, trainProject } from '../../src/kernel/pipeline';
import { compressProjectRecorded, pointKey, pointSettings, projectResults, runProjectSettings } from '../../src/kernel/project/results';
import { readProjectConfig } from '../../src/kernel/project/config';
import { lensLines } from '../../src/extension/project/lensLines';
import { changedKeys, effectiveSettings, readConfigText } from '../../src/extension/project/configText';

describe('project results', function () {
  this.timeout(120_000);
  let root: string;
  let config: string;

  const edit = (changes: Record<string, unknown>) => {
    const current = JSON.parse(fs.readFileSync(config, 'utf8'));
    fs.writeFileSync(config, JSON.stringify({ ...current, ...changes }, null, 2));
  };

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-project-'));
    config = await newProject('ws', 'flow', root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('records the project\'s compressed file as a measured point and caches its report', async () => {
    edit({ errorBound: 'rel:1e-2' });
    const { result, point } = await compressProjectRecorded(root, 'ws', 'flow');
    assert.equal(point.totalBytes, result.info.sizes.total);
    assert.equal(point.ratioTotal, result.info.ratios.total);
    assert.equal(point.source, 'compress');
    assert.equal(point.label, 'error-bounded rel:1e-2');
    const results = await projectResults(root, 'ws', 'flow');
    assert.equal(results.points.length, 1);
    assert.ok(results.report, 'the report of compressed.baler');
    assert.ok(fs.existsSync(path.join(root, 'workspaces/ws/flow/output/plotting/report-data.json')));
    assert.equal(results.quality?.kind, 'bound');
    assert.equal(results.quality?.met, true);
    assert.match(results.quality?.reached ?? '', /^yes: max error = [01]\.\d{3} × bound$/);
  });

  it('a run of other settings adds its point; the same settings again replace it; all survive a reload', async () => {
    edit({ errorBound: 'rel:1e-3' });
    const first = await runProjectSettings(root, 'ws', 'flow');
    assert.equal(first.source, 'run');
    assert.ok(fs.existsSync(first.file!), 'written into output/runs/');
    assert.ok(first.file!.includes(`${path.sep}runs${path.sep}`));
    await runProjectSettings(root, 'ws', 'flow');
    edit({ errorBound: null, latent: 25, epochs: 2 });
    const ae = await runProjectSettings(root, 'ws', 'flow');
    assert.ok(ae.decoderBytes > 0, 'an autoencoder point has a decoder');
    const results = await projectResults(root, 'ws', 'flow');
    assert.deepEqual(results.points.map((p) => p.label).sort(), ['dense latent 25', 'error-bounded rel:1e-2', 'error-bounded rel:1e-3']);
    assert.equal(new Set(results.points.map((p) => p.key)).size, 3);
    assert.equal(pointKey(pointSettings(readProjectConfig(config))), ae.key);
  });

  it('reads the loss curve of the last training', async () => {
    await trainProject('ws', 'flow', undefined, root);
    const results = await projectResults(root, 'ws', 'flow');
    assert.ok(results.loss && results.loss.loss.length === results.loss.totalEpochs);
    assert.ok(results.files.model && results.files.history);
  });

  it('CodeLens: the measured settings say what they gave; changed ones offer a run', async () => {
    const results = await projectResults(root, 'ws', 'flow');
    const text = fs.readFileSync(config, 'utf8');
    const lines = lensLines(text, results);
    const latent = lines.find((l) => l.key === 'latent');
    assert.match(latent?.title ?? '', /^latent 25 → \d+(\.\d+)?× total, \d+\.\d dB$/);
    const changed = text.replace('"latent": 25', '"latent": 40');
    const offered = lensLines(changed, results).find((l) => l.key === 'latent');
    assert.equal(offered?.command, 'baler.runProjectSettings');
    assert.match(offered?.title ?? '', /latent 40: not measured yet/);
    const parsed = readConfigText(changed);
    assert.deepEqual(changedKeys(effectiveSettings(parsed.settings, results.settings), results.settings), ['latent']);
    assert.ok(readConfigText('{ "latent": ').parseError, 'a half-typed config is reported, not thrown');
  });
});
