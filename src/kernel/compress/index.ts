// compress(): a data file into a self-contained .baler. Each array is coded by the first strategy that handles
// it (constant, automatic, PSNR target, latent-only search, lossless, error-bounded for --part, autoencoder) into a container written to a temporary file beside the
// output; the container is then decoded and checked (the bound on every value as written, the values the
// encoder measured, a PSNR target) before it is renamed into place. A file whose check fails never appears.
import * as fs from 'node:fs';
import type { CompressOptions, CompressResult, Hooks } from '../api';
import { BalerError, CancelledError, throwIfAborted } from '../errors';
import { DEFAULT_ERROR_BOUND, parseErrorBound } from '../eb/bound';
import { AtomicOutput } from '../fsutil';
import type { DataSource } from '../data/source';
import { withTextDecimals } from './tolerances';
import { ContainerWriter, encodeContainer, type SectionCoding, type SectionInput } from '../codec/container';
import { POINTS_SECTION, sectionName, slabCount } from '../codec/header-check';
import type { ArrayEntry, DataHeader, ErrorSummary, SearchSummary } from '../codec/header';
import { fdSink } from '../codec/io';
import { columnsOf, ErrorAccumulator, type ErrorState } from '../metrics';
import { CREATED_BY } from '../version';
import { inspect } from '../inspect';
import { openInput, sourceName } from './input';
import { sizeOnDisk } from '../data/files';
import { checkBalerName, checkOutput, createOutputFolder, outputOf, removeCreatedFolder } from './output';
import { arrayInputs } from './arrays';
import { packedBoundNote, withPackingBound } from '../data/packing';
import { belowRuntimeNote, budgetForCodingThreads, codingThreads, DEFAULT_MEMORY_BUDGET, fewerThreadsNote } from '../memory';
import { createSlabRunner, defaultThreads, threadsAllowed } from '../parallel/pool';
import type { SlabSummary } from './slab-summary';
import { verifyContainer, type WrittenArray } from './read-back';
import { TargetMissed } from './verify';
import { markerNote } from './marker-note';
import { markerNotMetNote } from '../data/missing-value';
import { smallValuesNote } from './small-values-note';
import { asksForAutoencoder } from './auto';
import { changedSince, changedWhileCompressed, snapshotOf, type InputSnapshot } from './input-unchanged';
import type { ArrayInput, ArrayOutput, ArrayStrategy, CompressContext, MeasuredSizes, PayloadSection } from './strategy';
import { PER_SLAB_ROLES } from './strategy';
import { searchStrategy } from './search';
import { losslessStrategy } from './lossless';
import { errorBoundedStrategy } from './error-bounded';
import { autoencoderStrategy, sizeWarning } from './autoencoder';
import { autoStrategy } from './auto';
import { constantStrategy } from './constant';
import { targetStrategy } from './target';
import { checkCompressOptions, checkLayoutFits } from './options';
import { partOutput, planPart } from './parts';

/** In order: the first strategy that handles an array codes it. */
const STRATEGIES: ArrayStrategy[] = [constantStrategy, autoStrategy, targetStrategy, searchStrategy, losslessStrategy, errorBoundedStrategy, autoencoderStrategy];

/** Names shown of what a file holds beyond its numeric arrays (a ROOT file may have hundreds). */
const LEFT_OUT_SHOWN = 8;

/**
 * What the .baler will not hold, when the user named nothing to read: strings, timestamps, nested columns… A
 * decompressed file without them must not come as a surprise (the ratios are of the arrays held: say so too).
 */
