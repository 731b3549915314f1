// Human-readable figures for notifications, the output channel and the .baler viewer.
import * as path from 'node:path';
import type { FileInfo, Progress } from '../kernel/api';
import { describeArchitecture } from '../kernel/model/architectures';
import { formatBytes } from '../kernel/report/figures';
import type { ViewerSection } from './messages';

export function fmtNumber(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  if (n !== 0 && (Math.abs(n) < 1e-3 || Math.abs(n) >= 1e6)) return n.toExponential(digits - 1);
  return Number(n.toPrecision(digits)).toString();
}

/** The same units as the charts and the CLI (kB, MB). */
export const fmtBytes = formatBytes;

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function progressMessage(p: Progress): string {
  if (p.phase === 'train') {
    return `epoch ${p.epoch}/${p.epochs} · loss ${fmtNumber(p.loss)}${p.valLoss !== undefined ? ` · val ${fmtNumber(p.valLoss)}` : ''} · ETA ${fmtSeconds(p.etaSeconds)}`;
  }
  return p.message;
}

/** The figures a user cares about after compressing, on one line. */
export function resultSummary(info: FileInfo): string {
  const e = info.errors;
  return `${fmtNumber(info.ratios.total)}× total (decoder counted), ${fmtNumber(info.ratios.latentOnly)}× latents only · `
    + `PSNR ${fmtNumber(e.psnr)} dB · max error ${fmtNumber(e.maxAbsError)}`;
}

export function infoSections(info: FileInfo): ViewerSection[] {
  const s = info.sizes;
  const r = info.ratios;
  const e = info.errors;
  const arch = info.architecture;
  return [
    {
      title: 'Header',
      rows: [
        ['file', path.basename(info.file)],
        ['format version', String(info.formatVersion)],
        ['data', `${info.kind}, shape ${info.shape.join(' × ')}, ${info.dtype}`],
        ['columns', info.names.length ? info.names.join(', ') : '—'],
        ['mode', info.mode + (info.errorBound ? ` (bound ${info.errorBound})` : '')],
        ['model', arch ? describeArchitecture(arch) : '—'],
        ['latent precision', info.latentPrecision ?? '—'],
        ['entropy coding', info.entropy ?? '—'],
        ['created by', info.createdBy],
      ],
    },
    {
      title: 'Sizes',
      rows: [
        ['original file', fmtBytes(s.originalFile)],
        ['original as float32', fmtBytes(s.originalFloat32)],
        ['latents', fmtBytes(s.latents)],
        ['decoder', `${fmtBytes(s.decoder)}${s.decoderShared ? ' (shared model file)' : ' (embedded)'}`],
        ['residuals', fmtBytes(s.residuals)],
        ['header', fmtBytes(s.header)],
        ['.baler file', fmtBytes(s.file)],
        ['total needed to decompress', fmtBytes(s.total)],
      ],
    },
    {
      title: 'Ratios',
      rows: [
        ['total (decoder counted)', `${fmtNumber(r.total)}×`],
        ['latents only', `${fmtNumber(r.latentOnly)}×`],
        ['total vs float32 content', `${fmtNumber(r.totalVsFloat32)}×`],
        ['latents only vs float32 content', `${fmtNumber(r.latentOnlyVsFloat32)}×`],
      ],
    },
    {
      title: 'Errors (measured on the bytes written)',
      rows: [
        ['PSNR', `${fmtNumber(e.psnr)} dB`],
        ['RMSE', fmtNumber(e.rmse)],
        ['NRMSE', fmtNumber(e.nrmse)],
        ['max abs error', fmtNumber(e.maxAbsError)],
        ['max rel error', fmtNumber(e.maxRelError)],
        ['value range', fmtNumber(e.range)],
      ],
    },
  ];
}

export function infoText(info: FileInfo): string {
  return infoSections(info).map((s) => [`${s.title}:`, ...s.rows.map(([k, v]) => `  ${k.padEnd(32)} ${v}`)].join('\n')).join('\n');
}
