// Builds ReportData (./types.ts) from a file's FileInfo, its original values and their reconstruction: the
// figures as text (./info-rows.ts), the bound checked on every value, histograms per column, downsampled
// frames, the loss curve and the trade-off points. Node side only (the views import ./types.ts).
import type { FileInfo } from '../api';
import { BalerError } from '../errors';
import { absoluteTolerances, parseErrorBound, verifyBound } from '../eb/bound';
import { columnStatistics, computeErrors, type Histogram } from '../metrics';
import type { Dataset, TrainHistory } from '../types';
import { infoSections, type BoundCheckSummary } from './info-rows';
import { sanitizeText } from './text';
import { tradeoffPoints } from './tradeoff';
import {
  jsonNumber, reportNumber, type ReportBound, type ReportColumn, type ReportData, type ReportErrors, type ReportFrame,
  type ReportHistogram, type ReportLoss, type ReportSummary, type TradeoffPoint,
} from './types';

export type {
  ReportBound, ReportColumn, ReportData, ReportErrors, ReportFrame, ReportHistogram, ReportLoss, ReportNumber,
  ReportSummary, ReportTradeoffPoint, TradeoffPoint,
} from './types';
export { jsonNumber, reportNumber } from './types';

export const MAX_HISTOGRAM_COLUMNS = 64;
export const MAX_FRAME_SIDE = 64;
export const MAX_LOSS_POINTS = 1000;

export interface BuildReportArgs {
  title: string;
  original: Dataset;
  reconstructed: Float64Array;
  info: FileInfo;
  history?: TrainHistory;
  /** Measured points (a search's record); without them the chart shows this file and decoder sharing. */
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
  const bound = info.errorBound ? checkBound(info.errorBound, original, reconstructed) : undefined;
  const columns = reportColumns(original, reconstructed);
  const boundCheck: BoundCheckSummary | undefined = bound
    ? { maxRatio: reportNumber(bound.maxRatio), absolute: bound.absolute?.map(reportNumber) }
    : undefined;
  return withoutUndefined({
    version: 2,
    title: sanitizeText(args.title),
    generatedAt: new Date().toISOString(),
    info: infoSections(info, { boundCheck }),
    summary: summarise(info),
    errors: jsonObject(computeErrors(original.values, reconstructed)) as unknown as ReportErrors,
    bound,
    columns,
    columnCount: original.kind === 'table' ? original.shape[1] ?? 1 : 1,
    worstColumn: firstColumn(columns, info.errors.worstColumn?.column),
    loss: history && history.loss.length > 0 ? reportLoss(history) : undefined,
    frames: original.kind === 'frames' ? chooseFrames(original, reconstructed) : undefined,
    tradeoff: tradeoffPoints(info, args.tradeoff),
  });
}

/** The bound checked on every value, as the codec applies it (rel on a table: each column's own range). */
function checkBound(text: string, original: Dataset, reconstructed: Float64Array): ReportBound | undefined {
  let bound;
  try {
    bound = parseErrorBound(text);
  } catch {
    return undefined; // a header from a newer version: the rows still show the text
  }
  const perColumn = original.kind === 'table' && original.shape.length === 2;
  const check = verifyBound(original.values, reconstructed, bound, original.shape, perColumn);
  const absolute = bound.kind === 'pw-rel' ? undefined : absoluteTolerances(original.values, original.shape, bound, perColumn).map(jsonNumber);
  return { text, kind: bound.kind, value: bound.value, absolute, maxRatio: jsonNumber(check.maxRatioToBound) };
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
    file: sanitizeText(info.file, 1000),
    kind: info.kind,
    shape: [...info.shape],
    dtype: sanitizeText(info.dtype),
    mode: info.mode,
    errorBound: info.errorBound === undefined ? undefined : sanitizeText(info.errorBound),
    sizes: { ...info.sizes },
  };
}

function reportColumns(original: Dataset, reconstructed: Float64Array): ReportColumn[] {
  const stats = columnStatistics(original.values, reconstructed, original.shape, original.kind, original.names);
  const columns = stats.map((s, index): ReportColumn => ({
    index,
    name: sanitizeText(s.name, 80),
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

/**
 * The column the views select first: the one the file's figures call worst (on its own range: a column of one
 * value not reproduced is the worst of all), else the largest RMSE for its range.
 */
function firstColumn(columns: ReportColumn[], worst: number | undefined): number | undefined {
  if (worst !== undefined && columns.some((c) => c.index === worst)) return worst;
  let first: number | undefined;
  let most = -1;
  for (const c of columns) {
    const range = reportNumber(c.max) - reportNumber(c.min);
    const badness = reportNumber(c.rmse) / (range > 0 ? range : 1);
    if (badness > most) [most, first] = [badness, c.index];
  }
  return first;
}

function reportHistogram(h: Histogram): ReportHistogram {
  return { ...h, lo: jsonNumber(h.lo), hi: jsonNumber(h.hi) };
}

/** A training history as the loss chart draws it (long histories thinned to MAX_LOSS_POINTS). */
export function reportLoss(h: TrainHistory): ReportLoss {
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
    backend: sanitizeText(h.backend),
  };
}

/** First, middle, last and worst (largest RMSE) frames; the worst is left out when it is one of the others. */
function chooseFrames(original: Dataset, reconstructed: Float64Array): ReportFrame[] {
  // Frames are H × W; any further axes are folded into the width. A 2-D array of kind 'frames' is one image.
  const shape = original.shape.length >= 3 ? original.shape : [1, ...original.shape];
  const count = shape[0] ?? 0;
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  const height = shape[1] ?? 1;
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

function jsonObject(o: object): Record<string, ReturnType<typeof jsonNumber>> {
  const out: Record<string, ReturnType<typeof jsonNumber>> = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'number' ? jsonNumber(v) : v;
  return out;
}
