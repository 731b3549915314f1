// Choosing how to code an array: every candidate that applies is coded on the same sample, and the one with
// the smallest estimated total wins, the decoder counted in full (a shared model counts nothing: its bytes
// are paid once for the whole set of files):
//   classical  the error-bounded coder alone;
//   lossless   zstd of the raw bytes;
//   basis      a learned basis of rows (frames), fitted on the sample;
//   columns    a cross-column model (tables), fitted on the sample;
//   shared     a learned predictor from a .balermodel (`--model-file`, trained once for many files).
// The sample's bytes are scaled to the whole array; when the sample is the whole array the estimate is exact.
import type { LearnedChoice } from '../api';
import { compressBytes } from '../codec/entropy';
import { encodeLosslessSlab } from '../codec/slab';
import { arrayBytes } from '../data/dtype';
import type { EbGlobals, EbSlabOptions } from '../compress/eb-slab';
import { encodeErrorBoundedChunk } from '../compress/eb-chunk';
import { describeModel, encodeModel, modelFits, type LearnedModel } from './blob';
import { MAX_COLUMNS } from './columns';
import { fitBasis } from './fit-basis';
import { fitColumns } from './fit-columns';
import { encodeLearnedSlab, learnedSlabBytes } from './slab';
import type { Sample } from './sample';
import type { SharedModelRef } from './store';
import type { NetTraining } from './train-mlp';
import type { SlabRunner } from '../parallel/pool';
import type { CodedSample } from '../parallel/slab-tasks';

/** Lossless is coded for real only when a quick zstd estimate is within this factor of the best lossy plan. */
const LOSSLESS_CLOSE = 1.5;

export type PlanName = 'classical' | 'lossless' | 'basis' | 'columns' | 'shared';

export interface PlanEstimate {
  name: PlanName;
  description: string;
  /** What the array is coded with (a learned plan's tolerances leave room for the cast to the dtype). */
  globals: EbGlobals;
  model?: LearnedModel;
  shared?: SharedModelRef;
  /** Stored bytes of an embedded decoder (0 when shared or none). */
  decoderBytes: number;
  /** Bytes of the sample's chunks (data, latents). */
  sampleBytes: number;
  /** decoderBytes + sampleBytes scaled to the whole array. */
  estimate: number;
  /** The sample's chunks: reusable as is when the sample is the whole array coded as one slab. */
  coded?: { data: Uint8Array; latents?: Uint8Array; reconstruction: Float64Array };
  seconds: number;
}

export interface ChooseOptions {
  /** Which learned predictors to try ('auto': all that apply; 'none': none; else that one only). */
  learned: LearnedChoice;
  /** A shared model to try (it applies when it fits the array's rows). */
  shared?: { model: LearnedModel; ref: SharedModelRef };
  /** Train networks for the cross-column model (absent: linear predictors only; the only step a clock bounds,
   *  so without it the same input gives the same choice on every machine). */
  nets?: NetTraining;
  kind: 'table' | 'frames';
  /** The coder alone's predictors and layout, as the user restricted them (--predictor, --layout). */
  coder?: Pick<EbSlabOptions, 'predictors' | 'layout'>;
  /** The globals of learned plans (default: those of the coder alone). */
  learnedGlobals?: EbGlobals;
  /** Rows of the whole array (the sample's bytes are scaled by rows / sample rows). */
  totalRows: number;
  seed?: number;
  /** Fit the learned predictors and return them without coding the sample (the caller measures them itself). */
  fitOnly?: boolean;
  /**
   * The coder alone codes this array exactly (compress/integer-path.ts coderAloneIsExact): where it is the best plan,
   * the array is stored losslessly whatever zstd of the sample gives, so that is not coded.
   */
  coderAloneIsExact?: boolean;
  /** Threads beside the main one: the coder alone codes the sample on one while the learned plans are fitted. */
  runner?: SlabRunner;
  log?: (line: string) => void;
}

