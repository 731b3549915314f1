// The choice of a slab's error-bounded `data` chunk: the whole slab coded at once (TAG_EB), or — a table under
// a point-wise relative bound — column by column (TAG_EB_COLUMNS, eb-columns.ts) when that is smaller. The slab
// tasks and the automatic mode's estimate both code through here, so the estimate measures the chunk the file gets.
import { tagged, TAG_EB, TAG_EB_COLUMNS } from '../codec/slab';
import { columnsCandidate, encodeEbColumns } from './eb-columns';
import { encodeEbSlab, type EbGlobals, type EbSlabOptions } from './eb-slab';
import { release } from '../parallel/slab-buffers';

/**
 * What a slab's coding chose, for the array's later slabs to reuse without searching (error-bounded.ts): the
 * whole slab's configuration, or each column's when the slab was coded column by column.
 */
export interface ChunkChoice {
  configuration?: string;
  columnConfigurations?: string[];
}

export interface ChunkOptions extends Omit<EbSlabOptions, 'configuration'> {
  /** An earlier slab's choice: this slab is coded the same way (whole or by columns) with its configurations. */
  reuse?: ChunkChoice;
}

/**
 * A slab's error-bounded `data` chunk, tagged: the whole slab coded at once, or a pw-rel table column by column
 * when that is smaller. What the slab tasks and the automatic mode's estimate both code.
 */
export async function encodeErrorBoundedChunk(
  values: Float64Array, shape: number[], g: EbGlobals, opts: ChunkOptions = {},
): Promise<{ chunk: Uint8Array; reconstruction: Float64Array; choice: ChunkChoice }> {
  const { reuse, ...slabOptions } = opts;
  const columns = columnsCandidate(g, shape);
  if (columns && reuse?.columnConfigurations) {
    const byColumns = await encodeEbColumns(values, shape, g, { predictors: opts.predictors, configurations: reuse.columnConfigurations });
    return { chunk: tagged(TAG_EB_COLUMNS, byColumns.bytes), reconstruction: byColumns.reconstruction, choice: { columnConfigurations: byColumns.configurations } };
  }
  const whole = await encodeEbSlab(values, shape, g, { ...slabOptions, configuration: reuse?.configuration });
  // A slab that reuses a whole coding's choice is not tried by columns again (a search of every column).
  if (columns && reuse?.configuration === undefined) {
    const byColumns = await encodeEbColumns(values, shape, g, { predictors: opts.predictors });
    // The coding not kept gives its reconstruction back (slab-buffers.ts).
    if (byColumns.bytes.length < whole.bytes.length) {
      release(whole.reconstruction);
      return { chunk: tagged(TAG_EB_COLUMNS, byColumns.bytes), reconstruction: byColumns.reconstruction, choice: { columnConfigurations: byColumns.configurations } };
    }
    release(byColumns.reconstruction);
  }
  return { chunk: tagged(TAG_EB, whole.bytes), reconstruction: whole.reconstruction, choice: { configuration: whole.configuration } };
}
