// How the encoder chooses a slab's configuration: every candidate (of every layout worth trying) is coded on
// a sample of the slab — the whole slab when it is small — and the smallest wins; then the winner's variants
// (interpolating along one or all directions, the other way of ending the axes, the per-level tolerance
// schedule stepped either way) are tried and kept when smaller.
// A small slab's winner is already coded in full; a large one's finalists are coded in full afterwards.

import { Configuration, describe, nextSchedule, otherDirections, otherEdges, sampleOf } from './configure';
import type { EncodeStats } from './codec';
import { columnModelsSize } from './format';
import { layoutOf, LayoutName } from './layout';
import { EncodedPass, encodePass } from './pass';
import type { Plan } from './plan';

/** A configuration coded on the whole slab. */
export interface FullCoding {
  configuration: Configuration;
  pass: EncodedPass;
  stream: Uint8Array;
  exact: Uint8Array;
  /** Bytes the configuration stores in the slab's header beyond the stream (the column models). */
  side: number;
}

/** Bytes a configuration stores beside its stream under a plan. */
function sideBytes(configuration: Configuration, plan: Plan): number {
  const models = plan.base.columnModels;
  return models && configuration.predictors.some((p) => p.base === 'columns') ? columnModelsSize(models) : 0;
}

export function fullCoding(values: Float64Array, plan: Plan, configuration: Configuration, model: Float64Array | undefined): FullCoding {
  const pass = encodePass({ ...plan.base, size: values.length, layout: plan.layout, configuration, model }, values);
  return { configuration, pass, stream: pass.pc.finishStream(), exact: pass.pc.exactBytes(), side: sideBytes(configuration, plan) };
}

export function codedBytes(c: FullCoding): number {
  return c.stream.length + c.exact.length + c.side;
}

/** A runner-up this close to the best candidate is refined too. */
const RUNNER_UP = 0.15;
/** How much smaller a variant that codes more slowly must be to be taken. */
const DEARER_MARGIN = 0.02;
/** Sample sizes within this fraction of the smallest are close calls... */
const CLOSE_CALL = 0.03;
/** ...which slabs up to this many values settle by coding each in full. */
const FULL_TRIALS_MAX = 1 << 18;
/**
 * Another layout's best this close on the samples is coded in full too: a sample is one band of the slab (its
 * end), and which layout suits a band may not be what suits the slab (an image's polar rows favour rows as a series).
 */
const OTHER_LAYOUT = 0.5;

/** The best of a configuration's variants, one setting at a time (see searchConfiguration). */
function refine(start: Configuration, startSize: number, measure: (c: Configuration) => number): { c: Configuration; size: number } {
  let best = start;
  let bestSize = startSize;
  const consider = (c: Configuration | undefined, dearer = false): boolean => {
    if (!c) return false;
    const size = measure(c);
    if (!(size < bestSize * (dearer ? 1 - DEARER_MARGIN : 1))) return false;
    best = c;
    bestSize = size;
    return true;
  };
  const directions = otherDirections(best);
  consider(directions, directions?.directions === 'all');
  consider(otherEdges(best));
  for (const direction of [1, -1] as const) {
    let moved = false;
    for (let next = nextSchedule(best, direction); next && consider(next); next = nextSchedule(best, direction)) moved = true;
    if (moved) break;
  }
  return { c: best, size: bestSize };
}

export interface SearchResult {
  /** The configurations to code in full (the best first)... */
  finalists: Configuration[];
  /** ...or the winner, already coded in full (small slabs). */
  coded?: FullCoding;
}

/**
 * Chooses among `candidates` (non-empty) for the slab `values` of `shape`; `planOf` gives each layout's
 * plan for the whole slab. Every trial is recorded in `trials`.
 */