function leftOutNote(source: DataSource, opts: CompressOptions): string | undefined {
  const skipped = source.skipped ?? [];
  if (skipped.length === 0 || opts.dataset !== undefined || opts.tree !== undefined || opts.columns !== undefined) return undefined;
  // the largest first: a pandas table's records (one compound dataset) were hidden behind 8 of its index arrays
  const largestFirst = [...skipped].sort((x, y) => (y.bytes ?? 0) - (x.bytes ?? 0));
  const shown = largestFirst.slice(0, LEFT_OUT_SHOWN).map((s) => `'${s.path}' (${s.reason})`).join(', ');
  const more = skipped.length > LEFT_OUT_SHOWN ? ` and ${skipped.length - LEFT_OUT_SHOWN} more` : '';
  return `not in the .baler, as not numeric arrays: ${shown}${more}; the ratios are of the arrays it holds`;
}

/** Times a PSNR target is coded again after the whole array missed what its sample met. */
const TARGET_RETRIES = 3;
/** Beyond the shortfall, how many dB more each new attempt's bound is made for. */
const RETRY_MARGIN_DB = 0.5;

export async function compress(input: string, opts: CompressOptions = {}, hooks?: Hooks): Promise<CompressResult> {
  let relCeiling: number | undefined;
  const before = snapshotOf(input);
  for (let attempt = 0; ; attempt++) {
    try {
      return await compressOnce(input, opts, hooks, relCeiling, before);
    } catch (err) {
      if (!(err instanceof CancelledError) && changedSince(input, before)) throw changedWhileCompressed(input);
      // A bound chosen on a sample may give the whole array less: a coder's PSNR is not monotone in its bound, and
      // one a little larger may lose dB at once. Below that bound by what was missed (PSNR ≈ −20·log10 of it), again.
      if (!(err instanceof TargetMissed) || err.relBound === undefined || !Number.isFinite(err.shortfallDb) || attempt === TARGET_RETRIES) throw err;
      relCeiling = err.relBound * 10 ** (-(err.shortfallDb + RETRY_MARGIN_DB) / 20);
      hooks?.onLog?.(`${input}: the whole array missed ${opts.target} by ${err.shortfallDb.toFixed(2)} dB at rel:${err.relBound}, where its sample met it; coding again, the bound at most rel:${Number(relCeiling.toPrecision(4))}`);
    }
  }
}

