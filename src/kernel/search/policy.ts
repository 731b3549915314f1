// The search policy: find the smallest total (everything needed to decompress, decoder included) that meets
// a quality target: a PSNR (`--target psnr:40`) or an error bound with `--objective total`. Candidates:
//   - the error-bounded coder alone, its bound found by bisection for a PSNR target;
//   - a light autoencoder (small latent, linear or one small hidden layer, decoder at int8/float16, latents
//     refined against the quantised decoder) whose reconstruction is the prediction the error-bounded coder
//     codes residuals against;
//   - the plain autoencoder, when its own reconstruction meets a PSNR target.
// A candidate whose decoder alone cannot beat the best total found so far is never trained. Every point tried
// is kept; the chosen file records them for the trade-off chart: a summary in the header (`search`) and
// the points as a zstd-coded JSON section (`search.points`, a third of the bytes of plain JSON).
import type { Hooks } from '../api';
import { BalerError, throwIfAborted } from '../errors';
import type { Dataset, Normalisation, WeightTensor } from '../types';
import { sampleLayout } from '../types';
import { computeErrors } from '../metrics';
import { parseErrorBound, formatErrorBound, finiteRange, type ErrorBound } from '../eb/bound';
import { encodeEbSlab } from '../compress/eb-slab';
import { tagged, TAG_EB } from '../codec/slab';
import type { ModelPart } from '../codec/header';
import { castFloat64 } from '../data/dtype';
import { StatsAccumulator, type ArrayStats } from '../compress/stats';
import { roundedTolerances } from '../compress/tolerances';
import type { Payload, PayloadSection } from '../compress/strategy';
import { initBackend } from '../model/backend';
import {
  decoderSizeOf, fitLinear, lightModelSpecs, quantiseAndRefine, trainLight, DECODER_SHRINK_BOUND, LATENT_SHRINK_BOUND,
  type LightModel, type LightModelSpec,
} from '../model/light';
import { parseQualityTarget, type PsnrTarget } from './target';
import { POINTS_SECTION, recordPoint, type SearchRecord } from './record';
import {
  DEFAULT_SEARCH_SECONDS, type SearchContext, type SearchObjective, type SearchOptions, type SearchOutcome,
  type SearchPoint,
} from './types';

// ---------------------------------------------------------------------------------------------------------
// The search

const MAX_BISECTION_STEPS = 7;
/** Stop bisecting once the bracket's bounds are within this factor of each other. */
const BISECTION_RESOLUTION = 1.03;
/** Aim this far above a PSNR target so the bisection lands on the meeting side. */
const PSNR_MARGIN_DB = 0.03;
const MAX_REL_BOUND = 0.5;

interface Evaluated {
  point: SearchPoint;
  payload: Payload;
}

class Search {
  readonly points: SearchPoint[] = [];
  /** The best candidate so far; the others' payloads are dropped (each holds a full reconstruction). */
  private leader: Evaluated | undefined;
  private readonly start = performance.now();
  readonly range: number;
  /** Finite ranges per column, for the tolerances of rel bounds. */
  readonly stats: ArrayStats;

  constructor(
    readonly ds: Dataset,
    readonly opts: SearchOptions,
    readonly ctx: SearchContext,
    readonly target: PsnrTarget | undefined,
    readonly bound: ErrorBound | undefined,
  ) {
    this.range = finiteRange(ds.values);
    const columns = ds.kind === 'table' && ds.shape.length === 2 ? ds.shape[1] : 1;
    const acc = new StatsAccumulator(columns);
    acc.add(ds.values);
    this.stats = acc.result({ integerColumns: opts.integerColumns });
  }

