// The peers suite's bookkeeping, without the peers themselves: a table split into columns and joined back, a
// per-column run's bytes and times summed over every stream (headers included), the summary's best peer (only
// peers that kept the bound), and the child-process timer counting the child's own CPU time.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchDataset } from '../../src/bench/datasets';
import { squeezeShape, sumRuns, type CodecRun, type PeerCodec } from '../../src/bench/peer-codecs';
import { summaryRows, type PeerRow } from '../../src/bench/peer-report';
import { peersCacheDir, runMeasured, runMeasuredBatch, sharedFolder } from '../../src/bench/peer-tools';
import { peerRun, prepareFiles } from '../../src/bench/peers';
import { columnOf, joinColumns } from '../../src/bench/verify';

const HEADER = 17;

/** A stand-in peer: its "stream" is a fixed header plus the raw bytes; it records what it was given. */
function fakePeer(seen: { shapes: number[][]; tolerances: number[] }): PeerCodec {
  return {
    name: 'fake',
    lossless: false,
    runAll(inputs, tolerances) {
      return inputs.map((input, k) => {
        seen.shapes.push(input.shape);
        seen.tolerances.push(tolerances[k]);
        const raw = fs.readFileSync(input.file);
        const decoded = input.dtype === 'float32' ? new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)) : new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
        const timing = { wallSeconds: 0.5, cpuSeconds: 0.25 };
        return { bytes: HEADER + raw.length, decoded, compress: timing, decompress: timing, peakRssMB: 10 + k };
      });
    },
  };
}

