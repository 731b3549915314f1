// Slab-sized buffers reused from one slab to the next, so that streaming a large file does not allocate (and
// leave to the garbage collector, and to malloc's per-thread arenas) several fresh arrays per slab.
//
// Ownership rules, which every user keeps:
//   - take() hands out a buffer that nobody else holds: never one that is out, never one in the free list twice;
//   - give() is called by the one holder of a buffer once nothing reads it any more (not even a view of it); a
//     buffer that went to another thread (transferred, so detached here) is simply not kept;
//   - a buffer given twice without being taken in between is a bug and throws (it could be handed out twice).
// Buffers may come back from another thread as new ArrayBuffer objects (transfer): give() takes any buffer its
// caller holds alone, not only those this pool made.

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  /** Buffers handed out by take() and not given back. */
  private readonly out = new WeakSet<ArrayBuffer>();

  /** `keep`: how many free buffers are kept at most (more are left to the garbage collector). */
  constructor(readonly keep: number) {}

  /** A buffer of at least `bytes` that the caller now holds alone: the smallest free one that fits, else a new one. */
  take(bytes: number): ArrayBuffer {
    const best = this.bestFit(bytes);
    const buffer = best < 0 ? new ArrayBuffer(bytes) : this.free.splice(best, 1)[0];
    this.out.add(buffer);
    return buffer;
  }

  /** The smallest free buffer that fits `bytes`, or −1. */
  private bestFit(bytes: number): number {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      // A buffer much larger than asked for stays for a request of its size (the last slab of an array is shorter).
      if (size >= bytes && size <= 1.5 * bytes + 64 && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    return best;
  }

  /** A free buffer of at least `bytes` (as take() would choose it), or undefined when none fits: none is made. */
  takeFree(bytes: number): ArrayBuffer | undefined {
    const best = this.bestFit(bytes);
    if (best < 0) return undefined;
    const buffer = this.free.splice(best, 1)[0];
    this.out.add(buffer);
    return buffer;
  }

  /** Counts `buffer`, which its caller holds alone (it came from another thread's pool), as handed out by this pool. */
  adopt(buffer: ArrayBuffer): void {
    if (this.free.includes(buffer)) throw new Error('buffer pool: a free buffer was adopted');
    this.out.add(buffer);
  }

  /** Whether `buffer` was handed out by take() and is not back yet. */
  lent(buffer: ArrayBufferLike): boolean {
    return buffer instanceof ArrayBuffer && this.out.has(buffer);
  }

  /** Gives a buffer back for reuse; the caller must hold no view of it any more. Detached buffers are ignored. */
  give(buffer: ArrayBuffer | SharedArrayBuffer): void {
    if (!(buffer instanceof ArrayBuffer) || buffer.byteLength === 0) return;
    if (this.free.includes(buffer)) throw new Error('buffer pool: a buffer was given back twice');
    this.out.delete(buffer);
    if (this.free.length >= this.keep) this.free.shift();
    this.free.push(buffer);
  }

  /** Lets every free buffer go (a phase that needed them is over); buffers out are not affected. */
  clear(): void {
    this.free.length = 0;
  }

  /** Free buffers held (for tests). */
  get size(): number {
    return this.free.length;
  }

  /** A Float64Array of `length` values in a buffer of the pool (contents undefined: the caller fills it). */
  float64(length: number): Float64Array {
    return new Float64Array(this.take(length * 8), 0, length);
  }
}

/** `data` as float64 in a buffer of the pool (any typed array but 64-bit integers). */
export function float64From(data: ArrayLike<number>, pool: BufferPool): Float64Array {
  const out = pool.float64(data.length);
  out.set(data);
  return out;
}
