// The search mode (`--target psnr:DB`, or `--error-bound B --objective total|latent`): the smallest file that
// meets the quality, decoder counted (the policy lives in ../search).
import { BalerError } from '../errors';
import { encodeContainer } from '../codec/container';
import { searchSmallestTotal } from '../search';
import type { CompressStrategy } from './strategy';
import { boundChecker, psnrChecker } from './verify';

export const searchStrategy: CompressStrategy = {
  handles: (opts) => opts.target !== undefined || opts.objective !== undefined,
  async payload({ ds, opts, hooks, input, completeHeader }) {
    if (opts.target !== undefined && opts.errorBound !== undefined) {
      throw new BalerError('give either --target or --error-bound, not both', input);
    }
    if (opts.target === undefined && opts.errorBound === undefined) {
      throw new BalerError('--objective needs a quality to meet: --target psnr:DB or --error-bound B', input);
    }
    if (opts.trainedModelPath || opts.modelFile) {
      throw new BalerError('the search trains its own light decoders: --trained-model and --model-file do not apply with --target/--objective', input);
    }
    const outcome = await searchSmallestTotal(ds, {
      target: opts.target,
      errorBound: opts.errorBound,
      objective: opts.objective,
      timeLimitSeconds: opts.timeLimitSeconds,
      noAutoencoder: opts.searchAutoencoders === false,
      predictors: opts.predictors,
      seed: opts.seed,
      backend: opts.backend,
    }, {
      measureTotal: async (p) => (await encodeContainer(completeHeader(p), p.sections)).length,
      hooks,
      file: input,
    });
    const errorBound = outcome.payload.header.errorBound as string | undefined;
    const checkBound = errorBound ? boundChecker(ds, errorBound, input) : undefined;
    const checkPsnr = opts.target ? psnrChecker(ds, opts.target, input) : undefined;
    return {
      ...outcome.payload,
      header: { ...outcome.payload.header, search: outcome.record },
      sections: [...outcome.payload.sections, outcome.pointsSection],
      verify: (decoded) => {
        checkBound?.(decoded);
        checkPsnr?.(decoded);
      },
    };
  },
};
