import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { AtomicOutput, writeFileAtomic, readFileChecked, assertNotSameFile, removeTemporaries, temporaryBeside } from '../../src/kernel/fsutil';
import { AtomicOutput as LibraryOutput } from '../../src/kernel/data/files';
import { BalerError } from '../../src/kernel/errors';

describe('fsutil', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fsutil-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes atomically and refuses to overwrite', () => {
    const f = path.join(dir, 'a.bin');
    writeFileAtomic(f, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
    assert.throws(() => writeFileAtomic(f, new Uint8Array([9])), (e: unknown) => e instanceof BalerError && /exists/.test(e.message));
    assert.deepEqual([...fs.readFileSync(f)], [1, 2, 3]);
    assert.deepEqual(fs.readdirSync(dir), ['a.bin'], 'no temporary file is left behind');
  });

  it('removes the temporaries still being written at once (a second Ctrl-C), and no output already in place', () => {
    removeTemporaries(); // any an earlier test left tracked
    const sub = fs.mkdtempSync(path.join(dir, 'quit-'));
    const kept = new AtomicOutput(path.join(sub, 'kept.baler'));
    kept.commit();
    const file = new AtomicOutput(path.join(sub, 'partial.baler'));
    fs.writeSync(file.fd, 'partial');
    const store = new LibraryOutput(path.join(sub, 'partial.zarr'), {}, true);
    fs.writeFileSync(path.join(store.tempPath, 'zarr.json'), '{}');
    const dropped = new LibraryOutput(path.join(sub, 'dropped.h5'));
    dropped.discard();
    assert.equal(removeTemporaries(), 2);
    assert.deepEqual(fs.readdirSync(sub), ['kept.baler']);
    file.abort();
    assert.equal(removeTemporaries(), 0);
  });

  it('names the file when it is missing', () => {
    const f = path.join(dir, 'missing.npz');
    assert.throws(() => readFileChecked(f), (e: unknown) => e instanceof BalerError && e.toLine().startsWith(f));
  });

  it('refuses output == input', () => {
    assert.throws(() => assertNotSameFile('x/a.npz', './x/a.npz'), BalerError);
  });

  it("removes the temporaries a killed process of this machine left for the same output, and no one else's", () => {
    const sub = fs.mkdtempSync(path.join(dir, 'stale-'));
    const host = os.hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    const names = {
      dead: `.out.baler.${host}-${gone}.k1.tmp`,
      deadFolder: `.out.baler.${host}-${gone}.k2.tmp`,
      alive: `.out.baler.${host}-${process.ppid}.k3.tmp`,
      otherHost: `.out.baler.elsewhere-${gone}.k4.tmp`,
      otherOutput: `.other.baler.${host}-${gone}.k5.tmp`,
      userFile: 'out.baler.tmp',
    };
    for (const [key, name] of Object.entries(names)) {
      if (key === 'deadFolder') fs.mkdirSync(path.join(sub, name));
      else fs.writeFileSync(path.join(sub, name), 'x');
    }
    const fresh = temporaryBeside(path.join(sub, 'out.baler'));
    assert.match(path.basename(fresh), new RegExp(`^\\.out\\.baler\\.${host}-${process.pid}\\.[0-9a-z]+\\.tmp$`));
    const left = fs.readdirSync(sub).sort();
    assert.deepEqual(left, [names.alive, names.otherHost, names.otherOutput, names.userFile].sort());
    // The folder is listed once a process, not once an output (a campaign writes thousands into one folder): what
    // was there then for another output is removed when that output is written; what came later, at the next run.
    const later = `.later.baler.${host}-${gone}.k6.tmp`;
    fs.writeFileSync(path.join(sub, later), 'x');
    temporaryBeside(path.join(sub, 'other.baler'));
    temporaryBeside(path.join(sub, 'later.baler'));
    assert.deepEqual(fs.readdirSync(sub).sort(), [names.alive, names.otherHost, names.userFile, later].sort());
  });
});

