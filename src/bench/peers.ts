// `npm run bench -- --suite peers [--quick] [--large] [--datasets NAME,NAME] [--shared DIR]`: baler beside the
// classical error-bounded compressors (SZ3, QoZ, SPERR, ZFP) and lossless zstd -19, in one run, on every dataset
// of datasets.ts at whole-range bounds 1e-2/1e-3/1e-4 (tables also column by column). Every compressor's output
// is decoded and checked on every element in the stored dtype; a broken bound is printed and counted, not fatal.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy, parseNpy } from '../kernel/data/npy';
import { compress, decompress } from '../kernel/pipeline';
import { benchDatasets, rawBytes, type BenchDataset, type StoredArray } from './datasets';
import { peerCodecs, squeezeShape, sumRuns, type ArrayFile, type CodecRun, type PeerCodec } from './peer-codecs';
import { ensurePeerTools, sharedFolder } from './peer-tools';
import { flagValue, type BenchArgs, type BenchSuite } from './suite';
import { checkElements, columnOf, columnTolerances, joinColumns, wholeRangeTolerance } from './verify';
import { formatDatasetTable, formatSummary, summaryRows, type PeerRow, type SummaryRow } from './peer-report';

export const PEER_BOUNDS = [1e-2, 1e-3, 1e-4];
type Mode = PeerRow['mode'];

export interface PeerSuiteResult {
  tools: { versions: string; zfp: string };
  rows: PeerRow[];
  summary: SummaryRow[];
  /** Runs whose output broke the bound on at least one element. */
  violations: number;
  /** Runs that failed (crashed, or decoded to the wrong size). */
  failures: number;
}

export const peersSuite: BenchSuite = {
  name: 'peers',
  title: 'baler beside SZ3, QoZ, SPERR, ZFP and zstd -19 (whole-range bounds 1e-2/1e-3/1e-4; tables also per column)',
  run: runPeerSuite,
};

/** The repository root when running from dist/bench.js (or from src/bench under tsx). */
const REPO_ROOT = path.resolve(__dirname, '..', fs.existsSync(path.join(__dirname, '..', 'package.json')) ? '' : '..');

export async function runPeerSuite(args: BenchArgs): Promise<PeerSuiteResult> {
  const sharedRoot = path.resolve(flagValue(args.argv, '--shared') ?? path.join(REPO_ROOT, '..', 'shared'));
  const dataDir = flagValue(args.argv, '--data') ? args.dataDir : sharedFolder(sharedRoot, 'data');
  const tools = ensurePeerTools(sharedRoot, args.log);
  const peers = peerCodecs(tools);
  const only = flagValue(args.argv, '--datasets')?.split(',');
  const specs = benchDatasets({ dataDir, quick: args.quick, large: args.argv.includes('--large') })
    .filter((s) => !only || only.includes(s.name));
  if (only && specs.length !== only.length) throw new Error(`unknown dataset in --datasets ${only.join(',')}`);
  const rows: PeerRow[] = [];
  for (const spec of specs) {
    const ds = await spec.load();
    args.log(`peers: ${ds.name} ${ds.shape.join('×')} ${ds.dtype} (${(ds.values.byteLength / 1e6).toFixed(2)} MB)`);
    const dsRows = await runDataset(ds, peers, args.log);
    console.log(`\n### ${ds.name}: ${ds.description}; ${ds.shape.join(' × ')} ${ds.dtype}, ${ds.values.byteLength.toLocaleString('en')} bytes`);
    console.log(formatDatasetTable(dsRows));
    rows.push(...dsRows);
  }
  const peerNames = peers.map((p) => p.name);
  const summary = summaryRows(rows, peerNames);
  const violations = rows.filter((r) => (r.violations ?? 0) > 0).length;
  const failures = rows.filter((r) => r.error?.startsWith('failed')).length;
  console.log('\n### Summary: ratio = stored bytes / every byte needed to decode; best peer = highest ratio that kept the bound');
  console.log(formatSummary(summary, peerNames));
  console.log(`\n${violations} bound violation(s), ${failures} failed run(s). Peers: ${tools.versions.split('\n').slice(1, 4).join('; ')}; ZFP: ${tools.zfpMissing ?? 'python3-zfpy'}`);
  return { tools: { versions: tools.versions, zfp: tools.zfpMissing ?? 'python3-zfpy' }, rows, summary, violations, failures };
}

