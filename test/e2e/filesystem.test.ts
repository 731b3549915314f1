// A full disk and a read-only folder, for real: each command runs in its own mount namespace (unshare, from
// util-linux) over a tiny or read-only tmpfs. Every failure is one line naming the file, exit 1, nothing left.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../src/kernel/data/npy';
import { buildCli } from '../fixtures/built-cli';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'baler.js');

/** Runs the CLI with `mountPoint` mounted as a tmpfs with `options` ('size=16k', 'ro'). */
function runOnTmpfs(mountPoint: string, options: string, args: string[], cwd: string) {
  // After the command, list what it left on the tmpfs (which vanishes with the namespace).
  const script = `m="$1"; mount -t tmpfs -o ${options} tmpfs "$m" || exit 97; shift; "$@"; rc=$?; echo "LEFT:$(ls -A "$m" | tr '\\n' ' ')" >&2; exit $rc`;
  const res = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', mountPoint, process.execPath, cli, ...args], { cwd, encoding: 'utf8' });
  if (res.error || res.status === 97 || /unshare: (unshare failed|cannot)/.test(res.stderr)) {
    assert.fail(`this test needs unshare (util-linux) with user namespaces to mount a tmpfs: ${res.error?.message ?? res.stderr.trim()}`);
  }
  return res;
}

describe('file systems that refuse the output', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fs-'));
  const target = path.join(dir, 'mnt');
  before(() => {
    fs.mkdirSync(target);
    const data = Float64Array.from({ length: 20_000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    fs.writeFileSync(path.join(dir, 'noise.npy'), encodeNpy({ dtype: 'float64', shape: [2000, 10], data }));
    buildCli();
    const ok = spawnSync(process.execPath, [cli, 'compress', 'noise.npy', '-o', 'noise.baler', '--error-bound', 'abs:1e-12'], { cwd: dir, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string, string[], RegExp][] = [
    ['compress onto a full disk', 'size=16k', ['compress', 'noise.npy', '-o', 'mnt/out.baler', '--error-bound', 'abs:1e-12'], /no space left on the device/],
    ['compress into a read-only folder', 'ro', ['compress', 'noise.npy', '-o', 'mnt/out.baler', '--error-bound', 'rel:1e-3'], /read-only/],
    // A format that stores values as they are is refused before writing (the room its values need is known)...
    ['decompress onto a disk too small for the values', 'size=16k', ['decompress', 'noise.baler', '-o', 'mnt/out.npy'], /the decompressed values take at least 156\.3 KiB, and .*mnt has 16\.0 KiB free$/],
    // ...one that may compress them finds the disk full while writing.
    ['decompress onto a full disk', 'size=16k', ['decompress', 'noise.baler', '-o', 'mnt/out.zarr'], /no space left on the device/],
    ['decompress into a read-only folder', 'ro', ['decompress', 'noise.baler', '-o', 'mnt/out.npz'], /read-only/],
    ['plot onto a full disk', 'size=4k', ['plot', 'noise.baler', '-o', 'mnt/report.html', '--original', 'noise.npy'], /no space left on the device/],
  ];
  for (const [what, options, args, message] of cases) {
    it(what, () => {
      const res = runOnTmpfs(target, options, args, dir);
      assert.equal(res.status, 1, `${res.stdout}\n${res.stderr}`);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.pop(), 'LEFT:', 'nothing partial is left on the refusing file system');
      const lastLine = lines.pop()!;
      assert.match(lastLine, /^baler: .*mnt\/\S+: /, lastLine);
      assert.match(lastLine, message);
      assert.doesNotMatch(res.stderr, /internal error|    at /i);
    });
  }
});
