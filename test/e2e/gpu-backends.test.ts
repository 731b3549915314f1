// The built CLI with compute packages the user installed outside Baler (BALER_TFJS_NODE_PATH): a stand-in
// tfjs-node that registers a 'tensorflow' backend through its own copy of the real tfjs-core becomes the
// backend in use, and training runs on its kernels; `baler doctor` says what is installed and why not.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoTfjsCore, STAND_IN_VERSION, writeStandIn } from '../fixtures/tfjs-node-stand-in';
import { baler as runCli, buildCli, type CliRun } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');

function baler(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliRun {
  return runCli(args, cwd, { BALER_TFJS_NODE_PATH: '', ...env });
}

function writeCsv(file: string, rows: number): void {
  const lines = ['a,b,c,d,e,f'];
  for (let r = 0; r < rows; r++) {
    const t = r / rows;
    lines.push(Array.from({ length: 6 }, (_, c) => (1 + c * 0.5 + Math.sin(6.28 * t) * (c % 3) + Math.cos(9.4 * t) * ((c + 1) % 2)).toFixed(5)).join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

describe('compute packages installed outside Baler (CLI)', function () {
  this.timeout(300_000);
  let dir: string;

  before(() => {
    buildCli();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-gpu-backends-'));
    writeCsv(path.join(dir, 'table.csv'), 600);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('without BALER_TFJS_NODE_PATH, doctor lists every backend and says tfjs-node is not installed', () => {
    const r = baler(['doctor'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend in use: wasm \(SIMD\)/);
    assert.match(r.stdout, /absent\s+tfjs-node: @tensorflow\/tfjs-node is not installed/);
    assert.match(r.stdout, /in use\s+wasm:/);
    assert.match(r.stdout, /\s+webgpu: /);
    assert.match(r.stdout, /BALER_TFJS_NODE_PATH \(setting baler\.tfjsNodePath\)/);
  });

  it('a tfjs-node in BALER_TFJS_NODE_PATH becomes the backend in use, and training runs on its kernels', () => {
    const installed = path.join(dir, 'user-tfjs-node');
    writeStandIn(installed, 'tfjs-node', repoTfjsCore(repo));
    const env = { BALER_TFJS_NODE_PATH: installed };
    const doctor = baler(['doctor'], dir, env);
    assert.equal(doctor.code, 0, doctor.stderr);
    assert.match(doctor.stdout, /^backend in use: tfjs-node/);
    assert.ok(doctor.stdout.includes(`in use  tfjs-node: native TensorFlow (@tensorflow/tfjs-node ${STAND_IN_VERSION} from BALER_TFJS_NODE_PATH=${installed})`), doctor.stdout);

    const log = path.join(dir, 'stand-in-calls.json');
    const c = baler(['compress', 'table.csv', '-o', 'table.baler', '--latent', '2', '--epochs', '3', '--json'], dir, { ...env, TFJS_STAND_IN_LOG: log });
    assert.equal(c.code, 0, c.stderr);
    const calls = JSON.parse(fs.readFileSync(log, 'utf8')).calls as Record<string, number>;
    // Three epochs of 600 rows in batches: forward (fused MatMul), backward (MatMul), every one through the stand-in.
    assert.ok((calls._FusedMatMul ?? 0) >= 3 * 4, `fused MatMul calls on the stand-in: ${JSON.stringify(calls)}`);
    assert.ok((calls.BatchMatMul ?? 0) > 0, `MatMul calls on the stand-in: ${JSON.stringify(calls)}`);
    const d = baler(['decompress', 'table.baler', '-o', 'table.out.csv'], dir, env);
    assert.equal(d.code, 0, d.stderr);
  });

  it('a missing BALER_TFJS_NODE_PATH folder is named, and wasm stays in use', () => {
    const r = baler(['doctor'], dir, { BALER_TFJS_NODE_PATH: path.join(dir, 'nowhere') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend in use: wasm/);
    assert.ok(r.stdout.includes(`BALER_TFJS_NODE_PATH=${path.join(dir, 'nowhere')}: no such folder`), r.stdout);
  });

  it('tfjs-node-gpu without the CUDA 11 libraries: used, and doctor names what is missing', () => {
    const installed = path.join(dir, 'user-tfjs-node-gpu');
    writeStandIn(installed, 'tfjs-node-gpu', repoTfjsCore(repo));
    const r = baler(['doctor'], dir, { BALER_TFJS_NODE_PATH: installed });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^backend in use: tfjs-node-gpu/);
    assert.match(r.stdout, /CUDA libraries missing \(libcuda\.so\.1: the NVIDIA driver, libcudart\.so\.11\.0: the CUDA 11 runtime/);
    assert.match(r.stdout, /CUDA 11\.2 and cuDNN 8\.1/);
  });
});
