// Where a slab's mask of special values (NaN, ±Inf) is coded row by row (slab format 6, pointcoder.ts codeMaskRows)
// rather than as runs over the whole slab (formats 3 and 5): the rows of its values in memory, and whether rows that repeat
// the one before them or the same row of the previous frame save more runs than cutting the runs at every row adds.

import type { Layout } from './layout';

/** The rows of a slab's values in memory and its frames (a whole number of rows). */
export interface MaskRows {
  row: number;
  frame: number;
}

/** A field's rows and frames, a table's rows, a channels layout's image rows (each with its channels); a series is one row. */
export function maskRowsOf(layout: Layout, size: number): MaskRows {
  const [first, middle, last] = layout.views[0].dims;
  const rows = layout.name === 'table' ? { row: layout.views.length, frame: size }
    : layout.name === 'channels' ? { row: first * last, frame: size }
    : { row: last, frame: middle * last };
  return rows.row > 0 && size % rows.row === 0 && rows.frame % rows.row === 0 ? rows : { row: size, frame: size };
}

const special = (v: number): boolean => v - v !== 0;

/**
 * Whether the rows of the values' mask that repeat an earlier row hold more runs of format 3 (where it changes
 * between finite and special, from the row's first value on) than coding the other rows as runs of their own adds
 * (a run going on from the row before is cut in two).
 */
export function maskRowsPay(values: Float64Array, { row, frame }: MaskRows): boolean {
  let saved = 0;
  let cut = 0;
  for (let start = 0; start < values.length; start += row) {
    const repeats = (start >= row && sameMask(values, start, start - row, row)) || (frame > row && start >= frame && sameMask(values, start, start - frame, row));
    if (repeats) saved += changesIn(values, start, row);
    else if (start > 0 && special(values[start]) === special(values[start - 1])) cut++;
  }
  return saved > cut;
}

function sameMask(values: Float64Array, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (special(values[a + k]) !== special(values[b + k])) return false;
  return true;
}

/** Where a row's mask changes between finite and special, its first value against the value before it (the slab's first against finite). */
function changesIn(values: Float64Array, start: number, length: number): number {
  let changes = 0;
  let previous = start > 0 && special(values[start - 1]);
  for (let k = 0; k < length; k++) {
    const now = special(values[start + k]);
    if (now !== previous) changes++;
    previous = now;
  }
  return changes;
}
