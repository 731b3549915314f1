// Text for notifications, progress and the output channel. Figures of a file come from the one table of
// rows (src/kernel/report/info-rows.ts); numbers are written by the one formatter (report/format.ts).
import type { FileInfo, Progress } from '../kernel/api';
import { formatNumber, formatSeconds } from '../kernel/report/format';
import { headline, infoSections, sectionsText } from '../kernel/report/info-rows';

export function progressMessage(p: Progress): string {
  if (p.phase === 'train') {
    return `epoch ${p.epoch}/${p.epochs} · loss ${formatNumber(p.loss)}${p.valLoss !== undefined ? ` · val ${formatNumber(p.valLoss)}` : ''} · ETA ${formatSeconds(p.etaSeconds)}`;
  }
  return p.message;
}

/** The figures a user cares about after compressing, on one line. */
export function resultSummary(info: FileInfo): string {
  return headline(infoSections(info));
}

/** The output channel's view of a file: the same rows `baler info` prints. */
export function infoText(info: FileInfo): string {
  return sectionsText(infoSections(info, { fullPath: true }));
}
