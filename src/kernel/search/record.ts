// The record of the points a search tried, as a .baler keeps it for the trade-off chart: a summary in the
// header (`search`) and the points as a zstd-coded JSON section (`search.points`).
import type { TradeoffPoint } from '../report/data';
import type { SearchObjective, SearchPoint } from './types';
import { POINTS_SECTION } from '../codec/header-check';


/** Point fields in order: label, latentBytes, decoderBytes, residualBytes, totalBytes, psnr, maxError, meets (0/1). */
export type RecordedPoint = [string, number, number, number, number, number | string, number | string, number];

export { POINTS_SECTION };

export interface SearchRecord {
  target: string;
  objective: SearchObjective;
  seconds: number;
  /** Number of points in the POINTS_SECTION section. */
  points: number;
  /** Index of the chosen point. Its totalBytes leaves out the search record itself. */
  chosen: number;
}

export function recordPoint(p: SearchPoint): RecordedPoint {
  // PSNR rounded down so a recorded point never looks better than it was; non-finite as strings for JSON.
  const psnr = Number.isFinite(p.psnr) ? Math.floor(p.psnr * 100) / 100 : String(p.psnr);
  const maxError = Number.isFinite(p.maxError) ? Number(p.maxError.toPrecision(3)) : String(p.maxError);
  return [p.label, p.latentBytes, p.decoderBytes, p.residualBytes, p.totalBytes, psnr, maxError, p.meetsTarget ? 1 : 0];
}

/** The points a search recorded in a .baler's POINTS_SECTION (undefined when there is none or it is unreadable). */
export function readSearchPoints(sections: Map<string, Uint8Array>): SearchPoint[] | undefined {
  const bytes = sections.get(POINTS_SECTION);
  if (!bytes) return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined; // the chart is optional; the data itself was verified by its checksums
  }
  if (!Array.isArray(recorded)) return undefined;
  const points: SearchPoint[] = [];
  for (const p of recorded) {
    if (!Array.isArray(p) || p.length < 8 || typeof p[0] !== 'string') continue;
    const [label, latentBytes, decoderBytes, residualBytes, totalBytes, psnr, maxError, meets] = p;
    if (![latentBytes, decoderBytes, residualBytes, totalBytes].every((n) => typeof n === 'number' && n >= 0)) continue;
    const family = decoderBytes === 0 ? 'error-bounded' : residualBytes === 0 ? 'autoencoder' : 'ae+residuals';
    points.push({
      label, family, latentBytes, decoderBytes, residualBytes, totalBytes,
      psnr: Number(psnr), maxError: Number(maxError), meetsTarget: meets === 1,
    });
  }
  return points;
}

/** The trade-off chart's points from a searched .baler: latents and residuals are both bytes stored per file. */
export function tradeoffFromFile(sections: Map<string, Uint8Array>): TradeoffPoint[] | undefined {
  const points = readSearchPoints(sections);
  if (!points || points.length === 0) return undefined;
  return points.map((p) => ({
    label: p.label, latentBytes: p.latentBytes + p.residualBytes, decoderBytes: p.decoderBytes, totalBytes: p.totalBytes, psnr: p.psnr,
  }));
}
