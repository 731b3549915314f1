// `--target psnr:DB`: the smallest total (decoder counted) whose reconstruction reaches the PSNR, a table's
// every column judged against its own range. On a sample: the largest rel bound the error-bounded coder alone
// may use (bisection), the learned predictors fitted at that bound (learned/choose.ts), the largest bound each
// of them may use in turn; then the smallest estimate is coded over the whole array (plan-coder.ts) with its
// bound in the header, and the PSNR is checked on what was written. The points tried are recorded for the
// trade-off chart.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import type { LearnedChoice } from '../api';
import type { ErrorBound } from '../eb/bound';
import { columnScale, computeErrors, psnrOf } from '../metrics';
import { columnRange, tableRange } from './stats';
import { parseQualityTarget } from '../search/target';
import { initialRelBound, largestMeetingBound, MAX_REL_BOUND } from '../search/bisect';
import { recordPoint } from '../search/record';
import type { SearchPoint } from '../search/types';
import { estimatePlans, type PlanEstimate } from '../learned/choose';
import { encodeLearnedSlab } from '../learned/slab';
import { DEFAULT_MEMORY_BUDGET } from '../memory';
import { readSample, type Sample } from '../learned/sample';
import { readSharedModel } from '../learned/store';
import { tagged, TAG_EB } from '../codec/slab';
import { sliceRows } from '../data/dtype';
import { arrayGlobals, encodeEbSlab, type EbGlobals } from './eb-slab';
import { losslessStrategy } from './lossless';
import { codeWithPlan } from './plan-coder';
import { codingTolerances, roundedTolerances } from './tolerances';
import { psnrChecker } from './verify';
import type { ArrayStrategy, CodedArray } from './strategy';

/** Aim this far above the target when the bound is chosen on a sample of the array, not on all of it. */
const SAMPLE_MARGIN_DB = 0.3;
/** Tables search their bound on the first rows of the sample, this many values: rows are independent, and a
 *  column's PSNR over tens of thousands of rows is within a few hundredths of a dB of its PSNR over all. */
const TABLE_TRIAL_VALUES = 1 << 18;

