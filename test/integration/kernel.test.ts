import * as assert from 'node:assert/strict';
import { activateExtension } from './helpers';

describe('kernel process', () => {
  it('runs work in a separate process, not on the extension host', async () => {
    const api = await activateExtension();
    const result = await api.kernel().call('sleep', { ms: 10 });
    assert.ok(result.slept >= 9);
    assert.ok(api.kernel().pid && api.kernel().pid !== process.pid, 'kernel has its own pid');
  });

  it('cancels a running call through an AbortSignal', async () => {
    const api = await activateExtension();
    const abort = new AbortController();
    const started = Date.now();
    const call = api.kernel().call('sleep', { ms: 30_000 }, { signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await assert.rejects(call, (err: Error & { cancelled?: boolean }) => err.cancelled === true);
    assert.ok(Date.now() - started < 5_000, 'cancel is prompt');
  });

  it('reports engine errors as one line naming the file, without crashing the process', async () => {
    const api = await activateExtension();
    const pid = api.kernel().pid;
    await assert.rejects(api.kernel().call('inspect', { file: '/nonexistent/x.baler' }), (err: Error & { crashed?: boolean }) => {
      assert.match(err.message, /x\.baler/);
      assert.equal(err.message.includes('\n'), false);
      assert.equal(err.crashed, false);
      return true;
    });
    assert.equal(api.kernel().pid, pid);
  });

  it('after a crash, fails pending calls with the reason and starts a new process next time', async () => {
    const api = await activateExtension();
    const firstPid = api.kernel().pid;
    const starts = api.kernel().starts;
    const pending = api.kernel().call('sleep', { ms: 30_000 });
    await assert.rejects(api.kernel().call('crash', { exitCode: 3 }), /exited with code 3/);
    await assert.rejects(pending, /exited with code 3/);
    const again = await api.kernel().call('sleep', { ms: 5 });
    assert.ok(again.slept >= 4);
    assert.equal(api.kernel().starts, starts + 1);
    assert.notEqual(api.kernel().pid, firstPid);
  });
});
