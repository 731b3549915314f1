// The one table of figures about a .baler, rendered from its FileInfo by every view: `baler info`, the
// output channel, the .baler viewer, the dashboard, notebook cells and the HTML report. No view computes a
// ratio or formats a figure of a FileInfo itself; each renders these rows (and may pick some by key).
// Every string that came from the file is sanitised here (no control characters reach a terminal or page).
import type { ErrorFigures, FileInfo } from '../api';
import { describeArchitecture } from '../model/architectures';
import {
  formatBytesExact, formatDb, formatNumber, formatPercent, formatRatio, formatSeconds,
} from './format';
import { escapeHtml, sanitizeText } from './text';
import { TEXT_WRITTEN_TO } from '../data/text-writers';

export interface InfoRow {
  /** Stable name of the figure, e.g. 'ratio.total' (views pick rows by key, never by label). */
  key: string;
  label: string;
  value: string;
}

export interface InfoSection {
  key: 'file' | 'arrays' | 'sizes' | 'ratios' | 'errors' | 'bound';
  title: string;
  rows: InfoRow[];
}

/** What only a check against the original values knows (the HTML report and dashboard have it). */
export interface BoundCheckSummary {
  /** max over all values of |error| / (what the bound allows there); ≤ 1 when the bound holds. */
  maxRatio: number;
  /** The bound in data units: one number, or one per column (rel on a table). Absent for pw-rel. */
  absolute?: number[];
}

export interface InfoOptions {
  /** Show the file's full path (CLI, output channel) rather than its name. */
  fullPath?: boolean;
  boundCheck?: BoundCheckSummary;
}

const MAX_NAMES_SHOWN = 12;

export function infoSections(info: FileInfo, options: InfoOptions = {}): InfoSection[] {
  const sections = [fileSection(info, options)];
  const arrays = info.arrays ?? [];
  if (arrays.length > 1) sections.push(arraySection(arrays));
  // Of several arrays, the errors and the bound shown are the worst array's (the headline's figures), not the first's.
  const worst = arrays.length > 1 ? worstArray(arrays) : 0;
  const focus: ErrorsOf = worst === 0 ? info : arrays[worst];
  const label = arrays.length > 1 ? ` of ${sanitizeText(arrays[worst].path || `array ${worst}`, 60)}, the largest error / range of the ${arrays.length} arrays` : '';
  sections.push(sizeSection(info), ratioSection(info), errorSection(focus, label));
  if (focus.errorBound) sections.push(boundSection(focus, worst === 0 ? options.boundCheck : undefined, label));
  return sections;
}

/** What the errors and bound sections show: a file's first array, or one array of several. */
type ErrorsOf = Pick<FileInfo, 'errors' | 'errorBound' | 'boundRange' | 'kind' | 'shape' | 'names' | 'missingValue' | 'dtype'>;

/** Index of the array with the largest max abs error relative to its range (the first when all are exact). */
function worstArray(arrays: NonNullable<FileInfo['arrays']>): number {
  let worst = 0;
  let worstScore = 0;
  arrays.forEach((a, i) => {
    const e = a.errors;
    const score = e.maxAbsError > 0 ? (e.range > 0 ? e.maxAbsError / e.range : Infinity) : 0;
    if (score > worstScore) { worst = i; worstScore = score; }
  });
  return worst;
}

function checkedText(c: NonNullable<FileInfo['checked']>): string {
  if (c.chunks === 0) return 'the index\'s matches (the file holds no chunks)';
  return `${c.chunks === 1 ? 'the one chunk' : `all ${c.chunks} chunks`} and the index match (${formatBytesExact(c.bytes)} read)`;
}

function row(key: string, label: string, value: string): InfoRow {
  return { key, label, value: sanitizeText(value, 400) };
}

