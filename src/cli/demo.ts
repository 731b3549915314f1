// `baler demo`: the README's first command. Generates realistic data (no download), then trains,
// compresses, decompresses and reports on it, and prints what it cost and what it lost.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, FileInfo, Hooks } from '../kernel/api';
import * as engine from '../kernel/pipeline';
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
  const plan: [string, string, string, CompressOptions][] = [
    ['flow 60×50×50', 'autoencoder', flowFile, flowAe],
    ['flow 60×50×50', 'error bound rel 1e-3', flowFile, { errorBound: 'rel:1e-3' }],
    ['flow 60×50×50', 'smallest total, PSNR ≥ 40', flowFile, { target: 'psnr:40', timeLimitSeconds: opts.quick ? 10 : 30 }],
    ['jets ' + (opts.quick ? '20k' : '100k') + '×24', 'autoencoder', jetsFile, jetsAe],
    ['jets ' + (opts.quick ? '20k' : '100k') + '×24', 'error bound rel 1e-3', jetsFile, { errorBound: 'rel:1e-3' }],
  ];

  const runs: DemoRun[] = [];
  for (const [dataset, mode, input, settings] of plan) {
    say(`${dataset}: ${mode}`);
    const stem = path.basename(input, '.npz') + (settings.errorBound ? '.bounded' : settings.target ? '.searched' : '');
    const balerFile = path.join(out, `${stem}.baler`);
    const started = Date.now();
    const result = await engine.compress(input, { ...settings, output: balerFile, force: true }, opts.hooks);
    opts.hooks.stop();
    await engine.decompress(balerFile, { output: path.join(out, `${stem}.decompressed.npz`), force: true });
    await engine.writeReport(balerFile, path.join(out, `${stem}.report.html`), { original: input, force: true });
    runs.push({ dataset, mode, info: result.info, seconds: (Date.now() - started) / 1000 });
  }
  process.stdout.write('\n' + demoTable(runs) + '\n\n');
  process.stdout.write(`Files in ${path.relative(process.cwd(), out) || '.'}: *.baler (compressed), *.decompressed.npz, *.report.html (open in a browser).\n`);
  process.stdout.write('Ratios count every byte needed to decompress (decoder and header included); latent-only ratios beside them.\n');
}

function demoTable(runs: DemoRun[]): string {
  return table([
    ['data', 'mode', 'original', 'latents+codes', 'decoder', 'total', 'ratio latent-only', 'ratio total', 'PSNR dB', 'max err / range', 'seconds'],
    ...runs.map(({ dataset, mode, info, seconds }) => [
      dataset,
      mode,
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