  get objective(): SearchObjective {
    return this.opts.objective ?? 'total';
  }

  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }

  remaining(): number {
    return (this.opts.timeLimitSeconds ?? DEFAULT_SEARCH_SECONDS) - this.elapsed();
  }

  score(p: Pick<SearchPoint, 'totalBytes' | 'decoderBytes'>): number {
    return this.objective === 'latent' ? p.totalBytes - p.decoderBytes : p.totalBytes;
  }

  best(): Evaluated | undefined {
    return this.leader;
  }

  /** What the search is doing now (a transient status line). */
  progress(message: string): void {
    throwIfAborted(this.ctx.hooks?.signal);
    this.ctx.hooks?.onProgress?.({ phase: 'search', message });
  }

  /** A result worth keeping in the log. */
  log(message: string): void {
    this.ctx.hooks?.onLog?.(message);
  }

  /** Measures a candidate, records its point and keeps it for the final choice. */
  async add(label: string, family: SearchPoint['family'], payload: Payload, meetsBound = true): Promise<SearchPoint> {
    const errors = computeErrors(this.ds.values, payload.reconstruction);
    const sizes = await this.ctx.measure(payload);
    const total = sizes.total;
    const stored = { latents: sizes.byRole.latents ?? 0, decoder: sizes.byRole.decoder ?? 0, residuals: sizes.byRole.data ?? 0 };
    const psnrOk = this.target ? errors.psnr >= this.target.value : true;
    const point: SearchPoint = {
      label,
      family,
      latentBytes: stored.latents,
      decoderBytes: stored.decoder,
      residualBytes: stored.residuals,
      totalBytes: total,
      psnr: errors.psnr,
      maxError: errors.maxAbsError,
      meetsTarget: psnrOk && meetsBound,
    };
    this.points.push(point);
    if (point.meetsTarget && (!this.leader || this.score(point) < this.score(this.leader.point))) this.leader = { point, payload };
    this.log(`search: ${label}: ${total} bytes, PSNR ${errors.psnr.toFixed(2)} dB${point.meetsTarget ? '' : ' (misses the target)'}`);
    return point;
  }
}

/**
 * Finds the smallest total meeting the target. Throws a BalerError naming the file when nothing tried
 * meets it (cannot happen for a bound: the error-bounded coder always meets its bound).
 */