/** The candidates, smallest estimate first (with `fitOnly`: the learned predictors, unmeasured). */
export async function estimatePlans(sample: Sample, g: EbGlobals, opts: ChooseOptions): Promise<PlanEstimate[]> {
  const scale = opts.totalRows / sample.rows;
  const plans: PlanEstimate[] = [];
  const add = (p: Omit<PlanEstimate, 'estimate'>) => {
    const plan = { ...p, estimate: Math.round(p.decoderBytes + p.sampleBytes * scale) };
    plans.push(plan);
    opts.log?.(`candidate ${plan.description}: ${plan.estimate} bytes estimated${plan.decoderBytes ? ` (decoder ${plan.decoderBytes})` : ''}, ${plan.seconds.toFixed(1)} s`);
  };

  if (opts.fitOnly) {
    await learnedPlans(sample, opts.learnedGlobals ?? g, opts, add);
    return plans;
  }
  let t = performance.now();
  const addClassical = (classical: CodedSample) => {
    add({ name: 'classical', description: 'error-bounded coder alone', globals: g, decoderBytes: 0, sampleBytes: classical.chunk.length, coded: { data: classical.chunk, reconstruction: classical.reconstruction }, seconds: since(t) });
    return plans[0].estimate;
  };
  if (opts.runner && opts.runner.threads > 1) {
    // The coder alone's plan still comes first: the learned plans await it to add themselves.
    const classical = codeOnPool(opts.runner, sample, g, opts);
    const beat = classical.then(addClassical);
    const chose = classical.then((c) => c.choice?.configuration, () => undefined);
    await Promise.all([beat, learnedPlans(sample, opts.learnedGlobals ?? g, opts, add, beat, chose)]);
  } else {
    const classical = await encodeErrorBoundedChunk(sample.values, sample.shape, g, opts.coder);
    const beat = addClassical(classical);
    await learnedPlans(sample, opts.learnedGlobals ?? g, opts, add, Promise.resolve(beat), Promise.resolve(classical.choice?.configuration));
  }
  if (opts.coderAloneIsExact && ranked(plans)[0].name === 'classical') {
    opts.log?.('lossless not tried: the coder alone codes this array exactly, and the lossless coding that then stores it tries zstd on every slab');
    return ranked(plans);
  }
  // Lossless: a quick zstd says whether it is anywhere near; only then the real (slow, strong) coding.
  t = performance.now();
  const best = Math.min(...plans.map((p) => p.estimate));
  const quick = (await compressBytes(arrayBytes(sample.array), 'zstd', 3)).length;
  if (quick * scale < LOSSLESS_CLOSE * best) {
    const lossless = await encodeLosslessSlab(sample.array);
    add({ name: 'lossless', description: 'lossless (zstd)', globals: g, decoderBytes: 0, sampleBytes: lossless.length, coded: { data: lossless, reconstruction: sample.values }, seconds: since(t) });
  } else {
    opts.log?.(`lossless not tried: zstd -3 gives ${Math.round(quick * scale)} bytes estimated`);
  }
  return ranked(plans);
}

/** The sample coded by the coder alone on a worker (the main thread fits the learned plans meanwhile). */
function codeOnPool(runner: SlabRunner, sample: Sample, g: EbGlobals, opts: ChooseOptions): Promise<CodedSample> {
  return runner.codeSample({ task: 'sample', array: { dtype: 'float64', shape: sample.shape, data: sample.values }, globals: g, coder: opts.coder });
}

/**
 * `beat`: the coder alone's estimate, which a learned basis must beat (it ends the basis sizes tried sooner);
 * resolved once the coder alone's plan is added, which every learned plan awaits to add itself after it.
 * `aloneConfiguration`: the configuration the coder alone chose on the sample (fit-basis.ts starts from it).
 */
