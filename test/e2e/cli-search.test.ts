// The CLI's --target search end to end (a process per command).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDataset, writeDataset } from '../../src/kernel/data/dataset';
import { simulateFlowPastObstacle } from '../../src/kernel/demo/flow';
import { computeErrors } from '../../src/kernel/metrics';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');

describe('CLI: --target', () => {
  let dir: string;
  let flowFile: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cli-search-'));
    flowFile = path.join(dir, 'flow.npy');
    await writeDataset(flowFile, simulateFlowPastObstacle({ frames: 12 }), {});
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the CLI takes --target and the decompressed data keeps the PSNR it reported', async () => {
    buildCli();
    const run = (args: string[]) => spawnSync(process.execPath, [path.join(repo, 'bin', 'baler.js'), ...args], { cwd: dir, encoding: 'utf8' });
    const c = run(['compress', 'flow.npy', '-o', 'cli.baler', '--target', 'psnr:35', '--no-search-autoencoders', '--json']);
    assert.equal(c.status, 0, c.stderr);
    const info = JSON.parse(c.stdout);
    assert.ok(info.errors.psnr >= 35);
    assert.equal(run(['decompress', 'cli.baler', '-o', 'cli.npy']).status, 0);
    const measured = computeErrors((await readDataset(flowFile)).values, (await readDataset(path.join(dir, 'cli.npy'))).values);
    // The header keeps figures as float32, PSNR rounded down: never better than measured, within float32 precision.
    assert.ok(info.errors.psnr <= measured.psnr && measured.psnr - info.errors.psnr < 1e-5, `reported ${info.errors.psnr}, measured ${measured.psnr}`);
    const bad = run(['compress', 'flow.npy', '-o', 'bad.baler', '--target', 'psnr:loud']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr.trim(), /^baler: .*flow\.npy.*psnr:DB/);
  });
});
