// A project's results, kept in its output folder so the project view survives a reload:
//   output/results/tradeoff.json      the measured trade-off points (one per distinct set of settings)
//   output/runs/run-<hash>.baler      files written by "try these settings" runs
//   output/plotting/report-data.json  the report of output/compressed_output/compressed.baler
// Every point is a file really written and read back; its figures are the engine's FileInfo.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressResult, FileInfo, Hooks } from '../api';
import { BalerError } from '../errors';
import { parseErrorBound } from '../eb/bound';
import { writeFileAtomic } from '../fsutil';
import * as engine from '../pipeline';
import { formatDb } from '../report/format';
import { findRow, infoSections, type InfoSection } from '../report/info-rows';
import { reportLoss } from '../report/data';
import { isReportData, type ReportData } from '../report/types';
import type { TrainHistory } from '../types';
import { compressOptionsOf, projectPaths, readProjectConfig, resolveInputPath, type ProjectConfig, type ProjectPaths } from './config';
import {
  POINT_SETTING_KEYS, type PointSettings, type ProjectPoint, type ProjectResults, type QualityVsTarget,
} from './results-types';

export interface ResultPaths {
  tradeoff: string;
  runs: string;
  reportData: string;
}

export function resultPaths(p: ProjectPaths): ResultPaths {
  const output = path.dirname(p.training);
  return {
    tradeoff: path.join(output, 'results', 'tradeoff.json'),
    runs: path.join(output, 'runs'),
    reportData: path.join(path.dirname(p.plotting), 'report-data.json'),
  };
}

export function pointSettings(config: ProjectConfig): PointSettings {
  const s: PointSettings = {
    modelType: config.modelType,
    compressionRatio: config.compressionRatio,
    latentPrecision: config.latentPrecision,
    decoderPrecision: config.decoderPrecision,
    epochs: config.epochs,
    decoder: config.decoder,
  };
  if (config.latent !== undefined && config.latent !== null) s.latent = config.latent;
  if (config.errorBound) s.errorBound = config.errorBound;
  return s;
}

/** Settings → a stable key: the same settings always give the same key, whatever the key order. */
export function pointKey(s: PointSettings): string {
  return JSON.stringify(POINT_SETTING_KEYS.map((k) => [k, s[k] ?? null]));
}

export function pointLabel(s: PointSettings): string {
  if (s.errorBound) return `error-bounded ${s.errorBound}`;
  const size = s.latent !== undefined ? `latent ${s.latent}` : `ratio ${s.compressionRatio}`;
  const precision = s.latentPrecision === 'float32' && s.decoderPrecision === 'float32' ? '' : `, ${s.latentPrecision}/${s.decoderPrecision}`;
  return `${s.modelType} ${size}${precision}`;
}

export function pointFromInfo(settings: PointSettings, info: FileInfo, source: ProjectPoint['source'], file: string): ProjectPoint {
  return {
    key: pointKey(settings),
    label: pointLabel(settings),
    settings,
    source,
    file,
    latentBytes: info.sizes.latents,
    decoderBytes: info.sizes.decoder,
    residualBytes: info.sizes.residuals,
    totalBytes: info.sizes.total,
    ratioTotal: info.ratios.total,
    ratioLatentOnly: info.ratios.latentOnly,
    psnr: Number.isFinite(info.errors.psnr) ? info.errors.psnr : null,
    maxAbsError: info.errors.maxAbsError,
    measuredAt: new Date().toISOString(),
  };
}

/** The recorded points; an unreadable record counts as none (it is rebuilt by the next run). */
export function readPoints(paths: ResultPaths): ProjectPoint[] {
  if (!fs.existsSync(paths.tradeoff)) return [];
  try {
    const value = JSON.parse(fs.readFileSync(paths.tradeoff, 'utf8')) as { points?: unknown };
    return Array.isArray(value.points) ? value.points.filter(isPoint) : [];
  } catch {
    return [];
  }
}

function isPoint(p: unknown): p is ProjectPoint {
  const v = p as Partial<ProjectPoint>;
  return typeof v === 'object' && v !== null && typeof v.key === 'string' && typeof v.totalBytes === 'number'
    && typeof v.decoderBytes === 'number' && typeof v.settings === 'object';
}

/** Adds a point, replacing an older one with the same settings; returns all points. */
export function recordPoint(paths: ResultPaths, point: ProjectPoint): ProjectPoint[] {
  const points = [...readPoints(paths).filter((p) => p.key !== point.key), point];
  fs.mkdirSync(path.dirname(paths.tradeoff), { recursive: true });
  writeFileAtomic(paths.tradeoff, JSON.stringify({ version: 1, points }, null, 2) + '\n', { overwrite: true });
  return points;
}

function load(root: string, workspace: string, project: string) {
  const paths = projectPaths(workspace, project, root);
  const config = readProjectConfig(paths.config);
  return { paths, config, input: resolveInputPath(paths, config), results: resultPaths(paths) };
}

/** `baler compress --project`, then its point recorded and its report cached for the project view. */
export async function compressProjectRecorded(root: string, workspace: string, project: string, hooks?: Hooks): Promise<{ result: CompressResult; point: ProjectPoint }> {
  const { paths, config, input, results } = load(root, workspace, project);
  const result = await engine.compressProject(workspace, project, hooks, root);
  const point = pointFromInfo(pointSettings(config), result.info, 'compress', result.output);
  recordPoint(results, point);
  await cacheReport(paths, results, input);
  return { result, point };
}

