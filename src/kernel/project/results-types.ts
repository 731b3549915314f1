// What the project view shows beside a project config: the measured trade-off points, the last training's
// loss curve, the latest compressed file's report and the quality reached against the config's target.
// Types only (the extension and the webviews import them); ./results.ts computes them in the kernel process.
import type { InfoSection } from '../report/info-rows';
import type { ReportData, ReportLoss } from '../report/types';

/** The settings of a project config that change a file's size or quality: one point per distinct set. */
export interface PointSettings {
  modelType: 'dense' | 'conv';
  latent?: number;
  compressionRatio: number;
  latentPrecision: 'float32' | 'float16';
  decoderPrecision: 'float32' | 'float16' | 'int8';
  errorBound?: string;
  epochs: number;
  decoder: 'embedded' | 'shared';
}

export const POINT_SETTING_KEYS = ['modelType', 'latent', 'compressionRatio', 'latentPrecision', 'decoderPrecision', 'errorBound', 'epochs', 'decoder'] as const satisfies readonly (keyof PointSettings)[];

/** One measured point: a file really written with these settings, its bytes and its errors. */
export interface ProjectPoint {
  /** Identifies the settings (pointKey); a new run with the same settings replaces the point. */
  key: string;
  label: string;
  settings: PointSettings;
  /** 'compress': the project's own compressed file; 'run': a run of other settings; 'search': a search's record. */
  source: 'compress' | 'run' | 'search';
  file?: string;
  latentBytes: number;
  decoderBytes: number;
  residualBytes: number;
  totalBytes: number;
  /** The engine's figures for that file (FileInfo), never recomputed by a view. */
  ratioTotal: number;
  ratioLatentOnly: number;
  /** dB; null when not finite (JSON has no Infinity): ∞ when maxAbsError is 0, else −∞ (see lensLines pointPsnr). */
  psnr: number | null;
  maxAbsError: number;
  measuredAt: string;
}

export interface QualityVsTarget {
  /** 'psnr': the config's targetPsnr; 'bound': its errorBound; 'none': no target set. */
  kind: 'psnr' | 'bound' | 'none';
  target: string;
  reached: string;
  met: boolean | null;
}

export interface ProjectResults {
  workspace: string;
  project: string;
  config: string;
  outputDir: string;
  /** The config as read from disk (validated), with the settings of its point. */
  settings: PointSettings;
  /** Output files that exist now, by role. */
  files: Partial<Record<'model' | 'history' | 'compressed' | 'decompressed' | 'report' | 'reportData', string>>;
  loss?: ReportLoss;
  /** Report of the project's compressed file (cached in output/plotting/report-data.json). */
  report?: ReportData;
  info?: InfoSection[];
  points: ProjectPoint[];
  quality?: QualityVsTarget;
  /** Why something is missing (no data, no compressed file yet), for the view to say. */
  notes: string[];
}
