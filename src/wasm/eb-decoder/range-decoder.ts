// The decoder's entropy decoding (rangecoder.ts RangeDecoder, and contexts.ts decodeNonZero for a point's index): the
// stream at [start, start + length), read as zeros past its end as the JavaScript decoder reads it.

import { adapt, escape, ESCAPE, magnitude, mantissaSecond, mantissaTop, MAX_BITS, probabilityOf, sign, TOP } from '../shared/models';

let range: u32 = 0xffffffff;
let code: u32 = 0;
let position: usize = 0;
let end: usize = 0;

@inline function nextByte(): u32 {
  if (position < end) return <u32>load<u8>(position++);
  position++;
  return 0;
}

/** A fresh decoder of the stream at [at, at + length). */
export function startStream(at: usize, length: usize): void {
  position = at;
  end = at + length;
  range = 0xffffffff;
  code = 0;
  for (let i = 0; i < 4; i++) code = (code << 8) | nextByte();
}

/** The range coder's step: the bit whose part of the range, below `bound` (0) or above it (1), holds the code. */
@inline function split(bound: u32): i32 {
  let bit = 0;
  if (code < bound) {
    range = bound;
  } else {
    code -= bound;
    range -= bound;
    bit = 1;
  }
  while (range < TOP) {
    range <<= 8;
    code = (code << 8) | nextByte();
  }
  return bit;
}

/** Whether the decoder read exactly the stream's bytes. */
export function streamConsumed(): bool {
  return position === end;
}

@inline export function decodeBit(m: i32): i32 {
  const p = probabilityOf(m);
  const bit = split((range >>> 16) * <u32>p);
  adapt(m, bit);
  return bit;
}

export function decodeDirect(bitCount: i32): i32 {
  let value = 0;
  for (let b = 0; b < bitCount; b++) value = value * 2 + split(range >>> 1);
  return value;
}

export function decodeNonZero(context: i32): i32 {
  const level = context >> 4;
  if (decodeBit(escape + level) === 1) return ESCAPE;
  const negative = decodeBit(sign + level);
  const magnitudeBase = magnitude + context * 32;
  let b = 0;
  while (b < MAX_BITS && decodeBit(magnitudeBase + b) === 1) b++;
  let value = 1;
  if (b >= 1) value = value * 2 + decodeBit(mantissaTop + level * 32 + b);
  if (b >= 2) value = value * 2 + decodeBit(mantissaSecond + b * 2 + (value & 1));
  if (b >= 3) value = value * (1 << (b - 2)) + decodeDirect(b - 2);
  return negative ? -value : value;
}
