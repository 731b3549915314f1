// An array whose values are all the same, bit for bit (zeros, a fill value, an all-NaN column): its one value
// is stored in the header's codec record and the file holds no section for it, so the smallest file of all is
// also exact. Found during the first pass over the data (arrays.ts), so it costs one comparison per byte until
// the first value that differs; decoded by repeating the value (decompress.ts, constantSlab).
import type { DType, NdArray } from '../types';
import { arrayBytes, arrayFromBytes, DTYPE_BYTES, toFloat64 } from '../data/dtype';
import { columnsOf } from '../metrics';
import { cancellationPoint } from '../errors';
import { summariseSlab } from './slab-summary';
import type { ArrayStrategy, CodedArray } from './strategy';

/** Follows the slabs of an array in order and says whether every value had the same bytes. */
export class ConstantTracker {
  private first: Uint8Array | undefined;
  private constant = true;

  add(slab: NdArray): void {
    if (!this.constant) return;
    const bytes = arrayBytes(slab);
    const size = DTYPE_BYTES[slab.dtype];
    this.first ??= bytes.slice(0, size);
    const first = this.first;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== first[i % size]) {
        this.constant = false;
        return;
      }
    }
  }

  /** The value's little-endian bytes in the dtype, or undefined when two values differ. */
  value(): Uint8Array | undefined {
    return this.constant ? this.first : undefined;
  }
}

/** Exact under any bound and smaller than any coding: taken in every mode but --part (parts merge by sections). */
export const constantStrategy: ArrayStrategy = {
  handles: (opts, input) => opts.part === undefined && input.stats.constant !== undefined,
  async code(input, out, ctx): Promise<CodedArray> {
    const value = input.stats.constant!;
    const columns = columnsOf(input.source.shape, input.source.kind);
    for await (const slab of input.slabs()) {
      out.slabDone(summariseSlab(slab.values, slab.values, columns));
      await cancellationPoint(ctx.hooks?.signal);
    }
    const shown = toFloat64(constantSlab(value, input.source.dtype, [1]).data).values[0];
    return { codec: { mode: 'constant', value }, slabRows: input.slabRows, note: `every value is ${shown}: stored in the header, no data section` };
  },
};

/** A slab of `shape` whose every value has these bytes. */
export function constantSlab(value: Uint8Array, dtype: DType, shape: number[], file?: string): NdArray {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(count * value.length);
  if (bytes.length > 0) {
    bytes.set(value);
    for (let filled = value.length; filled < bytes.length; filled *= 2) bytes.copyWithin(filled, 0, Math.min(filled, bytes.length - filled));
  }
  return arrayFromBytes(bytes, dtype, shape, file);
}
