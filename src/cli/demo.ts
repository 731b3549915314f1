// `baler demo`: the README's first command. Generates realistic data (no download), then trains,
// compresses, decompresses and reports on it, and prints what it cost and what it lost.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, FileInfo, Hooks } from '../kernel/api';
import * as engine from '../kernel/pipeline';
import { compareTotals } from '../kernel/sets';
import { writeDataset } from '../kernel/data/dataset';
import { simulateFlowPastObstacle } from '../kernel/demo/flow';
import { generateJets } from '../kernel/demo/jets';
import { formatBytes, formatNumber, formatRatio } from '../kernel/report/format';
import { table } from './format';

interface DemoRun {
  dataset: string;
  mode: string;
  info: FileInfo;
  seconds: number;
}

export async function runDemo(opts: { outDir: string; quick: boolean; hooks: Hooks & { stop(): void } }): Promise<void> {
  const out = path.resolve(opts.outDir);
  fs.mkdirSync(out, { recursive: true });
  const say = (s: string) => process.stderr.write(`\n== ${s}\n`);

  say('generating a 2-D flow past an obstacle (lattice Boltzmann) and a jet table');
  const flowFile = path.join(out, 'flow.npz');
  const jetsFile = path.join(out, 'jets.npz');
  await writeDataset(flowFile, simulateFlowPastObstacle({ frames: 60, seed: 7 }), { overwrite: true });
  await writeDataset(jetsFile, generateJets({ rows: opts.quick ? 20_000 : 100_000, seed: 7 }), { overwrite: true });

  const flowAe: CompressOptions = opts.quick
    ? { latent: 25, epochs: 300, targetPsnr: 30 }
    : { latent: 25, epochs: 3000, targetPsnr: 40, timeLimitSeconds: 60 };
  const jetsAe: CompressOptions = opts.quick ? { latent: 15, epochs: 3, batchSize: 512 } : { latent: 15, epochs: 25, batchSize: 512 };
  const flow = 'flow 60×50×50';
  const jets = 'jets ' + (opts.quick ? '20k' : '100k') + '×24';
  // [data, how, stem, input, options]: the reference tool's autoencoder, the default, and at one bound the
  // error-bounded coder alone beside the automatic mode, which picks a learned predictor where it pays.
  const plan: [string, string, string, string, CompressOptions][] = [
    [flow, 'reference tool: autoencoder', 'flow.autoencoder', flowFile, flowAe],
    [flow, 'default: rel:1e-4, automatic', 'flow.default', flowFile, {}],
    [flow, 'rel:1e-3, coder alone', 'flow.coder', flowFile, { errorBound: 'rel:1e-3', learned: 'none' }],
    [flow, 'rel:1e-3, automatic', 'flow.bounded', flowFile, { errorBound: 'rel:1e-3' }],
    [flow, 'smallest with PSNR ≥ 40', 'flow.searched', flowFile, { target: 'psnr:40' }],
    [jets, 'reference tool: autoencoder', 'jets.autoencoder', jetsFile, jetsAe],
    [jets, 'rel:1e-3, coder alone', 'jets.coder', jetsFile, { errorBound: 'rel:1e-3', learned: 'none' }],
    [jets, 'rel:1e-3, automatic', 'jets.bounded', jetsFile, { errorBound: 'rel:1e-3' }],
  ];
  const about: Record<string, string> = { [flow]: 'a 2-D flow past an obstacle (lattice Boltzmann), float32', [jets]: 'a table of simulated jets shaped like CMS\'s jet tables, float32' };

  const runs: DemoRun[] = [];
  for (const [dataset, mode, stem, input, settings] of plan) {
    say(`${dataset}: ${mode}`);
    const balerFile = path.join(out, `${stem}.baler`);
    const started = Date.now();
    const result = await engine.compress(input, { ...settings, output: balerFile, force: true }, opts.hooks);
    opts.hooks.stop();
    await engine.decompress(balerFile, { output: path.join(out, `${stem}.decompressed.npz`), force: true });
    await engine.writeReport(balerFile, path.join(out, `${stem}.report.html`), { original: input, force: true });
    runs.push({ dataset, mode, info: result.info, seconds: (Date.now() - started) / 1000 });
  }
  for (const dataset of [flow, jets]) {
    const mine = runs.filter((r) => r.dataset === dataset);
    process.stdout.write(`\n${dataset}: ${about[dataset]}, ${formatBytes(mine[0].info.sizes.original)}\n${demoTable(mine)}\n`);
  }
  process.stdout.write('\n' + learnedSummary(runs));
  process.stdout.write(`Files in ${shortPath(out)}: *.baler (compressed), *.decompressed.npz, *.report.html (open in a browser).\n`);
  process.stdout.write('Ratios count every byte needed to decompress (decoder and header included); latent-only ratios beside them.\n');
}

/** Where the learned predictor pays: the automatic mode beside the coder alone at the same bound, decoder counted. */
function learnedSummary(runs: DemoRun[]): string {
  const lines: string[] = [];
  for (const learned of runs.filter((r) => r.info.learned)) {
    const alone = runs.find((r) => r.dataset === learned.dataset && r.info.errorBound === learned.info.errorBound && !r.info.learned && r.info.mode === 'error-bounded');
    if (!alone) continue;
    lines.push(`${learned.dataset} at ${learned.info.errorBound}: the ${predictorOf(learned.info)} makes ${formatBytes(learned.info.sizes.total)}, ` +
      `its decoder (${formatBytes(learned.info.sizes.decoder)}) counted, against ${formatBytes(alone.info.sizes.total)} for the coder alone: ` +
      `${compareTotals(learned.info, alone.info)}.\n`);
  }
  return lines.join('');
}

/** The folder as the user would type it: relative when it is under the working folder. */
function shortPath(folder: string): string {
  const relative = path.relative(process.cwd(), folder);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? folder : relative;
}

function predictorOf(info: FileInfo): string {
  if (info.mode === 'autoencoder') return 'autoencoder';
  if (info.mode === 'lossless') return 'lossless';
  if (!info.learned) return 'coder alone';
  return info.learned.family === 'basis' ? 'learned basis' : 'cross-column model';
}

/** One dataset's runs: each way it was coded, what that cost and lost (headings on two lines keep it narrow). */
function demoTable(runs: DemoRun[]): string {
  return table([
    ['how', 'coded with', 'latents\n+ codes', 'decoder', 'total', 'ratio\ntotal', 'ratio\nlatent-only', 'PSNR\ndB', 'max error\n/ range', 'time\n(s)'],
    ...runs.map(({ mode, info, seconds }) => [
      mode,
      predictorOf(info),
      formatBytes(info.sizes.latents + info.sizes.residuals),
      formatBytes(info.sizes.decoder),
      formatBytes(info.sizes.total),
      formatRatio(info.ratios.total),
      formatRatio(info.ratios.latentOnly),
      formatNumber(info.errors.psnr),
      formatNumber(info.errors.range > 0 ? info.errors.maxAbsError / info.errors.range : 0),
      seconds.toFixed(1),
    ]),
  ]);
}