export const targetStrategy: ArrayStrategy = {
  handles: (opts) => opts.target !== undefined && opts.objective !== 'latent',
  async code(input, out, ctx): Promise<CodedArray> {
    const { opts } = ctx;
    if (opts.errorBound !== undefined) throw new BalerError('give either --target or --error-bound, not both', ctx.input);
    if (opts.trainedModelPath) throw new BalerError('--trained-model is an autoencoder: it does not apply with --target', ctx.input);
    const target = parseQualityTarget(opts.target!, ctx.input);
    if (input.source.exact || !input.stats.exactInFloat64) return losslessStrategy.code(input, out, ctx);
    const full = await readSample(input.source, { memoryBudget: ctx.opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET, rowsPerRead: input.slabRows });
    const sample = trialRows(full, input.source.kind);
    const aim = target.value + (sample.whole ? 0 : SAMPLE_MARGIN_DB);
    const ceiling = ctx.relCeiling ?? MAX_REL_BOUND;
    const columns = input.source.kind === 'table' && input.source.shape.length === 2 ? input.source.shape[1] : 1;
    // The coder alone keeps the bound in the dtype itself; learned slabs code with absolute tolerances that allow for it.
    const globals = (rel: number, learned = false): EbGlobals => {
      const bound: ErrorBound = { kind: 'rel', value: rel };
      const tolerances = learned ? codingTolerances(bound, input.stats, input.source.dtype) : roundedTolerances(bound, input.stats);
      return arrayGlobals(bound, tolerances, input.source);
    };
    const ranges = input.stats.min.map((_, c) => columnRange(input.stats, c));
    const search = new PointRecord(sample, input.source.shape[0], ranges, tableRange(input.stats), aim);
    // Only a --time-limit lets a clock cut the search short (otherwise the same input gives the same file).
    const started = performance.now();
    const overBudget = () => opts.timeLimitSeconds !== undefined && (performance.now() - started) / 1000 > opts.timeLimitSeconds;

    // The error-bounded coder alone.
    const classical = await largestMeetingBound(async (rel) => search.add('eb', undefined, 0, rel, await classicalCoding(sample, globals(rel))), aim, initialRelBound(target.value), overBudget, ceiling);
    if (classical === undefined) return losslessStrategy.code(input, out, { ...ctx, opts: { ...opts, target: undefined, errorBound: 'abs:0' } });
    // Learned predictors fitted at that bound, then each at the largest bound it may use.
    if (opts.learned !== 'none' && opts.searchAutoencoders !== false && !overBudget()) {
      const shared = opts.modelFile && fs.existsSync(opts.modelFile) ? await readSharedModel(opts.modelFile) : undefined;
      // Fitted on the whole sample; the bounds are searched on the trial rows.
      const plans = await estimatePlans(full, globals(classical), {
        learned: opts.learned ?? 'auto', shared, learnedGlobals: globals(classical, true), kind: input.source.kind, totalRows: input.source.shape[0], seed: opts.seed, fitOnly: true,
        log: (line) => ctx.hooks?.onLog?.(`${ctx.input}: ${line}`),
      });
      for (const plan of plans.filter((p) => p.model)) {
        if (overBudget()) break;
        const label = plan.name === 'shared' ? 'shared' : plan.name;
        await largestMeetingBound(async (rel) => search.add(label, plan, plan.decoderBytes, rel, await encodeLearnedSlab(plan.model!, sample.values, sample.shape, globals(rel, true))), aim, classical, overBudget, ceiling);
      }
    }
    const best = search.best(opts.learned);
    ctx.hooks?.onLog?.(`${ctx.input}: ${best.point.label} reaches ${target.value} dB${columns > 1 ? ' in every column' : ''} at the smallest estimate, ${best.point.totalBytes} bytes (${search.points.length} points tried)`);
    // The coding of the array searches its configurations again (those reused on the trial rows were chosen on
    // fewer rows, at another bound).
    if (best.plan?.model?.family === 'columns') best.plan.model.configurations = undefined;
    const plan: PlanEstimate = best.plan ?? { name: 'classical', description: 'error-bounded coder alone', globals: globals(best.rel), decoderBytes: 0, sampleBytes: 0, estimate: best.point.totalBytes, seconds: 0 };
    const coded = await codeWithPlan(input, out, ctx, {
      plan: { ...plan, globals: globals(best.rel, !!best.plan?.model), coded: best.coded }, baselineBytes: search.classicalEstimate(best.rel),
      reuseSample: sample.whole && input.slabRows >= input.source.shape[0], reason: `${best.point.label} for ${opts.target}`,
      ...(best.plan?.shared ? { modelDir: path.dirname(path.resolve(opts.modelFile!)) } : {}),
    });
    const points = new TextEncoder().encode(JSON.stringify(search.points.map(recordPoint)));
    return {
      ...coded,
      checkErrors: psnrChecker(`psnr:${target.value}`, ctx.input, best.rel),
      search: { summary: { target: `psnr:${target.value}`, objective: 'total', points: search.points.length, chosen: search.points.indexOf(best.point) }, points },
    };
  },
};

/**
 * The lowest PSNR over the columns (one for frames), each against the whole array's range of that column, not
 * the sample's (a sample of a heavy-tailed column may not hold its extremes), as the file's figures judge them.
 */
function worstPsnr(original: Float64Array, decoded: Float64Array, ranges: number[], tableRange: number): number {
  const n = ranges.length;
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    if (x - x !== 0) continue;
    const d = decoded[i] - x;
    const c = n === 1 ? 0 : i % n;
    sums[c] += d * d;
    counts[c]++;
  }
  let worst = Infinity;
  for (let c = 0; c < n; c++) {
    if (counts[c] === 0) continue;
    worst = Math.min(worst, psnrOf(columnScale(ranges[c], tableRange), Math.sqrt(sums[c] / counts[c])));
  }
  return worst;
}

