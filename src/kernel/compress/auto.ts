// The automatic mode, the default of `compress`: every value within a bound (the user's `--error-bound`, or
// DEFAULT_ERROR_BOUND), at the smallest total with the decoder counted, never larger than lossless. It codes
// a sample with every candidate that applies (the error-bounded coder alone, lossless, learned predictors
// fitted on the sample, a shared model given with `--model-file`), picks the smallest estimate, then codes
// every slab with it (plan-coder.ts keeps the lossless floor per slab and for the whole array).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions } from '../api';
import { DEFAULT_ERROR_BOUND, parseErrorBound } from '../eb/bound';
import { modelFileKind } from '../codec/model-file';
import { estimatePlans, learnedMayApply, pickPlan, type PlanEstimate } from '../learned/choose';
import { DEFAULT_MEMORY_BUDGET } from '../memory';
import { readSample } from '../learned/sample';
import { readSharedModel, writeSharedModel } from '../learned/store';
import { describeModel } from '../learned/blob';
import { losslessStrategy } from './lossless';
import { codeWithPlan, startFirstSlab } from './plan-coder';
import { coderAloneIsExact } from './integer-path';
import { codingTolerances, roundedTolerances } from './tolerances';
import type { ArrayInput, ArrayStrategy, CodedArray, CompressContext } from './strategy';
import { arrayGlobals, type EbGlobals } from './eb-slab';
import { relativeSize } from '../report/format';
import { namesAutoencoderOption } from '../options/autoencoder';

export function asksForAutoencoder(opts: CompressOptions): boolean {
  if (namesAutoencoderOption(opts)) return true;
  return !!opts.modelFile && fs.existsSync(opts.modelFile) && modelFileKind(opts.modelFile) === 'model';
}