async function compressOnce(input: string, opts: CompressOptions, hooks: Hooks | undefined, relCeiling: number | undefined, before: InputSnapshot | undefined): Promise<CompressResult> {
  checkCompressOptions(opts, input);
  // A mistyped input beside an earlier .baler of the name must not read as "output file exists".
  if (!fs.existsSync(input)) throw new BalerError('file not found', input, 'ENOENT');
  const output = opts.part ? partOutput(input, opts.output, opts.part) : outputOf(input, opts.output);
  checkOutput(input, output, opts.force);
  if (!opts.part) checkBalerName(output);
  const whole = await openInput(input, { dataset: opts.dataset, tree: opts.tree, columns: opts.columns, kind: opts.kind, missingValue: opts.missingValue }, opts.memoryBudget);
  try {
    const leftOut = leftOutNote(whole, opts);
    if (leftOut) hooks?.onLog?.(`${input}: ${leftOut}`);
    const tooSmall = opts.memoryBudget !== undefined ? belowRuntimeNote(opts.memoryBudget) : undefined;
    if (tooSmall) hooks?.onLog?.(`${input}: ${tooSmall}`);
    const bound = opts.errorBound !== undefined ? parseErrorBound(opts.errorBound, input) : undefined;
    if (bound) whole.arrays = whole.arrays.map((a) => withPackingBound(a, bound));
    for (const a of whole.arrays) {
      checkLayoutFits(opts.layout, a.shape, a.path, input);
      const note = bound && packedBoundNote(a, bound);
      if (note) hooks?.onLog?.(`${input}: ${note}`);
    }
    const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    const part = opts.part ? planPart(whole, opts.part, budget, opts) : undefined;
    const source = part?.source ?? whole;
    const relBound = bound?.kind === 'rel';
    const inputs = await arrayInputs(source, budget, part && { whole, statsFromWhole: relBound, rowsBefore: part.arrays.map((a) => a.firstRow) }, hooks?.signal);
    const effectiveBound = bound ?? (opts.target === undefined && !asksForAutoencoder(opts) ? parseErrorBound(DEFAULT_ERROR_BOUND) : undefined);
    for (const a of inputs) {
      const notMet = opts.missingValue !== undefined ? markerNotMetNote(a.source, opts.missingValue) : undefined;
      const marker = a.magnitudes && markerNote(a.source, a.stats, a.magnitudes, effectiveBound, opts.missingValue);
      const small = !marker && a.magnitudes ? smallValuesNote(a.source, a.stats, a.magnitudes, effectiveBound) : undefined;
      for (const note of [notMet, marker, small]) if (note) hooks?.onLog?.(`${input}: ${note}`);
    }
    const arrays = inputs.map((a) => ({ shape: a.source.shape, dtype: a.source.dtype, slabRows: a.slabRows }));
    const asked = threadsAllowed(opts.threads ?? defaultThreads(), (line) => hooks?.onLog?.(`${input}: ${line}`));
    const threads = codingThreads(arrays, budget, asked);
    const slabs = arrays.reduce((n, a) => n + slabCount(a), 0);
    if (threads < Math.min(asked, slabs)) {
      hooks?.onLog?.(`${input}: ${fewerThreadsNote('coding', threads, asked, budget, budgetForCodingThreads(inputs.map((a) => a.source), asked, budget))}`);
    }
    const createdFolder = createOutputFolder(opts.output);
    const runner = createSlabRunner(threads);
    const ctx: CompressContext = { opts, hooks, input, runner, relCeiling, measure: (a, codec, sections) => measure(source, a, codec, sections, output) };
    const out = new AtomicOutput(output, { overwrite: opts.force, protect: input });
    try {
      const writer = new ContainerWriter(fdSink(out.fd, output));
      const written: WrittenArray[] = [];
      let search: { summary: SearchSummary; points: Uint8Array } | undefined;
      const recorders: SlabRecorder[] = [];
      for (const a of inputs) {
        const recorder = new SlabRecorder(columnsOf(a.source.shape, a.source.kind));
        recorders.push(recorder);
        const strategy = STRATEGIES.find((s) => s.handles(opts, a))!;
        if (part && strategy !== errorBoundedStrategy && strategy !== losslessStrategy) {
          throw new BalerError('--part codes slab by slab: it needs --error-bound (or a lossless array); models and searches need the whole file', input);
        }
        const coded = await strategy.code(a, arrayOutput(writer, a.index, recorder), ctx);
        throwIfAborted(hooks?.signal);
        if (coded.note) hooks?.onLog?.(`${a.source.path || source.file}: ${coded.note}`);
        search ??= coded.search;
        written.push({ input: a, coded, errors: recorder.errors(), hashes: recorder.hashes });
      }
      if (search) await writer.addSection({ name: POINTS_SECTION, data: search.points, coding: 'zstd' });
      hooks?.onProgress?.({ phase: 'write', message: `writing ${output}` });
      const header = dataHeader(source, written, search?.summary);
      if (part) header.part = { ...opts.part!, inputId: part.inputId, arrays: part.arrays.map((a, k) => ({ ...a, errors: recorders[k].state() })) };
      writer.finish(header, output);
      hooks?.onProgress?.({ phase: 'verify', message: 'reading the file back' });
      await verifyContainer(out.tmp, written, output, runner, hooks);
      if (changedSince(input, before)) throw changedWhileCompressed(input);
      out.commit();
    } catch (err) {
      out.abort();
      removeCreatedFolder(opts.output, createdFolder);
      throw err;
    } finally {
      await runner.close();
    }
  } finally {
    await whole.close();
  }
  const info = await inspect(output, { check: false });
  if (info.mode === 'autoencoder') {
    const warning = sizeWarning(info.sizes.total, info.sizes.decoder, info.sizes.original, info.sizes.decoderShared);
    if (warning) hooks?.onLog?.(`${input}: ${warning}`);
  }
  return { output, info };
}