export async function searchSmallestTotal(ds: Dataset, opts: SearchOptions, ctx: SearchContext): Promise<SearchOutcome> {
  if ((opts.target === undefined) === (opts.errorBound === undefined)) {
    throw new BalerError('the search needs exactly one of a target (psnr:DB) or an error bound', ctx.file);
  }
  const target = opts.target !== undefined ? parseQualityTarget(opts.target, ctx.file) : undefined;
  const bound = opts.errorBound !== undefined ? parseErrorBound(opts.errorBound, ctx.file) : undefined;
  const search = new Search(ds, opts, ctx, target, bound);

  await errorBoundedCandidates(search, undefined, 'eb');
  // A pw-rel bound codes in the log domain, where the coder takes no prediction: a decoder cannot help.
  if (!opts.noAutoencoder && trainable(ds) && bound?.kind !== 'pw-rel') await autoencoderCandidates(search);

  const best = search.best();
  if (!best) {
    throw new BalerError(`no candidate reached ${opts.target ?? opts.errorBound} within the search budget (try a longer --time-limit)`, ctx.file);
  }
  const seconds = Math.round(search.elapsed() * 10) / 10;
  const record: SearchRecord = {
    target: target ? `psnr:${target.value}` : formatErrorBound(bound!),
    objective: search.objective,
    seconds,
    points: search.points.length,
    chosen: search.points.indexOf(best.point),
  };
  const pointsJson = new TextEncoder().encode(JSON.stringify(search.points.map(recordPoint)));
  return {
    payload: best.payload, chosen: best.point, points: search.points, record, seconds,
    pointsSection: { name: POINTS_SECTION, data: pointsJson, coding: 'zstd' },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Error-bounded candidates

interface Prediction {
  values: Float64Array;
  /** The model part of the header and the sections that let the decoder rebuild the prediction. */
  part: ModelPart;
  sections: PayloadSection[];
  label: string;
}

async function errorBoundedPayload(
  search: Search, bound: ErrorBound, prediction: Prediction | undefined, effort: 'fast' | 'best' = 'fast',
): Promise<Payload> {
  const { ds } = search;
  const tolerances = roundedTolerances(bound, search.stats);
  const encoded = await encodeEbSlab(ds.values, ds.shape, { bound, tolerances, dtype: ds.dtype, kind: ds.kind }, {
    prediction: prediction?.values,
    predictors: search.opts.predictors && prediction ? [...search.opts.predictors, 'ae'] : search.opts.predictors,
    effort,
  });
  return {
    codec: { mode: 'error-bounded', bound, tolerances, ...(prediction ? { prediction: prediction.part } : {}) },
    sections: [...(prediction?.sections ?? []), { role: 'data', data: tagged(TAG_EB, encoded.bytes) }],
    reconstruction: encoded.reconstruction, // what the decoder returns for these sections
  };
}

/** For a bound: one candidate. For a PSNR target: bisection on a rel bound, smallest meeting kept. */
async function errorBoundedCandidates(search: Search, prediction: Prediction | undefined, label: string): Promise<void> {
  const family = prediction ? 'ae+residuals' : 'error-bounded';
  const name = (b: ErrorBound) => `${label} ${b.kind}:${Number(b.value.toPrecision(3))}`;
  if (search.bound) {
    // One candidate: the coder alone searches all its configurations; with a prediction, the quick one.
    search.progress(`${name(search.bound)}`);
    await search.add(name(search.bound), family, await errorBoundedPayload(search, search.bound, prediction, prediction ? 'fast' : 'best'));
    return;
  }
  const target = search.target!.value;
  const tried = new Map<number, { point: SearchPoint; bytes: number }>();
  const evaluate = async (rel: number): Promise<Trial> => {
    const b: ErrorBound = { kind: 'rel', value: rel };
    search.progress(`${name(b)}`);
    const payload = await errorBoundedPayload(search, b, prediction);
    const best = search.best();
    const point = await search.add(name(b), family, payload);
    tried.set(rel, { point, bytes: sectionBytes(payload) });
    return { psnr: point.psnr, hopeless: best !== undefined && search.objective === 'total' && hopeless(point, best.point) };
  };
  await bisectRelBound(search, evaluate, target, initialRelBound(target, search.range), tried);
  if (!prediction) await polishBest(search, tried, name);
}

/** The coder's thorough effort at the bound that won the bisection: kept when smaller and still on target. */
async function polishBest(
  search: Search, tried: Map<number, { point: SearchPoint; bytes: number }>, name: (b: ErrorBound) => string,
): Promise<void> {
  let best: [number, { point: SearchPoint; bytes: number }] | undefined;
  for (const entry of tried) if (entry[1].point.meetsTarget && (!best || entry[1].point.totalBytes < best[1].point.totalBytes)) best = entry;
  if (!best || search.remaining() <= 0) return;
  const b: ErrorBound = { kind: 'rel', value: best[0] };
  const payload = await errorBoundedPayload(search, b, undefined, 'best');
  if (sectionBytes(payload) >= best[1].bytes) return; // the quick configuration won again
  await search.add(`${name(b)} best`, 'error-bounded', payload);
}

function sectionBytes(payload: Payload): number {
  return payload.sections.reduce((n, s) => n + s.data.length, 0);
}

/**
 * A rel bound ε gives an RMSE of at most ε·range, usually about ε·range/2 (most residuals land well inside
 * the bound), so PSNR ≈ 20·log10(1/ε) + 6 dB: start there. With a prediction the same holds.
 */
function initialRelBound(targetPsnr: number, range: number): number {
  if (!(range > 0)) return 1e-3;
  return roundBound(Math.min(MAX_REL_BOUND, 2 * 10 ** (-targetPsnr / 20)));
}

/** Four significant digits: the bound is written into the header. */
function roundBound(rel: number): number {
  return Number(rel.toPrecision(4));
}

interface Trial {
  psnr: number;
  /** No bound for this candidate family can beat the best total found already. */
  hopeless: boolean;
}

/** How far above the best total a candidate meeting the target may be and still be worth refining. */
const REFINE_SLACK = 1.1;

/**
 * Missing the target means a tighter bound, hence more bytes: hopeless once at or above the best total.
 * Meeting it, a looser bound saves some bytes, but not 10% within the bracket's last few steps.
 */
function hopeless(point: SearchPoint, best: SearchPoint): boolean {
  return point.meetsTarget ? point.totalBytes > best.totalBytes * REFINE_SLACK : point.totalBytes >= best.totalBytes;
}

/**
 * Secant steps on log(ε) against PSNR (slope about −20 dB per decade), bracketed: the largest bound that
 * meets the target and the smallest that misses it close in until they are within 3% of each other.
 */
async function bisectRelBound(
  search: Search, evaluate: (rel: number) => Promise<Trial>, target: number, start: number, tried: Map<number, unknown>,
): Promise<void> {
  let meets: { rel: number; psnr: number } | undefined;
  let misses: { rel: number; psnr: number } | undefined;
  let rel = start;
  const aim = target + PSNR_MARGIN_DB;
  for (let step = 0; step < MAX_BISECTION_STEPS; step++) {
    const trial = await evaluate(rel);
    if (trial.hopeless) return;
    const psnr = trial.psnr;
    if (psnr >= target) {
      if (!meets || rel > meets.rel) meets = { rel, psnr };
    } else if (!misses || rel < misses.rel) {
      misses = { rel, psnr };
    }
    if (!Number.isFinite(psnr) && rel >= MAX_REL_BOUND) return; // exact at any bound (e.g. constant data)
    if (meets && misses && misses.rel / meets.rel < BISECTION_RESOLUTION) return;
    if (search.remaining() <= 0) return;
    rel = nextRelBound(rel, psnr, aim, meets, misses);
    if (tried.has(rel)) return; // converged to the bound's written precision
    if (rel >= MAX_REL_BOUND && meets && meets.rel >= MAX_REL_BOUND) return;
  }
}

function nextRelBound(
  rel: number, psnr: number, aim: number,
  meets: { rel: number; psnr: number } | undefined, misses: { rel: number; psnr: number } | undefined,
): number {
  let next: number;
  if (meets && misses && Number.isFinite(meets.psnr)) {
    // Interpolate log(ε) linearly in PSNR between the bracket's ends.
    const t = (meets.psnr - aim) / (meets.psnr - misses.psnr);
    next = Math.exp(Math.log(meets.rel) + Math.min(0.9, Math.max(0.1, t)) * (Math.log(misses.rel) - Math.log(meets.rel)));
  } else {
    const excess = Number.isFinite(psnr) ? psnr - aim : 40;
    next = rel * 10 ** Math.max(-1, Math.min(1, excess / 20));
  }
  if (meets && next <= meets.rel) next = meets.rel * BISECTION_RESOLUTION ** 2;
  if (misses && next >= misses.rel) next = misses.rel / BISECTION_RESOLUTION ** 2;
  return roundBound(Math.min(MAX_REL_BOUND, next));
}

function trainable(ds: Dataset): boolean {
  const { count, width } = sampleLayout(ds);
  if (count < 2 || width < 3) return false;
  for (const v of ds.values) if (!Number.isFinite(v)) return false;
  return true;
}

async function autoencoderCandidates(search: Search): Promise<void> {
  const { ds } = search;
  const { width, count } = sampleLayout(ds);
  await initBackend(search.opts.backend ?? 'auto'); // the encoders run on tfjs
  const trained = new Map<string, { encoder: WeightTensor[]; decoder: WeightTensor[]; normalisation: Normalisation; seconds: number }>();
  for (const spec of lightModelSpecs(width)) {
    const best = search.best();
    const lowerBound = Math.floor(decoderSizeOf(width, spec) * DECODER_SHRINK_BOUND[spec.precision] + count * spec.latent * 2 * LATENT_SHRINK_BOUND);
    if (best && search.objective === 'total' && lowerBound >= best.point.totalBytes) {
      search.log(`search: skipping ${describeSpec(width, spec)}: its decoder and latents (≥ ${lowerBound} bytes) exceed the best total, ${best.point.totalBytes} bytes`);
      continue;
    }
    if (search.remaining() < 3) {
      search.log('search: time budget spent; no more autoencoder candidates');
      return;
    }
    const key = `${spec.latent}/${spec.hidden.join(',')}`;
    let weights = trained.get(key);
    if (!weights) {
      search.progress(`${spec.hidden.length === 0 ? 'fitting' : 'training'} ${describeSpec(width, spec)}`);
      weights = spec.hidden.length === 0
        ? fitLinear(ds, spec, search.opts.seed)
        : await trainLight(ds, spec, search.opts, Math.min(20, Math.max(2, search.remaining() / 3)), search.ctx.hooks);
      trained.set(key, weights);
    }
    const model = await quantiseAndRefine(ds, spec, weights, Math.max(1, Math.min(10, search.remaining() / 6)));
    await modelCandidates(search, spec, model);
  }
}

function describeSpec(width: number, spec: LightModelSpec): string {
  return `ae ${[width, ...spec.hidden, spec.latent].join('-')} ${spec.precision}`;
}

async function modelCandidates(search: Search, spec: LightModelSpec, model: LightModel): Promise<void> {
  const label = `ae ${[...spec.hidden, spec.latent].join('-')} ${spec.precision}`;
  const part: ModelPart = {
    architecture: model.architecture, normalisation: model.normalisation, decoderPrecision: spec.precision,
    latentSize: model.architecture.latent, latentPrecision: 'float16',
  };
  const sections: PayloadSection[] = [
    { role: 'latents', data: model.latentBytes, coding: 'zstd', shuffle: 2 },
    { role: 'decoder', data: model.decoderBytes, coding: 'zstd' },
  ];
  // The plain autoencoder: no bound, so it can only serve a PSNR target.
  const reconstruction = castFloat64(model.reconstruction, search.ds.dtype);
  const plain = await search.add(label, 'autoencoder', { codec: { mode: 'autoencoder', model: part }, sections, reconstruction }, !search.bound);
  const best = search.best();
  if (search.remaining() <= 0) return;
  if (best && search.objective === 'total' && search.score(plain) >= search.score(best.point)) {
    search.log(`search: ${label} +eb skipped: latents and decoder alone exceed the best total, ${best.point.totalBytes} bytes`);
    return;
  }
  await errorBoundedCandidates(search, { values: model.reconstruction, part, sections, label }, `${label} +eb`);
}

