// The encoder's side of a masked slab (pointcoder.ts with `specials` in the absolute domain): the mask of its special
// values (NaN, ±Inf) coded before the traversal, as runs over the slab (formats 3 and 5: mask-rows.ts codeMaskRuns)
// or row by row (format 6: codeMaskRows), each special value's kind (contexts.ts codeSpecialKind) and the checksum
// over them (pointcoder.ts special), with the models contexts.ts IndexCoder adds after the choice's, in its order.
// A value is special where its original is not finite: the encoder needs no array of classes.

import { addModels, FNV_PRIME } from '../shared/models';
import { encodeBit, encodeDirect } from './range-encoder';

/** contexts.ts RUN_BITS: a mask's runs are shorter than 2^30. */
const RUN_BITS: i32 = 30;
/** The models added after the shared ones (symbol, specialKind, runs), for the memory's layout. */
export const MASK_MODELS: i32 = 64 + 4 + 2 * RUN_BITS;
/** pointcoder.ts SPECIAL_*: what a special value is. */
const SPECIAL_NAN: u32 = 1;
const SPECIAL_PLUS_INFINITY: u32 = 2;
const SPECIAL_MINUS_INFINITY: u32 = 3;
/** mask-rows.ts: how a row is coded. */
const ROW_AS_ABOVE = 0;
const ROW_AS_IN_PREVIOUS_FRAME = 1;
const ROW_AS_RUNS = 2;

let symbol = 0, specialKind = 0, runs = 0;
let original: usize = 0;
let narrow = false;
let checked = false;
let hash: u32 = 0;

/** contexts.ts IndexCoder's models after the choice's: call right after startModels. */
export function addMaskModels(): void {
  symbol = addModels(64);
  specialKind = addModels(4);
  runs = addModels(2 * RUN_BITS);
}

/**
 * Codes the mask of the `size` originals at `originalAt` (f32 when `narrowOriginals`): as runs over the slab when
 * `row` is 0, else row by row (rows of `row` values, frames of `frame`); `hashChecked`: formats 4 to 6. Returns the
 * checksum from `seed` on.
 */
export function encodeMask(originalAt: usize, narrowOriginals: bool, size: i32, row: i32, frame: i32, hashChecked: bool, seed: u32): u32 {
  original = originalAt;
  narrow = narrowOriginals;
  checked = hashChecked;
  hash = seed;
  if (row === 0) codeMaskRuns(0, size);
  else codeMaskRows(size, row, frame);
  return hash;
}

@inline function isSpecial(i: i32): bool {
  const x = narrow ? <f64>load<f32>(original + ((<usize>i) << 2)) : load<f64>(original + ((<usize>i) << 3));
  return !(x - x == 0);
}

/** mask-rows.ts codeMaskRuns (encoder): finite and special runs in turn from start to end, the first (finite) one may be empty. */
function codeMaskRuns(start: i32, end: i32): void {
  let special = false;
  for (let i = start; i < end; special = !special) {
    let run = 0;
    while (i + run < end && isSpecial(i + run) === special) run++;
    const first = i === start && !special;
    encodeRun(first ? run : run - 1, special ? 1 : 0);
    const stop = i + run;
    if (special) for (; i < stop; i++) codeKind(i);
    else i = stop;
  }
}

/** mask-rows.ts codeMaskRows (encoder): each row as the one above, as the same row of the previous frame, or as runs. */
function codeMaskRows(size: i32, row: i32, frame: i32): void {
  let previous = ROW_AS_RUNS;
  for (let start = 0; start < size; start += row) {
    const end = start + row;
    let how = ROW_AS_RUNS;
    if (start >= row && sameRow(start, start - row, row)) how = ROW_AS_ABOVE;
    else if (frame > row && start >= frame && sameRow(start, start - frame, row)) how = ROW_AS_IN_PREVIOUS_FRAME;
    encodeSymbol(how, 2, previous);
    previous = how;
    if (how === ROW_AS_RUNS) codeMaskRuns(start, end);
    else for (let i = start; i < end; i++) if (isSpecial(i)) codeKind(i);
  }
}

function sameRow(a: i32, b: i32, length: i32): bool {
  for (let k = 0; k < length; k++) if (isSpecial(a + k) !== isSpecial(b + k)) return false;
  return true;
}

/** pointcoder.ts special (encoder, absolute domain): the kind of special value i, and i and its kind into the checksum. */
function codeKind(i: i32): void {
  const x = narrow ? <f64>load<f32>(original + ((<usize>i) << 2)) : load<f64>(original + ((<usize>i) << 3));
  const kind = x != x ? SPECIAL_NAN : x == Infinity ? SPECIAL_PLUS_INFINITY : SPECIAL_MINUS_INFINITY;
  const high = <i32>(kind >> 1) & 1;
  encodeBit(specialKind + 1, high);
  encodeBit(specialKind + 2 + high, <i32>kind & 1);
  hash = checked ? ((hash ^ <u32>i) * FNV_PRIME ^ kind) * FNV_PRIME : (hash ^ (<u32>i + (kind << 30))) * FNV_PRIME;
}

/** contexts.ts codeSymbol (encoder): a symbol of `bits` bits with the models of `group`. */
function encodeSymbol(value: i32, bits: i32, group: i32): void {
  let node = 1;
  for (let b = bits - 1; b >= 0; b--) {
    const bit = (value >> b) & 1;
    encodeBit(symbol + ((group * 16 + node) & 63), bit);
    node = node * 2 + bit;
  }
}

/** contexts.ts codeRun (encoder): n >= 0 as the Elias gamma code of n + 1, its length in unary with the models of `group`. */
function encodeRun(n: i32, group: i32): void {
  const base = runs + group * RUN_BITS;
  const m = n + 1;
  const top = 31 - clz<i32>(m);
  for (let b = 0; b < top; b++) encodeBit(base + b, 1);
  encodeBit(base + top, 0);
  encodeDirect(m - (1 << top), top);
}
