// The error-bounded mode (`--error-bound abs:X|rel:X|pw-rel:X`): every value within the bound on the values as
// written, guaranteed and checked. Each slab (coded on its own, on any core: parallel/slab-tasks.ts) is stored
// as the smaller of the error-bounded coding and the lossless one (the lossless floor: zstd of the raw bytes and,
// for integers under pw-rel, the coder's integer path), so a bound never costs more than zstd of the raw bytes.
import { parseErrorBound } from '../eb/bound';
import { cancellationPoint } from '../errors';
import { forEachOrdered } from '../parallel/ordered';
import type { CodedSlab } from '../parallel/slab-tasks';
import type { ChunkChoice } from './eb-chunk';
import { roundedTolerances } from './tolerances';
import { fractionDone, type ArrayInput, type ArrayStrategy, type CodedArray, type CompressContext, type Slab } from './strategy';
import { arrayGlobals, type EbGlobals } from './eb-slab';
import { slabBoundChecker } from './verify';
import type { NdArray } from '../types';
import type { BufferPool } from '../parallel/buffer-pool';

/**
 * The slabs that search for the best configuration: 0, then every SEARCH_EVERY-th up to SEARCH_EVERY², then the
 * powers of two (0, 4, 8, 12, 16, 32, 64, …); the others reuse the latest search's choice. A search costs about
 * one more coding of its slab (28-frame slabs of a 256 × 256 field), so a 1 GB array searches 8 of its 140 slabs,
 * not 35; a field whose character changes twice along its 100 slabs came out 0.3% larger than with a search in 4.
 */
const SEARCH_EVERY = 4;

/** The slab whose search slab j reuses (j itself when it searches). */
export function searchingSlab(j: number): number {
  if (j < SEARCH_EVERY * SEARCH_EVERY) return j - (j % SEARCH_EVERY);
  return 2 ** (31 - Math.clz32(j));
}

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
 * Codes an array's slabs with the error-bounded coder alone, on the pool. Some slabs of the array search the
 * coder's configurations (searchingSlab); the slabs after each reuse its choice. Which slab searches depends on
 * its index in the whole array only, never on timing or on where a part (--part) starts: a part that starts
 * inside a group searches the group's first slab too (coded and dropped), so that parts merge into the file one
 * process writes. A searching slab of one value chooses nothing (eb-chunk.ts): its group reuses the choice of the
 * group before, and the slabs of group 0 search. Slabs must be asked for in order.
 */
export function coderAloneSlabs(input: ArrayInput, ctx: CompressContext, globals: EbGlobals): (slab: Slab, handOver?: boolean) => Promise<CodedSlab> {
  const searched = new Map<number, Promise<ChunkChoice | undefined>>();
  /** Searching slabs coded ahead of their turn, by index: their results, taken when their turn comes. */
  const ahead = new Map<number, Promise<CodedSlab>>();
  const endSlab = Math.ceil((input.rowsBefore + input.source.shape[0]) / input.slabRows);
  // The floor's integer path under pw-rel only: under abs and rel a slab's plan follows the array's tolerances (no
  // slab holds the path at tolerance 0), and below one unit the coder codes integers on a grid of 1 anyway (eb/plan.ts).
  // Whether a slab's values are integers is the slab's own (a part's stats are not the array's).
  const tryIntegerCoder = globals.bound.kind === 'pw-rel';
  const task = (s: Given) => ({ task: 'eb' as const, array: s.array, firstRow: s.firstRow, globals, predictors: ctx.opts.predictors, layout: ctx.opts.layout, file: ctx.input, tryIntegerCoder });
  /** Groups whose search is over. */
  const settled = new Set<number>();
  const search = (group: number, slab: Promise<Given>): Promise<CodedSlab> => {
    const result = slab.then((s) => ctx.runner.run(task(s), s.owner));
    searched.set(group, result.then((r) => r.choice, () => undefined).finally(() => settled.add(group)));
    return result;
  };
  // While a slab waits for its group's search, a worker would be idle: the next group's searching slab is read
  // out of turn and coded meanwhile (its result is the same whenever it is coded). It replaces the coding of a
  // waiting slab, which holds only its own bytes: the slabs coded at once stay within the memory budget.
  const searchAhead = (after: number): void => {
    let next = after + 1;
    while (next < endSlab && searchingSlab(next) !== next) next++;
    if (next >= endSlab || searched.has(next) || ctx.runner.threads < 2) return;
    const result = search(next, input.slabOfArray(next * input.slabRows).then(give));
    result.catch(() => {}); // taken, and its error with it, when its turn comes
    ahead.set(next, result);
  };
  /** The search of a group's slab, started (read out of turn) when it has not been. */
  const searchOf = (group: number): Promise<ChunkChoice | undefined> => {
    if (!searched.has(group)) search(group, input.slabOfArray(group * input.slabRows).then(give)).catch(() => undefined);
    return searched.get(group)!;
  };
  /** The choice a group's slabs reuse: its searching slab's or, where that slab chose nothing (one value), the group's before. */
  const choiceFor = async (group: number): Promise<ChunkChoice | undefined> =>
    (await searchOf(group)) ?? (group > 0 ? choiceFor(searchingSlab(group - 1)) : undefined);
  return async (slab, handOver = false) => {
    const j = Math.round((input.rowsBefore + slab.firstRow) / input.slabRows);
    const group = searchingSlab(j);
    const early = ahead.get(j);
    if (early) {
      ahead.delete(j);
      slab.release?.();
      return early;
    }
    const given = handOver ? give(slab) : { array: slab.array, firstRow: slab.firstRow };
    if (j === group) return search(group, Promise.resolve(given));
    searchOf(group);
    if (!settled.has(group)) searchAhead(j);
    const reuse = await choiceFor(group);
    return ctx.runner.run({ ...task(given), reuse }, given.owner);
  };
}

/** A slab as a task takes it: given up by its holder (handOver: its buffer goes back to `owner`), or lent. */
interface Given {
  array: NdArray;
  firstRow: number;
  owner?: BufferPool;
}

/** The slab given up to its one task (a slab that cannot be given up is lent: the task copies it). */
function give(slab: Slab): Given {
  return slab.handOver ? { ...slab.handOver(), firstRow: slab.firstRow } : { array: slab.array, firstRow: slab.firstRow };
}

function losslessNote(o: Record<CodedSlab['outcome'], number>): string {
  const slabs = o.coded + o.lossless + o['kept-exact'];
  const parts = [];
  if (o.lossless) parts.push(`${o.lossless} of ${slabs} slabs stored losslessly: smaller than the error-bounded coding at this bound`);
  if (o['kept-exact']) parts.push(`${o['kept-exact']} of ${slabs} slabs stored losslessly: the error-bounded coder could not keep the bound on them as written in this dtype`);
  return parts.join('; ');
}
