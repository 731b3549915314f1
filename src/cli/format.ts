// How the CLI prints: the one table of rows of a FileInfo (src/kernel/report/info-rows.ts) as text, plain
// text tables, and JSON that is safe for a terminal. Nothing here computes a figure.
import type { FileInfo } from '../kernel/api';
import type { SetInfo } from '../kernel/sets';
import { formatBytesExact, formatRatio } from '../kernel/report/format';
import { infoSections, mixedModes, sectionsText } from '../kernel/report/info-rows';
import { setSummaryLines } from '../kernel/report/set-text';
import { safeJson, sanitizeText } from '../kernel/report/text';

/** A plain text table: first row is the heading. */
export function table(rows: string[][]): string {
  // A heading may take several lines ('ratio\ntotal'), which keeps a column as narrow as its values.
  const heading = rows[0].map((cell) => cell.split('\n'));
  const headingLines = Math.max(...heading.map((h) => h.length));
  const headingRows = Array.from({ length: headingLines }, (_, l) => heading.map((h) => h[l - (headingLines - h.length)] ?? ''));
  const all = [...headingRows, ...rows.slice(1)];
  const widths = rows[0].map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [...headingRows.map(line), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** `baler info` and the result of `baler compress`: every string from the file is sanitised by the rows. */
export function formatInfo(info: FileInfo): string {
  return sectionsText(infoSections(info, { fullPath: true }));
}

/** `--json`: control and bidi characters escaped, so a hostile header cannot reach the terminal raw. */
export function formatInfoJson(info: FileInfo): string {
  return safeJson(info);
}

/** A set of .baler files: one line each, then the set's total with each shared model counted once. */
export function formatSetInfo(set: SetInfo): string {
  const rows = set.files.map((f, i) => [
    // A file of several arrays in several modes says each: its first array's alone read as the whole file's.
    sanitizeText(f.file, 200), mixedModes(f) ?? f.mode + (f.errorBound ? ` ${f.errorBound}` : '') + (f.learned ? `, learned ${f.learned.family}${f.learned.shared ? ' (shared)' : ''}` : ''),
    formatBytesExact(f.sizes.original), formatBytesExact(f.sizes.file), formatRatio(set.fileRatios[i]),
  ]);
  return [table([['file', 'mode', 'original', '.baler', 'ratio (file)'], ...rows]), '', ...setSummaryLines(set)].join('\n');
}