function fileSection(info: FileInfo, options: InfoOptions): InfoSection {
  const name = options.fullPath ? info.file : info.file.split(/[\\/]/).pop() ?? info.file;
  const names = info.names.slice(0, MAX_NAMES_SHOWN).map((n) => sanitizeText(n, 40)).join(', ');
  const more = info.names.length > MAX_NAMES_SHOWN ? ` … ${info.names.length - MAX_NAMES_SHOWN} more` : '';
  const arrays = info.arrays ?? [];
  const several = arrays.length > 1;
  const rows = [
    row('file', 'file', name),
    row('data', 'data', several
      ? `${arrays.length} arrays (each under Arrays); the first, ${arrays[0].path || 'array 0'}: ${kindLabel(info.kind, info.shape)}, shape ${info.shape.join(' × ')}, ${info.dtype}`
      : `${kindLabel(info.kind, info.shape)}, shape ${info.shape.join(' × ')}, ${info.dtype}`),
  ];
  if (info.names.length > 0) rows.push(row('columns', 'columns', names + more));
  if (info.textColumns) rows.push(row('textColumns', 'text columns', `${listNames(info.textColumns)}: kept exactly, in the header (written back to ${TEXT_WRITTEN_TO})`));
  if (info.exactColumns) rows.push(row('exactColumns', 'exact columns', `${listNames(info.exactColumns)}: integers beside real numbers (and any column of one value) are kept exact, whatever the bound`));
  if (info.source) rows.push(row('source', 'source', `${info.source.name} (${info.source.format})`));
  rows.push(row('mode', 'mode', several ? modesOf(arrays) : describeMode(info)));
  if (info.architecture) rows.push(row('model', 'model', describeArchitecture(info.architecture)));
  if (info.learned) {
    const what = info.learned.family === 'basis' ? 'a learned basis of rows (frames)' : 'a cross-column model of the table';
    rows.push(row('learned', 'learned predictor', `${what}, ${info.learned.shared ? 'in a shared model file' : 'embedded'}; the coder alone: about ${formatBytesExact(info.learned.baselineBytes)}`));
  }
  if (info.latentPrecision) rows.push(row('latentPrecision', 'latent precision', info.latentPrecision));
  if (info.entropy) rows.push(row('entropy', 'entropy coding', info.entropy));
  if (info.search) {
    const s = info.search;
    rows.push(row('search', 'search', `smallest ${s.objective} meeting ${s.target}: ${s.pointsTried} points tried${s.seconds !== undefined ? ` in ${formatSeconds(s.seconds)}` : ''}`));
  }
  rows.push(row('format', 'format', `.baler v${info.formatVersion}, ${info.createdBy}`));
  if (info.checked) rows.push(row('checksums', 'checksums', checkedText(info.checked)));
  return { key: 'file', title: 'File', rows };
}

function describeMode(a: Pick<FileInfo, 'mode' | 'errorBound'>): string {
  return a.mode === 'lossless' ? 'lossless (every value exact)' : a.mode === 'constant' ? 'constant (one value, held in the header)' : a.mode + (a.errorBound ? ` (bound ${a.errorBound})` : '');
}

/** The modes of a file's arrays when they differ (each with how many arrays use it); undefined when one serves all. */
export function mixedModes(info: Pick<FileInfo, 'arrays'>): string | undefined {
  const arrays = info.arrays ?? [];
  return new Set(arrays.map(describeMode)).size > 1 ? modesOf(arrays) : undefined;
}

/** The modes of several arrays: one when they share it, else each with how many arrays use it. */
function modesOf(arrays: NonNullable<FileInfo['arrays']>): string {
  const counts = new Map<string, number>();
  for (const a of arrays) counts.set(describeMode(a), (counts.get(describeMode(a)) ?? 0) + 1);
  if (counts.size === 1) return `${[...counts.keys()][0]}, every array`;
  return [...counts].map(([mode, n]) => `${mode}: ${n} ${n === 1 ? 'array' : 'arrays'}`).join('; ');
}

/** A file from a multi-array source (HDF5, netCDF, …): each array's layout, mode and errors. */
function arraySection(arrays: NonNullable<FileInfo['arrays']>): InfoSection {
  return {
    key: 'arrays',
    title: `Arrays (${arrays.length})`,
    rows: arrays.map((a, i) => row(`arrays.${i}`, a.path || `array ${i}`,
      `${kindLabel(a.kind, a.shape)} ${a.shape.join(' × ')} ${a.dtype}, ${a.mode}${a.errorBound ? ` ${a.errorBound}` : ''}, PSNR ${formatDb(a.errors.psnr)}, max abs error ${formatNumber(a.errors.maxAbsError)}`)),
  };
}

