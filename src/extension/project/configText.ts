// A project config as the editor holds it (maybe unsaved): its settings and where each key sits, read with
// jsonc-parser (tolerant of a half-typed file). Pure: no vscode, so unit tests use it too.
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { POINT_SETTING_KEYS, type PointSettings, type ProjectPoint } from '../../kernel/project/results-types';

export interface KeyLocation {
  key: string;
  /** Offset of the property (its key) in the text. */
  offset: number;
  value: unknown;
}

export interface ConfigText {
  /** The size/quality settings found in the text (defaults are not filled in). */
  settings: Partial<PointSettings> & { targetPsnr?: number };
  locations: KeyLocation[];
  parseError?: string;
}

const LENS_KEYS = [...POINT_SETTING_KEYS, 'targetPsnr'] as const;

export function readConfigText(text: string): ConfigText {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true });
  if (!root || root.type !== 'object') return { settings: {}, locations: [], parseError: 'the config is not a JSON object' };
  const settings: Record<string, unknown> = {};
  const locations: KeyLocation[] = [];
  for (const key of LENS_KEYS) {
    const node: Node | undefined = findNodeAtLocation(root, [key]);
    if (!node || node.value === null || node.value === undefined) continue;
    settings[key] = node.value;
    locations.push({ key, offset: node.parent?.offset ?? node.offset, value: node.value });
  }
  return {
    settings: settings as ConfigText['settings'],
    locations,
    parseError: errors.length > 0 ? `the config has ${errors.length} JSON syntax error(s)` : undefined,
  };
}

/** Settings in the text filled with the values the engine would use (those of the project's last read). */
export function effectiveSettings(fromText: Partial<PointSettings>, base: PointSettings): PointSettings {
  const merged = { ...base, ...fromText } as PointSettings;
  if (fromText.latent === undefined) delete merged.latent;
  if (fromText.errorBound === undefined || fromText.errorBound === '') delete merged.errorBound;
  return merged;
}

/** Keys whose value differs between two settings. */
export function changedKeys(a: PointSettings, b: PointSettings | undefined): string[] {
  if (!b) return [];
  return POINT_SETTING_KEYS.filter((k) => (a[k] ?? null) !== (b[k] ?? null));
}

/** The measured point with exactly these settings. */
export function measuredPoint(points: ProjectPoint[], settings: PointSettings): ProjectPoint | undefined {
  return points.find((p) => POINT_SETTING_KEYS.every((k) => (p.settings[k] ?? null) === (settings[k] ?? null)));
}
