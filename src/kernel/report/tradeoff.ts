// The points of the file-size-versus-decoder-size chart, decided once for every view: the points a search
// measured (from the file's record) or, without a record, this file and the same decoder shared by more
// files (its bytes divided among them; the quality is this file's). A file without a decoder has no
// trade-off to show: no chart, rather than one point at "1 byte" on a log axis.
import type { FileInfo } from '../api';
import { jsonNumber, type ReportTradeoffPoint, type TradeoffPoint } from './types';
import { sanitizeText } from './text';

export const SHARING = [8, 32, 128];

export function tradeoffPoints(info: FileInfo, measured?: TradeoffPoint[]): ReportTradeoffPoint[] | undefined {
  const s = info.sizes;
  if (measured && measured.length > 0) {
    const points = measured.map((p): ReportTradeoffPoint => ({ ...p, label: sanitizeText(p.label, 80), psnr: jsonNumber(p.psnr) }));
    const current = points.findIndex((p) => p.decoderBytes === s.decoder && p.latentBytes === s.latents + s.residuals);
    if (current >= 0) points[current].current = true;
    return points.some((p) => p.decoderBytes > 0) ? points : undefined;
  }
  if (s.decoder === 0) return undefined;
  const perFile = s.total - s.decoder;
  const self: ReportTradeoffPoint = {
    label: 'this file', latentBytes: s.latents + s.residuals, decoderBytes: s.decoder, totalBytes: s.total,
    psnr: jsonNumber(info.errors.psnr), current: true,
  };
  return [self, ...SHARING.filter((n) => s.decoder / n >= 1).map((n): ReportTradeoffPoint => ({
    label: `decoder shared by ${n} files`, latentBytes: s.latents + s.residuals, decoderBytes: Math.round(s.decoder / n),
    totalBytes: perFile + Math.round(s.decoder / n), psnr: jsonNumber(info.errors.psnr), filesSharingDecoder: n,
  }))];
}