export const autoStrategy: ArrayStrategy = {
  // `--error-bound B --objective total` asks for exactly this: the smallest total meeting the bound. A part of
  // a file (`--part I/N`) is coded by the error-bounded coder alone: every part must code alike for merge.
  handles: (opts) => opts.part === undefined && opts.target === undefined && (opts.objective === undefined || (opts.objective === 'total' && opts.errorBound !== undefined)) &&
    (opts.errorBound !== undefined || !asksForAutoencoder(opts)),
  async code(input, out, ctx): Promise<CodedArray> {
    const { opts } = ctx;
    const boundText = opts.errorBound ?? DEFAULT_ERROR_BOUND;
    const bound = parseErrorBound(boundText, ctx.input);
    const named = opts.errorBound === undefined ? `the default bound ${boundText} (every value within ${boundText.slice(boundText.indexOf(':') + 1)} of its range; --error-bound to change it)` : boundText;
    if (input.source.exact || !input.stats.exactInFloat64 || bound.value === 0) {
      return losslessStrategy.code(input, out, { ...ctx, opts: { ...opts, errorBound: boundText } });
    }
    ctx.hooks?.onProgress?.({ phase: 'encode', message: `choosing how to code (${boundText})` });
    // The coder alone keeps the bound in the dtype itself; learned slabs code with absolute tolerances that allow for it.
    const g = arrayGlobals(bound, roundedTolerances(bound, input.stats), input.source);
    if (!learnedMayApply(g, opts.learned ?? 'auto')) {
      // A sample would only weigh the coder alone against lossless: the slabs' codings weigh them instead
      // (codeWithPlan's floor for the whole array: slabs that cannot tell, all zeros, are held until later ones do),
      // so no sample is coded.
      const why = bound.kind === 'pw-rel' ? `no learned predictor applies under ${bound.kind}` : 'learned predictors not asked for';
      const plan: PlanEstimate = { name: 'classical', description: 'error-bounded coder alone', globals: g, decoderBytes: 0, sampleBytes: 0, estimate: 0, seconds: 0 };
      return await codeWithPlan(input, out, ctx, { plan, baselineBytes: 0, reuseSample: false, reason: `${plan.description} at ${named} (${why})` });
    }
    const learnedGlobals: EbGlobals = { ...g, tolerances: codingTolerances(bound, input.stats, input.source.dtype) };
    const sample = await readSample(input.source, { memoryBudget: ctx.opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET, rowsPerRead: input.slabRows });
    const reuseSample = sample.whole && input.slabRows >= input.source.shape[0];
    // Unless the sample's coding is the file's, the first slab is coded with the coder alone meanwhile (on the
    // pool): the plan then finds it done, or checks itself against it; only a lossless plan discards it, as the
    // coder alone does where it is exact (then a learned plan's check codes it only if asked).
    const exact = coderAloneIsExact(input.stats, g, opts);
    const start = reuseSample ? undefined : await startFirstSlab(input, ctx, g, !exact);
    try {
      const shared = opts.modelFile && fs.existsSync(opts.modelFile) ? await readSharedModel(opts.modelFile) : undefined;
      const plans = await estimatePlans(sample, g, {
        learned: opts.learned ?? 'auto',
        shared,
        nets: opts.learnedNetworkSeconds ? { seconds: opts.learnedNetworkSeconds, seed: opts.seed, backend: opts.backend, signal: ctx.hooks?.signal } : undefined,
        kind: input.source.kind,
        coder: { predictors: opts.predictors, layout: opts.layout },
        coderAloneIsExact: exact,
        learnedGlobals,
        totalRows: input.source.shape[0],
        seed: opts.seed,
        // The coder alone codes the sample on a worker where one is free beside the first slab's and the main
        // thread's fit: on two threads a third busy thread cost more than it saved (a 5.5 MB array: 3.6 -> 4.1 s).
        runner: ctx.runner.threads >= (start?.firstAlone ? 3 : 2) ? ctx.runner : undefined,
        log: (line) => ctx.hooks?.onLog?.(`${label(input, ctx)}: ${line}`),
      });
      let plan = pickPlan(plans, opts.learned ?? 'auto', (line) => ctx.hooks?.onLog?.(`${label(input, ctx)}: ${line}`));
      const classical = plans.find((p) => p.name === 'classical')!;
      let modelDir = shared ? path.dirname(path.resolve(opts.modelFile!)) : undefined;
      if (opts.modelFile && !shared && plan.model) {
        // The first file of a set: its model becomes the shared one the next files reuse.
        const ref = await writeSharedModel(opts.modelFile, plan.model, `${describeModel(plan.model)}, fitted on ${path.basename(ctx.input)}`, opts.force);
        plan = { ...plan, shared: ref, decoderBytes: 0 };
        modelDir = path.dirname(path.resolve(opts.modelFile));
      }
      if (plan.name === 'lossless' && !sample.whole) {
        // A sample of zeros says lossless of an array whose other rows code well: the held slabs decide (plan-coder.ts).
        const reason = `${classical.description} at ${named} (lossless was estimated smaller on a sample, ${plan.estimate} bytes: the slabs decide)`;
        return await codeWithPlan(input, out, ctx, { plan: classical, baselineBytes: classical.estimate, reuseSample, reason, start });
      }
      const reason = `${plan.description} at ${named}: ${plan.estimate} bytes estimated${versus(plan, classical)}`;
      return await codeWithPlan(input, out, ctx, { plan, baselineBytes: classical.estimate, reuseSample, reason, modelDir, fallback: classical, start });
    } catch (err) {
      await start?.slabs.return(undefined);
      throw err;
    }
  },
};

function versus(plan: PlanEstimate, classical: PlanEstimate): string {
  if (plan === classical) return '';
  return ` (the error-bounded coder alone: ${classical.estimate}, ${relativeSize(Math.max(1, classical.estimate), Math.max(1, plan.estimate))})`;
}

function label(input: ArrayInput, ctx: CompressContext): string {
  return input.source.path ? `${ctx.input} ${input.source.path}` : ctx.input;
}
