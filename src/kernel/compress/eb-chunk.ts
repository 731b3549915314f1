// The choice of a slab's error-bounded `data` chunk: the whole slab coded at once (TAG_EB), or — a table under
// a point-wise relative bound — column by column (TAG_EB_COLUMNS, eb-columns.ts) when that is smaller. The slab
// tasks and the automatic mode's estimate both code through here, so the estimate measures the chunk the file gets.
import { tagged, TAG_EB, TAG_EB_COLUMNS } from '../codec/slab';
import { columnsCandidate, encodeEbColumns } from './eb-columns';
import { encodeEbSlab, type EbGlobals, type EbSlabOptions } from './eb-slab';
import { release } from '../parallel/slab-buffers';

/**
 * What a slab's coding chose, for the array's later slabs to reuse without searching (error-bounded.ts): the
 * whole slab's configuration and, for a pw-rel table, each column's (both kept whichever way the slab was written).
 * A slab of one value (zeros, a fill value, only NaN) chooses nothing: every configuration codes it alike, and the
 * first it tries is no guide for the slabs after it (a field after a zero slab came out 18% larger reusing it).
 */
export interface ChunkChoice {
  configuration?: string;
  columnConfigurations?: string[];
  /** The lossless coding's integer path: its bytes per value on the searching slab (parallel/slab-tasks.ts REUSE_DRIFT). */
  bytesPerValue?: number;
}

export interface ChunkOptions extends Omit<EbSlabOptions, 'configuration'> {
  /** An earlier slab's choice: this slab is coded whole and by columns with its configurations, without searching. */
  reuse?: ChunkChoice;
  /** A pw-rel table's integer columns kept exact (stats.ts exactColumns): the slab is then coded by columns. */
  exactColumns?: boolean[];
}

/**
 * A slab's error-bounded `data` chunk, tagged: the whole slab coded at once, or a pw-rel table column by column
 * when that is smaller. What the slab tasks and the automatic mode's estimate both code.
 */
export async function encodeErrorBoundedChunk(
  values: Float64Array, shape: number[], g: EbGlobals, opts: ChunkOptions = {},
): Promise<{ chunk: Uint8Array; reconstruction: Float64Array; choice?: ChunkChoice }> {
  const { reuse, exactColumns, ...slabOptions } = opts;
  if (keepsColumnsExact(g, shape, exactColumns)) {
    // The whole slab in one domain would not keep them: each exact column takes the integer path (eb-columns.ts).
    const byColumns = await encodeEbColumns(values, shape, g, { predictors: opts.predictors, configurations: reuse?.columnConfigurations, exactColumns });
    const choice = oneValue(values) ? undefined : { columnConfigurations: byColumns.configurations };
    return { chunk: tagged(TAG_EB_COLUMNS, byColumns.bytes), reconstruction: byColumns.reconstruction, choice };
  }
  const whole = await encodeEbSlab(values, shape, g, { ...slabOptions, configuration: reuse?.configuration });
  const chooses = !oneValue(values);
  if (!columnsCandidate(g, shape)) return { chunk: tagged(TAG_EB, whole.bytes), reconstruction: whole.reconstruction, ...(chooses ? { choice: { configuration: whole.configuration } } : {}) };
  // Whole or by columns is decided on every slab, each way with the reused configurations: which way is smaller
  // changes along a table more than the configurations do (one searching slab's way, kept for the slabs up to
  // the next search, made a drifting table 1-2% larger and one with a zero block at a searching slab 8%).
  const byColumns = await encodeEbColumns(values, shape, g, { predictors: opts.predictors, configurations: reuse?.columnConfigurations });
  const choice = chooses ? { configuration: whole.configuration, columnConfigurations: byColumns.configurations } : undefined;
  // The coding not kept gives its reconstruction back (slab-buffers.ts).
  if (byColumns.bytes.length < whole.bytes.length) {
    release(whole.reconstruction);
    return { chunk: tagged(TAG_EB_COLUMNS, byColumns.bytes), reconstruction: byColumns.reconstruction, choice };
  }
  release(byColumns.reconstruction);
  return { chunk: tagged(TAG_EB, whole.bytes), reconstruction: whole.reconstruction, choice };
}

/** Whether a pw-rel table's slab has integer columns to keep exact (under abs and rel their tolerance is 0 already). */
function keepsColumnsExact(g: EbGlobals, shape: number[], exactColumns: boolean[] | undefined): exactColumns is boolean[] {
  return g.bound.kind === 'pw-rel' && g.kind === 'table' && shape.length === 2 && shape[1] > 1 && exactColumns?.some(Boolean) === true;
}

/** Whether every value is the same (NaN alike, and -0 as 0: the configurations code them alike). */
export function oneValue(values: Float64Array): boolean {
  const first = values[0];
  if (first !== first) {
    for (let i = 1; i < values.length; i++) if (values[i] === values[i]) return false;
    return true;
  }
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return false;
  return true;
}
