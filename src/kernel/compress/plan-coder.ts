// Codes every slab of an array with the plan the automatic mode chose (learned/choose.ts), keeping three
// promises:
//   - every slab is within the bound as written (checked; a slab the coder could not keep is stored losslessly)
//     and never larger than its lossless coding (the per-slab floor, parallel/slab-tasks.ts);
//   - the whole array is never larger than its lossless coding: the slabs are held back until their saving
//     against lossless covers everything the plan adds (a decoder, latents, header fields; held-slabs.ts); if
//     it never does, the whole array is stored losslessly (the first slab is coded losslessly for this only when
//     a quick zstd probe puts it near, as the per-slab floor does, which tells the later ones). After that, the
//     per-slab floor keeps the saving;
//   - a learned plan chosen on a sample that is only a part of the array is checked on the array's first slab
//     against the coder alone (its decoder and latents spread over the slabs); when the coder alone is
//     smaller there, the array is coded with it.
// Slabs after the first are coded on the pool of threads (ctx.runner), written in order.
import { BalerError, cancellationPoint } from '../errors';
import { compressBytes } from '../codec/entropy';
import { slabCount } from '../codec/header-check';
import type { ArrayCodec, LearnedPart } from '../codec/header';
import { encodeModel, type LearnedModel } from '../learned/blob';
import type { PlanEstimate } from '../learned/choose';
import { columnsOf } from '../metrics';
import { forEachOrdered } from '../parallel/ordered';
import { runSlabTask, type CodedSlab } from '../parallel/slab-tasks';
import { losslessAtLeast, losslessMayBeat } from '../parallel/lossless-floor';
import { DTYPE_BYTES } from '../data/dtype';
import { HeldSlabs } from './held-slabs';
import { rowValues } from '../memory';
import { coderAloneSlabs } from './error-bounded';
import { coderAloneIsExact, tryIntegerPath } from './integer-path';
import { codeLosslessly } from './lossless';
import { summariseSlab } from './slab-summary';
import { reachesMissing } from '../data/fill';
import { fractionDone, type ArrayInput, type ArrayOutput, type CodedArray, type CompressContext, type Slab } from './strategy';
import type { EbGlobals } from './eb-slab';
import { slabBoundChecker } from './verify';

/** Header and section-table bytes a lossy codec may add over a lossless one, beyond tolerances and names. */
const HEADER_SLACK = 64;
/** Section-table bytes per chunk of a per-slab section. */
const CHUNK_ENTRY_BYTES = 16;

export interface PlanCoding {
  plan: PlanEstimate;
  /** The classical coder's estimated bytes for this array (what a learned plan is measured against). */
  baselineBytes: number;
  /** The plan's sample coding is the whole array and the array is one slab: write it without coding again. */
  reuseSample: boolean;
  /** Why this plan, for the log. */
  reason: string;
  /** Folder of a shared model file (so that the read-back finds it). */
  modelDir?: string;
  /** The coder alone, used instead of a learned plan that loses to it on the first slab. */
  fallback?: PlanEstimate;
  /** The first slab and the coder alone's coding of it, started while the plan was being chosen. */
  start?: FirstSlab;
}

/**
 * The array's first slab as read (`slabs` goes on from the second), the coder alone for the array (one per array:
 * the slabs share its configuration searches) and, when started early, its coding of the first slab.
 */
export interface FirstSlab {
  slabs: AsyncGenerator<Slab>;
  first: Slab;
  alone: (slab: Slab, handOver?: boolean) => Promise<CodedSlab>;
  firstAlone?: Promise<CodedSlab>;
}

/**
 * Reads the first slab and, with `early`, starts coding it with the coder alone on the pool: a plan chosen on a
 * sample then finds it coded (the coder alone), or checks itself against it (a learned plan's first-slab guard).
 */
export async function startFirstSlab(input: ArrayInput, ctx: CompressContext, g: EbGlobals, early: boolean): Promise<FirstSlab> {
  const slabs = input.slabs();
  const first = (await slabs.next()).value as Slab;
  const alone = coderAloneSlabs(input, ctx, g);
  const firstAlone = early ? alone(first) : undefined;
  firstAlone?.catch(() => {}); // awaited by codeWithPlan
  return { slabs, first, alone, firstAlone };
}