/**
 * Compresses the project's data with the config's settings into output/runs/ (training a model for them
 * unless the config asks for an error bound only) and records the point: the trade-off chart's next point.
 */
export async function runProjectSettings(root: string, workspace: string, project: string, hooks?: Hooks): Promise<ProjectPoint> {
  const { config, input, results } = load(root, workspace, project);
  if (!fs.existsSync(input)) throw new BalerError('the project data file does not exist (see inputPath in the config)', input);
  const settings = pointSettings(config);
  const name = `run-${crypto.createHash('sha256').update(pointKey(settings)).digest('hex').slice(0, 12)}`;
  fs.mkdirSync(results.runs, { recursive: true });
  const output = path.join(results.runs, `${name}.baler`);
  const result = await engine.compress(input, {
    ...compressOptionsOf(config),
    output,
    force: true,
    modelFile: config.decoder === 'shared' ? path.join(results.runs, `${name}.balermodel`) : undefined,
  }, hooks);
  const point = pointFromInfo(settings, result.info, 'run', output);
  recordPoint(results, point);
  return point;
}

async function cacheReport(paths: ProjectPaths, results: ResultPaths, input: string): Promise<ReportData | undefined> {
  if (!fs.existsSync(paths.compressed) || !fs.existsSync(input)) return undefined;
  const data = await engine.buildReport(paths.compressed, input, fs.existsSync(paths.history) ? paths.history : undefined);
  fs.mkdirSync(path.dirname(results.reportData), { recursive: true });
  writeFileAtomic(results.reportData, JSON.stringify(data), { overwrite: true });
  return data;
}

function cachedReport(paths: ProjectPaths, results: ResultPaths): ReportData | undefined {
  if (!fs.existsSync(results.reportData) || !fs.existsSync(paths.compressed)) return undefined;
  if (fs.statSync(results.reportData).mtimeMs < fs.statSync(paths.compressed).mtimeMs) return undefined;
  try {
    const data: unknown = JSON.parse(fs.readFileSync(results.reportData, 'utf8'));
    return isReportData(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

function readHistory(file: string): TrainHistory | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as TrainHistory;
    return Array.isArray(h.loss) ? h : undefined;
  } catch {
    return undefined;
  }
}

/** Everything the project view shows, read from (and, for the report, cached in) the output folder. */
export async function projectResults(root: string, workspace: string, project: string): Promise<ProjectResults> {
  const { paths, config, input, results } = load(root, workspace, project);
  const notes: string[] = [];
  const exists = (f: string) => (fs.existsSync(f) ? f : undefined);
  const files: ProjectResults['files'] = {
    model: exists(paths.model), history: exists(paths.history), compressed: exists(paths.compressed),
    decompressed: exists(paths.decompressed), report: exists(paths.plotting), reportData: exists(results.reportData),
  };
  if (!fs.existsSync(input)) notes.push(`the data file ${path.relative(paths.projectDir, input)} does not exist yet`);
  const history = readHistory(paths.history);
  if (!history) notes.push('not trained yet: Train draws the loss curve here');
  let report = cachedReport(paths, results);
  if (!report && files.compressed) {
    try {
      report = await cacheReport(paths, results, input);
      files.reportData = exists(results.reportData);
    } catch (err) {
      notes.push(`could not build the report of the compressed file: ${(err as Error).message}`);
    }
  }
  const fileInfo = files.compressed ? await engine.inspect(paths.compressed) : undefined;
  const info = report?.info ?? (fileInfo ? infoSections(fileInfo) : undefined);
  if (!files.compressed) notes.push('nothing compressed yet: Compress writes output/compressed_output/compressed.baler');
  return {
    workspace, project, config: paths.config, outputDir: path.dirname(paths.training),
    settings: pointSettings(config), files,
    loss: history && history.loss.length > 0 ? reportLoss(history) : undefined,
    report, info, points: readPoints(results),
    quality: fileInfo && info ? qualityVsTarget(config, fileInfo, info) : undefined, notes,
  };
}

/** Whether two bound texts mean the same bound ("rel:1e-2" and "rel:0.01" do). */
function sameBound(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    const x = parseErrorBound(a), y = parseErrorBound(b);
    return x.kind === y.kind && x.value === y.value;
  } catch {
    return false;
  }
}

/** The quality the compressed file reached, against the config's target (error bound, else targetPsnr). */
export function qualityVsTarget(config: Pick<ProjectConfig, 'errorBound' | 'targetPsnr'>, file: FileInfo, info: InfoSection[]): QualityVsTarget {
  const psnr = findRow(info, 'errors.psnr')?.value ?? formatDb(file.errors.psnr);
  if (config.errorBound) {
    const met = findRow(info, 'bound.met')?.value;
    if (!met || !sameBound(file.errorBound, config.errorBound)) {
      const has = file.errorBound ? `bound ${file.errorBound}` : 'no bound';
      return { kind: 'bound', target: config.errorBound, reached: `the compressed file has ${has}: compress again`, met: false };
    }
    return { kind: 'bound', target: config.errorBound, reached: met, met: met.startsWith('yes') };
  }
  if (config.targetPsnr !== undefined && config.targetPsnr !== null) {
    return { kind: 'psnr', target: formatDb(config.targetPsnr), reached: `PSNR ${psnr}`, met: file.errors.psnr >= config.targetPsnr };
  }
  return { kind: 'none', target: 'none set (targetPsnr or errorBound in the config)', reached: `PSNR ${psnr}, max abs error ${findRow(info, 'errors.maxAbsError')?.value ?? '—'}`, met: null };
}
