// ReportData: everything the HTML report and the VS Code dashboard show about one compressed file, as plain
// JSON (compact: histograms and downsampled frames, never the full data). Non-finite numbers are stored as
// the strings 'Infinity', '-Infinity' and 'NaN' so the object survives JSON.stringify/parse unchanged.
import type { FileInfo, SizeBreakdown } from '../api';
import { BalerError } from '../errors';
import { describeArchitecture } from '../model/architectures';
import { columnStatistics, computeErrors, sizeRatios, type Histogram } from '../metrics';
import type { Architecture, Dataset, TrainHistory } from '../types';

export type ReportNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export interface TradeoffPoint {
  label: string;
  latentBytes: number;
  decoderBytes: number;
  totalBytes: number;
  psnr: number;
  /** When one decoder serves several files, its bytes are shared among them. */
  filesSharingDecoder?: number;
}

export interface ReportTradeoffPoint extends Omit<TradeoffPoint, 'psnr'> {
  psnr: ReportNumber;
}

export interface ReportSummary {
  file: string;
  kind: 'table' | 'frames';
  shape: number[];
  dtype: string;
  mode: FileInfo['mode'];
  errorBound?: string;
  model?: string;
  latentPrecision?: string;
  entropy?: string;
  createdBy: string;
  sizes: SizeBreakdown;
  /** Always both: the ratio the reference tool advertises (latents only) and the honest one (total). */
  ratios: {
    latentOnly: ReportNumber;
    total: ReportNumber;
    latentOnlyVsFloat32: ReportNumber;
    totalVsFloat32: ReportNumber;
    totalPercentOfFile: ReportNumber;
  };
}

export interface ReportErrors {
  rmse: ReportNumber;
  nrmse: ReportNumber;
  psnr: ReportNumber;
  maxAbsError: ReportNumber;
  maxRelError: ReportNumber;
  range: ReportNumber;
  compared: number;
  nonFiniteMismatches: number;
}

export interface ReportHistogram {
  lo: ReportNumber;
  hi: ReportNumber;
  counts: number[];
  underflow: number;
  overflow: number;
  skipped: number;
}

export interface ReportColumn {
  index: number;
  name: string;
  min: ReportNumber;
  max: ReportNumber;
  rmse: ReportNumber;
  maxAbs: ReportNumber;
  residuals: ReportHistogram;
  relativeDifferences: ReportHistogram;
}

export interface ReportLoss {
  /** Epoch number (1-based) of each point; long histories are thinned. */
  epochs: number[];
  loss: ReportNumber[];
  valLoss: ReportNumber[];
  learningRate: ReportNumber[];
  totalEpochs: number;
  seconds: number;
  stoppedBecause: TrainHistory['stoppedBecause'];
  backend: string;
}

export interface ReportFrame {
  label: 'first' | 'middle' | 'last' | 'worst';
  index: number;
  /** The frame with the largest RMSE (it may also be the first, middle or last). */
  worst: boolean;
  rmse: ReportNumber;
  /** Rows × columns, downsampled to at most MAX_FRAME_SIDE per side. */
  original: number[][];
  reconstructed: number[][];
  residual: number[][];
}

export interface ReportData {
  version: 1;
  title: string;
  generatedAt: string;
  summary: ReportSummary;
  errors: ReportErrors;
  /** Histograms of the columns with the largest range-normalised RMSE (all, up to MAX_HISTOGRAM_COLUMNS). */
  columns: ReportColumn[];
  /** How many columns the data has (columns may hold fewer). */
  columnCount: number;
  loss?: ReportLoss;
  frames?: ReportFrame[];
  tradeoff?: ReportTradeoffPoint[];
}

export const MAX_HISTOGRAM_COLUMNS = 64;
export const MAX_FRAME_SIDE = 64;
export const MAX_LOSS_POINTS = 1000;

export interface BuildReportArgs {
  title: string;
  original: Dataset;
  reconstructed: Float64Array;
  info: FileInfo;
  history?: TrainHistory;
  tradeoff?: TradeoffPoint[];
}

export function buildReportData(args: BuildReportArgs): ReportData {
  const { original, reconstructed, info } = args;
  if (original.values.length !== reconstructed.length) {
    throw new BalerError(
      `report: the reconstruction has ${reconstructed.length} values, the original ${original.values.length}`,
      info.file,
    );
  }
  const history = args.history ?? info.history;
  return withoutUndefined({
    version: 1,
    title: args.title,
    generatedAt: new Date().toISOString(),
    summary: summarise(info),
    errors: jsonObject(computeErrors(original.values, reconstructed)) as unknown as ReportErrors,
    columns: reportColumns(original, reconstructed),
    columnCount: original.kind === 'table' ? original.shape[1] ?? 1 : 1,
    loss: history && history.loss.length > 0 ? reportLoss(history) : undefined,
    frames: original.kind === 'frames' ? chooseFrames(original, reconstructed) : undefined,
    tradeoff: args.tradeoff?.map((p) => ({ ...p, psnr: jsonNumber(p.psnr) })),
  });
}

