// The kernel process (src/kernel/process.ts) over its IPC protocol, forked the way the extension forks it.
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { KernelEvent, KernelRequest } from '../../src/kernel/protocol';
import { encodeNpy } from '../../src/kernel/data/npy';

const ENTRY = path.resolve(__dirname, '../../src/kernel/process.ts');

function start(): { child: ChildProcess; events: KernelEvent[]; next(pred: (e: KernelEvent) => boolean, ms?: number): Promise<KernelEvent> } {
  const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const events: KernelEvent[] = [];
  const waiters: { pred: (e: KernelEvent) => boolean; resolve(e: KernelEvent): void }[] = [];
  child.on('message', (e: KernelEvent) => {
    events.push(e);
    for (const w of waiters.splice(0)) {
      if (w.pred(e)) w.resolve(e);
      else waiters.push(w);
    }
  });
  const next = (pred: (e: KernelEvent) => boolean, ms = 60_000) => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise<KernelEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such kernel event in time')), ms);
      waiters.push({ pred, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  };
  return { child, events, next };
}

const send = (child: ChildProcess, m: KernelRequest) => child.send(m);

describe('kernel process protocol', function () {
  this.timeout(90_000);
  let kernel: ReturnType<typeof start>;
  let dir: string;

  before(async () => {
    kernel = start();
    await kernel.next((e) => e.type === 'ready');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-kproc-'));
  });

  after(() => {
    kernel.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request with its result', async () => {
    send(kernel.child, { type: 'request', id: 1, method: 'sleep', params: { ms: 5 } });
    const e = await kernel.next((x) => 'id' in x && x.id === 1 && (x.type === 'result' || x.type === 'error'));
    assert.equal(e.type, 'result');
  });

  it('cancels a request: the answer is a cancelled error', async () => {
    send(kernel.child, { type: 'request', id: 2, method: 'sleep', params: { ms: 60_000 } });
    setTimeout(() => send(kernel.child, { type: 'cancel', id: 2 }), 50);
    const e = await kernel.next((x) => 'id' in x && x.id === 2 && x.type === 'error', 5_000);
    assert.equal(e.type === 'error' && e.error.cancelled, true);
  });

  it('turns a BalerError into a payload naming the file', async () => {
    send(kernel.child, { type: 'request', id: 3, method: 'inspect', params: { file: path.join(dir, 'missing.baler') } });
    const e = await kernel.next((x) => 'id' in x && x.id === 3 && x.type === 'error');
    assert.ok(e.type === 'error');
    assert.equal(e.error.name, 'BalerError');
    assert.match(e.error.file ?? e.error.message, /missing\.baler/);
    assert.equal(e.error.cancelled, false);
  });

  it('streams cell outputs before the result', async () => {
    send(kernel.child, { type: 'request', id: 4, method: 'runCell', params: { code: "console.log('hello');\n1 + 2", cwd: dir } });
    const result = await kernel.next((x) => 'id' in x && x.id === 4 && (x.type === 'result' || x.type === 'error'));
    assert.equal(result.type, 'result', JSON.stringify(result));
    const output = kernel.events.find((x) => x.type === 'output' && x.id === 4);
    assert.deepEqual(output && output.type === 'output' && output.output, { kind: 'text', text: 'hello', stream: 'stdout' });
    assert.deepEqual(result.type === 'result' && result.result, { value: { kind: 'json', value: 3 } });
  });

  it('exits with the requested code on crash (the client then starts a new one)', async () => {
    const exited = new Promise<number | null>((resolve) => kernel.child.once('exit', (code) => resolve(code)));
    send(kernel.child, { type: 'request', id: 5, method: 'crash', params: { exitCode: 7 } });
    assert.equal(await exited, 7);
  });
});

describe('kernel process told to end mid-compress', function () {
  this.timeout(120_000);
  let dir: string;
  let input: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-kstop-'));
    input = path.join(dir, 'field.npy');
    const data = Float32Array.from({ length: 512 * 64 * 64 }, (_, i) => Math.sin(i / 97) * Math.cos(i / 1013) + ((i * 2654435761) % 1000) * 1e-5);
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [512, 64, 64], data }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // The extension ends its kernel with child.kill() (SIGTERM) on dispose, and the channel closes when VS Code goes.
  for (const how of ['SIGTERM', 'disconnect'] as const) {
    it(`${how}: the compress in progress stops, the process exits, nothing is left beside the input`, async () => {
      const kernel = start();
      await kernel.next((e) => e.type === 'ready');
      const exited = new Promise<number | null>((resolve) => kernel.child.once('exit', (code) => resolve(code)));
      const options = { output: path.join(dir, `${how}.baler`), errorBound: 'rel:1e-4', learned: 'none' as const, threads: 1, memoryBudget: 16 * 2 ** 20 };
      send(kernel.child, { type: 'request', id: 1, method: 'compress', params: { input, options } });
      await kernel.next((e) => e.type === 'progress' && e.progress.phase === 'encode' && /coding/.test(e.progress.message));
      if (how === 'SIGTERM') kernel.child.kill('SIGTERM');
      else kernel.child.disconnect();
      assert.equal(await exited, 0, 'it exits of itself, in time');
      assert.deepEqual(fs.readdirSync(dir), ['field.npy'], 'no output and no temporary file');
    });
  }
});
