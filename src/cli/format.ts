import type { FileInfo } from '../kernel/api';
import { describeArchitecture } from '../kernel/model/architectures';
import { formatBytes, formatNumber as formatReportNumber } from '../kernel/report/figures';

/** The same units as the report and the dashboard (kB, MB). */
export { formatBytes };

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function formatNumber(x: number | undefined): string {
  return x === undefined || x === null ? '—' : formatReportNumber(x);
}

/** A plain text table: first row is the heading. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function formatInfo(info: FileInfo): string {
  const s = info.sizes;
  const e = info.errors;
  const lines = [
    `${info.file}`,
    `  data        ${info.kind} ${info.shape.join(' × ')} ${info.dtype}${info.names.length ? ` (${info.names.length} named columns)` : ''}`,
    `  mode        ${info.mode}${info.errorBound ? ` (bound ${info.errorBound})` : ''}${info.architecture ? `, ${describeArchitecture(info.architecture)}` : ''}`,
    `  format      .baler v${info.formatVersion}, ${info.createdBy}`,
    ...(info.search
      ? [`  search      smallest ${info.search.objective} meeting ${info.search.target}: ${info.search.pointsTried} points tried`]
      : []),
    '',
    table([
      ['size', 'bytes', ''],
      ['original file', String(s.originalFile), formatBytes(s.originalFile)],
      ['original as float32', String(s.originalFloat32), formatBytes(s.originalFloat32)],
      ['latents', String(s.latents), formatBytes(s.latents)],
      ...(s.residuals ? [['residuals / codes', String(s.residuals), formatBytes(s.residuals)]] : []),
      [`decoder${s.decoderShared ? ' (shared file)' : ''}`, String(s.decoder), formatBytes(s.decoder)],
      ['header + index', String(s.header), formatBytes(s.header)],
      ['total to decompress', String(s.total), formatBytes(s.total)],
    ]),
    '',
    table([
      ['ratio', 'vs file', 'vs float32'],
      ['total (decoder counted)', formatRatio(info.ratios.total), formatRatio(info.ratios.totalVsFloat32)],
      ['latent-only', formatRatio(info.ratios.latentOnly), formatRatio(info.ratios.latentOnlyVsFloat32)],
    ]),
    '',
    table([
      ['error', 'value'],
      ['PSNR (dB)', formatNumber(e.psnr)],
      ['RMSE', formatNumber(e.rmse)],
      ['NRMSE (RMSE / range)', formatNumber(e.nrmse)],
      ['max abs error', formatNumber(e.maxAbsError)],
      ['max abs error / range', formatNumber(e.range > 0 ? e.maxAbsError / e.range : 0)],
      ['max relative error', formatNumber(e.maxRelError)],
    ]),
  ];
  return lines.join('\n');
}
