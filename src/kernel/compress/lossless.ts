// The lossless mode: a bound of 0 (`abs:0`, `rel:0`, `pw-rel:0`), an array that must be exact (event counts),
// or 64-bit integers that float64 cannot hold under any bound. Each slab takes the smallest of zstd of its
// bytes (plain or byte-shuffled) and, for integer-valued data, the error-bounded coder's integer path at
// tolerance 0, which the context model often makes smaller than zstd.
import type { CompressOptions } from '../api';
import { parseErrorBound } from '../eb/bound';
import { cancellationPoint } from '../errors';
import { forEachOrdered } from '../parallel/ordered';
import { tryIntegerPath } from './integer-path';
import { slabsSharingSearches } from './shared-search';
import type { ArrayInput, ArrayOutput, ArrayStrategy, CodedArray, CompressContext } from './strategy';

export const losslessStrategy: ArrayStrategy = {
  handles(opts, input) {
    if (input.source.exact) return true;
    if (!input.stats.exactInFloat64) return opts.errorBound !== undefined || opts.target !== undefined;
    return opts.errorBound !== undefined && opts.target === undefined && parseErrorBound(opts.errorBound).value === 0;
  },
  async code(input, out, ctx): Promise<CodedArray> {
    ctx.hooks?.onProgress?.({ phase: 'encode', message: 'lossless coding' });
    return codeLosslessly(input, out, ctx, why(input, ctx.opts));
  },
};

function why(input: ArrayInput, opts: CompressOptions): string {
  if (input.source.exact) return input.source.exactReason ?? 'this array must be exact';
  if (!input.stats.exactInFloat64) return '64-bit integers beyond ±2^53 cannot be coded approximately';
  return `the bound ${opts.errorBound} is 0`;
}

/** Every slab exactly: zstd of its bytes, or the coder's integer path at tolerance 0 when smaller. */
export async function codeLosslessly(input: ArrayInput, out: ArrayOutput, ctx: CompressContext, reason: string): Promise<CodedArray> {
  const { source } = input;
  const tryIntegerCoder = tryIntegerPath(input.stats);
  // The integer path's slabs share its configuration searches, as the coder alone's do; zstd alone has nothing to
  // share, and its slabs do not wait for a searching slab.
  const code = slabsSharingSearches(input, ctx, (s, reuse) => ctx.runner.run({ task: 'lossless', array: s.array, kind: source.kind, tryIntegerCoder, reuse }, s.owner));
  await forEachOrdered(input.slabs(), ctx.runner.threads,
    // Each slab is given over to its one task (its buffer travels to the worker and back to the reader).
    (slab) => {
      if (tryIntegerCoder) return code(slab, true);
      const { array, owner } = slab.handOver();
      return ctx.runner.run({ task: 'lossless', array, kind: source.kind, tryIntegerCoder }, owner);
    },
    async (coded) => {
      await cancellationPoint(ctx.hooks?.signal);
      await out.addSlabChunk('data', coded.chunk);
      out.slabDone(coded.summary);
    });
  return { codec: { mode: 'lossless' }, slabRows: input.slabRows, note: `stored losslessly (${reason})` };
}