export function searchConfiguration(
  values: Float64Array, shape: number[], planOf: (name: LayoutName) => Plan, model: Float64Array | undefined,
  candidates: Configuration[], trials: EncodeStats['trials'],
): SearchResult {
  const samples = new Map<LayoutName, { values: Float64Array; model?: Float64Array; plan: Plan } | undefined>();
  let bestFull: FullCoding | undefined;
  const sizes = new Map<Configuration, number>();
  const measured = new Map<string, number>();
  /** The bytes of every configuration coded on the whole slab (a small slab's are all). */
  const fullBytes = new Map<string, number>();
  const codeInFull = (configuration: Configuration): number => {
    const coding = fullCoding(values, planOf(configuration.layout), configuration, model);
    const bytes = codedBytes(coding);
    trials.push({ configuration: describe(configuration), bytes });
    fullBytes.set(describe(configuration), bytes);
    if (!bestFull || bytes < codedBytes(bestFull)) {
      bestFull?.pass.pc.release(false);
      bestFull = coding;
    } else {
      coding.pass.pc.release(false);
    }
    return bytes;
  };
  const measure = (configuration: Configuration): number => {
    const known = measured.get(describe(configuration));
    if (known !== undefined) return known;
    const name = configuration.layout;
    if (!samples.has(name)) {
      const sample = sampleOf(shape, layoutOf(shape, name));
      const plan = planOf(name);
      samples.set(name, sample && { values: sample.take(values), model: model && sample.take(model), plan: { ...plan, layout: layoutOf(sample.shape, name) } });
    }
    const sample = samples.get(name);
    let bytes: number;
    if (sample) {
      const { pc } = encodePass({ ...sample.plan.base, size: sample.values.length, layout: sample.plan.layout, configuration, model: sample.model }, sample.values);
      // The side information is the whole slab's: it counts as a share of the sample's size.
      const side = (sideBytes(configuration, sample.plan) * sample.values.length) / values.length;
      bytes = pc.finishStream().length + pc.exactCount * sample.plan.type.width + side;
      pc.release(false);
      trials.push({ configuration: `${describe(configuration)} (sample of ${sample.values.length})`, bytes: Math.round(bytes) });
    } else {
      bytes = codeInFull(configuration);
    }
    // Per value: samples of different layouts may differ in size.
    const perValue = bytes / (sample ? sample.values.length : values.length);
    sizes.set(configuration, perValue);
    measured.set(describe(configuration), perValue);
    return perValue;
  };
  let best = candidates[0];
  let bestSize = Infinity;
  for (const c of candidates) {
    const size = measure(c);
    if (size < bestSize) {
      best = c;
      bestSize = size;
    }
  }
  // Then the winner's variants — and the runner-up's when it came close, since a variant may turn the
  // order around — one setting at a time: directions, edges, then the schedule stepped tighter (or
  // flatter) for as long as that is smaller. Interpolating along all directions costs up to twice the
  // time of one: it is taken only when clearly smaller.
  const ranked = candidates.map((c) => ({ c, size: measure(c) })).sort((a, b) => a.size - b.size);
  const starts = ranked.filter((r, k) => k === 0 || (k === 1 && r.size <= ranked[0].size * (1 + RUNNER_UP)));
  const optima = starts.map((start) => refine(start.c, start.size, measure));
  for (const refined of optima) {
    if (refined.size < bestSize) {
      best = refined.c;
      bestSize = refined.size;
    }
  }
  if (bestFull && bestFull.configuration === best) return { finalists: [best], coded: bestFull };
  const notCoded = (finalists: Configuration[]): SearchResult => {
    bestFull?.pass.pc.release(false);
    return { finalists };
  };
  // A sample is part of the slab, and may favour what suits that part: the other refined optimum is coded in
  // full too when it came close; on a slab small enough, also the close calls, and every refined optimum
  // with either edges (a sample's own edges are not the slab's).
  const finalists: Configuration[] = [best];
  const add = (c: Configuration | undefined) => {
    if (c && !finalists.some((f) => describe(f) === describe(c))) finalists.push(c);
  };
  const small = values.length <= FULL_TRIALS_MAX;
  for (const refined of optima) if (small || refined.size <= bestSize * (1 + CLOSE_CALL)) add(refined.c);
  for (const other of bestOfOtherLayouts(sizes, best.layout)) if (other.size <= bestSize * (1 + OTHER_LAYOUT)) add(other.c);
  if (!small) return notCoded(finalists);
  for (const [c, size] of [...sizes.entries()].sort((a, b) => a[1] - b[1])) if (size <= bestSize * (1 + CLOSE_CALL)) add(c);
  for (const refined of optima) add(otherEdges(refined.c));
  // Settled here: the smallest finalist in full (the first on ties), each coded once — most were already.
  let winner = finalists[0];
  let winnerBytes = Infinity;
  for (const c of finalists) {
    const bytes = fullBytes.get(describe(c)) ?? codeInFull(c);
    if (bytes < winnerBytes) {
      winner = c;
      winnerBytes = bytes;
    }
  }
  if (bestFull && describe(bestFull.configuration) === describe(winner)) return { finalists: [winner], coded: bestFull };
  return notCoded([winner]);
}

/** The smallest measured configuration of each layout other than `layout`. */
function bestOfOtherLayouts(sizes: Map<Configuration, number>, layout: LayoutName): { c: Configuration; size: number }[] {
  const best = new Map<LayoutName, { c: Configuration; size: number }>();
  for (const [c, size] of sizes) {
    const known = best.get(c.layout);
    if (c.layout !== layout && (!known || size < known.size)) best.set(c.layout, { c, size });
  }
  return [...best.values()];
}
