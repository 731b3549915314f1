// `npm run bench -- --suite ml`: does machine learning earn its keep on sets of files, the decoder counted once
// for the set? Three sets: (a) 20 flow simulations of the demo generator with different Reynolds numbers and
// obstacles, (b) 20 jet tables of 100k rows, (c) CFD_animation.npz cut into 6 files of 10 frames. At each bound
// (rel:1e-2, rel:1e-3, rel:1e-4) and at psnr:40: the set's total (every .baler, plus a shared model once) for
// the error-bounded coder alone, the learned predictor fitted per file, the learned predictor trained once
// on part of the set and shared, the automatic mode per file, and the automatic mode given the shared model
// for the whole set (compressSet: the model kept only where it makes the set smaller);
// what the automatic mode picked; train and compress seconds, CPU beside wall. Every file is real: written,
// read back and checked by compress() itself. `--sets a,b` and `--qualities rel:1e-2,psnr:40` run a part.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompressOptions, LearnedChoice } from '../kernel/api';
import type { Dataset } from '../kernel/types';
import { readDataset, writeDataset } from '../kernel/data/dataset';
import { simulateFlowPastObstacle } from '../kernel/demo/flow';
import { generateJets } from '../kernel/demo/jets';
import { compress, compressSet, trainPredictor } from '../kernel/pipeline';
import { initialRelBound } from '../kernel/search/bisect';
import type { BenchArgs } from './suite';

export interface MlRow {
  set: string;
  quality: string;
  method: string;
  files: number;
  /** Every .baler of the set plus each shared model once. */
  totalBytes: number;
  /** classical total / this total (above 1: smaller than the coder alone). */
  vsClassical: number;
  /** Bytes of shared models (once) and embedded decoders (summed) in the total. */
  decoderBytes: number;
  /** What each file was coded with (the automatic mode's choices). */
  picked: string;
  compressWallS: number;
  compressCpuS: number;
  trainWallS: number;
  trainCpuS: number;
}

interface SetSpec {
  name: string;
  family: 'basis' | 'columns';
  files: string[];
  /** The files the shared model is trained on (the first few of the set). */
  trainOn: number;
  /** Seconds `train` may spend. */
  trainSeconds: number;
}

const QUALITIES = ['rel:1e-2', 'rel:1e-3', 'rel:1e-4', 'psnr:40'];
const FLOW_REYNOLDS = [60, 80, 100, 120, 130];
const FLOW_OBSTACLES = [6, 7, 8, 9];

