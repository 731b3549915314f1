// The encoder's entropy coding (rangecoder.ts RangeEncoder, and contexts.ts encodeNonZero for a point's index): the
// stream is written from where startStream puts it to the memory's end, which it grows when it fills it.

import { adapt, escape, ESCAPE, magnitude, mantissaSecond, mantissaTop, MAX_BITS, probabilityOf, sign, TOP, zero } from '../shared/models';

// low may carry into bit 32.
let low: u64 = 0;
let range: u32 = 0xffffffff;
let cache: u32 = 0;
let cacheSize: u32 = 1;
let skipFirst = true;
let streamStart: usize = 0;
let position: usize = 0;
let streamEnd: usize = 0;

/** A fresh coder, its stream starting at `at`. */
export function startStream(at: usize): void {
  low = 0;
  range = 0xffffffff;
  cache = 0;
  cacheSize = 1;
  skipFirst = true;
  streamStart = at;
  position = at;
  streamEnd = (<usize>memory.size()) << 16;
}

function pushByte(byte: u32): void {
  // The very first byte LZMA emits is always 0: left out, the decoder assumes it.
  if (skipFirst) {
    skipFirst = false;
    return;
  }
  if (position >= streamEnd) {
    const have = streamEnd - streamStart;
    const pages = <i32>((have >> 16) + 1);
    if (memory.grow(pages) < 0) unreachable();
    streamEnd = (<usize>memory.size()) << 16;
  }
  store<u8>(position++, <u8>byte);
}

function shiftLow(): void {
  if (low < 0xff000000 || low >= 0x100000000) {
    const carry = <u32>(low >> 32);
    let pending = cache;
    do {
      pushByte((pending + carry) & 0xff);
      pending = 0xff;
    } while (--cacheSize !== 0);
    cache = <u32>(low >> 24) & 0xff;
  }
  cacheSize++;
  low = (low & 0xffffff) << 8;
}

@inline function normalise(): void {
  while (range < TOP) {
    range <<= 8;
    shiftLow();
  }
}

@inline export function encodeBit(m: i32, bit: i32): void {
  const p = probabilityOf(m);
  const bound: u32 = (range >>> 16) * <u32>p;
  if (bit === 0) {
    range = bound;
  } else {
    low += <u64>bound;
    range -= bound;
  }
  if (range < TOP) normalise();
  adapt(m, bit);
}

export function encodeDirect(value: i32, bitCount: i32): void {
  for (let b = bitCount - 1; b >= 0; b--) {
    const half = range >>> 1;
    if (((value >> b) & 1) === 0) {
      range = half;
    } else {
      low += <u64>half;
      range -= half;
    }
    if (range < TOP) normalise();
  }
}

/** Ends the stream (rangecoder.ts finish) and returns its length. */
export function finishStream(): i32 {
  for (let i = 0; i < 5; i++) shiftLow();
  return <i32>(position - streamStart);
}

/** contexts.ts encodeNonZero: a non-zero index or ESCAPE, its zero flag included. */
export function encodeNonZero(q: i32, context: i32): void {
  encodeBit(zero + context, 1);
  const level = context >> 4;
  if (q === ESCAPE) {
    encodeBit(escape + level, 1);
    return;
  }
  encodeBit(escape + level, 0);
  encodeBit(sign + level, q < 0 ? 1 : 0);
  const m = q < 0 ? -q : q;
  const bits = 31 - clz<i32>(m);
  const magnitudeBase = magnitude + context * 32;
  let b = 0;
  for (; b < MAX_BITS; b++) {
    const more = bits > b ? 1 : 0;
    encodeBit(magnitudeBase + b, more);
    if (more === 0) break;
  }
  if (b >= 1) encodeBit(mantissaTop + level * 32 + b, (m >> (b - 1)) & 1);
  if (b >= 2) encodeBit(mantissaSecond + b * 2 + ((m >> (b - 1)) & 1), (m >> (b - 2)) & 1);
  if (b >= 3) encodeDirect(m & ((1 << (b - 2)) - 1), b - 2);
}
