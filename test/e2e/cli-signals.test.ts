// End-to-end: the CLI ended by a signal mid-run — Ctrl-C, or SIGTERM as Slurm sends at a job's time limit or on
// scancel — stops at the next slab, removes its temporary file and exits with 128 + the signal's number; a second signal
// while the first is handled quits at once, its temporary file removed first.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../src/kernel/data/npy';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'baler.js');

/**
 * Runs the CLI, sends `signal` once its stderr shows `when`, and again `again.ms` later (counted from when its stderr
 * shows `again.after`, when given: the first signal handled), and resolves with its exit status, stderr, and whether
 * each signal reached it while it ran.
 */
function interrupted(args: string[], when: RegExp, signal: NodeJS.Signals, again?: { ms: number; after?: RegExp }): Promise<{ code: number | null; stderr: string; sent: boolean; sentAgain: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    let scheduled = false;
    let sentAgain = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
      if (sent && again && !scheduled && (!again.after || again.after.test(stderr))) {
        scheduled = true;
        setTimeout(() => { sentAgain = child.exitCode === null && child.kill(signal); }, again.ms);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, sent, sentAgain }));
  });
}

describe('CLI ended by a signal', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-signals-'));
  const input = path.join(dir, 'field.npy');
  const original = path.join(dir, 'kept.baler');

  before(() => {
    buildCli();
    // Many slabs (a 16 MiB budget), each taking a moment: the signal arrives while slabs are being coded.
    const data = Float32Array.from({ length: 512 * 64 * 64 }, (_, i) => Math.sin(i / 97) * Math.cos(i / 1013) + ((i * 2654435761) % 1000) * 1e-5);
    fs.writeFileSync(input, encodeNpy({ dtype: 'float32', shape: [512, 64, 64], data }));
    const made = spawnSync(process.execPath, [cli, 'compress', input, '-o', original, '--error-bound', 'rel:1e-4', '--learned', 'none', '--memory', '16M'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const leftovers = () => fs.readdirSync(dir).filter((name) => !['field.npy', 'kept.baler'].includes(name));

  for (const [signal, status] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`compress: ${signal} stops it, exit ${status}, nothing written and no temporary file left`, async () => {
      const r = await interrupted(['compress', input, '-o', path.join(dir, 'out.baler'), '--error-bound', 'rel:1e-4', '--learned', 'none', '--memory', '16M'], /encode: coding/, signal);
      assert.ok(r.sent, `the signal was sent (stderr: ${r.stderr})`);
      assert.equal(r.code, status, r.stderr);
      assert.match(r.stderr.trim().split('\n').pop()!, /^baler: cancelled; nothing was written$/);
      assert.deepEqual(leftovers(), []);
    });
  }

  // The sampled choice of a coder takes a second or more to stop: the second signal lands while the first is handled.
  const compressArgs = (output: string) => ['compress', input, '-o', path.join(dir, output), '--error-bound', 'rel:1e-4', '--learned', 'none'];

  it('compress: two Ctrl-C 100 ms apart (one key press reaching it twice) cancel it, exit 130, no temporary file left', async () => {
    const r = await interrupted(compressArgs('twice.baler'), /choosing how to code/, 'SIGINT', { ms: 100 });
    assert.ok(r.sent && r.sentAgain, `both signals were sent while it ran (stderr: ${r.stderr})`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, /^baler: cancelled; nothing was written$/);
    assert.deepEqual(leftovers(), []);
  });

  it('compress: a second SIGTERM while the first is handled quits at once, exit 143, its temporary file removed', async () => {
    // Counted from the first one's handling: on a loaded machine both could otherwise be handled within the CLI's
    // SAME_SIGNAL_MS (500 ms) of each other, which it rightly reads as one signal delivered twice.
    const r = await interrupted(compressArgs('again.baler'), /choosing how to code/, 'SIGTERM', { ms: 550, after: /cancelling \(SIGTERM\)/ });
    assert.ok(r.sent && r.sentAgain, `both signals were sent while it ran (stderr: ${r.stderr})`);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr.trim().split('\n').pop()!, /^baler: quit at once; nothing was written$/);
    assert.deepEqual(leftovers(), []);
  });

  it('decompress: two SIGINT 100 ms apart, exit 130, no output and no temporary file left', async () => {
    const r = await interrupted(['decompress', original, '-o', path.join(dir, 'back.h5'), '--memory', '16M'], /decode: decoding/, 'SIGINT', { ms: 100 });
    assert.ok(r.sent, `the signal was sent (stderr: ${r.stderr})`);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /nothing was written/);
    assert.deepEqual(leftovers(), []);
  });

  it('decompress: SIGTERM stops it, exit 143, no output and no temporary file left', async () => {
    const r = await interrupted(['decompress', original, '-o', path.join(dir, 'back.npy'), '--memory', '16M'], /decode: decoding/, 'SIGTERM');
    assert.ok(r.sent, `the signal was sent (stderr: ${r.stderr})`);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /cancelled; nothing was written/);
    assert.deepEqual(leftovers(), []);
  });
});
