// Sample report data from the demo generators and a faked reconstruction (original + noise): for looking at
// the layout (preview.ts), for tests, and for developing the dashboard without training a model.
import seedrandom from 'seedrandom';
import type { FileInfo } from '../api';
import { generateJets } from '../demo/jets';
import { simulateFlowPastObstacle } from '../demo/flow';
import { computeErrors, sizeRatios } from '../metrics';
import type { Dataset, TrainHistory } from '../types';
import { buildReportData, type ReportData } from './data';

/** original + uniform-sum noise of relativeNoise × the range (of each column, for tables). */
function fakeReconstruction(ds: Dataset, relativeNoise: number): Float64Array {
  const random = seedrandom.alea('preview');
  const width = ds.kind === 'table' ? ds.shape[1] : 1;
  const min = new Array<number>(width).fill(Infinity), max = new Array<number>(width).fill(-Infinity);
  ds.values.forEach((v, i) => {
    const c = i % width;
    min[c] = Math.min(min[c], v);
    max[c] = Math.max(max[c], v);
  });
  return ds.values.map((v, i) => {
    const c = i % width;
    return v + (max[c] - min[c]) * relativeNoise * (random() + random() + random() - 1.5);
  });
}

function fakeHistory(epochs: number): TrainHistory {
  const loss: number[] = [], valLoss: number[] = [], learningRate: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const lr = 1e-3 * Math.pow(0.5, Math.floor(e / 150));
    learningRate.push(lr);
    loss.push(0.05 * Math.exp(-e / 60) + 2e-4 + 1e-5 * Math.sin(e));
    valLoss.push(0.055 * Math.exp(-e / 60) + 2.6e-4);
  }
  return { loss, valLoss, learningRate, epochs, seconds: 41.3, stoppedBecause: 'early-stopping', backend: 'wasm' };
}

export function fakeInfo(ds: Dataset, reconstructed: Float64Array, file: string, latents: number, decoder: number, history: TrainHistory): FileInfo {
  const originalFile = ds.values.length * 8 + 504;
  const originalFloat32 = ds.values.length * 4;
  const sizes = { originalFile, originalFloat32, latents, decoder, residuals: 0, header: 312, total: latents + decoder + 312, file: latents + decoder + 312, decoderShared: false };
  const r = sizeRatios(sizes);
  return {
    file, formatVersion: 1, kind: ds.kind, shape: ds.shape, dtype: 'float64', names: ds.names, mode: 'autoencoder',
    architecture: ds.kind === 'frames'
      ? { type: 'conv', height: ds.shape[1], width: ds.shape[2], channels: [8, 16], kernelSize: 3, denseHidden: 64, latent: 25, activation: 'leaky_relu', leakyAlpha: 0.01 }
      : { type: 'dense', inputSize: ds.shape[1], hidden: [200, 100, 50], latent: 15, activation: 'leaky_relu', leakyAlpha: 0.01 },
    latentPrecision: 'float16', entropy: 'zstd', sizes,
    ratios: { total: r.total, latentOnly: r.latentOnly, totalVsFloat32: r.totalVsFloat32, latentOnlyVsFloat32: r.latentOnlyVsFloat32 },
    errors: computeErrors(ds.values, reconstructed), history, createdBy: 'baler-vscode 0.1.0 (preview)',
  };
}

/** Report data for the flow demo (frames) or the jets demo (table) with an original + 0.4 % noise "reconstruction". */
export function previewReportData(which: 'frames' | 'jets', opts: { rows?: number; epochs?: number } = {}): ReportData {
  const ds = which === 'jets' ? generateJets({ rows: opts.rows ?? 20_000 }) : simulateFlowPastObstacle();
  const reconstructed = fakeReconstruction(ds, 0.004);
  const history = fakeHistory(opts.epochs ?? 600);
  const info = which === 'jets'
    ? fakeInfo(ds, reconstructed, 'jets.npz', 200_000, 61_000, history)
    : fakeInfo(ds, reconstructed, 'CFD_animation.npz', 3_000, 95_000, history);
  return buildReportData({
    title: `Baler report: ${info.file}`,
    original: ds,
    reconstructed,
    info,
    history,
    tradeoff: [
      { label: 'reference (dense 2500-200-100-50-25)', latentBytes: 6_780, decoderBytes: 2_116_400, totalBytes: 2_123_180, psnr: 38.5 },
      { label: 'dense f16', latentBytes: 3_000, decoderBytes: 260_000, totalBytes: 263_400, psnr: 41.2 },
      { label: 'conv small', latentBytes: 3_000, decoderBytes: 95_000, totalBytes: 98_312, psnr: 44.0 },
      { label: 'conv tiny', latentBytes: 3_000, decoderBytes: 24_000, totalBytes: 27_312, psnr: 39.1 },
      { label: 'error-bounded 1e-3', latentBytes: 0, decoderBytes: 0, totalBytes: 70_500, psnr: 65.3 },
    ],
  });
}
