// The error-bounded coder's public API. encodeSlab/decodeSlab code one slab (a chunk of a file along its
// first axis) on its own, given the file's globals; the bytes are self-describing (format.ts).
// encodeErrorBounded/decodeErrorBounded code a whole array as one slab, with the globals in a small
// JSON header, for the callers that hold whole arrays (the benchmarks and tests; files go slab by slab).
//
// The parts, from a slab down to a bit:
//   codec.ts          one slab: encode (search, pass, the final check of the bound as written) and decode
//                     (every field of a read slab checked against the globals and the shape)
//   format.ts         a slab's bytes: header fields, checksum, range-coded stream, exact values
//   configure.ts      the configurations worth trying; search.ts: which one a slab gets (on a sample if large)
//   plan.ts           per layout: the domain, each view's tolerance, grid (grid.ts) and step shrink
//   layout.ts         how a slab's values are seen (field, table, series, channels); each level's step
//   pass.ts           one coding pass, view by view, with the traversal of the configuration's mode:
//   interpolation.ts  the multilevel interpolation (levels and sweeps), its blocks in sweep.ts and their
//                     predictions in kernels.ts; traversal.ts: what traversals share, and Lorenzo
//   predictors.ts     the predictor registry and its arithmetic; columns.ts: a table's column models
//   pointcoder.ts     one point: quantizer.ts (index or exact, decided after the cast), contexts.ts and
//                     rangecoder.ts (the context model and the entropy coder), dtype.ts (casts, exact values)
//   bound.ts          the bound grammar and checker; detmath.ts: log2 and 2^x alike on every machine

import { BalerError } from '../errors';
import type { DType } from '../types';
import { absoluteTolerances, ErrorBound, formatErrorBound, parseErrorBound } from './bound';
import { decodeSlabSync, EbGlobals, encodeSlabSync, EncodeStats, SlabOptions } from './codec';
import { isTableKind } from './layout';

export type { EbGlobals, EncodeStats, SlabOptions } from './codec';
export { verifyBound } from './bound';

export interface EncodedSlab {
  bytes: Uint8Array;
  /** Exactly what decodeSlab returns for these bytes, every value representable in the globals' dtype. */
  reconstruction: Float64Array;
  stats: EncodeStats;
}

export async function encodeSlab(values: Float64Array, shape: number[], g: EbGlobals, opts: SlabOptions = {}): Promise<EncodedSlab> {
  return encodeSlabSync(values, shape, g, opts);
}

/** Decodes a slab; any byte string that is not a valid slab for these globals gives a BalerError. */
export async function decodeSlab(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array): Promise<Float64Array> {
  return decodeSlabSync(bytes, shape, g, prediction);
}

/** The globals of a whole array: rel's tolerances over all its finite values (per column for a table). */
export function globalsFor(values: Float64Array, shape: number[], bound: ErrorBound, kind: 'table' | 'frames', dtype: DType = 'float64'): EbGlobals {
  const tolerances = bound.kind === 'pw-rel' ? [] : absoluteTolerances(values, shape, bound, bound.kind === 'rel' && isTableKind(shape, kind));
  return { bound, tolerances, dtype, kind };
}

// ------------------------------------------------------------------------------ whole arrays

const WHOLE_FORMAT = 'baler-eb/3';
export const SLAB_SECTION = 'eb.slab';

export interface EncodeOptions extends SlabOptions {
  /** 'table' (2-D rows × cols: each column predicted down its rows; rel uses each column's range) or 'frames'.
   *  Default: 'table' for 2-D shapes, 'frames' otherwise. */
  kind?: 'table' | 'frames';
  /** The dtype the values will be written in (default float64). */
  dtype?: DType;
}

export interface EncodedArray {
  header: Record<string, unknown>;
  sections: { name: string; data: Uint8Array }[];
  stats: EncodeStats;
  reconstruction: Float64Array;
}

export async function encodeErrorBounded(values: Float64Array, shape: number[], bound: ErrorBound, opts: EncodeOptions = {}): Promise<EncodedArray> {
  const kind = opts.kind ?? (shape.length === 2 ? 'table' : 'frames');
  const g = globalsFor(values, shape, bound, kind, opts.dtype ?? 'float64');
  const { bytes, reconstruction, stats } = encodeSlabSync(values, shape, g, opts);
  const header = { format: WHOLE_FORMAT, shape: [...shape], kind, bound: formatErrorBound(bound), dtype: g.dtype, tolerances: g.tolerances };
  return { header, sections: [{ name: SLAB_SECTION, data: bytes }], stats, reconstruction };
}

function corrupt(detail: string): BalerError {
  return new BalerError(`corrupted error-bounded data: ${detail}`);
}

export async function decodeErrorBounded(header: Record<string, unknown>, sections: Map<string, Uint8Array>, prediction?: Float64Array): Promise<Float64Array> {
  if (!header || header.format !== WHOLE_FORMAT) throw corrupt(`unknown format ${JSON.stringify(header?.format)} (this version reads ${WHOLE_FORMAT})`);
  const { shape, kind, bound, dtype, tolerances } = header;
  if (!Array.isArray(shape)) throw corrupt('bad shape');
  if (kind !== 'table' && kind !== 'frames') throw corrupt('bad kind');
  if (typeof bound !== 'string' || typeof dtype !== 'string' || !Array.isArray(tolerances)) throw corrupt('bad bound, dtype or tolerances');
  const slab = sections.get(SLAB_SECTION);
  if (!slab) throw corrupt(`section '${SLAB_SECTION}' is missing`);
  const g: EbGlobals = { bound: parseErrorBound(bound), tolerances: tolerances as number[], dtype: dtype as DType, kind };
  return decodeSlabSync(slab, shape as number[], g, prediction);
}
