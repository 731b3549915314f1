// The file-size-versus-decoder-size trade-off when the engine's report has none: what the total would be
// with a smaller decoder (float16/int8 weights: estimated by bytes, quality not measured) and per file when
// several files share one decoder (its bytes divided among them). The measured point is the file itself.
import type { ReportData, ReportTradeoffPoint } from '../kernel/report/data';

const SHARING = [8, 32, 128];
const PRECISIONS: [string, number][] = [['float16 decoder (est.)', 0.5], ['int8 decoder (est.)', 0.25]];

export function withTradeoff(data: ReportData): ReportData {
  if (data.tradeoff && data.tradeoff.length > 0) return data;
  const s = data.summary.sizes;
  const rest = s.latents + s.residuals + s.header;
  const measured: ReportTradeoffPoint = {
    label: 'this file', latentBytes: s.latents, decoderBytes: s.decoder, totalBytes: s.total, psnr: data.errors.psnr,
  };
  if (s.decoder === 0) return { ...data, tradeoff: [measured] };
  const precision = PRECISIONS.map(([label, factor]): ReportTradeoffPoint => ({
    label, latentBytes: s.latents, decoderBytes: Math.round(s.decoder * factor),
    totalBytes: rest + Math.round(s.decoder * factor), psnr: 'NaN',
  }));
  const sharing = SHARING.map((n): ReportTradeoffPoint => ({
    label: `${n} files share it`, latentBytes: s.latents, decoderBytes: Math.round(s.decoder / n),
    totalBytes: rest + Math.round(s.decoder / n), psnr: data.errors.psnr, filesSharingDecoder: n,
  }));
  return { ...data, tradeoff: [measured, ...precision, ...sharing] };
}
