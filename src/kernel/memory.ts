// The memory budget, and how it is spent while compressing: the runtime itself, then slabs — two being coded (each in a
// worker, with the worker's own runtime) and one in the main thread (read ahead, or read back for checking).
// Slab sizes follow from the budget alone, never from the number of threads, so the file written is the same
// for any number of threads; how many slabs are coded at once then follows from what the budget leaves.
// Decompressing, the slabs are the file's: how many are decoded at once follows from the budget the same way.
import { BalerError } from './errors';
import { DTYPE_BYTES } from './data/dtype';
import type { ArraySource } from './data/source';
import { slabCount } from './codec/header-check';
import { ENCODER_MODULE_BYTES_PER_VALUE } from './eb/wasm/encoder-memory';

/** Default budget in bytes (`--memory` overrides it). */
export const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;

const MIB = 2 ** 20;
/** The main thread's runtime (Node, the bundle, zstd's and tfjs's wasm) before any data. */
const MAIN_RUNTIME = 160 * MIB;
/** A worker thread's own runtime. */
const WORKER_RUNTIME = 64 * MIB;
/**
 * Per value of a slab being coded in a worker, beside the slab's own bytes: float64 values (8), the reconstruction (8)
 * and what the garbage collector has not yet given back (about 11), then the coder's arrays: the encoder module's copy
 * of a pass, at most ENCODER_MODULE_BYTES_PER_VALUE, or JavaScript's where it codes the pass. Measured on the scale
 * bench's 1 GB float32 field at rel:1e-3, two threads, the default budget (slabs of 28 frames): peak RSS 488 MiB
 * coded in JavaScript alone, 444 MiB with the module.
 */
const CODING_BYTES_PER_VALUE = 27 + ENCODER_MODULE_BYTES_PER_VALUE;
/** Per value of a slab in the main thread, beside its own bytes: read ahead, or decoded and compared with the original. */
const MAIN_BYTES_PER_VALUE = 28;
/**
 * Per value of a slab being decoded (in a worker, then waiting in the main thread to be written), beside the
 * values in the dtype: their float64 values, the coder's arrays, and what the garbage collector has not yet given back.
 */
const DECODING_BYTES_PER_VALUE = 20;
/**
 * A decoding worker's own runtime: less than a coding one's (no search, no zstd probes). Measured on the 100 MB
 * field of the scale bench: each worker beyond the second added 23–41 MiB of peak RSS, its slabs included.
 */
const DECODING_WORKER_RUNTIME = 24 * MIB;
/** Slabs the sizes are planned for, coded at once. */
const PLANNED_CONCURRENCY = 2;
/**
 * Free slab buffers an array's reader keeps for the next slabs (parallel/buffer-pool.ts): those of the slabs
 * read ahead and in work at once (in their dtype, and as float64 where the main thread needs the values).
 */
export const SLAB_BUFFERS_KEPT = 6;
/**
 * The largest slab planned: larger ones gain little ratio and delay streaming (a row larger than this is a slab of
 * its own: chooseSlabRows). Not the error-bounded coder's own limit on a slab (eb/codec.ts MAX_SLAB_VALUES, 2^28).
 */
const PLANNED_SLAB_VALUES = 1 << 23;