describe('bench: peers suite bookkeeping', () => {
  const rows = 6;
  const cols = 3;
  const table = Float32Array.from({ length: rows * cols }, (_, i) => i * 1.5 - 4);
  const ds: BenchDataset = { name: 't', description: 'test table', shape: [rows, cols], dtype: 'float32', values: table, table: true };

  it('splits a table into columns and joins them back in C order, dtype kept', () => {
    const columns = Array.from({ length: cols }, (_, c) => columnOf(table, rows, cols, c));
    assert.ok(columns.every((c) => c instanceof Float32Array && c.length === rows));
    assert.deepEqual(Array.from(columns[1]), [1, 4, 7, 10, 13, 16].map((i) => i * 1.5 - 4));
    const joined = joinColumns(columns, rows);
    assert.ok(joined instanceof Float32Array);
    assert.deepEqual(Array.from(joined), Array.from(table));
    assert.throws(() => joinColumns([columns[0], columns[1].subarray(1)], rows), /column 1 has 5 values, expected 6/);
  });

  it('runs a peer once per column as 1-D data with that column\'s tolerance, and sums every stream', () => {
    const prepared = prepareFiles(ds);
    try {
      const seen = { shapes: [] as number[][], tolerances: [] as number[] };
      const run = peerRun(fakePeer(seen), ds, prepared, [0.1, 0.2, 0.3], true);
      assert.deepEqual(seen.shapes, [[rows], [rows], [rows]]);
      assert.deepEqual(seen.tolerances, [0.1, 0.2, 0.3]);
      assert.equal(run.bytes, cols * (HEADER + rows * 4), 'each column\'s header counted');
      assert.deepEqual(run.compress, { wallSeconds: 1.5, cpuSeconds: 0.75 });
      assert.deepEqual(run.decompress, { wallSeconds: 1.5, cpuSeconds: 0.75 });
      assert.equal(run.peakRssMB, 12);
      assert.deepEqual(Array.from(run.decoded), Array.from(table), 'columns reassembled in place');

      const whole = peerRun(fakePeer(seen), ds, prepared, [0.5], false);
      assert.deepEqual(seen.shapes.at(-1), [rows, cols]);
      assert.equal(whole.bytes, HEADER + rows * cols * 4);
    } finally {
      fs.rmSync(prepared.work, { recursive: true, force: true });
    }
  });

  it('writes the .npy for baler and the raw files for the peers in the stored dtype', () => {
    const prepared = prepareFiles(ds);
    try {
      assert.equal(fs.statSync(prepared.whole.file).size, rows * cols * 4);
      assert.equal(prepared.columns.length, cols);
      assert.ok(fs.readFileSync(prepared.npy).subarray(0, 6).equals(Buffer.from('\x93NUMPY', 'latin1')));
    } finally {
      fs.rmSync(prepared.work, { recursive: true, force: true });
    }
  });

  it('sums runs without losing bytes or time', () => {
    const t = (w: number, c: number) => ({ wallSeconds: w, cpuSeconds: c });
    const runs: CodecRun[] = [
      { bytes: 100, decoded: new Float64Array(1), compress: t(1, 2), decompress: t(3, 4) },
      { bytes: 23, decoded: new Float64Array(1), compress: t(10, 20), decompress: t(30, 40) },
    ];
    const sum = sumRuns(runs, new Float64Array(2));
    assert.equal(sum.bytes, 123);
    assert.deepEqual(sum.compress, t(11, 22));
    assert.deepEqual(sum.decompress, t(33, 44));
    assert.equal(sum.peakRssMB, undefined);
  });

  it('gives the peers a 1 × 50 × 50 frame as a 50 × 50 image', () => {
    assert.deepEqual(squeezeShape([1, 50, 50]), [50, 50]);
    assert.deepEqual(squeezeShape([60, 1, 50]), [60, 50]);
    assert.deepEqual(squeezeShape([1, 1]), [1]);
  });

  it('picks the best peer among those that kept the bound; zstd stands beside every bound', () => {
    const r = (compressor: string, ratio: number, extra: Partial<PeerRow> = {}): PeerRow =>
      ({ dataset: 'd', compressor, bound: 1e-3, mode: 'whole range', ratio, violations: 0, ...extra });
    const rowsIn: PeerRow[] = [
      r('zstd -19', 1.5, { bound: 0, mode: 'lossless' }),
      r('baler', 20),
      r('SZ3', 30, { violations: 4 }), // broke its bound: not eligible
      r('QoZ', 16),
      r('SPERR', 0, { ratio: undefined, violations: undefined, error: 'failed: boom' }),
      r('ZFP', 0, { ratio: undefined, violations: undefined, error: 'not installed (sudo apt-get install -y python3-zfpy)' }),
    ];
    const [s] = summaryRows(rowsIn, ['SZ3', 'QoZ', 'SPERR', 'ZFP', 'zstd -19']);
    assert.equal(s.bestPeer, 'QoZ');
    assert.equal(s.bestPeerRatio, 16);
    assert.equal(s.balerOverBest, 20 / 16);
    assert.equal(s.ratios['zstd -19'], 1.5);
    assert.equal(s.ratios.SZ3, undefined);
    assert.match(s.notes.SZ3, /broke bound \(4 values\)/);
    assert.equal(s.brokenRatios.SZ3, 30, 'shown, marked, never compared');
    assert.equal(s.notes.SPERR, 'failed');
    assert.match(s.notes.ZFP, /not installed/);

    const balerBroke = summaryRows(rowsIn.map((x) => (x.compressor === 'baler' ? { ...x, violations: 1 } : x)), ['QoZ']);
    assert.equal(balerBroke[0].balerOverBest, undefined, 'a ratio that broke its bound is never compared');
  });

  it('times each child process of a batch with its own CPU time, and names the one that fails', () => {
    const loop = 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done';
    const [busy, idle] = runMeasuredBatch([['sh', '-c', loop], ['true']]);
    assert.ok(busy.cpuSeconds >= 0.05, `child CPU ${busy.cpuSeconds} s`);
    assert.ok(idle.cpuSeconds < busy.cpuSeconds / 5, `second child ${idle.cpuSeconds} s, not the first's added`);
    assert.ok(busy.wallSeconds >= busy.cpuSeconds * 0.5);
    assert.ok(busy.peakRssMB > 0);
    assert.throws(() => runMeasuredBatch([['true'], ['sh', '-c', 'echo oops >&2; exit 3']]), /sh failed \(exit 3\): oops/);
    assert.throws(() => runMeasured('sleep', ['5'], 0.3), /sleep failed \(killed after 0.3 s\)/);
  });

  it('says where ../shared is expected, and where the peers are cached', () => {
    const missing = path.join(os.tmpdir(), 'no-such-shared-folder');
    assert.throws(() => sharedFolder(missing, 'peers'), /no-such-shared-folder\/peers not found: .*\.\.\/shared/);
    const saved = process.env.BALER_PEERS_DIR;
    try {
      process.env.BALER_PEERS_DIR = '/tmp/somewhere';
      assert.equal(peersCacheDir(), '/tmp/somewhere');
      delete process.env.BALER_PEERS_DIR;
      assert.equal(peersCacheDir(), path.join(os.homedir(), '.cache', 'baler-peers'));
    } finally {
      if (saved === undefined) delete process.env.BALER_PEERS_DIR;
      else process.env.BALER_PEERS_DIR = saved;
    }
  });
});
