// The latent-only search (`--objective latent` with `--target psnr:DB` or `--error-bound B`): the smallest file
// not counting its decoder, among light autoencoders and the error-bounded coder (the policy lives in
// ../search). `--target` alone is target.ts; `--error-bound B --objective total` is the automatic mode.
import { BalerError } from '../errors';
import { parseErrorBound } from '../eb/bound';
import { searchSmallestTotal } from '../search';
import { columnsOf } from '../metrics';
import { writePayload, type ArrayStrategy, type CodedArray } from './strategy';
import { psnrChecker, slabBoundChecker } from './verify';

export const searchStrategy: ArrayStrategy = {
  handles: (opts) => opts.target !== undefined || opts.objective !== undefined,
  async code(input, out, ctx): Promise<CodedArray> {
    const { opts, input: file } = ctx;
    if (opts.target !== undefined && opts.errorBound !== undefined) {
      throw new BalerError('give either --target or --error-bound, not both', file);
    }
    if (opts.target === undefined && opts.errorBound === undefined) {
      throw new BalerError('--objective needs a quality to meet: --target psnr:DB or --error-bound B', file);
    }
    if (opts.trainedModelPath || opts.modelFile) {
      throw new BalerError('the search trains its own light decoders: --trained-model and --model-file do not apply with --target/--objective', file);
    }
    const { dataset: ds } = await input.whole();
    const outcome = await searchSmallestTotal(ds, {
      target: opts.target,
      errorBound: opts.errorBound,
      objective: opts.objective,
      timeLimitSeconds: opts.timeLimitSeconds,
      noAutoencoder: opts.searchAutoencoders === false,
      predictors: opts.predictors,
      seed: opts.seed,
      backend: opts.backend,
      integerColumns: input.source.integerColumns,
    }, {
      measure: (p) => ctx.measure(input, p.codec, p.sections),
      hooks: ctx.hooks,
      file,
    });
    await writePayload(out, ds.values, outcome.payload, columnsOf(ds.shape, ds.kind));
    const bound = opts.errorBound !== undefined ? parseErrorBound(opts.errorBound, file) : undefined;
    const { target, objective, points, chosen } = outcome.record;
    return {
      codec: outcome.payload.codec,
      slabRows: ds.shape[0],
      ...(bound ? { checkSlab: slabBoundChecker(bound, input.stats, ds.dtype, file) } : {}),
      ...(opts.target ? { checkErrors: psnrChecker(opts.target, file) } : {}),
      search: { summary: { target, objective, points, chosen }, points: outcome.pointsSection.data },
    };
  },
};