/** A table's sample cut to its first TABLE_TRIAL_VALUES values (frames keep every frame: a basis needs them). */
function trialRows(sample: Sample, kind: 'table' | 'frames'): Sample {
  const width = sample.shape.slice(1).reduce((a, b) => a * b, 1);
  if (kind !== 'table' || sample.values.length <= TABLE_TRIAL_VALUES) return sample;
  const rows = Math.min(sample.rows, Math.max(64, Math.floor(TABLE_TRIAL_VALUES / width)));
  const array = sliceRows(sample.array, 0, rows);
  return { values: sample.values.subarray(0, rows * width), array, rows, shape: [rows, ...sample.shape.slice(1)], whole: false };
}

async function classicalCoding(sample: Sample, g: EbGlobals): Promise<{ data: Uint8Array; reconstruction: Float64Array }> {
  const coded = await encodeEbSlab(sample.values, sample.shape, g);
  return { data: tagged(TAG_EB, coded.bytes), reconstruction: coded.reconstruction };
}

interface Candidate {
  point: SearchPoint;
  plan?: PlanEstimate;
  rel: number;
  coded: { data: Uint8Array; latents?: Uint8Array; reconstruction: Float64Array };
}

/** Every point tried on the sample, its bytes scaled to the whole array, and the smallest that meets the aim. */
class PointRecord {
  readonly points: SearchPoint[] = [];
  private leader: Candidate | undefined;
  /** The smallest point meeting the aim of each plan. */
  private readonly leaders = new Map<string, Candidate>();
  private readonly classicalBytes = new Map<number, number>();
  private readonly scale: number;

  /** `ranges`: the whole array's range per column (one for frames), and `table` of all: what PSNR is relative to. */
  constructor(private readonly sample: Sample, totalRows: number, private readonly ranges: number[], private readonly table: number, private readonly aim: number) {
    this.scale = totalRows / sample.rows;
  }

  add(label: string, plan: PlanEstimate | undefined, decoderBytes: number, rel: number, coded: Candidate['coded']): { psnr: number } {
    const errors = computeErrors(this.sample.values, coded.reconstruction);
    const psnr = worstPsnr(this.sample.values, coded.reconstruction, this.ranges, this.table);
    const latentBytes = Math.round((coded.latents?.length ?? 0) * this.scale);
    const residualBytes = Math.round(coded.data.length * this.scale);
    const point: SearchPoint = {
      label: `${label} rel:${rel}`, family: decoderBytes || plan ? 'ae+residuals' : 'error-bounded', latentBytes, decoderBytes, residualBytes,
      totalBytes: latentBytes + residualBytes + decoderBytes, psnr, maxError: errors.maxAbsError, meetsTarget: psnr >= this.aim,
    };
    this.points.push(point);
    if (!plan) this.classicalBytes.set(rel, point.totalBytes);
    if (point.meetsTarget && (!this.leader || point.totalBytes < this.leader.point.totalBytes)) this.leader = { point, plan, rel, coded };
    const name = plan?.name ?? 'classical';
    const leader = this.leaders.get(name);
    if (point.meetsTarget && (!leader || point.totalBytes < leader.point.totalBytes)) this.leaders.set(name, { point, plan, rel, coded });
    return { psnr };
  }

  /** The smallest point that met the aim; with a named predictor (`--learned basis|columns|shared`), its smallest if any. */
  best(learned: LearnedChoice = 'auto'): Candidate {
    const named = learned !== 'auto' && learned !== 'none' ? this.leaders.get(learned) : undefined;
    const best = named ?? this.leader;
    if (!best) throw new Error('no point met the target');
    return best;
  }

  /** The coder alone at the bound nearest to `rel` that was tried (for the header's baseline). */
  classicalEstimate(rel: number): number {
    let nearest: [number, number] | undefined;
    for (const entry of this.classicalBytes) if (!nearest || Math.abs(Math.log(entry[0] / rel)) < Math.abs(Math.log(nearest[0] / rel))) nearest = entry;
    return nearest?.[1] ?? 0;
  }
}