export async function codeWithPlan(input: ArrayInput, out: ArrayOutput, ctx: CompressContext, p: PlanCoding): Promise<CodedArray> {
  const { plan } = p;
  const g = plan.globals;
  if (plan.name === 'lossless') {
    await p.start?.slabs.return(undefined);
    return codeLosslessly(input, out, ctx, p.reason);
  }
  if (plan.name === 'classical' && coderAloneIsExact(input.stats, g, ctx.opts)) {
    await p.start?.slabs.return(undefined);
    return codeLosslessly(input, out, ctx, 'the bound is under one unit of this integer data: the coder alone would code every value exactly, as the lossless coding does');
  }
  const { source, stats } = input;
  const check = slabBoundChecker(g.bound, stats, source.dtype, ctx.input);
  // A basis keeps the configuration of this array's first slab for the others: a copy, so that another file
  // coded against the same (shared) model searches its own.
  const model: LearnedModel | undefined = plan.model?.family === 'basis' ? { ...plan.model, configuration: undefined } : plan.model;
  const start = p.start ?? await startFirstSlab(input, ctx, model ? p.fallback?.globals ?? g : g, false);
  const { slabs, first } = start;
  const firstAlone = () => (start.firstAlone ??= start.alone(first));
  // With `handOver`, the slab is given up to its one task (its buffer travels to the worker and back to the reader).
  const code = model
    ? (slab: Slab, handOver = false) => {
      const { array, owner } = handOver && slab.handOver ? slab.handOver() : { array: slab.array, owner: undefined };
      return ctx.runner.run({ task: 'learned', array, firstRow: slab.firstRow, globals: g, model, file: ctx.input }, owner);
    }
    : start.alone;
  const decoder = plan.model && !plan.shared ? encodeModel(plan.model) : undefined;
  const overhead = await planOverhead(p, input, decoder);
  const basis = plan.model?.family === 'basis';
  const outcomes: Record<CodedSlab['outcome'], number> = { coded: 0, lossless: 0, 'kept-exact': 0 };
  const write = async (coded: CodedSlab, slab: Pick<Slab, 'firstRow'>) => {
    await cancellationPoint(ctx.hooks?.signal);
    await out.addSlabChunk('data', coded.chunk);
    if (basis) await out.addSlabChunk('latents', coded.latents ?? new Uint8Array(0));
    out.slabDone(coded.summary);
    outcomes[coded.outcome]++;
    ctx.hooks?.onProgress?.({ phase: 'encode', message: `coding (${plan.description})`, fraction: fractionDone(input, slab) });
  };

  const coded = p.reuseSample && plan.coded ? reuseSampleCoding(plan, first, check, source.kind) : model ? await code(first) : await firstAlone();
  const bytes = coded.chunk.length + (coded.latents?.length ?? 0);
  if (model && p.fallback && !p.reuseSample) {
    const alone = await firstAlone();
    const slabTotal = slabCount({ shape: source.shape, slabRows: input.slabRows });
    const spread = Math.ceil(overhead / slabTotal);
    if (alone.outcome === 'coded' && (coded.outcome !== 'coded' || alone.chunk.length < bytes + spread)) {
      ctx.hooks?.onLog?.(`${input.source.path || ctx.input}: ${plan.description} codes the first slab in ${bytes} bytes (+${spread} of what it adds, over ${slabTotal} slabs), the coder alone in ${alone.chunk.length}: coded with the coder alone`);
      const reason = `the error-bounded coder alone (${plan.description} was estimated smaller on a sample but lost on the first slab)`;
      return codeWithPlan(input, out, ctx, { ...p, plan: p.fallback, reason, fallback: undefined, modelDir: undefined, start });
    }
  }
  const integerPath = tryIntegerPath(input.stats, model ? undefined : g);
  const firstLossless = coded.outcome === 'coded' ? await firstSlabLossless(first, bytes + overhead, input, coded.losslessBytes, integerPath) : bytes;
  if (model && p.fallback && (coded.outcome !== 'coded' || firstLossless <= bytes + overhead)) {
    // A decoder the first slab alone cannot pay for says nothing of the coder alone, which adds next to nothing:
    // it is tried before lossless (a 120-frame field in slabs of a few frames went lossless at 5.9× its size).
    ctx.hooks?.onLog?.(`${input.source.path || ctx.input}: ${plan.description} saves less than it adds (${overhead} bytes) on the first slab: coded with the coder alone`);
    const reason = `the error-bounded coder alone (${plan.description} was estimated smaller on a sample but could not pay for its decoder on the first slab)`;
    return codeWithPlan(input, out, ctx, { ...p, plan: p.fallback, reason, fallback: undefined, modelDir: undefined, start });
  }
  // Where the lossless coding takes the integer path, only the first slab is measured against it (a later slab's
  // floor knows its zstd size, which says nothing of that path): the first slab decides alone.
  const held = new HeldSlabs(overhead, integerPath ? 0 : input.slabRows * rowValues(input.source) * DTYPE_BYTES[input.source.dtype]);
  const hold = async (c: CodedSlab, slab: Pick<Slab, 'firstRow'>, losslessBytes: number) => {
    if (held.paid) return write(c, slab);
    await cancellationPoint(ctx.hooks?.signal);
    for (const ready of held.add(c, slab, losslessBytes)) await write(ready.coded, ready.slab);
    if (held.full) throw new HoldLimitReached();
  };
  // The first slab's buffers serve the next slabs once every task on it is done (the coder alone's, started early).
  await start.firstAlone?.catch(() => undefined);
  first.release?.();
  try {
    await hold(coded, first, firstLossless);
    // The slabs after the first reuse its configuration against a basis (on any thread: the model carries it).
    if (model?.family === 'basis') model.configuration = coded.choice?.configuration;
    // A slab after the first has one task only: it is given over to it.
    await forEachOrdered(slabs, ctx.runner.threads, (slab) => code(slab, true), (c, slab) => hold(c, slab, losslessAtLeast(c)));
  } catch (err) {
    if (!(err instanceof HoldLimitReached)) throw err;
  }
  if (!held.paid) {
    const where = !held.full ? 'the whole array' : held.slabsHeld === 1 ? 'its first slab' : `its first ${held.slabsHeld} slabs`;
    ctx.hooks?.onLog?.(`${input.source.path || ctx.input}: ${plan.description} saves less than it adds (${overhead} bytes) on ${where}: stored losslessly`);
    await slabs.return(undefined);
    return codeLosslessly(input, out, ctx, 'smaller than the error-bounded coding once everything it needs is counted');
  }

  if (decoder) await out.addSection('decoder', decoder, { coding: 'zstd', level: 19 });
  const learned: LearnedPart | undefined = plan.model
    ? { family: plan.model.family, ...(plan.shared ? { shared: plan.shared } : {}), baselineBytes: Math.round(p.baselineBytes) }
    : undefined;
  const codec: ArrayCodec = { mode: 'error-bounded', bound: g.bound, tolerances: g.tolerances, ...(learned ? { learned } : {}) };
  return { codec, slabRows: input.slabRows, checkSlab: check, note: [p.reason, ...losslessNotes(outcomes)].join('; '), ...(p.modelDir ? { modelDir: p.modelDir } : {}) };
}