export async function runMlSuite(args: BenchArgs): Promise<MlRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-bench-ml-'));
  try {
    const only = flag(args.argv, '--sets')?.split(',');
    const chosen = flag(args.argv, '--qualities')?.split(',');
    const qualities = chosen ?? (args.quick ? QUALITIES.slice(0, 2) : QUALITIES);
    const rows: MlRow[] = [];
    for (const spec of await sets(dir, args, only)) {
      for (const quality of qualities) rows.push(...(await runSet(spec, quality, dir, args.log)));
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The sets named by `--sets` (all three without it), their files written and closed before any is read. */
async function sets(dir: string, args: BenchArgs, only: string[] | undefined): Promise<SetSpec[]> {
  const wants = (letter: string) => !only || only.includes(letter);
  const write = async (name: string, ds: Dataset) => {
    const file = path.join(dir, name);
    await writeDataset(file, ds, {});
    return file;
  };
  const seconds = args.quick ? 10 : 60;
  const specs: SetSpec[] = [];
  if (wants('a')) {
    const flows = args.quick ? 4 : 20;
    args.log(`ml: generating ${flows} flow simulations`);
    const files = await Promise.all(Array.from({ length: flows }, (_, i) => write(`flow-${i + 1}.npy`, simulateFlowPastObstacle({
      seed: i + 1, reynolds: FLOW_REYNOLDS[i % FLOW_REYNOLDS.length], obstacle: FLOW_OBSTACLES[Math.floor(i / FLOW_REYNOLDS.length) % FLOW_OBSTACLES.length],
    }))));
    specs.push({ name: `(a) ${flows} flows 60×50×50`, family: 'basis', files, trainOn: Math.min(3, flows), trainSeconds: seconds });
  }
  if (wants('b')) {
    const jets = args.quick ? 4 : 20;
    const rows = args.quick ? 20_000 : 100_000;
    args.log(`ml: generating ${jets} jet tables of ${rows} rows`);
    const files = await Promise.all(Array.from({ length: jets }, (_, i) => write(`jets-${i + 1}.npy`, generateJets({ rows, seed: i + 1 }))));
    specs.push({ name: `(b) ${jets} jet tables ${rows / 1000}k×24`, family: 'columns', files, trainOn: 2, trainSeconds: seconds });
  }
  if (wants('c')) {
    const cfd = await readDataset(path.join(args.dataDir, 'CFD_animation.npz'));
    const frame = cfd.shape.slice(1).reduce((a, b) => a * b, 1);
    const files = await Promise.all(Array.from({ length: 6 }, (_, i) => write(`cfd-part-${i + 1}.npy`, {
      ...cfd, shape: [10, ...cfd.shape.slice(1)], values: cfd.values.slice(i * 10 * frame, (i + 1) * 10 * frame),
    })));
    specs.push({ name: '(c) CFD_animation in 6 files of 10 frames', family: 'basis', files, trainOn: 2, trainSeconds: seconds });
  }
  return specs;
}

async function runSet(spec: SetSpec, quality: string, dir: string, log: (line: string) => void): Promise<MlRow[]> {
  const target = quality.startsWith('psnr:');
  // The bound the shared model is fitted for: the quality's, or the one a PSNR target usually lands near.
  const trainBound = target ? `rel:${initialRelBound(Number(quality.slice(5)))}` : quality;
  const model = path.join(dir, `${spec.family}-${quality.replace(/[^a-z0-9.-]/gi, '_')}.balermodel`);
  log(`ml: ${spec.name} ${quality}: training the shared ${spec.family} model on ${spec.trainOn} files`);
  const trained = await timed(() => trainPredictor(spec.files.slice(0, spec.trainOn), model, { errorBound: trainBound, learned: spec.family, seconds: spec.trainSeconds, force: true }));
  const methods: [string, CompressOptions, boolean][] = [
    ['error-bounded coder alone', { learned: 'none' }, false],
    [`${spec.family}, fitted per file`, { learned: spec.family }, false],
    [`${spec.family}, trained once on ${spec.trainOn} files, shared`, { learned: 'shared' as LearnedChoice, modelFile: model }, true],
    ['automatic', {}, false],
  ];
  const rows: MlRow[] = [];
  for (const [method, options, usesTraining] of methods) {
    log(`ml: ${spec.name} ${quality}: ${method}`);
    const quality_ = target ? { target: quality } : { errorBound: quality };
    let totalBytes = 0;
    let decoderBytes = 0;
    let sharedBytes = 0;
    const picks = new Map<string, number>();
    let wall = 0;
    let cpu = 0;
    for (const file of spec.files) {
      // Named as compressSet names it (beside the input, its stem): a header stores the source's name after it.
      const output = file.replace(/\.npy$/, '.baler');
      const { result, wallS, cpuS } = await timed(() => compress(file, { ...quality_, ...options, output, force: true, timeLimitSeconds: target ? 60 : undefined }));
      wall += wallS;
      cpu += cpuS;
      const info = result.info;
      totalBytes += info.sizes.file;
      if (info.learned?.shared) sharedBytes = info.sizes.decoder;
      else decoderBytes += info.sizes.decoder;
      const pick = info.mode !== 'error-bounded' ? info.mode : info.learned ? `${info.learned.family}${info.learned.shared ? ' shared' : ''}` : 'coder alone';
      picks.set(pick, (picks.get(pick) ?? 0) + 1);
    }
    rows.push({
      set: spec.name, quality, method, files: spec.files.length, totalBytes: totalBytes + sharedBytes, vsClassical: 0, decoderBytes: decoderBytes + sharedBytes,
      picked: [...picks.entries()].map(([k, v]) => `${v} ${k}`).join(', '), compressWallS: wall, compressCpuS: cpu,
      trainWallS: usesTraining ? trained.wallS : 0, trainCpuS: usesTraining ? trained.cpuS : 0,
    });
  }
  rows.push(await automaticSet(spec, quality, model, trained, log));
  const classical = rows[0].totalBytes;
  for (const r of rows) r.vsClassical = classical / r.totalBytes;
  return rows;
}

/** The automatic mode given the shared model for the whole set (compressSet): the model kept only where it pays. */
async function automaticSet(spec: SetSpec, quality: string, model: string, trained: { wallS: number; cpuS: number }, log: (line: string) => void): Promise<MlRow> {
  const method = 'automatic with the shared model';
  log(`ml: ${spec.name} ${quality}: ${method}`);
  const target = quality.startsWith('psnr:');
  const options = { ...(target ? { target: quality, timeLimitSeconds: 60 } : { errorBound: quality }), modelFile: model, force: true };
  const { result, wallS, cpuS } = await timed(() => compressSet(spec.files, options));
  const picks = new Map<string, number>();
  let embedded = 0;
  for (const info of result.set.files) {
    if (!info.learned?.shared) embedded += info.sizes.decoder;
    const pick = info.mode !== 'error-bounded' ? info.mode : info.learned ? `${info.learned.family}${info.learned.shared ? ' shared' : ''}` : 'coder alone';
    picks.set(pick, (picks.get(pick) ?? 0) + 1);
  }
  const choice = result.set.modelChoice;
  const said = !choice ? '' : choice.used
    ? `; model kept (${choice.codedBothWays} of ${choice.chosenBy} files coded both ways)`
    : `; model not used (costs ${choice.bytes}, saves ${Math.max(0, choice.savedBytes)})`;
  return {
    set: spec.name, quality, method, files: spec.files.length, totalBytes: result.set.totalBytes, vsClassical: 0,
    decoderBytes: embedded + result.set.sharedModels.reduce((n, m) => n + m.bytes, 0),
    picked: [...picks.entries()].map(([k, v]) => `${v} ${k}`).join(', ') + said, compressWallS: wallS, compressCpuS: cpuS,
    trainWallS: trained.wallS, trainCpuS: trained.cpuS,
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; wallS: number; cpuS: number }> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { result, wallS: (performance.now() - wall) / 1000, cpuS: (used.user + used.system) / 1e6 };
}

/** The rows as a table: one line per set, quality and method. */
export function formatMlTable(rows: MlRow[]): string[][] {
  return [
    ['set', 'quality', 'method', 'total bytes', 'vs coder alone', 'decoders', 'picked', 'compress s (cpu)', 'train s (cpu)'],
    ...rows.map((r) => [
      r.set, r.quality, r.method, String(r.totalBytes), `${r.vsClassical.toFixed(3)}×`, String(r.decoderBytes), r.picked,
      `${r.compressWallS.toFixed(1)} (${r.compressCpuS.toFixed(1)})`, r.trainWallS ? `${r.trainWallS.toFixed(1)} (${r.trainCpuS.toFixed(1)})` : '',
    ]),
  ];
}
