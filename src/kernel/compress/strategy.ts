// What a compression mode is: a strategy that codes one array of the input into the container (its sections,
// slab by slab) and says how (the header's ArrayCodec). compress() (index.ts) picks the first strategy that
// handles the options, writes the container, then decodes it and checks it before the file appears.
// A new mode is a new file here and one line in index.ts.
import type { CompressOptions, Hooks } from '../api';
import type { Dataset, NdArray } from '../types';
import type { ArrayCodec, ErrorSummary } from '../codec/header';
import type { SectionCoding } from '../codec/container';
import type { ArraySource } from '../data/source';
import type { MagnitudeSample } from './magnitudes';
import type { ArrayStats } from './stats';
import type { SlabChecker } from './verify';
import { summariseSlab, type SlabSummary } from './slab-summary';
import type { SlabRunner } from '../parallel/pool';
import type { BufferPool } from '../parallel/buffer-pool';

/** One slab of an array: rows [firstRow, firstRow + rows) as stored and as float64. */
export interface Slab {
  firstRow: number;
  array: NdArray;
  values: Float64Array;
  /**
   * Gives the slab's buffers back for the next slabs (parallel/buffer-pool.ts); only its last holder calls it, once
   * nothing reads the slab any more (its coding written, its check done). Reading it afterwards throws.
   */
  release?(): void;
  /**
   * Gives the slab up to one task (SlabRunner.run with `owner`): its array, and the pool its buffer goes back to
   * when the task is done (none when the buffer is not the pool's: then the task copies it). Reading the slab
   * afterwards throws.
   */
  handOver?(): { array: NdArray; owner?: BufferPool };
}

/** One array of the input, read slab by slab (or whole, within the memory budget). */
export interface ArrayInput {
  /** Position in the file's array list; its sections are named `${index}.${role}`. */
  index: number;
  source: ArraySource;
  stats: ArrayStats;
  /** How its values spread over orders of magnitude (sampled), for the note on values below the bound. */
  magnitudes?: MagnitudeSample;
  /** Rows per slab, chosen from the memory budget. */
  slabRows: number;
  /** Rows of the array before this input's first row: where a part of the file (--part) starts; 0 otherwise. */
  rowsBefore: number;
  /** The slab of the whole array (a part's too) starting at `firstRowInArray`, for a search that must see it. */
  slabOfArray(firstRowInArray: number): Promise<Slab>;
  /** The slabs in order (of `rows` rows, default slabRows), read from the source each time (constant memory). */
  slabs(rows?: number): AsyncGenerator<Slab & Required<Pick<Slab, 'release' | 'handOver'>>>;
  /** The whole array in memory, for modes that need it (training, search); refused beyond the memory budget. */
  whole(): Promise<{ array: NdArray; dataset: Dataset }>;
}

/** The fraction of the array's rows done once `slab` is written (read from its position: a slab handed over to its task is not read again). */
export function fractionDone(input: ArrayInput, slab: Pick<Slab, 'firstRow'>): number {
  return Math.min(input.source.shape[0], slab.firstRow + input.slabRows) / input.source.shape[0];
}

export interface ArrayOutput {
  /** A section of this array that is not per slab (a decoder). */
  addSection(role: string, data: Uint8Array, coding?: SectionCoding): Promise<void>;
  /** The next chunk of a per-slab section (PER_SLAB_ROLES): chunk j holds slab j. */
  addSlabChunk(role: string, data: Uint8Array, coding?: SectionCoding): Promise<void>;
  /** What the decoder will produce for the next slab (see summariseSlab). */
  slabDone(summary: SlabSummary): void;
}

/** Roles whose chunks are slabs (chunk j = rows [j·slabRows, (j+1)·slabRows)). */
export const PER_SLAB_ROLES = ['data', 'latents'] as const;

export interface CodedArray {
  codec: ArrayCodec;
  slabRows: number;
  /** Checks a decoded slab against its original (the bound); throws a BalerError. */
  checkSlab?: SlabChecker;
  /** Checks the figures of the whole decoded array (a PSNR target); throws a BalerError. */
  checkErrors?: (errors: ErrorSummary) => void;
  /** Where a shared model file was written, so the read-back finds it. */
  modelDir?: string;
  /** A search's record: the header summary and the points section. */
  search?: { summary: { target: string; objective: 'total' | 'latent'; points: number; chosen: number }; points: Uint8Array };
  /** A line for the log saying what was chosen and why (e.g. "stored losslessly: …"). */
  note?: string;
}

export interface CompressContext {
  opts: CompressOptions;
  /** Codes slabs in the main thread or on a pool of worker threads. */
  runner: SlabRunner;
  hooks?: Hooks;
  /** The input file, for error messages. */
  input: string;
  /** The largest rel bound a PSNR target's search may choose (after the whole array missed it: compress()). */
  relCeiling?: number;
  /** Bytes of the complete .baler a single-array payload would make, per role and in total (one encoding). */
  measure(array: ArrayInput, codec: ArrayCodec, sections: PayloadSection[]): Promise<MeasuredSizes>;
}

export interface MeasuredSizes {
  total: number;
  /** Stored bytes per role ('data', 'latents', 'decoder'). */
  byRole: Record<string, number>;
}

export interface ArrayStrategy {
  /** Whether this strategy handles these options. */
  handles(opts: CompressOptions, input: ArrayInput): boolean;
  code(input: ArrayInput, out: ArrayOutput, ctx: CompressContext): Promise<CodedArray>;
}

/** A section of a whole-array payload (the autoencoder and search modes build these in memory). */
export interface PayloadSection extends SectionCoding {
  role: string;
  data: Uint8Array;
}

/** A whole array coded in memory as one slab. */
export interface Payload {
  codec: ArrayCodec;
  sections: PayloadSection[];
  /** Exactly what the decoder will produce (cast to the dtype's values). */
  reconstruction: Float64Array;
}

/** Writes a one-slab payload through an ArrayOutput (`columns`: a table's, for its errors per column; else 1). */
export async function writePayload(out: ArrayOutput, original: Float64Array, payload: Payload, columns: number): Promise<void> {
  for (const s of payload.sections) {
    if ((PER_SLAB_ROLES as readonly string[]).includes(s.role)) await out.addSlabChunk(s.role, s.data, s);
    else await out.addSection(s.role, s.data, s);
  }
  out.slabDone(summariseSlab(original, payload.reconstruction, columns));
}
