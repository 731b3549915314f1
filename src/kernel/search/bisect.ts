// The largest rel bound whose reconstruction still meets a PSNR target: secant steps on log(ε) against PSNR
// (about −20 dB per decade), bracketed by the largest bound that meets the target and the smallest that
// misses it, until they are within BISECTION_RESOLUTION of each other or MAX_STEPS were tried.

export interface BoundTrial {
  psnr: number;
}

const MAX_STEPS = 7;
/** Stop once the bracket's bounds are within this factor of each other. */
export const BISECTION_RESOLUTION = 1.03;
export const MAX_REL_BOUND = 0.5;

/** A rel bound that lands near `psnr` dB: ε·range/2 is a typical RMSE, so PSNR ≈ 20·log10(1/ε) + 6. */
export function initialRelBound(psnr: number): number {
  return roundBound(Math.min(MAX_REL_BOUND, 2 * 10 ** (-psnr / 20)));
}

/** Four significant digits: the bound is written into the header. */
export function roundBound(rel: number): number {
  return Number(rel.toPrecision(4));
}

/**
 * The largest bound found that meets `target` (undefined when none did), evaluating `trial(ε)` at most
 * MAX_STEPS times from `start`, none above `ceiling`. `stop()` ends early (time budget).
 */
export async function largestMeetingBound(
  trial: (rel: number) => Promise<BoundTrial>, target: number, start: number, stop: () => boolean = () => false, ceiling = MAX_REL_BOUND,
): Promise<number | undefined> {
  let meets: { rel: number; psnr: number } | undefined;
  let misses: { rel: number; psnr: number } | undefined;
  const tried = new Set<number>();
  let rel = roundBound(Math.min(ceiling, start));
  for (let step = 0; step < MAX_STEPS; step++) {
    tried.add(rel);
    const { psnr } = await trial(rel);
    if (psnr >= target) {
      if (!meets || rel > meets.rel) meets = { rel, psnr };
    } else if (!misses || rel < misses.rel) {
      misses = { rel, psnr };
    }
    if (psnr >= target && rel >= ceiling) break; // meets at the loosest bound allowed
    if (meets && misses && misses.rel / meets.rel < BISECTION_RESOLUTION) break;
    if (stop()) break;
    rel = nextBound(rel, psnr, target, meets, misses, ceiling);
    if (tried.has(rel)) break;
  }
  return meets?.rel;
}

function nextBound(rel: number, psnr: number, target: number, meets: { rel: number; psnr: number } | undefined, misses: { rel: number; psnr: number } | undefined, ceiling: number): number {
  let next: number;
  if (meets && misses && Number.isFinite(meets.psnr)) {
    const t = (meets.psnr - target) / (meets.psnr - misses.psnr);
    next = Math.exp(Math.log(meets.rel) + Math.min(0.9, Math.max(0.1, t)) * (Math.log(misses.rel) - Math.log(meets.rel)));
  } else {
    const excess = Number.isFinite(psnr) ? psnr - target : 40;
    next = rel * 10 ** Math.max(-1, Math.min(1, excess / 20));
  }
  // Inside the bracket by at least one resolution step, also after rounding to the header's precision.
  next = roundBound(Math.min(ceiling, next));
  if (misses && next >= misses.rel / BISECTION_RESOLUTION) next = roundBound(misses.rel / BISECTION_RESOLUTION ** 2);
  if (meets && next <= meets.rel * BISECTION_RESOLUTION) next = roundBound(Math.min(ceiling, meets.rel * BISECTION_RESOLUTION ** 2));
  return next;
}