/** The files the compressors read: the array as .npy (baler) and raw (peers), and a table's columns. */
export interface Prepared {
  work: string;
  npy: string;
  whole: ArrayFile;
  /** One raw file per column (tables only). */
  columns: ArrayFile[];
}

export function prepareFiles(ds: BenchDataset): Prepared {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-bench-peers-'));
  const npy = path.join(work, 'data.npy');
  fs.writeFileSync(npy, encodeNpy({ dtype: ds.dtype, shape: ds.shape, data: ds.values }));
  const whole: ArrayFile = { file: path.join(work, 'data.raw'), dtype: ds.dtype, shape: squeezeShape(ds.shape) };
  fs.writeFileSync(whole.file, rawBytes(ds.values));
  const columns: ArrayFile[] = [];
  if (ds.table) {
    const [rows, cols] = ds.shape;
    for (let c = 0; c < cols; c++) {
      const file = path.join(work, `column-${c}.raw`);
      fs.writeFileSync(file, rawBytes(columnOf(ds.values, rows, cols, c)));
      columns.push({ file, dtype: ds.dtype, shape: [rows] });
    }
  }
  return { work, npy, whole, columns };
}

async function runDataset(ds: BenchDataset, peers: PeerCodec[], log: (line: string) => void): Promise<PeerRow[]> {
  const prepared = prepareFiles(ds);
  try {
    // Lossless runs do not depend on the bound: one row per dataset, shown beside every bound in the summary.
    const rows: PeerRow[] = peers.filter((p) => p.lossless)
      .map((peer) => measure(ds, peer.name, 0, 'lossless', [0], () => peerRun(peer, ds, prepared, [0], false), log));
    for (const epsilon of PEER_BOUNDS) {
      const modes: Mode[] = ds.table ? ['whole range', 'per column'] : ['whole range'];
      for (const mode of modes) {
        const perColumn = mode === 'per column';
        const tolerances = perColumn ? columnTolerances(ds.values, ds.shape[0], ds.shape[1], epsilon) : [wholeRangeTolerance(ds.values, epsilon)];
        const bound = perColumn ? `rel:${epsilon}` : `abs:${tolerances[0]}`;
        log(`peers: ${ds.name} ${mode} ${epsilon}: baler ${bound}`);
        rows.push(await measureAsync(ds, 'baler', epsilon, mode, tolerances, () => balerRun(ds, prepared, bound)));
        for (const peer of peers.filter((p) => !p.lossless)) {
          if (peer.missing) {
            rows.push(emptyRow(ds, peer.name, epsilon, mode, peer.missing));
            continue;
          }
          log(`peers: ${ds.name} ${mode} ${epsilon}: ${peer.name}`);
          rows.push(measure(ds, peer.name, epsilon, mode, tolerances, () => peerRun(peer, ds, prepared, tolerances, perColumn), log));
        }
      }
    }
    return rows;
  } finally {
    fs.rmSync(prepared.work, { recursive: true, force: true });
  }
}

/** A peer on the whole array, or on each column of a table as 1-D data, bytes and times summed. */
export function peerRun(peer: PeerCodec, ds: BenchDataset, prepared: Prepared, tolerances: number[], perColumn: boolean): CodecRun {
  if (!perColumn) return peer.runAll([prepared.whole], tolerances, prepared.work)[0];
  const runs = peer.runAll(prepared.columns, tolerances, prepared.work);
  const rows = ds.shape[0];
  const bad = runs.findIndex((r) => r.decoded.length !== rows);
  if (bad >= 0) throw new Error(`column ${bad} decoded to ${runs[bad].decoded.length} values, expected ${rows}`);
  return sumRuns(runs, joinColumns(runs.map((r) => r.decoded), rows));
}