/** Errors and value hashes of each slab as the encoder says the decoder will produce them. */
class SlabRecorder {
  readonly hashes: number[] = [];
  private readonly acc: ErrorAccumulator;

  constructor(columns: number) {
    this.acc = new ErrorAccumulator(columns);
  }

  done(summary: SlabSummary): void {
    this.acc.merge(summary.errors);
    this.hashes.push(summary.hash);
  }

  errors(): ErrorSummary {
    const { rmse, nrmse, psnr, maxAbsError, maxRelError, range, worstColumn } = this.acc.result();
    return { rmse, nrmse, psnr, maxAbsError, maxRelError, range, ...(worstColumn ? { worstColumn } : {}) };
  }

  state(): ErrorState {
    return this.acc.state();
  }
}

function arrayOutput(writer: ContainerWriter, k: number, recorder: SlabRecorder): ArrayOutput {
  return {
    addSection: (role, data, coding) => writer.addSection({ name: sectionName(k, role), data, ...coding }),
    addSlabChunk: (role, data, coding) => writer.addChunk(sectionName(k, role), data, coding),
    slabDone: (summary) => recorder.done(summary),
  };
}

function dataHeader(source: DataSource, written: WrittenArray[], search?: SearchSummary): DataHeader {
  return {
    kind: 'data',
    createdBy: CREATED_BY,
    source: { name: sourceName(source.file), bytes: sizeOnDisk(source.file), format: source.format, ...attributesOf(source), ...leftOutOf(source) },
    arrays: written.map(({ input, coded, errors }) => arrayEntry(input, coded.codec, coded.slabRows, errors)),
    ...(search ? { search } : {}),
  };
}

function arrayEntry({ source: s, stats }: ArrayInput, codec: ArrayEntry['codec'], slabRows: number, errors: ErrorSummary): ArrayEntry {
  const attributes = withTextDecimals(s.attributes, codec, stats);
  return {
    path: s.path, kind: s.kind, shape: s.shape, dtype: s.dtype, names: s.names,
    attributes: attributes ? JSON.stringify(attributes) : '', slabRows, codec, errors,
  };
}

/** How many arrays of the source the .baler does not hold (the ratios are of those it holds: views say so). */
function leftOutOf(source: DataSource): { leftOut?: number } {
  const count = (source.skipped?.length ?? 0) + (source.unselected ?? 0);
  return count > 0 ? { leftOut: count } : {};
}

function attributesOf(source: DataSource): { attributes?: string } {
  return source.attributes ? { attributes: JSON.stringify(source.attributes) } : {};
}

/** The exact size of the .baler a single-array candidate would make, with its stored bytes per role. */
async function measure(source: DataSource, a: ArrayInput, codec: ArrayEntry['codec'], sections: PayloadSection[], output: string): Promise<MeasuredSizes> {
  const errors: ErrorSummary = { rmse: 0, nrmse: 0, psnr: 0, maxAbsError: 0, maxRelError: 0, range: 0 };
  const header: DataHeader = {
    kind: 'data', createdBy: CREATED_BY,
    source: { name: sourceName(source.file), bytes: sizeOnDisk(source.file), format: source.format },
    arrays: [arrayEntry(a, codec, a.source.shape[0], errors)],
  };
  const inputs: SectionInput[] = sections.map((s) => ({
    name: sectionName(0, s.role), data: s.data, coding: s.coding, level: s.level, shuffle: s.shuffle,
    ...((PER_SLAB_ROLES as readonly string[]).includes(s.role) ? { chunkBytes: Math.max(1, s.data.length) } : {}),
  } satisfies SectionInput & SectionCoding));
  const { index } = await encodeContainer(header, inputs, output);
  const byRole: Record<string, number> = {};
  for (const s of index.sections) byRole[s.name.slice(s.name.indexOf('.') + 1)] = s.storedBytes;
  return { total: index.totalBytes, byRole };
}

