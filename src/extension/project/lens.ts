// CodeLens on the lines of a project config that decide size and quality: what the current settings
// measured ("latent 15 → 1.93× total, 61.9 dB"), the other values measured for that line, a run for settings
// not measured yet, and the quality reached against targetPsnr / errorBound. Figures come from the measured
// points (the engine's FileInfo of each file written), never estimated.
import * as vscode from 'vscode';
import type { PointSettings, ProjectPoint, ProjectResults } from '../../kernel/project/results-types';
import { formatDb, formatRatio } from '../../kernel/report/format';
import { changedKeys, effectiveSettings, measuredPoint, readConfigText } from './configText';
import { projectOfConfig, type ProjectStore } from './store';

/** Keys a lens explains, in the order a reader meets them. */
const EXPLAINED = ['latent', 'compressionRatio', 'modelType', 'latentPrecision', 'decoderPrecision', 'errorBound', 'epochs', 'decoder'] as const;

export function describePoint(p: ProjectPoint): string {
  return `${formatRatio(p.ratioTotal)} total, ${p.psnr === null ? formatDb(Infinity) : formatDb(p.psnr)}`;
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

export class ProjectLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ProjectStore) {
    this.subscription = store.onDidChange(() => this.emitter.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const ref = projectOfConfig(document.uri.fsPath);
    if (!ref) return [];
    const results = this.store.get(document.uri.fsPath);
    if (!results) {
      void this.store.refresh(ref);
      return [];
    }
    const parsed = readConfigText(document.getText());
    const offsets = new Map(parsed.locations.map((l) => [l.key, l.offset]));
    return lensLines(document.getText(), results).map((line) => {
      const range = document.lineAt(document.positionAt(offsets.get(line.key) ?? 0).line).range;
      return new vscode.CodeLens(range, { title: line.title, command: line.command, arguments: [document.uri] });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