/** Values in one row of an array (a frame's, or a table row's). */
export function rowValues(s: Pick<ArraySource, 'shape'>): number {
  return s.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Values in one slab of this dtype under this budget (at least a sixteenth of the budget when the runtime takes most of it). */
export function slabValuesFor(memoryBudget: number, dtypeBytes: number): number {
  const forData = memoryBudget - MAIN_RUNTIME - PLANNED_CONCURRENCY * WORKER_RUNTIME;
  const perValue = PLANNED_CONCURRENCY * (CODING_BYTES_PER_VALUE + dtypeBytes) + MAIN_BYTES_PER_VALUE + dtypeBytes;
  return Math.min(PLANNED_SLAB_VALUES, Math.max(Math.floor(memoryBudget / 16 / (CODING_BYTES_PER_VALUE + dtypeBytes)), Math.floor(forData / perValue)));
}

/**
 * Rows per slab of an array under this budget. A row larger than the planned slab (a large frame) is a slab of its
 * own when the budget holds one coded at a time; refused, naming a budget that would hold it, when not. Under a
 * budget the runtime alone exceeds (belowRuntimeNote says so), the slabs are as small as it allows: a frame whose own
 * coding fits the budget is one, as smaller rows are (a 256 × 256 frame was refused under 128M, 1500 rows of 4000
 * values taken under 16M).
 */
export function chooseSlabRows(s: ArraySource, memoryBudget: number, file: string): number {
  const perRow = rowValues(s);
  const dtypeBytes = DTYPE_BYTES[s.dtype];
  const slabValues = slabValuesFor(memoryBudget, dtypeBytes);
  if (perRow <= slabValues) return Math.max(1, Math.min(s.shape[0], Math.floor(slabValues / perRow)));
  const need = oneSlabBytes(perRow, dtypeBytes);
  const runtime = MAIN_RUNTIME + WORKER_RUNTIME;
  if (need <= memoryBudget || (memoryBudget < runtime && need - runtime <= memoryBudget)) return 1;
  const unit = s.shape.length >= 3 ? 'frame' : 'row';
  throw new BalerError(`one ${unit} of ${s.path || 'the array'} (${perRow.toLocaleString('en-US')} values) needs ${mib(need)} of memory to code, more than the budget of ${mib(memoryBudget)} (--memory ${memoryArgument(Math.ceil(need / (64 * MIB)) * 64 * MIB)} would hold it)`, file, 'ETOOLARGE');
}

/** Bytes to code a slab of this many values with nothing else in work: the runtimes, one worker's slab, the main thread's copy. */
function oneSlabBytes(values: number, dtypeBytes: number): number {
  return MAIN_RUNTIME + WORKER_RUNTIME + values * (CODING_BYTES_PER_VALUE + MAIN_BYTES_PER_VALUE + 2 * dtypeBytes);
}

/** How many slabs may be coded at once (at most `threads`) within the budget, given the largest slab (values, bytes). */
export function slabsInFlight(largestSlabValues: number, memoryBudget: number, threads: number, dtypeBytes = 8): number {
  const left = memoryBudget - MAIN_RUNTIME - largestSlabValues * (MAIN_BYTES_PER_VALUE + dtypeBytes);
  const fit = Math.floor(left / (largestSlabValues * (CODING_BYTES_PER_VALUE + dtypeBytes) + WORKER_RUNTIME));
  return Math.max(1, Math.min(threads, fit));
}

/**
 * Threads that code the slabs of these arrays at once: as many as the budget holds for the largest slab of any
 * array (values per row × rows per slab, in its dtype), at most `threads` and at most the slabs there are.
 */
export function codingThreads(arrays: { shape: number[]; dtype: ArraySource['dtype']; slabRows: number }[], memoryBudget: number, threads: number): number {
  const slabs = arrays.reduce((n, a) => n + slabCount(a), 0);
  const fit = Math.min(...arrays.map((a) => slabsInFlight(a.slabRows * rowValues(a), memoryBudget, threads, DTYPE_BYTES[a.dtype])));
  return Math.max(1, Math.min(fit, slabs));
}

/**
 * The smallest budget (in steps of 64 MiB, up to 64 GiB) under which the arrays' slabs, sized for it, are coded
 * `threads` at once, or as many as there are slabs, with that number; undefined when no such budget is.
 */
export function budgetForCodingThreads(sources: ArraySource[], threads: number, from: number): { budget: number; threads: number } | undefined {
  const step = 64 * MIB;
  for (let budget = (Math.floor(from / step) + 1) * step; budget <= 64 * 1024 * MIB; budget += step) {
    const arrays = sources.map((s) => ({ shape: s.shape, dtype: s.dtype, slabRows: chooseSlabRows(s, budget, '') }));
    const slabs = arrays.reduce((n, a) => n + slabCount(a), 0);
    const coding = codingThreads(arrays, budget, threads);
    if (coding >= Math.min(threads, slabs)) return { budget, threads: coding };
  }
  return undefined;
}

/** Bytes one slab of a file needs to be decoded at all (refused beyond the budget): float64 values, in its dtype, and once more while decoded. */
export function decodedSlabBytes(values: number, dtype: ArraySource['dtype']): number {
  return values * (16 + DTYPE_BYTES[dtype]);
}

/**
 * Threads that decode the slabs of a file at once: as many as the budget holds beside the main thread's slab
 * being written, for the largest slab of any array (its values and dtype), at most `threads`.
 */
export function decodingThreads(slabs: { values: number; dtype: ArraySource['dtype'] }[], memoryBudget: number, threads: number): number {
  return Math.max(1, Math.min(threads, decodingSlabsFit(slabs, memoryBudget)));
}

/** Slabs of these sizes the budget holds in work at once while an earlier one is written. */
function decodingSlabsFit(slabs: { values: number; dtype: ArraySource['dtype'] }[], memoryBudget: number): number {
  return Math.min(...slabs.map(({ values, dtype }) => {
    const writing = values * (8 + DTYPE_BYTES[dtype]);
    return Math.floor((memoryBudget - MAIN_RUNTIME - writing) / (values * (DECODING_BYTES_PER_VALUE + DTYPE_BYTES[dtype]) + DECODING_WORKER_RUNTIME));
  }));
}

/**
 * Slabs given to `threads` decoding workers at once (threads > 1): one more than the threads when the budget holds
 * it, so that a worker whose slab is done before an earlier one (written first) starts the next instead of waiting.
 * On the 100 MB field of the scale bench (15 slabs, two threads, a shared machine where one worker ran slower than
 * the other), the faster one idled a third of the time without it; with it, 1.72 s became 1.42 s of wall time.
 */
export function decodingSlabsAhead(slabs: { values: number; dtype: ArraySource['dtype'] }[], memoryBudget: number, threads: number): number {
  return threads <= 1 ? 1 : Math.max(threads, Math.min(threads + 1, decodingSlabsFit(slabs, memoryBudget)));
}

/** The smallest budget (a whole number of MiB) under which decodingThreads gives `threads`. */
export function budgetForDecodingThreads(slabs: { values: number; dtype: ArraySource['dtype'] }[], threads: number): number {
  const need = Math.max(...slabs.map(({ values, dtype }) => MAIN_RUNTIME + values * (8 + DTYPE_BYTES[dtype]) + threads * (values * (DECODING_BYTES_PER_VALUE + DTYPE_BYTES[dtype]) + DECODING_WORKER_RUNTIME)));
  return Math.ceil(need / MIB) * MIB;
}

/**
 * Why fewer threads than asked code or decode the slabs, and (`more`) the budget under which more would: coding in
 * larger slabs, since slab sizes follow from the budget; decoding the file's own.
 */
export function fewerThreadsNote(work: 'coding' | 'decoding', threads: number, asked: number, budget: number, more?: { budget: number; threads: number }): string {
  const note = `${work} on ${threads} of ${asked} threads: the memory budget of ${memoryArgument(budget)} holds ${threads === 1 ? 'one slab' : `${threads} slabs`} in work at once`;
  if (!more || more.threads <= threads) return note;
  return `${note}; --memory ${memoryArgument(more.budget)} ${work === 'coding' ? `codes ${more.threads} at once, in larger slabs` : `decodes ${more.threads}`}`;
}

/** Why a budget below what the runtime itself takes (Node, the bundle, one worker) cannot be kept; undefined above it. */
export function belowRuntimeNote(budget: number): string | undefined {
  const runtime = MAIN_RUNTIME + WORKER_RUNTIME;
  if (budget >= runtime) return undefined;
  return `--memory ${memoryArgument(budget)} is less than the runtime itself takes (about ${mib(runtime)}: Node, this program, one worker): the slabs are as small as it allows, and the process uses more than the budget`;
}

/** A budget as --memory takes it: whole GiB when it is, else MiB (rounded up). */
export function memoryArgument(bytes: number): string {
  return bytes % (1024 * MIB) === 0 ? `${bytes / (1024 * MIB)}G` : `${Math.ceil(bytes / MIB)}M`;
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / MIB)} MiB`;
}

/** Bytes a mode that holds the whole array (training, the search) needs for it, runtime included. */
export function wholeArrayBytes(values: number, dtype: ArraySource['dtype']): number {
  return MAIN_RUNTIME + values * (CODING_BYTES_PER_VALUE + DTYPE_BYTES[dtype]);
}
