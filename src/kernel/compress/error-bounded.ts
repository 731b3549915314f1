// The error-bounded mode (`--error-bound abs:X|rel:X|pw-rel:X`): every value within the bound on the values as
// written, guaranteed and checked. Each slab (coded on its own, on any core: parallel/slab-tasks.ts) is stored
// as the smaller of the error-bounded coding and the lossless one (the lossless floor: zstd of the raw bytes and,
// for integers under pw-rel, the coder's integer path), so a bound never costs more than zstd of the raw bytes.
import { parseErrorBound } from '../eb/bound';
import { cancellationPoint } from '../errors';
import { forEachOrdered } from '../parallel/ordered';
import type { CodedSlab } from '../parallel/slab-tasks';
import { roundedTolerances } from './tolerances';
import { fractionDone, type ArrayInput, type ArrayStrategy, type CodedArray, type CompressContext, type Slab } from './strategy';
import { arrayGlobals, type EbGlobals } from './eb-slab';
import { slabBoundChecker } from './verify';
import { slabsSharingSearches } from './shared-search';

export const errorBoundedStrategy: ArrayStrategy = {
  handles: (opts) => opts.errorBound !== undefined,
  async code(input, out, ctx): Promise<CodedArray> {
    const { source, stats } = input;
    const bound = parseErrorBound(ctx.opts.errorBound!, ctx.input);
    const globals = arrayGlobals(bound, roundedTolerances(bound, stats), source);
    const message = `error-bounded coding (${ctx.opts.errorBound})`;
    ctx.hooks?.onProgress?.({ phase: 'encode', message });
    const outcomes: Record<CodedSlab['outcome'], number> = { coded: 0, lossless: 0, 'kept-exact': 0 };
    const alone = coderAloneSlabs(input, ctx, globals);
    // Each slab has one task: given over to it (its buffer travels to the worker and back to the reader).
    await forEachOrdered(input.slabs(), ctx.runner.threads, (slab) => alone(slab, true),
      async (coded, slab) => {
        await cancellationPoint(ctx.hooks?.signal);
        await out.addSlabChunk('data', coded.chunk);
        out.slabDone(coded.summary);
        outcomes[coded.outcome]++;
        ctx.hooks?.onProgress?.({ phase: 'encode', message, fraction: fractionDone(input, slab) });
      });
    return {
      codec: { mode: 'error-bounded', bound, tolerances: globals.tolerances },
      slabRows: input.slabRows,
      checkSlab: slabBoundChecker(bound, stats, source.dtype, ctx.input),
      ...(outcomes.lossless + outcomes['kept-exact'] > 0 ? { note: losslessNote(outcomes) } : {}),
    };
  },
};

/**
 * Codes an array's slabs with the error-bounded coder alone, on the pool, some of them searching the coder's
 * configurations and the others reusing the choice (shared-search.ts). Slabs must be asked for in order.
 */
export function coderAloneSlabs(input: ArrayInput, ctx: CompressContext, globals: EbGlobals): (slab: Slab, handOver?: boolean) => Promise<CodedSlab> {
  // The floor's integer path under pw-rel only: under abs and rel a slab's plan follows the array's tolerances (no
  // slab holds the path at tolerance 0), and below one unit the coder codes integers on a grid of 1 anyway (eb/plan.ts).
  // Whether a slab's values are integers is the slab's own (a part's stats are not the array's).
  const tryIntegerCoder = globals.bound.kind === 'pw-rel';
  // Under abs and rel an exact column's tolerance is 0 already; pw-rel has no tolerances (one bound for every value).
  const exactColumns = tryIntegerCoder ? input.stats.exactColumns : undefined;
  return slabsSharingSearches(input, ctx, (s, reuse) =>
    ctx.runner.run({ task: 'eb', array: s.array, firstRow: s.firstRow, globals, predictors: ctx.opts.predictors, layout: ctx.opts.layout, file: ctx.input, tryIntegerCoder, reuse, exactColumns }, s.owner));
}

function losslessNote(o: Record<CodedSlab['outcome'], number>): string {
  const slabs = o.coded + o.lossless + o['kept-exact'];
  const parts = [];
  if (o.lossless) parts.push(`${o.lossless} of ${slabs} slabs stored losslessly: smaller than the error-bounded coding at this bound`);
  if (o['kept-exact']) parts.push(`${o['kept-exact']} of ${slabs} slabs stored losslessly: the error-bounded coder could not keep the bound on them as written in this dtype`);
  return parts.join('; ');
}