async function balerRun(ds: BenchDataset, prepared: Prepared, errorBound: string): Promise<CodecRun> {
  const output = path.join(prepared.work, 'data.baler');
  const back = path.join(prepared.work, 'back.npy');
  try {
    let headerBytes = 0;
    const compressTiming = await timedInProcess(async () => {
      headerBytes = (await compress(prepared.npy, { errorBound, output, force: true })).info.sizes.header;
    });
    const bytes = fs.statSync(output).size;
    const decompressTiming = await timedInProcess(() => decompress(output, { output: back, force: true }));
    const decoded = parseNpy(fs.readFileSync(back), back).data;
    if (!(decoded instanceof Float32Array || decoded instanceof Float64Array) || decoded.constructor !== ds.values.constructor) {
      throw new Error(`decompressed to ${parseNpy(fs.readFileSync(back)).dtype}, expected ${ds.dtype}`);
    }
    return { bytes, decoded: decoded as StoredArray, compress: compressTiming, decompress: decompressTiming, headerBytes };
  } finally {
    fs.rmSync(output, { force: true });
    fs.rmSync(back, { force: true });
  }
}

async function timedInProcess(work: () => Promise<unknown>): Promise<CodecRun['compress']> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallSeconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function emptyRow(ds: BenchDataset, compressor: string, bound: number, mode: Mode | 'lossless', error: string): PeerRow {
  return { dataset: ds.name, compressor, bound, mode, error };
}

function toRow(ds: BenchDataset, compressor: string, bound: number, mode: Mode | 'lossless', tolerances: number[], run: CodecRun): PeerRow {
  const check = checkElements(ds.values, run.decoded, tolerances);
  const mb = ds.values.byteLength / 1e6;
  const row: PeerRow = {
    dataset: ds.name, compressor, bound, mode,
    bytes: run.bytes, ratio: ds.values.byteLength / run.bytes, psnr: check.psnr,
    maxAbsError: check.maxAbsError, maxErrorOverBound: check.maxErrorOverBound, violations: check.violations, elements: check.elements,
    compressMBps: mb / run.compress.wallSeconds, compressCpuSeconds: run.compress.cpuSeconds, compressWallSeconds: run.compress.wallSeconds,
    decompressMBps: mb / run.decompress.wallSeconds, decompressCpuSeconds: run.decompress.cpuSeconds, decompressWallSeconds: run.decompress.wallSeconds,
    peakRssMB: run.peakRssMB, headerBytes: run.headerBytes,
  };
  if (check.violations > 0) {
    const i = check.firstViolation;
    const tolerance = tolerances.length === 1 ? tolerances[0] : tolerances[i % tolerances.length];
    row.firstViolation = { index: i, original: ds.values[i], decoded: run.decoded[i], tolerance };
    console.log(`!! BOUND BROKEN: ${compressor} on ${ds.name} (${mode}, bound ${bound}): ${check.violations} of ${check.elements} elements, `
      + `max error/bound ${check.maxErrorOverBound.toPrecision(7)}; first at flat index ${i}: ${ds.values[i]} came back as ${run.decoded[i]}, tolerance ${tolerance}`);
  }
  return row;
}

function failed(ds: BenchDataset, compressor: string, bound: number, mode: Mode | 'lossless', err: unknown): PeerRow {
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  console.log(`!! FAILED: ${compressor} on ${ds.name} (${mode}, bound ${bound}): ${message}`);
  return emptyRow(ds, compressor, bound, mode, `failed: ${message}`);
}

function measure(ds: BenchDataset, compressor: string, bound: number, mode: Mode | 'lossless', tolerances: number[], run: () => CodecRun, log: (l: string) => void): PeerRow {
  if (mode === 'lossless') log(`peers: ${ds.name}: ${compressor}`);
  try {
    return toRow(ds, compressor, bound, mode, tolerances, run());
  } catch (err) {
    return failed(ds, compressor, bound, mode, err);
  }
}

async function measureAsync(ds: BenchDataset, compressor: string, bound: number, mode: Mode, tolerances: number[], run: () => Promise<CodecRun>): Promise<PeerRow> {
  try {
    return toRow(ds, compressor, bound, mode, tolerances, await run());
  } catch (err) {
    return failed(ds, compressor, bound, mode, err);
  }
}
