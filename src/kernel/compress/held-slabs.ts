// The whole-array lossless floor: an array is never stored larger than its lossless coding. What a plan adds to a
// lossless file (a decoder, latents chunks, header fields) must be paid for by what its slabs save against their
// lossless codings, so the slabs are held back, unwritten, until they have paid. The first slab pays on most
// arrays; a first slab of zeros or of missing values saves next to nothing either way, and says nothing of the
// rest (240 frames whose first 120 were zero were stored losslessly at 4× the coder's size when it decided).
// When the slabs never pay (the array ends, or what is held reaches its limit), the array is stored losslessly.
import type { CodedSlab } from '../parallel/slab-tasks';
import type { Slab } from './strategy';

export interface HeldSlab {
  coded: CodedSlab;
  slab: Pick<Slab, 'firstRow'>;
}

export class HeldSlabs {
  private held: HeldSlab[] = [];
  private heldBytes = 0;
  /** What the plan adds, less what the slabs so far saved; paid once below zero (a tie goes to lossless). */
  private unpaid: number;

  /** `maxHeldBytes`: the coded bytes that may be held (within the main thread's share of the memory budget). */
  constructor(overhead: number, private readonly maxHeldBytes: number) {
    this.unpaid = overhead;
  }

  get paid(): boolean {
    return this.unpaid < 0;
  }

  /** Whether holding more would pass the limit: the array is then stored losslessly. */
  get full(): boolean {
    return this.heldBytes > this.maxHeldBytes;
  }

  get slabsHeld(): number {
    return this.held.length;
  }

  /**
   * Holds a coded slab whose lossless coding is at least `losslessBytes`; returns the slabs to write now: every one
   * held, in order, once they have paid (and nothing is held afterwards), else none.
   */
  add(coded: CodedSlab, slab: Pick<Slab, 'firstRow'>, losslessBytes: number): HeldSlab[] {
    const bytes = coded.chunk.length + (coded.latents?.length ?? 0);
    this.unpaid -= losslessBytes - bytes;
    this.held.push({ coded, slab: { firstRow: slab.firstRow } });
    this.heldBytes += bytes;
    if (!this.paid) return [];
    const ready = this.held;
    this.held = [];
    this.heldBytes = 0;
    return ready;
  }
}