/** Drops undefined properties so that the data equals its own JSON round trip. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v);
  return out as T;
}

function summarise(info: FileInfo): ReportSummary {
  return {
    file: info.file,
    kind: info.kind,
    shape: [...info.shape],
    dtype: info.dtype,
    mode: info.mode,
    errorBound: info.errorBound,
    model: info.architecture ? describeModel(info.architecture) : undefined,
    latentPrecision: info.latentPrecision,
    entropy: info.entropy,
    createdBy: info.createdBy,
    sizes: { ...info.sizes },
    ratios: jsonObject({ ...sizeRatios(info.sizes) }) as unknown as ReportSummary['ratios'],
  };
}

function describeModel(a: Architecture): string {
  return a.type === 'dense' ? `${describeArchitecture(a)} (mirrored decoder)` : describeArchitecture(a);
}

function reportColumns(original: Dataset, reconstructed: Float64Array): ReportColumn[] {
  const stats = columnStatistics(original.values, reconstructed, original.shape, original.kind, original.names);
  const columns = stats.map((s, index): ReportColumn => ({
    index,
    name: s.name,
    min: jsonNumber(s.min),
    max: jsonNumber(s.max),
    rmse: jsonNumber(s.rmse),
    maxAbs: jsonNumber(s.maxAbs),
    residuals: reportHistogram(s.residuals),
    relativeDifferences: reportHistogram(s.relativeDifferences),
  }));
  if (columns.length <= MAX_HISTOGRAM_COLUMNS) return columns;
  const badness = (s: (typeof stats)[number]) => s.rmse / (s.max - s.min || 1);
  const worst = stats
    .map((s, i) => ({ i, b: badness(s) }))
    .sort((a, b) => b.b - a.b)
    .slice(0, MAX_HISTOGRAM_COLUMNS)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  return worst.map((i) => columns[i]);
}

function reportHistogram(h: Histogram): ReportHistogram {
  return { ...h, lo: jsonNumber(h.lo), hi: jsonNumber(h.hi) };
}

function reportLoss(h: TrainHistory): ReportLoss {
  const n = h.loss.length;
  const stride = Math.max(1, Math.ceil(n / MAX_LOSS_POINTS));
  const picked: number[] = [];
  for (let i = 0; i < n; i += stride) picked.push(i);
  if (picked[picked.length - 1] !== n - 1) picked.push(n - 1);
  const at = (series: number[]) => picked.filter((i) => i < series.length).map((i) => jsonNumber(series[i]));
  return {
    epochs: picked.map((i) => i + 1),
    loss: at(h.loss),
    valLoss: at(h.valLoss),
    learningRate: at(h.learningRate),
    totalEpochs: h.epochs,
    seconds: h.seconds,
    stoppedBecause: h.stoppedBecause,
    backend: h.backend,
  };
}

/** First, middle, last and worst (largest RMSE) frames; the worst is left out when it is one of the others. */
function chooseFrames(original: Dataset, reconstructed: Float64Array): ReportFrame[] {
  const count = original.shape[0] ?? 0;
  const size = original.shape.slice(1).reduce((a, b) => a * b, 1);
  // Frames are H × W; any further axes are folded into the width.
  const height = original.shape[1] ?? 1;
  const width = size / height;
  if (count === 0 || size === 0) return [];
  const frameRmse = (t: number) => {
    const e = computeErrors(original.values.subarray(t * size, (t + 1) * size), reconstructed.subarray(t * size, (t + 1) * size));
    return e.rmse;
  };
  let worst = 0, worstRmse = -1;
  for (let t = 0; t < count; t++) {
    const r = frameRmse(t);
    if (r > worstRmse) { worst = t; worstRmse = r; }
  }
  const choices: Array<[ReportFrame['label'], number]> = [['first', 0], ['middle', Math.floor(count / 2)], ['last', count - 1]];
  const unique = choices.filter(([, t], i) => choices.findIndex(([, u]) => u === t) === i);
  if (!unique.some(([, t]) => t === worst)) unique.push(['worst', worst]);
  return unique.map(([label, t]) => {
    const x = original.values.subarray(t * size, (t + 1) * size);
    const y = reconstructed.subarray(t * size, (t + 1) * size);
    const residual = y.map((v, i) => v - x[i]);
    return {
      label,
      index: t,
      worst: t === worst,
      rmse: jsonNumber(frameRmse(t)),
      original: downsample(x, height, width, 5),
      reconstructed: downsample(y, height, width, 5),
      residual: downsample(residual, height, width, 3),
    };
  });
}

/** Block-averages a frame to at most MAX_FRAME_SIDE per side, rounded to `digits` significant digits. */
function downsample(frame: Float64Array, height: number, width: number, digits: number): number[][] {
  const factor = Math.max(1, Math.ceil(Math.max(height, width) / MAX_FRAME_SIDE));
  const rows: number[][] = [];
  for (let r0 = 0; r0 < height; r0 += factor) {
    const row: number[] = [];
    for (let c0 = 0; c0 < width; c0 += factor) {
      let sum = 0, n = 0;
      for (let r = r0; r < Math.min(height, r0 + factor); r++) {
        for (let c = c0; c < Math.min(width, c0 + factor); c++) {
          const v = frame[r * width + c];
          if (Number.isFinite(v)) { sum += v; n++; }
        }
      }
      row.push(n > 0 ? Number((sum / n).toPrecision(digits)) : 0);
    }
    rows.push(row);
  }
  return rows;
}

export function jsonNumber(x: number): ReportNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Reads back a ReportNumber as a number. */
export function reportNumber(x: ReportNumber): number {
  return typeof x === 'number' ? x : Number(x);
}

function jsonObject(o: object): Record<string, ReportNumber> {
  const out: Record<string, ReportNumber> = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'number' ? jsonNumber(v) : v;
  return out;
}
