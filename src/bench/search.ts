// `npm run bench -- --suite search`: what the search for the smallest total (decoder counted) reaches on
// CFD_animation.npz and the demo flow, and the light decoders it considers (linear autoencoders fitted from
// principal components, decoder at float32/float16/int8, latents refitted after quantisation).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dataset } from '../kernel/types';
import { readDataset, writeDataset } from '../kernel/data/dataset';
import { simulateFlowPastObstacle } from '../kernel/demo/flow';
import { computeErrors } from '../kernel/metrics';
import { compress } from '../kernel/pipeline';
import { compressBytes, shuffleBytes } from '../kernel/codec/entropy';
import { initBackend } from '../kernel/model/backend';
import { fitLinear, quantiseAndRefine } from '../kernel/model/light';

export interface SearchBenchRow {
  dataset: string;
  /** The CLI options searched with. */
  options: string;
  /** The whole .baler: header, search record, latents, decoder, residuals. */
  totalBytes: number;
  /** float32 content bytes / totalBytes. */
  ratio: number;
  psnr: number;
  maxErrorOverRange: number;
  decoderBytes: number;
  chosen: string;
  pointsTried: number;
  seconds: number;
}

export interface LightDecoderRow {
  dataset: string;
  latent: number;
  precision: string;
  /** The latents refitted to the quantised decoder (least squares) or straight from the encoder. */
  refit: boolean;
  decoderBytes: number;
  latentBytes: number;
  /** latents + decoder (zstd-19, as the container stores them); no header. */
  totalBytes: number;
  psnr: number;
  maxErrorOverRange: number;
}

const SEARCHES: [string, { target?: string; errorBound?: string; objective?: 'total' }][] = [
  ['--target psnr:38', { target: 'psnr:38' }],
  ['--target psnr:40', { target: 'psnr:40' }],
  ['--error-bound rel:1e-2 --objective total', { errorBound: 'rel:1e-2', objective: 'total' }],
  ['--error-bound rel:1e-3 --objective total', { errorBound: 'rel:1e-3', objective: 'total' }],
  ['--error-bound rel:1e-4 --objective total', { errorBound: 'rel:1e-4', objective: 'total' }],
];

export async function runSearchSuite(opts: { dataDir: string; quick?: boolean; log?: (line: string) => void }): Promise<{ search: SearchBenchRow[]; lightDecoders: LightDecoderRow[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-bench-search-'));
  try {
    const fields: [string, string][] = [['CFD_animation', path.join(opts.dataDir, 'CFD_animation.npz')]];
    if (!opts.quick) {
      const flow = path.join(dir, 'demo-flow.npy');
      await writeDataset(flow, simulateFlowPastObstacle({ seed: 1 }), {});
      fields.push(['demo flow', flow]);
    }
    const search: SearchBenchRow[] = [];
    for (const [name, file] of fields) {
      for (const [options, o] of opts.quick ? SEARCHES.slice(0, 2) : SEARCHES) {
        opts.log?.(`search: ${name} ${options}`);
        search.push(await searchRow(name, file, options, o, dir));
      }
    }
    const lightDecoders = await lightDecoderRows('CFD_animation', await readDataset(fields[0][1]), opts.quick ? [2, 8] : [2, 4, 8, 16, 25]);
    return { search, lightDecoders };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function searchRow(dataset: string, file: string, options: string, o: (typeof SEARCHES)[number][1], dir: string): Promise<SearchBenchRow> {
  const started = performance.now();
  const { info } = await compress(file, { ...o, output: path.join(dir, 'out.baler'), force: true });
  const seconds = (performance.now() - started) / 1000;
  return {
    dataset,
    options,
    totalBytes: info.sizes.total,
    ratio: info.sizes.originalFloat32 / info.sizes.total,
    psnr: info.errors.psnr,
    maxErrorOverRange: info.errors.maxAbsError / info.errors.range,
    decoderBytes: info.sizes.decoder,
    chosen: info.sizes.decoder > 0 ? `ae (${info.architecture ? describeLatent(info.architecture) : '?'}) + residuals` : info.errorBound ? `eb ${info.errorBound}` : info.mode,
    pointsTried: info.search?.pointsTried ?? 0,
    seconds,
  };
}

function describeLatent(a: NonNullable<Awaited<ReturnType<typeof compress>>['info']['architecture']>): string {
  return a.type === 'dense' ? [...a.hidden, a.latent].join('-') : `conv latent ${a.latent}`;
}

async function lightDecoderRows(dataset: string, ds: Dataset, latents: number[]): Promise<LightDecoderRow[]> {
  await initBackend('auto');
  const rows: LightDecoderRow[] = [];
  for (const latent of latents) {
    const weights = fitLinear(ds, { latent });
    for (const precision of ['float32', 'float16', 'int8'] as const) {
      for (const refit of [false, true]) {
        const model = await quantiseAndRefine(ds, { latent, hidden: [], precision }, weights, 10, refit ? 1 : 0);
        const decoderBytes = (await compressBytes(model.decoderBytes, 'zstd', 19)).length;
        const latentBytes = (await compressBytes(shuffleBytes(model.latentBytes, 2), 'zstd', 19)).length;
        const errors = computeErrors(ds.values, model.reconstruction);
        rows.push({
          dataset, latent, precision, refit, decoderBytes, latentBytes, totalBytes: decoderBytes + latentBytes,
          psnr: errors.psnr, maxErrorOverRange: errors.maxAbsError / errors.range,
        });
      }
    }
  }
  return rows;
}