async function learnedPlans(
  sample: Sample, g: EbGlobals, opts: ChooseOptions, addPlan: (p: Omit<PlanEstimate, 'estimate'>) => void, beat?: Promise<number>, aloneConfiguration?: Promise<string | undefined>,
): Promise<void> {
  const scale = opts.totalRows / sample.rows;
  let t: number;
  if (!learnedMayApply(g, opts.learned)) return;
  const add = async (p: Omit<PlanEstimate, 'estimate'>) => {
    await beat;
    addPlan(p);
  };
  const measure = async (model: LearnedModel) => {
    if (opts.fitOnly) return { sampleBytes: 0 };
    const coded = await encodeLearnedSlab(model, sample.values, sample.shape, g);
    return { sampleBytes: learnedSlabBytes(coded), coded };
  };
  if (opts.shared && (opts.learned === 'auto' || opts.learned === 'shared') && modelFits(opts.shared.model, sample.shape)) {
    t = performance.now();
    await add({ name: 'shared', description: `shared ${describeModel(opts.shared.model)}`, globals: g, model: opts.shared.model, shared: opts.shared.ref, decoderBytes: 0, ...(await measure(opts.shared.model)), seconds: since(t) });
  }
  const wants = (family: 'basis' | 'columns') => opts.learned === 'auto' || opts.learned === family;
  if (wants('columns') && columnsApply(sample, opts.kind)) {
    t = performance.now();
    const fit = await fitColumns(sample.values, sample.rows, sample.shape[1], g, { nets: opts.nets, seed: opts.seed });
    await add({ name: 'columns', description: describeModel(fit.model), globals: g, model: fit.model, decoderBytes: await storedBytes(fit.model), ...(await measure(fit.model)), seconds: since(t) });
  }
  if (wants('basis') && (opts.learned === 'basis' || basisMayPay(sample, opts.kind))) {
    t = performance.now();
    const fit = await fitBasis(sample.values, sample.shape, g, { seed: opts.seed, scale, beat, aloneConfiguration });
    if (fit) {
      const decoderBytes = await storedBytes(fit.model);
      const seconds = since(t);
      await beat; // logged after the coder alone's plan
      opts.log?.(`learned basis sizes tried: ${fit.tried.map((x) => `${x.k} → ${x.atLeast ? '>' : ''}${x.bytes}`).join(', ')}`);
      await add({ name: 'basis', description: describeModel(fit.model), globals: g, model: fit.model, decoderBytes, sampleBytes: fit.sampleBytes, coded: fit.coded, seconds });
    }
  }
}

/**
 * Whether a learned predictor may be tried at all: not with `--learned none`, nor under pw-rel (a learned
 * predictor needs a prediction the coder can use, and under pw-rel it codes in the log domain).
 */
export function learnedMayApply(g: EbGlobals, learned: LearnedChoice): boolean {
  return learned !== 'none' && g.bound.kind !== 'pw-rel';
}

/** On a tie, the simpler plan: lossless (exact), then the coder alone, then learned ones. */
const TIE_ORDER: Record<PlanName, number> = { lossless: 0, classical: 1, shared: 2, columns: 3, basis: 3 };

function ranked(plans: PlanEstimate[]): PlanEstimate[] {
  return [...plans].sort((a, b) => a.estimate - b.estimate || TIE_ORDER[a.name] - TIE_ORDER[b.name]);
}

/**
 * The plan to use: the smallest, or the one the user named (`--learned basis|columns|shared`) when it could be
 * fitted; otherwise the smallest, said in the log.
 */
export function pickPlan(plans: PlanEstimate[], learned: LearnedChoice, log?: (line: string) => void): PlanEstimate {
  if (learned === 'auto' || learned === 'none') return plans[0];
  const named = plans.find((p) => p.name === learned);
  if (!named) log?.(`the ${learned === 'shared' ? 'shared model' : `${learned} predictor`} does not apply to this array: using ${plans[0].description}`);
  return named ?? plans[0];
}

function since(t: number): number {
  return (performance.now() - t) / 1000;
}

/** The bytes a model blob takes in the container (its section is zstd-coded). */
export async function storedBytes(model: LearnedModel): Promise<number> {
  const blob = encodeModel(model);
  return Math.min(blob.length, (await compressBytes(blob, 'zstd', 19)).length);
}

/** Rows this narrow cost more in latents than a basis of them can save (a table of a few dozen columns). */
const MIN_BASIS_ROW_WIDTH = 32;

/** Frames, signals cut into rows, wide tables: anything whose rows are wide enough to recur as patterns. */
function basisMayPay(sample: Sample, kind: 'table' | 'frames'): boolean {
  const width = sample.shape.slice(1).reduce((a, b) => a * b, 1);
  return kind === 'frames' || width >= MIN_BASIS_ROW_WIDTH;
}

function columnsApply(sample: Sample, kind: 'table' | 'frames'): boolean {
  return kind === 'table' && sample.shape.length === 2 && sample.shape[1] >= 2 && sample.shape[1] <= MAX_COLUMNS && sample.rows >= 64;
}
