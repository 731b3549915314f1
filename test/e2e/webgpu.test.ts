// WebGPU on a software Vulkan device (Mesa lavapipe, prepared by scripts/software-vulkan.mjs without installing
// anything system-wide): the adapter is found and named, passed over under 'auto' (slower than wasm), used when
// asked for; training and encoding on it match the cpu backend; `baler compress --backend webgpu` works end to
// end. Each check runs in a child process because the Vulkan loader must be on the library path at start-up.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'baler.js');

function softwareVulkan(): NodeJS.ProcessEnv {
  const r = spawnSync(process.execPath, [path.join(repo, 'scripts', 'software-vulkan.mjs'), '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `no software Vulkan device for the WebGPU tests:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function maxAbsDiff(a: number[], b: number[]): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('WebGPU on a software Vulkan device (lavapipe)', function () {
  this.timeout(600_000);
  let env: NodeJS.ProcessEnv;
  let dir: string;
  const run = (args: string[], cwd = repo) =>
    spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, BALER_DEBUG: '', BALER_TFJS_NODE_PATH: '', ...env }, maxBuffer: 64 << 20 });

  before(() => {
    env = softwareVulkan();
    buildCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-webgpu-'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("doctor names the software adapter; 'auto' passes it over for wasm, 'webgpu' uses it with a warning", () => {
    const auto = run([cli, 'doctor']);
    assert.equal(auto.status, 0, auto.stderr);
    assert.match(auto.stdout, /^backend in use: wasm/);
    assert.match(auto.stdout, /passed\s+webgpu: only a software adapter \(llvmpipe[^)]*Mesa/);
    const asked = run([cli, 'doctor', '--backend', 'webgpu']);
    assert.equal(asked.status, 0, asked.stderr);
    assert.match(asked.stdout, /^backend in use: webgpu/);
    assert.match(asked.stdout, /in use\s+webgpu: llvmpipe.*a software renderer: slower than wasm \(Dawn: webgpu \d/);
    assert.match(asked.stdout, /warning: WebGPU runs on a software adapter/);
  });

  it('training (device Adam, asynchronous reads) and encoding match the cpu backend, dense and conv, without leaks', () => {
    const r = run(['--import', 'tsx', path.join(repo, 'test', 'e2e', 'webgpu-check.ts')]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith('['), `webgpu-check.ts printed no results (exit ${r.status}, signal ${r.signal}): ${r.stderr.slice(-2000)}`);
    const results = JSON.parse(r.stdout) as {
      name: string;
      cpu: { loss: number[]; weights: number[][]; encodedInitial: number[]; encodedTrained: number[]; leakedTensors: number; historyBackend: string };
      webgpu: { loss: number[]; weights: number[][]; encodedInitial: number[]; encodedTrained: number[]; leakedTensors: number; historyBackend: string; report: { active: string; software?: boolean } };
    }[];
    assert.deepEqual(results.map((c) => c.name), ['dense 16-64-32-3', 'conv 10x12 frames']);
    for (const { name, cpu, webgpu } of results) {
      assert.equal(webgpu.report.active, 'webgpu', name);
      assert.equal(webgpu.report.software, true, name);
      assert.equal(webgpu.historyBackend, 'webgpu', name);
      assert.equal(cpu.historyBackend, 'cpu', name);
      assert.equal(webgpu.leakedTensors, 0, `${name}: tensors left on webgpu`);
      assert.ok(maxAbsDiff(cpu.encodedInitial, webgpu.encodedInitial) < 1e-5, `${name}: encoding differs`);
      webgpu.loss.forEach((l, i) => assert.ok(Math.abs(l - cpu.loss[i]) <= 1e-4 * cpu.loss[i], `${name} epoch ${i + 1}: loss ${l} vs ${cpu.loss[i]}`));
      const weightDiff = Math.max(...webgpu.weights.map((w, i) => maxAbsDiff(w, cpu.weights[i])));
      assert.ok(weightDiff < 1e-4, `${name}: trained weights differ by ${weightDiff}`);
      assert.ok(maxAbsDiff(cpu.encodedTrained, webgpu.encodedTrained) < 1e-4, `${name}: encoding after training differs`);
      // Training moved the weights: the comparison is not of two untouched models.
      assert.ok(cpu.loss[cpu.loss.length - 1] < cpu.loss[0], `${name}: loss did not fall`);
    }
  });

  it('`baler compress --backend webgpu` trains there and writes a file that decompresses', () => {
    const rows = ['a,b,c,d'];
    for (let r = 0; r < 256; r++) rows.push([0, 1, 2, 3].map((c) => (Math.sin(r / 20 + c) + c).toFixed(5)).join(','));
    fs.writeFileSync(path.join(dir, 't.csv'), rows.join('\n') + '\n');
    const c = run([cli, 'compress', 't.csv', '-o', 't.baler', '--latent', '2', '--epochs', '3', '--backend', 'webgpu'], dir);
    assert.equal(c.status, 0, c.stderr);
    assert.doesNotMatch(c.stderr + c.stdout, /not available/);
    assert.match(c.stderr + c.stdout, /backend: webgpu \(WebGPU runs on a software adapter/);
    const d = run([cli, 'decompress', 't.baler', '-o', 't.out.csv'], dir);
    assert.equal(d.status, 0, d.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 't.out.csv'), 'utf8').trim().split('\n').length, 257);
  });
});