function sizeSection(info: FileInfo): InfoSection {
  const s = info.sizes;
  const part = info.source?.part;
  const partial = info.source?.leftOut !== undefined || part !== undefined;
  const of = part ? 'of the rows held' : partial ? 'of the arrays held' : 'of the original file';
  const percent = (b: number) => (s.original > 0 ? ` = ${formatPercent((100 * b) / s.original)} ${of}` : '');
  const decoder = s.decoder === 0 && !s.decoderShared
    ? 'none (this mode needs no decoder)'
    : `${formatBytesExact(s.decoder)} ${s.decoderShared ? '(in a shared model file, counted in full)' : '(embedded)'}`;
  const rows = [
    row('sizes.originalFile', 'original file', formatBytesExact(s.originalFile)),
    ...(partial ? [row('sizes.original', part ? `rows held (part ${part.index} of ${part.count}), in their dtype` : 'arrays held, in their dtype', formatBytesExact(s.original))] : []),
    ...(float32ComparisonMatters(info) ? [row('sizes.originalFloat32', 'original as float32', formatBytesExact(s.originalFloat32))] : []),
    row('sizes.latents', 'latents', formatBytesExact(s.latents)),
  ];
  if (s.residuals > 0 || info.mode === 'error-bounded') rows.push(row('sizes.residuals', 'residuals / codes', formatBytesExact(s.residuals)));
  rows.push(
    row('sizes.decoder', 'decoder', decoder),
    row('sizes.header', 'header + index', formatBytesExact(s.header)),
    row('sizes.file', '.baler file', formatBytesExact(s.file)),
    row('sizes.total', 'total needed to decompress', formatBytesExact(s.total) + percent(s.total)),
  );
  return { key: 'sizes', title: 'Sizes', rows };
}

function ratioSection(info: FileInfo): InfoSection {
  const r = info.ratios;
  const { leftOut, part } = info.source ?? {};
  // Of what it holds, where the .baler holds only part of the file: said beside the figure, wherever it is shown.
  const partial = part
    ? ` (of the rows held: part ${part.index} of ${part.count} of the file)`
    : leftOut ? ` (of the arrays held: ${leftOut} of the file's arrays or columns ${leftOut === 1 ? 'is' : 'are'} not in the .baler)` : '';
  return {
    key: 'ratios',
    title: 'Ratios (original ÷ compressed)',
    rows: [
      row('ratio.total', 'total (decoder counted)', `${formatRatio(r.total)}${partial}`),
      row('ratio.latentOnly', 'latents only (decoder and header not counted)', formatRatio(r.latentOnly)),
      ...(float32ComparisonMatters(info) ? [
        row('ratio.totalVsFloat32', 'total vs float32 content', formatRatio(r.totalVsFloat32)),
        row('ratio.latentOnlyVsFloat32', 'latents only vs float32 content', formatRatio(r.latentOnlyVsFloat32)),
      ] : []),
    ],
  };
}

/**
 * Whether the figures against float32 content say something the main ones do not: for float data other than
 * float32 (float64, float16), where they differ by more than 1%. Of integers or float32 they restate the main
 * figures, or differ only by the source file's header.
 */
function float32ComparisonMatters(info: FileInfo): boolean {
  const dtypes = info.arrays?.length ? info.arrays.map((a) => a.dtype) : [info.dtype];
  const floatNotFloat32 = dtypes.some((d) => d.startsWith('float') && d !== 'float32');
  const { original, originalFloat32 } = info.sizes;
  return floatNotFloat32 && original > 0 && Math.abs(originalFloat32 / original - 1) > 0.01;
}

