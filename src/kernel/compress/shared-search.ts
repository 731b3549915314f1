// Slabs that share the error-bounded coder's configuration searches: some slabs of an array search (searchingSlab),
// the slabs after each reuse its choice. Used by the coder alone (error-bounded.ts) and by the lossless coding's
// integer path (lossless.ts).
import type { CodedSlab } from '../parallel/slab-tasks';
import type { BufferPool } from '../parallel/buffer-pool';
import type { NdArray } from '../types';
import type { ChunkChoice } from './eb-chunk';
import type { ArrayInput, CompressContext, Slab } from './strategy';

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

/** A slab as a task takes it: given up by its holder (handOver: its buffer goes back to `owner`), or lent. */
export interface Given {
  array: NdArray;
  firstRow: number;
  owner?: BufferPool;
}

/**
 * Codes an array's slabs with `code` (a task on the pool): a searching slab without `reuse` (its result's `choice` is
 * its group's), the others with their group's choice. Which slab searches depends on its index in the whole array
 * only, never on timing or on where a part (--part) starts: a part that starts inside a group searches the group's
 * first slab too (coded and dropped), so that parts merge into the file one process writes. A searching slab of one
 * value chooses nothing (eb-chunk.ts): its group reuses the choice of the group before, and the slabs of group 0
 * search. Slabs must be asked for in order.
 */
export function slabsSharingSearches(
  input: ArrayInput, ctx: CompressContext, code: (slab: Given, reuse?: ChunkChoice) => Promise<CodedSlab>,
): (slab: Slab, handOver?: boolean) => Promise<CodedSlab> {
  const searched = new Map<number, Promise<ChunkChoice | undefined>>();
  /** Searching slabs coded ahead of their turn, by index: their results, taken when their turn comes. */
  const ahead = new Map<number, Promise<CodedSlab>>();
  const endSlab = Math.ceil((input.rowsBefore + input.source.shape[0]) / input.slabRows);
  /** Groups whose search is over. */
  const settled = new Set<number>();
  const search = (group: number, slab: Promise<Given>): Promise<CodedSlab> => {
    const result = slab.then((s) => code(s));
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
    return code(given, await choiceFor(group));
  };
}

/** The slab given up to its one task (a slab that cannot be given up is lent: the task copies it). */
function give(slab: Slab): Given {
  return slab.handOver ? { ...slab.handOver(), firstRow: slab.firstRow } : { array: slab.array, firstRow: slab.firstRow };
}
