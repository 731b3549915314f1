// What the peers suite records for each run of a compressor, and the tables it prints: one per dataset (every
// figure) and the summary (ratios side by side, the best peer that kept its bound, and baler / best peer).
import { table } from '../cli/format';

export interface PeerRow {
  dataset: string;
  compressor: string;
  /** ε of the bound (tolerance ε·(max − min)); 0 for the lossless rows. */
  bound: number;
  mode: 'whole range' | 'per column' | 'lossless';
  /** Every byte needed to decode: the whole .baler file, or the sum of a peer's streams (headers included). */
  bytes?: number;
  /** Stored bytes of the array (its own dtype) / bytes. */
  ratio?: number;
  psnr?: number;
  maxAbsError?: number;
  maxErrorOverBound?: number;
  /** Elements beyond their tolerance (checked on every element in the stored dtype). */
  violations?: number;
  elements?: number;
  compressMBps?: number;
  compressWallSeconds?: number;
  compressCpuSeconds?: number;
  decompressMBps?: number;
  decompressWallSeconds?: number;
  decompressCpuSeconds?: number;
  peakRssMB?: number;
  /** baler: bytes of its container header (included in `bytes`). */
  headerBytes?: number;
  /** Where the bound first broke, when it did. */
  firstViolation?: { index: number; original: number; decoded: number; tolerance: number };
  /** "failed: …" or why the compressor is not here ("not installed …"). */
  error?: string;
}

/** One line of the summary: each compressor's ratio at one bound, the best peer and baler / best peer. */
export interface SummaryRow {
  dataset: string;
  bound: number;
  mode: PeerRow['mode'];
  /** Ratio per compressor that kept the bound; undefined where it failed, broke its bound or is missing (see `notes`). */
  ratios: Record<string, number | undefined>;
  /** Ratio of a compressor whose output broke the bound (shown with '!', never compared). */
  brokenRatios: Record<string, number>;
  notes: Record<string, string>;
  bestPeer?: string;
  bestPeerRatio?: number;
  /** baler's ratio / the best peer's; undefined when baler has no valid ratio. */
  balerOverBest?: number;
}

const kept = (r: PeerRow): boolean => r.error === undefined && r.violations === 0 && r.ratio !== undefined;

function note(r: PeerRow | undefined): string {
  if (!r) return 'not run';
  if (r.error) return r.error.startsWith('failed') ? 'failed' : r.error;
  return `broke bound (${r.violations} values)`;
}

/**
 * The summary: for each dataset, bound and mode, every compressor's ratio; the lossless rows (one per dataset)
 * stand beside every bound. The best peer is the highest ratio among the peers that kept the bound.
 */
export function summaryRows(rows: PeerRow[], peerNames: string[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  const keys = new Set(rows.filter((r) => r.mode !== 'lossless').map((r) => `${r.dataset}\u0000${r.bound}\u0000${r.mode}`));
  for (const key of keys) {
    const [dataset, boundText, mode] = key.split('\u0000');
    const bound = Number(boundText);
    const here = rows.filter((r) => r.dataset === dataset && ((r.bound === bound && r.mode === mode) || r.mode === 'lossless'));
    const ratios: SummaryRow['ratios'] = {};
    const notes: SummaryRow['notes'] = {};
    const brokenRatios: SummaryRow['brokenRatios'] = {};
    for (const name of ['baler', ...peerNames]) {
      const r = here.find((x) => x.compressor === name);
      if (r && kept(r)) ratios[name] = r.ratio;
      else notes[name] = note(r);
      if (r && !r.error && r.ratio !== undefined && (r.violations ?? 0) > 0) brokenRatios[name] = r.ratio;
    }
    let bestPeer: string | undefined;
    for (const name of peerNames) {
      const ratio = ratios[name];
      if (ratio !== undefined && (bestPeer === undefined || ratio > ratios[bestPeer]!)) bestPeer = name;
    }
    const bestPeerRatio = bestPeer ? ratios[bestPeer] : undefined;
    const baler = ratios.baler;
    out.push({
      dataset, bound, mode: mode as PeerRow['mode'], ratios, brokenRatios, notes, bestPeer, bestPeerRatio,
      balerOverBest: baler !== undefined && bestPeerRatio !== undefined ? baler / bestPeerRatio : undefined,
    });
  }
  return out;
}

const sig = (x: number | undefined, digits = 3): string =>
  x === undefined ? '' : !Number.isFinite(x) ? (x > 0 ? '∞' : '−∞') : Math.abs(x) >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits);

/** Every figure of one dataset's runs. */
export function formatDatasetTable(rows: PeerRow[]): string {
  const head = ['bound', 'mode', 'compressor', 'bytes', 'ratio', 'PSNR dB', 'max err/bound', 'violations',
    'comp MB/s', 'comp CPU s', 'dec MB/s', 'dec CPU s', 'note'];
  const body = rows.map((r) => [
    r.mode === 'lossless' ? '—' : String(r.bound), r.mode, r.compressor,
    r.bytes === undefined ? '' : String(r.bytes), sig(r.ratio), r.psnr === undefined ? '' : r.psnr === Infinity ? 'lossless' : r.psnr.toFixed(1),
    sig(r.maxErrorOverBound, (r.maxErrorOverBound ?? 0) > 1 ? 7 : 3), r.violations === undefined ? '' : r.violations > 0 ? `${r.violations} !!` : '0',
    sig(r.compressMBps), sig(r.compressCpuSeconds), sig(r.decompressMBps), sig(r.decompressCpuSeconds),
    r.error ?? (r.headerBytes ? `header ${r.headerBytes} B` : ''),
  ]);
  return table([head, ...body]);
}

/** The summary table: ratios side by side ('!': broke its bound, never the best), best peer, baler / best peer. */
export function formatSummary(summary: SummaryRow[], peerNames: string[]): string {
  const names = ['baler', ...peerNames];
  const head = ['dataset', 'bound', 'mode', ...names, 'best peer', 'baler/best'];
  const body = summary.map((s) => [
    s.dataset, String(s.bound), s.mode,
    ...names.map((n) => (s.ratios[n] !== undefined ? sig(s.ratios[n]) : n in s.brokenRatios ? `${sig(s.brokenRatios[n])}!` : shortNote(s.notes[n]))),
    s.bestPeer ? `${s.bestPeer} ${sig(s.bestPeerRatio)}` : '—', s.balerOverBest === undefined ? '—' : sig(s.balerOverBest),
  ]);
  return table([head, ...body]);
}

function shortNote(n: string | undefined): string {
  if (!n) return '';
  if (n.startsWith('not installed')) return 'not installed';
  return n === 'failed' ? 'FAILED' : n;
}
