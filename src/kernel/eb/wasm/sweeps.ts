// The sweeps of a view's (or frame's) dims, recorded once as interpolation.ts walks them and placed in a module's
// memory once: both modules then run every view or frame of those dims from them (the decoder's slabs, the encoder's
// temporal passes).

import type { Configuration } from '../configure';
import { forEachSweep } from '../interpolation';
import { newBlock } from '../sweep';
import type { MemoryLayout } from './module';

/** One sweep as forEachSweep set it up, its lists and geometry copied. */
export interface RecordedSweep {
  level: number; edge: number; d: number; s: number; nd: number; e1: number; e2: number;
  /** Per axis: its list and its geometry (sweep.ts Block). */
  lists: Int32Array[]; before3: Uint8Array[]; right1: Int32Array[]; right3: Int32Array[];
  /** Per axis, once placed in the module's memory: where the four arrays are. */
  at: { list: number; before3: number; right1: number; right3: number }[];
}

/** The sweeps of a view (or frame) of these dims, in coding order. */
export function recordSweeps(dims: [number, number, number], configuration: Configuration): RecordedSweep[] {
  const block = newBlock();
  const sweeps: RecordedSweep[] = [];
  forEachSweep(dims, configuration, block, (level, edge) => {
    const lists = [block.L0, block.L1, block.L2];
    const { dirs, nd } = block;
    sweeps.push({
      level, edge, d: block.d, s: block.s, nd, e1: nd > 1 ? dirs[1] : 0, e2: nd > 2 ? dirs[2] : 0,
      lists: lists.map((l) => l.slice()),
      before3: lists.map((l, e) => block.before3[e].slice(0, l.length)),
      right1: lists.map((l, e) => block.right1[e].slice(0, l.length)),
      right3: lists.map((l, e) => block.right3[e].slice(0, l.length)),
      at: [],
    });
  });
  return sweeps;
}

/** Lays out every recorded sweep's arrays (sets each sweep's `at`). */
export function placeSweeps(memory: MemoryLayout, sweepsByDims: Map<string, RecordedSweep[]>): void {
  for (const sweeps of sweepsByDims.values()) {
    for (const sweep of sweeps) {
      sweep.at = sweep.lists.map((list) => ({ list: memory.take(4 * list.length), before3: memory.take(list.length), right1: memory.take(4 * list.length), right3: memory.take(4 * list.length) }));
    }
  }
}

/** Writes every placed sweep's arrays into the module's memory. */
export function writeSweeps(buffer: ArrayBuffer, sweepsByDims: Map<string, RecordedSweep[]>): void {
  for (const sweeps of sweepsByDims.values()) {
    for (const sweep of sweeps) {
      sweep.at.forEach((a, e) => {
        const n = sweep.lists[e].length;
        new Int32Array(buffer, a.list, n).set(sweep.lists[e]);
        new Uint8Array(buffer, a.before3, n).set(sweep.before3[e]);
        new Int32Array(buffer, a.right1, n).set(sweep.right1[e]);
        new Int32Array(buffer, a.right3, n).set(sweep.right3[e]);
      });
    }
  }
}
