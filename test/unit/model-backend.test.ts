import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describeBackends } from '../../src/kernel/backend-status';
import { findWasmDir, initBackend } from '../../src/kernel/model/backend';
import { wasmFixesInstalled } from '../../src/kernel/model/wasm-fixes';

describe('model backend selection', () => {
  after(async () => {
    await initBackend('auto');
  });

  it("'auto' picks wasm with SIMD here and says why tfjs-node and webgpu are not used", async () => {
    const report = await initBackend('auto');
    assert.equal(report.active, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(report.simd, true);
    assert.equal(report.warning, undefined);
    assert.deepEqual(report.tried.map((t) => t.name), ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm']);
    const tfjsNode = report.tried.find((t) => t.name === 'tfjs-node')!;
    assert.equal(tfjsNode.ok, false);
    assert.match(tfjsNode.reason, /not installed/);
    assert.equal(report.tried.find((t) => t.name === 'webgpu')!.ok, false);
    assert.ok(wasmFixesInstalled(), 'the fixed wasm kernels are registered');
  });

  it('is idempotent', async () => {
    const a = await initBackend('auto');
    const b = await initBackend('auto');
    assert.equal(a, b);
  });

  it("'cpu' works and warns that it is slow; switching back restores wasm", async () => {
    const cpu = await initBackend('cpu');
    assert.equal(cpu.active, 'cpu');
    assert.match(cpu.warning ?? '', /slower/);
    const wasm = await initBackend('wasm');
    assert.equal(wasm.active, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('an unavailable explicit backend falls back to wasm with a warning naming it', async () => {
    const report = await initBackend('tfjs-node');
    assert.equal(report.active, 'wasm');
    assert.match(report.warning ?? '', /backend 'tfjs-node' is not available \(@tensorflow\/tfjs-node is not installed\); using wasm instead/);
  });

  it('finds the .wasm files and describes the backends for `baler doctor`', async () => {
    const dir = findWasmDir();
    assert.ok(dir && fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm')));
    await initBackend('auto');
    const text = await describeBackends();
    assert.match(text, /backend in use: wasm \(SIMD\)/);
    assert.match(text, /npm install @tensorflow\/tfjs-node/);
    // Every backend has a line: installed or not, in use or why not.
    for (const name of ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']) assert.match(text, new RegExp(`^  (in use|ready |failed|passed|absent)  ${name}: `, 'm'));
  });
});
