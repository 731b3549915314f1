// A table's slab coded column by column, each column its own error-bounded slab (eb-chunk.ts takes it for a slab
// under a point-wise relative bound when it is smaller than the whole slab coded at once). Under pw-rel the coder
// has no column models, and a slab takes one coding domain (the log domain, or the lossless integer path only
// when every value allows it), so a table that mixes columns (momenta beside counts, flags and constants, as an
// event table does) codes each column in the domain and contexts that suit it: on ROOT event tables never
// larger than the whole table and up to a quarter smaller. After the TAG_EB_COLUMNS byte, the columns as
// by-columns.ts lays them out, each an error-bounded slab (eb/ format).
import { decodeByColumns, encodeByColumns } from './by-columns';
import { decodeEbSlab, encodeEbSlab, type EbGlobals, type EbSlabOptions } from './eb-slab';
import { release, slabValues } from '../parallel/slab-buffers';

/** Whether a slab of this shape under these settings is worth trying column by column. */
export function columnsCandidate(g: EbGlobals, shape: number[]): boolean {
  return g.bound.kind === 'pw-rel' && g.kind === 'table' && shape.length === 2 && shape[1] > 1 && shape[0] > 1;
}

export interface ColumnsOptions {
  predictors?: EbSlabOptions['predictors'];
  /** An earlier slab's configuration of each column, reused without searching (eb/codec.ts). */
  configurations?: string[];
  /**
   * Integer columns kept exact: coded at pw-rel 0, the coder's lossless integer path (grids of 1), which the
   * decoder reads with the array's own bound as any other column (the grids are in the column's slab).
   */
  exactColumns?: boolean[];
}

export async function encodeEbColumns(
  values: Float64Array, shape: number[], g: EbGlobals, opts: ColumnsOptions = {},
): Promise<{ bytes: Uint8Array; reconstruction: Float64Array; configurations: string[] }> {
  const [rows, columns] = shape;
  // Every value is written below: a reused buffer (slab-buffers.ts) needs no zeroing.
  const reconstruction = slabValues(values.length);
  const configurations: string[] = [];
  const exact: EbGlobals = { ...g, bound: { kind: 'pw-rel', value: 0 } };
  const bytes = await encodeByColumns(values, shape, async (column, c) => {
    const coded = await encodeEbSlab(column, [rows, 1], opts.exactColumns?.[c] ? exact : g, { predictors: opts.predictors, configuration: opts.configurations?.[c] });
    configurations.push(coded.configuration);
    for (let r = 0; r < rows; r++) reconstruction[r * columns + c] = coded.reconstruction[r];
    release(coded.reconstruction);
    return coded.bytes;
  });
  return { bytes, reconstruction, configurations };
}

export async function decodeEbColumns(bytes: Uint8Array, shape: number[], g: EbGlobals, file?: string): Promise<Float64Array> {
  return decodeByColumns(bytes, shape, file, async (column) => ({ column: await decodeEbSlab(column, [shape[0], 1], g, undefined, file), pooled: true }));
}