/**
 * The size of the first slab's lossless coding; Infinity when a quick zstd probe puts it beyond `bytes` (as the
 * floor does). Real values are coded losslessly only when the slab's floor has not already (`zstdBytes`) and the
 * probe says it may come near; integers always when `tryIntegerCoder` (integer-path.ts), since the coder's integer
 * path may beat zstd by far.
 */
async function firstSlabLossless(first: Slab, bytes: number, input: ArrayInput, zstdBytes: number | undefined, tryIntegerCoder: boolean): Promise<number> {
  const { source } = input;
  if (!tryIntegerCoder && zstdBytes !== undefined) return zstdBytes; // the slab's floor coded it already
  if (!tryIntegerCoder && !(await losslessMayBeat(first.array, bytes))) return Infinity;
  const exact = await runSlabTask({ task: 'lossless', array: first.array, kind: source.kind, tryIntegerCoder });
  return exact.chunk.length;
}

/** The held slabs reached their limit without paying for what the plan adds. */
class HoldLimitReached extends Error {}

/** What the plan adds to a lossless file: its decoder as stored, latents chunks, header fields (an upper bound). */
async function planOverhead(p: PlanCoding, input: ArrayInput, decoder: Uint8Array | undefined): Promise<number> {
  const decoderStored = decoder ? Math.min(decoder.length, (await compressBytes(decoder, 'zstd', 19)).length) : 0;
  const slabs = slabCount({ shape: input.source.shape, slabRows: input.slabRows });
  return decoderStored + HEADER_SLACK + 4 * p.plan.globals.tolerances.length + (p.plan.shared ? 48 + p.plan.shared.fileName.length : 0)
    + (p.plan.model?.family === 'basis' ? slabs * CHUNK_ENTRY_BYTES + 16 : 0);
}

/** The sample's own coding, when the sample is this slab: checked like any other, never coded twice. */
function reuseSampleCoding(plan: PlanEstimate, slab: Slab, check: (o: Float64Array, d: Float64Array, firstRow: number) => void, kind: 'table' | 'frames'): CodedSlab {
  const c = plan.coded!;
  const basis = plan.model?.family === 'basis';
  const columns = columnsOf(slab.array.shape, kind);
  let outcome: CodedSlab['outcome'] = 'coded';
  try {
    check(slab.values, c.reconstruction, slab.firstRow);
    if (reachesMissing(c.reconstruction, slab.array.missing)) outcome = 'kept-exact';
  } catch (err) {
    if (!(err instanceof BalerError && err.code === 'EBOUND')) throw err;
    outcome = 'kept-exact';
  }
  return { chunk: c.data, ...(basis ? { latents: c.latents ?? new Uint8Array(0) } : {}), summary: summariseSlab(slab.values, c.reconstruction, columns), outcome };
}


function losslessNotes(o: Record<CodedSlab['outcome'], number>): string[] {
  const slabs = o.coded + o.lossless + o['kept-exact'];
  const notes: string[] = [];
  if (o.lossless) notes.push(`${o.lossless} of ${slabs} slabs stored losslessly (smaller)`);
  if (o['kept-exact']) notes.push(`${o['kept-exact']} of ${slabs} slabs stored losslessly: the coder could not keep the bound on them as written in this dtype`);
  return notes;
}
