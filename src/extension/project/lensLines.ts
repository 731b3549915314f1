// What the CodeLens of a project config says, line by line, from the config's text and the project's
// measured points: what the current settings measured ("latent 15 → 1.93× total, 61.9 dB"), the other values
// measured for that line, a run for settings not measured yet, and the quality reached against targetPsnr /
// errorBound. Pure (no vscode): ./lens.ts places these lines; unit tests read them directly.
import type { PointSettings, ProjectPoint, ProjectResults } from '../../kernel/project/results-types';
import { formatDb, formatRatio } from '../../kernel/report/format';
import { changedKeys, effectiveSettings, measuredPoint, readConfigText } from './configText';

/** Keys a lens explains, in the order a reader meets them. */
const EXPLAINED = ['latent', 'compressionRatio', 'modelType', 'latentPrecision', 'decoderPrecision', 'errorBound', 'epochs', 'decoder'] as const;

/** A point's PSNR: JSON holds neither ∞ nor −∞, so null is ∞ for an exact file and −∞ (nothing to measure on) otherwise. */
export function pointPsnr(p: ProjectPoint): number {
  return p.psnr ?? (p.maxAbsError === 0 ? Infinity : -Infinity);
}

export function describePoint(p: ProjectPoint): string {
  return `${formatRatio(p.ratioTotal)} total, ${formatDb(pointPsnr(p))}`;
}

function valueText(key: string, value: unknown): string {
  return `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

export interface LensLine {
  key: string;
  title: string;
  command: 'baler.showProject' | 'baler.runProjectSettings';
}

/** The lenses of one config text, given the project's results (pure: tests call it without an editor). */
export function lensLines(text: string, results: ProjectResults): LensLine[] {
  const parsed = readConfigText(text);
  if (parsed.parseError) return [];
  const settings = effectiveSettings(parsed.settings, results.settings);
  const current = measuredPoint(results.points, settings);
  const present = new Set(parsed.locations.map((l) => l.key));
  const lines: LensLine[] = [];
  // The size-deciding line: latent if given, else the ratio, else the error bound.
  const main = settings.errorBound && present.has('errorBound') ? 'errorBound' : present.has('latent') ? 'latent' : 'compressionRatio';
  const reference = results.points.find((p) => p.source === 'compress')?.settings;
  const changed = new Set(changedKeys(settings, reference ?? settings));
  for (const key of EXPLAINED) {
    if (!present.has(key)) continue;
    const value = settings[key as keyof PointSettings];
    if (current && key === main) {
      lines.push({ key, title: `${valueText(key, value)} → ${describePoint(current)}`, command: 'baler.showProject' });
    } else if (!current && (changed.has(key) || (key === main && !reference))) {
      lines.push({ key, title: `${valueText(key, value)}: not measured yet — ▶ run it (adds a point to the trade-off)`, command: 'baler.runProjectSettings' });
    }
    if (key === main) {
      const others = results.points.filter((p) => p !== current && onlyDiffersIn(p.settings, settings, key)).slice(0, 4);
      if (others.length > 0) {
        lines.push({ key, title: `measured: ${others.map((p) => `${valueText(key, p.settings[key as keyof PointSettings])} → ${describePoint(p)}`).join(' · ')}`, command: 'baler.showProject' });
      }
    }
  }
  const quality = results.quality;
  if (quality && quality.kind === 'psnr' && present.has('targetPsnr')) {
    lines.push({ key: 'targetPsnr', title: `target ${quality.target} → reached ${quality.reached} ${quality.met ? '✓' : '✗'}`, command: 'baler.showProject' });
  }
  if (quality && quality.kind === 'bound' && present.has('errorBound')) {
    lines.push({ key: 'errorBound', title: `bound met: ${quality.reached.replace(/^yes: /, '')}`, command: 'baler.showProject' });
  }
  return lines;
}

function onlyDiffersIn(a: PointSettings, b: PointSettings, key: string): boolean {
  const diff = changedKeys(a, b);
  return diff.length === 1 && diff[0] === key;
}
