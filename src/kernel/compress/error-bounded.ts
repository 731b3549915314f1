// The error-bounded mode (`--error-bound abs:X|rel:X|pw-rel:X`): every value within the bound, guaranteed.
import { parseErrorBound } from '../eb/bound';
import { encodeErrorBounded } from '../eb/codec';
import { namingFile } from '../errors';
import type { CompressStrategy } from './strategy';
import { boundChecker } from './verify';

export const errorBoundedStrategy: CompressStrategy = {
  handles: (opts) => opts.errorBound !== undefined,
  async payload({ ds, opts, hooks, input }) {
    const bound = parseErrorBound(opts.errorBound!, input);
    hooks?.onProgress?.({ phase: 'encode', message: `error-bounded coding (${opts.errorBound})` });
    const encoded = await namingFile(input, () => encodeErrorBounded(ds.values, ds.shape, bound, { kind: ds.kind, predictors: opts.predictors }));
    // The coder's sections ('eb.*') are range-coded already: stored raw, with the container's checksums.
    const sections = encoded.sections.map((s) => ({ name: s.name, data: s.data, coding: 'raw' as const }));
    const check = boundChecker(ds, opts.errorBound!, input);
    check(encoded.reconstruction);
    return {
      header: { mode: 'error-bounded', errorBound: opts.errorBound, eb: encoded.header },
      sections,
      reconstruction: encoded.reconstruction,
      verify: check,
    };
  },
};
