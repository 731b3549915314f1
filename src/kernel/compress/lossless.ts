// The lossless mode: a bound of 0 (`abs:0`, `rel:0`, `pw-rel:0`), an array that must be exact (event counts),
// or 64-bit integers that float64 cannot hold under any bound. Each slab takes the smallest of zstd of its
// bytes (plain or byte-shuffled) and, for integer-valued data, the error-bounded coder's integer path at
// tolerance 0, which the context model often makes smaller than zstd.
import type { ArrayStrategy, CodedArray } from './strategy';
import { encodeLosslessSlab, tagged, TAG_EB } from '../codec/slab';
import { encodeEbSlab } from './eb-slab';
import { parseErrorBound } from '../eb/bound';

export const losslessStrategy: ArrayStrategy = {
  handles(opts, input) {
    if (input.source.exact || !input.stats.exactInFloat64) return opts.target === undefined || !input.stats.exactInFloat64;
    return opts.errorBound !== undefined && opts.target === undefined && parseErrorBound(opts.errorBound).value === 0;
  },
  async code(input, out, ctx): Promise<CodedArray> {
    const { dataset, array, stats } = input;
    ctx.hooks?.onProgress?.({ phase: 'encode', message: 'lossless coding' });
    let chunk = await encodeLosslessSlab(array);
    if (stats.integerValued && stats.exactInFloat64) {
      const eb = await encodeEbSlab(dataset.values, dataset.shape, { bound: { kind: 'abs', value: 0 }, tolerances: [0], dtype: dataset.dtype, kind: dataset.kind });
      if (eb.bytes.length + 1 < chunk.length && sameValues(eb.reconstruction, dataset.values)) chunk = tagged(TAG_EB, eb.bytes);
    }
    await out.addSlabChunk('data', chunk);
    out.slabDone(dataset.values, dataset.values);
    const why = input.source.exact ? 'this array must be exact' : !stats.exactInFloat64 ? '64-bit integers beyond ±2^53 cannot be coded approximately' : 'the bound is 0';
    return { codec: { mode: 'lossless' }, slabRows: dataset.shape[0], note: `stored losslessly (${why})` };
  },
};

function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}
