// The error-bounded mode (`--error-bound abs:X|rel:X|pw-rel:X`): every value within the bound on the values as
// written, guaranteed and checked. Each slab is stored as the smaller of the error-bounded coding and the
// lossless one (the lossless floor), so a bound never costs more than zstd of the raw bytes.
import { parseErrorBound } from '../eb/bound';
import { BalerError, namingFile, throwIfAborted } from '../errors';
import { encodeLosslessSlab, tagged, TAG_EB } from '../codec/slab';
import { arrayBytes } from '../data/dtype';
import { compressBytes } from '../codec/entropy';
import type { NdArray } from '../types';
import { encodeEbSlab } from './eb-slab';
import { roundedTolerances } from './tolerances';
import type { ArrayStrategy, CodedArray } from './strategy';
import { slabBoundChecker } from './verify';

/** Slabs up to this size always get the lossless candidate; larger ones only when a quick zstd comes close. */
const ALWAYS_TRY_LOSSLESS_BYTES = 4 * 1024 * 1024;

export const errorBoundedStrategy: ArrayStrategy = {
  handles: (opts) => opts.errorBound !== undefined,
  async code(input, out, ctx): Promise<CodedArray> {
    const { source, stats } = input;
    const bound = parseErrorBound(ctx.opts.errorBound!, ctx.input);
    const tolerances = roundedTolerances(bound, stats);
    ctx.hooks?.onProgress?.({ phase: 'encode', message: `error-bounded coding (${ctx.opts.errorBound})` });
    const globals = { bound, tolerances, dtype: source.dtype, kind: source.kind };
    const check = slabBoundChecker(bound, stats, source.dtype, ctx.input);
    let losslessSlabs = 0;
    let brokenSlabs = 0;
    let slabs = 0;
    for await (const slab of input.slabs()) {
      throwIfAborted(ctx.hooks?.signal);
      const eb = await namingFile(ctx.input, () => encodeEbSlab(slab.values, slab.array.shape, globals, { predictors: ctx.opts.predictors }));
      // A slab the coder could not keep within the bound (it should never happen) is stored losslessly instead.
      const kept = keepsBound(() => check(slab.values, eb.reconstruction, slab.firstRow));
      if (!kept) brokenSlabs++;
      const lossless = kept ? await losslessCandidate(slab.array, eb.bytes.length + 1) : await encodeLosslessSlab(slab.array);
      await out.addSlabChunk('data', lossless ?? tagged(TAG_EB, eb.bytes));
      out.slabDone(slab.values, lossless ? slab.values : eb.reconstruction);
      slabs++;
      if (lossless) losslessSlabs++;
      ctx.hooks?.onProgress?.({ phase: 'encode', message: `error-bounded coding (${ctx.opts.errorBound})`, fraction: (slab.firstRow + slab.array.shape[0]) / source.shape[0] });
    }
    return {
      codec: { mode: 'error-bounded', bound, tolerances },
      slabRows: input.slabRows,
      checkSlab: check,
      ...(losslessSlabs ? { note: losslessNote(losslessSlabs, brokenSlabs, slabs) } : {}),
    };
  },
};

function keepsBound(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof BalerError && err.code === 'EBOUND') return false;
    throw err;
  }
}

function losslessNote(lossless: number, broken: number, slabs: number): string {
  const smaller = lossless - broken;
  const parts = [];
  if (smaller) parts.push(`${smaller} of ${slabs} slabs stored losslessly: smaller than the error-bounded coding at this bound`);
  if (broken) parts.push(`${broken} of ${slabs} slabs stored losslessly: the error-bounded coder could not keep the bound on them as written in this dtype`);
  return parts.join('; ');
}

/** The lossless coding of a slab when it is smaller than `bytesToBeat`, else undefined. */
async function losslessCandidate(slab: NdArray, bytesToBeat: number): Promise<Uint8Array | undefined> {
  const raw = arrayBytes(slab);
  if (raw.length > ALWAYS_TRY_LOSSLESS_BYTES && (await compressBytes(raw, 'zstd', 1)).length > bytesToBeat * 1.5) return undefined;
  const lossless = await encodeLosslessSlab(slab);
  return lossless.length < bytesToBeat ? lossless : undefined;
}