function errorSection(info: ErrorsOf, of: string): InfoSection {
  const e = info.errors;
  const relativeToRange = e.range > 0 ? e.maxAbsError / e.range : 0;
  return {
    key: 'errors',
    title: `Errors${of} (measured on the values written and read back)`,
    rows: [
      // A table's headline PSNR is its worst column's (inspect.ts withHeadlinePsnr); the whole table's follows it.
      ...(e.psnrWhole !== undefined
        ? [row('errors.psnr', 'PSNR (worst column, on its own range)', formatDb(e.psnr)), row('errors.psnrWhole', 'PSNR of the whole table (range / RMSE)', formatDb(e.psnrWhole))]
        : [row('errors.psnr', 'PSNR (range / RMSE)', formatDb(e.psnr))]),
      row('errors.rmse', 'RMSE', formatNumber(e.rmse)),
      row('errors.nrmse', 'RMSE / range', formatNumber(e.nrmse)),
      row('errors.maxAbsError', 'max abs error', formatNumber(e.maxAbsError)),
      row('errors.maxAbsOverRange', 'max abs error / range', formatNumber(relativeToRange)),
      row('errors.maxRelError', 'max relative error |x′−x| / |x|',
        `${formatNumber(e.maxRelError)}${e.maxRelError > 1 ? ' (at values near zero: see max abs error / range)' : ''}`),
      row('errors.range', 'value range', formatNumber(e.range)),
      ...(e.worstColumn ? [row('errors.worstColumn', 'worst column (on its own range; one of a single value on the table\'s)', worstColumnText(e.worstColumn, info.names))] : []),
      ...(info.missingValue !== undefined ? [row('errors.missingValue', 'declared missing value', `${declared(info.missingValue, info.dtype)}: each comes back as it, not counted in the errors`)] : []),
    ],
  };
}

/** A declared value as its file declares it: in full (a float32's shortest digits: -1e+34, not -9.999999790214768e+33). */
/** A missing value as it would be typed: 1e+20, not 100000000000000000000 (a float32's to 7 digits). */
function declared(value: number, dtype: string): string {
  const shown = dtype === 'float32' || dtype === 'float16' ? Number(value.toPrecision(7)) : value;
  return Math.abs(shown) >= 1e21 || (Math.abs(shown) >= 1e7 && Number.isInteger(shown) && /0{6}$/.test(String(shown))) ? shown.toExponential() : String(shown);
}

function worstColumnText(w: NonNullable<ErrorFigures['worstColumn']>, names: string[]): string {
  const name = names[w.column] ?? `#${w.column + 1}`;
  // Only a table of one value throughout (or a file written when a flat column was judged on its own range) has no range to measure a column against.
  if (w.psnr === -Infinity) return `${name}: one value throughout in the original, not reproduced exactly`;
  return `${name}: PSNR ${formatDb(w.psnr)}, max abs error / its range ${formatNumber(w.maxErrorOverRange)}`;
}

/** Column names for a row: each sanitised and cut at 40 characters, the list at 12 names. */
function listNames(names: string[]): string {
  const shown = names.slice(0, 12).map((n) => sanitizeText(n, 40)).join(', ');
  return names.length > 12 ? `${shown} and ${names.length - 12} more` : shown;
}

function boundSection(info: ErrorsOf, check: BoundCheckSummary | undefined, of: string): InfoSection {
  const text = info.errorBound ?? '';
  const [kind, valueText] = text.split(':');
  const value = Number(valueText);
  // A 1-D series is a table of one column: its one range is the array's.
  const perColumnRel = kind === 'rel' && info.kind === 'table' && info.shape.length > 1;
  const rows = [row('bound.text', 'error bound', text)];
  const range = info.boundRange ?? info.errors.range;
  const absolute = check?.absolute ?? (kind === 'abs' ? [value] : kind === 'rel' && !perColumnRel ? [value * range] : undefined);
  if (kind === 'abs') rows.push(row('bound.absolute', 'absolute bound', `|x′ − x| ≤ ${formatNumber(value)}`));
  else if (kind === 'rel') {
    rows.push(row('bound.absolute', 'absolute bound', perColumnRel
      ? `${formatNumber(value)} × each column's range${absolute ? ` (${describeRange(absolute)})` : ''}`
      : `${formatNumber(value)} × ${info.boundRange !== undefined ? 'the whole array\'s range' : 'range'} ${formatNumber(range)} = ${formatNumber(absolute?.[0] ?? NaN)}`));
  } else if (kind === 'pw-rel') rows.push(row('bound.absolute', 'absolute bound', `${formatNumber(value)} × |x| for each value (zeros stay zero)`));
  const maxRatio = check?.maxRatio ?? (absolute && absolute.length === 1 && absolute[0] > 0 ? info.errors.maxAbsError / absolute[0] : undefined);
  // Every value was checked against the bound when the file was written: measured against other data (a report's
  // original that is not the source), it can only be that data that differs.
  const notTheSource = check !== undefined && !(check.maxRatio <= 1)
    ? ': these are not the values the file was compressed from (each was checked against the bound when it was written)' : '';
  rows.push(row('bound.met', 'bound met', maxRatio !== undefined
    ? `${maxRatio <= 1 ? 'yes' : 'NO'}: max error = ${maxRatio.toFixed(3)} × bound${notTheSource}`
    : 'yes: every value was checked against it when the file was written'));
  return { key: 'bound', title: `Error bound${of}`, rows };
}

