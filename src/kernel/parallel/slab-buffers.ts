// The large arrays of coding or decoding one slab (the point coder's reconstruction and context arrays, the
// decoded values cast to their dtype), reused from one slab to the next by each thread: every worker has its own
// copy of this module. A fresh large array is mapped anew and costs a page fault per 4 KiB page when first
// written: measured on a 100 MB float32 field decoded on one thread, 71,000 faults and 3.2 CPU-s became 17,000
// and 1.9 CPU-s once these arrays were reused.
//
// Ownership (buffer-pool.ts): an array taken here is its taker's alone. Only release() gives it back, called by
// whoever holds it last, when nothing reads it any more; release() ignores arrays it did not lend (or that this
// thread adopted as lent), so that a view into someone else's buffer is never handed out again.
import { BufferPool } from './buffer-pool';

/** Smaller arrays come from the allocator as usual: its heap serves them without fresh pages. */
export const POOLED_BYTES = 1 << 20;

/** Free buffers kept: a slab's reconstruction, context arrays and cast values, and the next slab's. */
const pool = new BufferPool(8);

/** Room for `bytes` bytes, its contents undefined (the caller writes all of it). */
export function slabBuffer(bytes: number): ArrayBuffer {
  return bytes >= POOLED_BYTES ? pool.take(bytes) : new ArrayBuffer(bytes);
}

/** A Float64Array whose every value the caller writes before reading any (its contents are undefined). */
export function slabValues(length: number): Float64Array {
  return new Float64Array(slabBuffer(length * 8), 0, length);
}

/** A Float64Array of zeros, as `new Float64Array(length)` gives. */
export function slabFloat64(length: number): Float64Array {
  return new Float64Array(slabBuffer(length * 8), 0, length).fill(0);
}

/** A Uint8Array of zeros, as `new Uint8Array(length)` gives. */
export function slabUint8(length: number): Uint8Array {
  return new Uint8Array(slabBuffer(length), 0, length).fill(0);
}

/** Gives back the buffers of `arrays` this thread lent (each once); any other array is left alone. */
export function release(...arrays: (ArrayBufferView | undefined)[]): void {
  const seen = new Set<ArrayBufferLike>();
  for (const a of arrays) {
    if (!a || seen.has(a.buffer)) continue;
    seen.add(a.buffer);
    if (pool.lent(a.buffer)) pool.give(a.buffer as ArrayBuffer);
  }
}

/** Whether `array`'s buffer was lent here: a worker says so of its results, so that the main thread may reuse them. */
export function isLent(array: ArrayBufferView): boolean {
  return pool.lent(array.buffer);
}

/** A lent buffer that came from another thread (transferred): this thread now holds it and may give it back. */
export function adoptLent(buffer: ArrayBuffer): void {
  pool.adopt(buffer);
}

/** Free buffers for another thread (transferred with a task), at most one per size asked for; none are made. */
export function spares(sizes: number[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const bytes of sizes) {
    const free = bytes >= POOLED_BYTES ? pool.takeFree(bytes) : undefined;
    if (free) out.push(free);
  }
  return out;
}

/** Buffers another thread sent along (spares()): free for this thread's next slabs. */
export function acceptSpares(buffers: ArrayBuffer[] | undefined): void {
  for (const b of buffers ?? []) pool.give(b);
}
