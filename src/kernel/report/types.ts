// ReportData: everything the HTML report, the dashboard, notebook outputs and the project view show about one
// compressed file, as plain JSON (histograms and downsampled frames, never the full data). Non-finite
// numbers are the strings 'Infinity', '-Infinity' and 'NaN', so the object survives JSON (webview messages,
// notebook outputs) unchanged. Types and two pure helpers only: browser code imports this file too.
import type { FileInfo, SizeBreakdown } from '../api';
import type { TrainHistory } from '../types';
import type { InfoSection } from './info-rows';

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
  /** The point of the file this report is about. */
  current?: boolean;
}

/** What the charts need to know about the file; every figure shown as text comes from ReportData.info. */
export interface ReportSummary {
  file: string;
  kind: 'table' | 'frames';
  shape: number[];
  dtype: string;
  mode: FileInfo['mode'];
  errorBound?: string;
  sizes: SizeBreakdown;
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

/** The error bound checked against the original values. */
export interface ReportBound {
  text: string;
  kind: 'abs' | 'rel' | 'pw-rel';
  value: number;
  /** In data units: one value, or one per column (rel on a table); absent for pw-rel (it scales with |x|). */
  absolute?: ReportNumber[];
  /** max over all values of |error| / allowed error: ≤ 1 when the bound holds. */
  maxRatio: ReportNumber;
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
  version: 2;
  title: string;
  generatedAt: string;
  /** The figures every view shows as text, from the file's FileInfo (./info-rows.ts). */
  info: InfoSection[];
  summary: ReportSummary;
  errors: ReportErrors;
  bound?: ReportBound;
  /** Histograms of the columns with the largest range-normalised RMSE (all, up to MAX_HISTOGRAM_COLUMNS). */
  columns: ReportColumn[];
  /** How many columns the data has (columns may hold fewer). */
  columnCount: number;
  /** The column the views show first: the worst on its own range, as the file's figures name it (info's row). */
  worstColumn?: number;
  loss?: ReportLoss;
  frames?: ReportFrame[];
  /** Measured points (a search's record) or this file and the same decoder shared by more files. */
  tradeoff?: ReportTradeoffPoint[];
}

export function jsonNumber(x: number): ReportNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Reads back a ReportNumber as a number. */
export function reportNumber(x: ReportNumber | null | undefined): number {
  if (x === null || x === undefined) return NaN;
  return typeof x === 'number' ? x : Number(x);
}

/** True when the value is a ReportData this version of the views can draw. */
export function isReportData(value: unknown): value is ReportData {
  const v = value as Partial<ReportData> | null;
  return typeof v === 'object' && v !== null && v.version === 2 && Array.isArray(v.info) && typeof v.summary === 'object';
}