function describeRange(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '—';
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return lo === hi ? formatNumber(lo) : `${formatNumber(lo)} to ${formatNumber(hi)}`;
}

/** The row with this key, if the table has it. */
export function findRow(sections: InfoSection[], key: string): InfoRow | undefined {
  for (const s of sections) for (const r of s.rows) if (r.key === key) return r;
  return undefined;
}

/** The figures a one-line summary shows (notifications, the dashboard's status line, a notebook heading). */
export const HEADLINE_KEYS = ['ratio.total', 'ratio.latentOnly', 'errors.psnr', 'errors.maxAbsError', 'bound.met'] as const;

/** "1.93× total (decoder counted) · 3.52× latents only · PSNR 61.9 dB · max abs error 4e-5". */
export function headline(sections: InfoSection[]): string {
  const parts: string[] = [];
  const total = findRow(sections, 'ratio.total');
  const latent = findRow(sections, 'ratio.latentOnly');
  const psnr = findRow(sections, 'errors.psnr');
  const maxAbs = findRow(sections, 'errors.maxAbsError');
  const met = findRow(sections, 'bound.met');
  if (total) parts.push(`${total.value} total (decoder counted)`);
  if (latent) parts.push(`${latent.value} latents only`);
  if (psnr) parts.push(`PSNR ${psnr.value}`);
  if (maxAbs) parts.push(`max abs error ${maxAbs.value}`);
  if (met) parts.push(`bound met: ${met.value.replace(/^yes: /, '')}`);
  return parts.join(' · ');
}

/** Plain text: a heading per section and aligned label/value columns (CLI, output channel). */
export function sectionsText(sections: InfoSection[], indent = '  '): string {
  const width = Math.max(...sections.flatMap((s) => s.rows.map((r) => r.label.length)));
  return sections.map((s) => [`${s.title}`, ...s.rows.map((r) => `${indent}${r.label.padEnd(width)}  ${r.value}`)].join('\n')).join('\n\n');
}

/** The table as [section, label, value] rows (notebook cell tables, tests). */
export function sectionsRows(sections: InfoSection[]): [string, string, string][] {
  return sections.flatMap((s) => s.rows.map((r): [string, string, string] => [s.title, r.label, r.value]));
}

/** Markdown: a bold heading and a two-column table per section (notebook outputs). */
export function sectionsMarkdown(sections: InfoSection[]): string {
  const md = (t: string) => t.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`);
  return sections.map((s) => `**${md(s.title)}**\n\n| figure | value |\n| --- | --- |\n${s.rows.map((r) => `| ${md(r.label)} | ${md(r.value)} |`).join('\n')}`).join('\n\n');
}

/** HTML tables, one per section, rows marked with their key (HTML report, .baler viewer, dashboard). */
export function sectionsHtml(sections: InfoSection[], headingTag: 'h2' | 'h3' = 'h2'): string {
  return sections.map((s) => `<section class="info" data-section="${s.key}"><${headingTag}>${escapeHtml(s.title)}</${headingTag}>`
    + `<table class="info"><tbody>${s.rows.map((r) => `<tr data-key="${escapeHtml(r.key)}"><th>${escapeHtml(r.label)}</th><td>${escapeHtml(r.value)}</td></tr>`).join('')}</tbody></table></section>`).join('\n');
}

/** What an array is, in words: a 2-D array of kind frames is one image (types.ts kindOfArray). */
function kindLabel(kind: string, shape: number[]): string {
  if (kind === 'table' && shape.length === 1) return '1-D series';
  return kind === 'frames' && shape.length === 2 ? 'image' : kind;
}
