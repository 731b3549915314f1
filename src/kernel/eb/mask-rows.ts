// The mask of a slab's special values (NaN, ±Inf) in the absolute domain, coded before the traversal: as runs over
// the whole slab (formats 3 and 5), or row by row (format 6): the rows of its values in memory, and whether rows that
// repeat the one before them or the same row of the previous frame save more runs than cutting the runs at every row
// adds. The encoder and the decoder make the same calls (the point coder's `encoding` says which).

import type { IndexCoder } from './contexts';
import type { Layout } from './layout';

/** What coding a mask needs of the point coder (pointcoder.ts). */
export interface MaskCoder {
  readonly indices: IndexCoder;
  readonly encoding: boolean;
  /** Encoder: whether value i is special. */
  isSpecial(i: number): boolean;
  /** Marks value i special (its kind coded, its value kept for the output) or finite. */
  setMask(i: number, special: boolean): void;
}

/** How codeMaskRows codes a row. */
const ROW_AS_ABOVE = 0;
const ROW_AS_IN_PREVIOUS_FRAME = 1;
const ROW_AS_RUNS = 2;

/**
 * Values start to end as runs, finite and special in turn from a run of finite values that may be empty, each run's
 * length coded (most masks have a few long runs, a land mask a few per row): a slab with three NaN pays for six runs.
 */
export function codeMaskRuns(c: MaskCoder, start: number, end: number): void {
  let special = false;
  for (let i = start; i < end; special = !special) {
    let run = 0;
    if (c.encoding) while (i + run < end && c.isSpecial(i + run) === special) run++;
    // Only the first run (of finite values) may be empty: the others are coded less one.
    const first = i === start && !special;
    run = c.indices.codeRun(first ? run : run - 1, special ? 1 : 0) + (first ? 0 : 1);
    if (i + run > end) throw new RangeError('a run of the mask goes past its end');
    for (const stop = i + run; i < stop; i++) c.setMask(i, special);
  }
}

/**
 * The mask row by row (format 6): each row as the row before it, as the same row of the previous frame, or as runs
 * within it (codeMaskRuns); the symbol in the context of the previous row's. A mask that stays from frame to frame
 * (land, a detector's dead pixels) or down the rows costs almost nothing after its first frame: as runs over the
 * slab, a static mask of a 256 × 256 field's left half cost 13 kB a slab of 28 frames, scattered pixels missing in
 * every frame alike 127 kB.
 */
export function codeMaskRows(c: MaskCoder, { row, frame }: MaskRows, size: number): void {
  const isSpecial = (i: number) => c.isSpecial(i);
  let previous = ROW_AS_RUNS;
  for (let start = 0; start < size; start += row) {
    const end = start + row;
    let how = ROW_AS_RUNS;
    if (c.encoding) {
      if (start >= row && sameRow(isSpecial, start, start - row, row)) how = ROW_AS_ABOVE;
      else if (frame > row && start >= frame && sameRow(isSpecial, start, start - frame, row)) how = ROW_AS_IN_PREVIOUS_FRAME;
    }
    how = c.indices.codeSymbol(how, 2, previous);
    previous = how;
    if (how === ROW_AS_RUNS) codeMaskRuns(c, start, end);
    else {
      const from = how === ROW_AS_ABOVE ? start - row : how === ROW_AS_IN_PREVIOUS_FRAME && frame > row ? start - frame : -1;
      if (from < 0) throw new RangeError('a row of the mask refers to a row before the slab');
      for (let i = start; i < end; i++) c.setMask(i, c.isSpecial(from + i - start));
    }
  }
}

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

/** Whether rows a and b (each `length` values from there) are special at the same places. */
function sameRow(isSpecial: (i: number) => boolean, a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (isSpecial(a + k) !== isSpecial(b + k)) return false;
  return true;
}

/**
 * Whether the rows of the values' mask that repeat an earlier row hold more runs of format 3 (where it changes
 * between finite and special, from the row's first value on) than coding the other rows as runs of their own adds
 * (a run going on from the row before is cut in two).
 */
export function maskRowsPay(values: Float64Array, { row, frame }: MaskRows): boolean {
  let saved = 0;
  let cut = 0;
  const at = (i: number) => special(values[i]);
  for (let start = 0; start < values.length; start += row) {
    const repeats = (start >= row && sameRow(at, start, start - row, row)) || (frame > row && start >= frame && sameRow(at, start, start - frame, row));
    if (repeats) saved += changesIn(values, start, row);
    else if (start > 0 && special(values[start]) === special(values[start - 1])) cut++;
  }
  return saved > cut;
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
