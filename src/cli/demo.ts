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
  // [data, mode, stem, input, options]: the reference tool's autoencoder, the default, and at one bound the
  // error-bounded coder alone beside the automatic mode, which picks a learned predictor where it pays.
  const plan: [string, string, string, string, CompressOptions][] = [
    [flow, 'autoencoder (the reference tool\'s way)', 'flow.autoencoder', flowFile, flowAe],
    [flow, 'default: automatic, rel 1e-4', 'flow.default', flowFile, {}],
    [flow, 'rel 1e-3, error-bounded coder alone', 'flow.coder', flowFile, { errorBound: 'rel:1e-3', learned: 'none' }],
    [flow, 'rel 1e-3, automatic', 'flow.bounded', flowFile, { errorBound: 'rel:1e-3' }],
    [flow, 'smallest total, PSNR ≥ 40', 'flow.searched', flowFile, { target: 'psnr:40' }],
    [jets, 'autoencoder (the reference tool\'s way)', 'jets.autoencoder', jetsFile, jetsAe],
    [jets, 'rel 1e-3, error-bounded coder alone', 'jets.coder', jetsFile, { errorBound: 'rel:1e-3', learned: 'none' }],
    [jets, 'rel 1e-3, automatic', 'jets.bounded', jetsFile, { errorBound: 'rel:1e-3' }],
  ];

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
  process.stdout.write('\n' + demoTable(runs) + '\n\n' + learnedSummary(runs));
  process.stdout.write(`Files in ${path.relative(process.cwd(), out) || '.'}: *.baler (compressed), *.decompressed.npz, *.report.html (open in a browser).\n`);
  process.stdout.write('Ratios count every byte needed to decompress (decoder and header included); latent-only ratios beside them.\n');
}

/** Where the learned predictor pays: the automatic mode beside the coder alone at the same bound, decoder counted. */
function learnedSummary(runs: DemoRun[]): string {
  const lines: string[] = [];
  for (const learned of runs.filter((r) => r.info.learned)) {
    const alone = runs.find((r) => r.dataset === learned.dataset && r.info.errorBound === learned.info.errorBound && !r.info.learned && r.info.mode === 'error-bounded');
    if (!alone) continue;
    lines.push(`${learned.dataset} at ${learned.info.errorBound}: the ${predictorOf(learned.info)} makes ${formatBytes(learned.info.sizes.total)} ` +
      `with its decoder (${formatBytes(learned.info.sizes.decoder)}) counted, against ${formatBytes(alone.info.sizes.total)} for the error-bounded coder alone: ` +
      `${compareTotals(learned.info, alone.info)}.\n`);
  }
  return lines.join('');
}

function predictorOf(info: FileInfo): string {
  if (info.mode === 'autoencoder') return 'autoencoder';
  if (info.mode === 'lossless') return 'lossless';
  if (!info.learned) return 'coder alone';
  return info.learned.family === 'basis' ? 'learned basis' : 'cross-column model';
}

function demoTable(runs: DemoRun[]): string {
  return table([
    ['data', 'mode', 'coded with', 'original', 'latents+codes', 'decoder', 'total', 'ratio latent-only', 'ratio total', 'PSNR dB', 'max err / range', 'seconds'],
    ...runs.map(({ dataset, mode, info, seconds }) => [
      dataset,
      mode,
      predictorOf(info),
      formatBytes(info.sizes.originalFile),
      formatBytes(info.sizes.latents + info.sizes.residuals),
      formatBytes(info.sizes.decoder),
      formatBytes(info.sizes.total),
      formatRatio(info.ratios.latentOnly),
      formatRatio(info.ratios.total),
      formatNumber(info.errors.psnr),
      formatNumber(info.errors.range > 0 ? info.errors.maxAbsError / info.errors.range : 0),
      seconds.toFixed(1),
    ]),
  ]);
}
