// The cluster path for real: a one-node Slurm cluster runs scripts/slurm/compress-array.sbatch as a 4-task job
// array over one file; `baler merge` joins the parts; the result decodes to the same values (the same bytes,
// in fact) as a one-process run.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { startSlurm, type SlurmCluster } from './slurm-cluster';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');
const baler = `${process.execPath} ${path.join(repo, 'bin', 'baler.js')}`;

describe('Slurm: a job array compresses a file in parts', function () {
  this.timeout(600_000);
  let cluster: SlurmCluster;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-slurm-job-'));
  before(() => {
    buildCli();
    cluster = startSlurm();
  });
  after(() => {
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    if (cluster) fs.rmSync(cluster.dir, { recursive: true, force: true });
  });

  it('4 tasks, merge, decompress: the same file and values as one process', () => {
    const data = Float32Array.from({ length: 48 * 40 * 40 }, (_, i) => Math.sin(i / 211) * 3 + Math.cos(i / 17) + ((i * 40503) % 97) * 1e-4);
    const input = path.join(dir, 'run.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [48, 40, 40], data }));
    const env = { ...cluster.env, INPUT: input, OUTDIR: path.join(dir, 'parts'), BOUND: 'rel:1e-3', BALER: baler, MEMORY: '4M', THREADS: '1' };
    const job = spawnSync('sbatch', ['--wait', '--array=0-3', `--chdir=${dir}`, `--output=${dir}/task-%a.log`, path.join(repo, 'scripts', 'slurm', 'compress-array.sbatch')],
      { env, encoding: 'utf8', timeout: 500_000 });
    const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    assert.equal(job.status, 0, `sbatch: ${job.stdout}${job.stderr}\n${logs}`);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'parts')).sort(), [0, 1, 2, 3].map((i) => `run.part-${i}-of-4.baler`));
    const sh = (args: string) => spawnSync('sh', ['-c', `${baler} ${args}`], { cwd: dir, encoding: 'utf8' });
    const merged = sh('merge parts -o merged.baler');
    assert.equal(merged.status, 0, merged.stderr);
    // A part is coded by the error-bounded coder alone: the one-process file to compare with is that coder's.
    const single = sh('compress run.npy -o single.baler --error-bound rel:1e-3 --memory 4M --learned none');
    assert.equal(single.status, 0, single.stderr);
    assert.ok(fs.readFileSync(path.join(dir, 'merged.baler')).equals(fs.readFileSync(path.join(dir, 'single.baler'))), 'the merged file is the one-process file');
    const back = sh('decompress merged.baler -o back.npy');
    assert.equal(back.status, 0, back.stderr);
    const range = Math.max(...data) - Math.min(...data);
    const got = parseNpy(fs.readFileSync(path.join(dir, 'back.npy'))).data as Float32Array;
    assert.equal(got.length, data.length);
    for (let i = 0; i < data.length; i++) assert.ok(Math.abs(got[i] - data[i]) <= 1e-3 * range, `value ${i}`);
  });
});
