// The choice of a slab's error-bounded `data` chunk: the whole slab coded at once (TAG_EB), or — a table under
// a point-wise relative bound — column by column (TAG_EB_COLUMNS, eb-columns.ts) when that is smaller. The slab
// tasks and the automatic mode's estimate both code through here, so the estimate measures the chunk the file gets.
import { tagged, TAG_EB, TAG_EB_COLUMNS } from '../codec/slab';
import { columnsCandidate, encodeEbColumns } from './eb-columns';
import { encodeEbSlab, type EbGlobals, type EbSlabOptions } from './eb-slab';
import { release } from '../parallel/slab-buffers';

/**
 * A slab's error-bounded `data` chunk, tagged: the whole slab coded at once, or a pw-rel table column by column
 * when that is smaller. What the slab tasks and the automatic mode's estimate both code.
 */
export async function encodeErrorBoundedChunk(values: Float64Array, shape: number[], g: EbGlobals, opts: EbSlabOptions = {}): Promise<{ chunk: Uint8Array; reconstruction: Float64Array; configuration: string }> {
  const whole = await encodeEbSlab(values, shape, g, opts);
  if (columnsCandidate(g, shape)) {
    const byColumns = await encodeEbColumns(values, shape, g, { predictors: opts.predictors });
    // The coding not kept gives its reconstruction back (slab-buffers.ts).
    if (byColumns.bytes.length < whole.bytes.length) {
      release(whole.reconstruction);
      return { chunk: tagged(TAG_EB_COLUMNS, byColumns.bytes), reconstruction: byColumns.reconstruction, configuration: whole.configuration };
    }
    release(byColumns.reconstruction);
  }
  return { chunk: tagged(TAG_EB, whole.bytes), reconstruction: whole.reconstruction, configuration: whole.configuration };
}
