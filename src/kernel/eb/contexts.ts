// The context model: codes quantisation indices, predictor choices and small symbols with adaptive binary
// models over the range coder. The same object encodes or decodes, so both sides update identical models.
//
// An index q is coded as: a zero flag (context: level × neighbourhood activity); for q ≠ 0 an escape
// flag (the value is stored exactly), the sign, the magnitude's bit length b in unary (same context),
// the two bits below the top bit (adaptive), and the rest raw.

import { ESCAPE } from './quantizer';
import { BitModels, RangeDecoder, RangeEncoder } from './rangecoder';

export const LEVEL_BUCKETS = 4;
export const ACTIVITY_BUCKETS = 16;
const CONTEXTS = LEVEL_BUCKETS * ACTIVITY_BUCKETS;
const MAGNITUDE_BINS = 32;
/** Longest unary bit length: indices stay below 2^30. */
const MAX_BITS = 30;

/** Activity (weighted sum of neighbouring |q|) → bucket 0..15, by integer arithmetic only. */
function bucketOf(activity: number): number {
  if (activity < 3) return activity;
  const a = activity > 65535 ? 65535 : activity;
  const b = 31 - Math.clz32(a * a); // floor(2 log2 a)
  return b > ACTIVITY_BUCKETS - 1 ? ACTIVITY_BUCKETS - 1 : b;
}

/** bucketOf by table: the last bucket is reached at activity 256 (2 log2 256 = 16 > 15), every larger one is in it. */
const BUCKET_TABLE_SIZE = 512;
const BUCKET_TABLE = Uint8Array.from({ length: BUCKET_TABLE_SIZE }, (_, a) => bucketOf(a));

/**
 * Activity (≥ 0) → bucket 0..15: a table lookup in the hot loops (bucketOf's branches, taken at random with the
 * data, cost more than the lookup).
 */
export function activityBucket(activity: number): number {
  return activity < BUCKET_TABLE_SIZE ? BUCKET_TABLE[activity] : ACTIVITY_BUCKETS - 1;
}

/** Context of a point: its level bucket (0..3) and activity bucket. */
export function contextOf(level: number, activity: number): number {
  return (level < LEVEL_BUCKETS ? level : LEVEL_BUCKETS - 1) * ACTIVITY_BUCKETS + activityBucket(activity);
}

/** Run lengths up to 2^30 − 1 (a slab holds at most 2^28 values: codec.ts MAX_SLAB_VALUES). */
const RUN_BITS = 30;

export class IndexCoder {
  /** The first zero-flag model (one per context): read by the encoder's hot loop (pointcoder.ts). */
  readonly zero: number;
  private readonly escape: number;
  private readonly sign: number;
  private readonly magnitude: number;
  private readonly mantissaTop: number;
  private readonly mantissaSecond: number;
  private readonly choice: number;
  private readonly symbol: number;
  private readonly specialKind: number;
  private readonly runs: number;
  readonly encoder: RangeEncoder | undefined;
  private readonly decoder: RangeDecoder | undefined;

  private constructor(models: BitModels, encoder?: RangeEncoder, decoder?: RangeDecoder) {
    this.zero = models.add(CONTEXTS);
    this.escape = models.add(LEVEL_BUCKETS, 16, 256);
    this.sign = models.add(LEVEL_BUCKETS);
    this.magnitude = models.add(CONTEXTS * MAGNITUDE_BINS);
    this.mantissaTop = models.add(LEVEL_BUCKETS * MAGNITUDE_BINS);
    this.mantissaSecond = models.add(MAGNITUDE_BINS * 2);
    this.choice = models.add(64, 8, 32);
    this.symbol = models.add(64);
    // Added last: the models before keep their places, so slabs without special values code as before.
    this.specialKind = models.add(4);
    this.runs = models.add(2 * RUN_BITS);
    this.encoder = encoder;
    this.decoder = decoder;
  }

  static forEncoding(expectedBytes = 1 << 16): IndexCoder {
    const models = new BitModels(CONTEXTS * MAGNITUDE_BINS + 512);
    return new IndexCoder(models, new RangeEncoder(models, expectedBytes));
  }

  static forDecoding(stream: Uint8Array): IndexCoder {
    const models = new BitModels(CONTEXTS * MAGNITUDE_BINS + 512);
    return new IndexCoder(models, undefined, new RangeDecoder(stream, models));
  }

  get encoding(): boolean {
    return this.encoder !== undefined;
  }

  /** Bytes of the stream so far (encoder). */
  get size(): number {
    return this.encoder ? this.encoder.size : 0;
  }

  finish(): Uint8Array {
    if (!this.encoder) throw new Error('finish() is for the encoder');
    return this.encoder.finish();
  }

  /** True when the decoder read exactly the bytes the encoder wrote. */
  consumedExactly(): boolean {
    return this.decoder ? this.decoder.consumedExactly() : true;
  }

  /** Codes index q (or ESCAPE) in `context` (contextOf). The zero flag inline: most indices are 0. */
  encodeIndex(q: number, context: number): void {
    if (q === 0) this.encoder!.encodeBit(this.zero + context, 0);
    else this.encodeNonZero(q, context);
  }

  /** Codes a non-zero index (or ESCAPE), its zero flag included. */
  encodeNonZero(q: number, context: number): void {
    const encoder = this.encoder!;
    encoder.encodeBit(this.zero + context, 1);
    const level = context >> 4;
    if (q === ESCAPE) {
      encoder.encodeBit(this.escape + level, 1);
      return;
    }
    encoder.encodeBit(this.escape + level, 0);
    encoder.encodeBit(this.sign + level, q < 0 ? 1 : 0);
    const m = q < 0 ? -q : q;
    const bits = 31 - Math.clz32(m);
    const magnitudeBase = this.magnitude + context * MAGNITUDE_BINS;
    let b = 0;
    for (; b < MAX_BITS; b++) {
      const more = bits > b ? 1 : 0;
      encoder.encodeBit(magnitudeBase + b, more);
      if (more === 0) break;
    }
    if (b >= 1) encoder.encodeBit(this.mantissaTop + level * MAGNITUDE_BINS + b, (m >> (b - 1)) & 1);
    if (b >= 2) encoder.encodeBit(this.mantissaSecond + b * 2 + ((m >> (b - 1)) & 1), (m >> (b - 2)) & 1);
    if (b >= 3) encoder.encodeDirect(m & ((1 << (b - 2)) - 1), b - 2);
  }

  /** Reads what encodeIndex wrote: an index, or ESCAPE. */
  decodeIndex(context: number): number {
    return this.decoder!.decodeBit(this.zero + context) === 0 ? 0 : this.decodeNonZero(context);
  }

  private decodeNonZero(context: number): number {
    const decoder = this.decoder!;
    const level = context >> 4;
    if (decoder.decodeBit(this.escape + level) === 1) return ESCAPE;
    const negative = decoder.decodeBit(this.sign + level);
    const magnitudeBase = this.magnitude + context * MAGNITUDE_BINS;
    let b = 0;
    while (b < MAX_BITS && decoder.decodeBit(magnitudeBase + b) === 1) b++;
    let value = 1;
    if (b >= 1) value = value * 2 + decoder.decodeBit(this.mantissaTop + level * MAGNITUDE_BINS + b);
    if (b >= 2) value = value * 2 + decoder.decodeBit(this.mantissaSecond + b * 2 + (value & 1));
    if (b >= 3) value = value * (1 << (b - 2)) + decoder.decodeDirect(b - 2);
    return negative ? -value : value;
  }

  /** A predictor choice 0..2^bits−1 (bits ≤ 3) down a binary tree, in the context of the previous choice. */
  codeChoice(choice: number, previous: number, bits: number): number {
    const base = this.choice + (previous & 7) * 8;
    let node = 1;
    for (let b = bits - 1; b >= 0; b--) node = node * 2 + this.bit(base + node, (choice >> b) & 1);
    return node - (1 << bits);
  }

  /** A small symbol 0..2^bits−1 (bits ≤ 3) with adaptive models of group `group` (0..3). */
  codeSymbol(value: number, bits: number, group: number): number {
    let node = 1;
    for (let b = bits - 1; b >= 0; b--) node = node * 2 + this.bit(this.symbol + ((group * 16 + node) & 63), (value >> b) & 1);
    return node - (1 << bits);
  }

  /** The kind of a special value (pointcoder.ts SPECIAL_*), 0..3, down a binary tree of its own models. */
  codeSpecialKind(kind: number): number {
    const high = this.bit(this.specialKind + 1, (kind >> 1) & 1);
    return high * 2 + this.bit(this.specialKind + 2 + high, kind & 1);
  }

  /**
   * A run length n ≥ 0 of `group` (0..1): Elias gamma of n + 1, its bit count in unary with adaptive models of the
   * group, then the bits below its top one as they are.
   */
  codeRun(n: number, group: number): number {
    const base = this.runs + group * RUN_BITS;
    if (this.encoder) {
      const m = n + 1;
      const top = 31 - Math.clz32(m);
      if (!(n >= 0 && top < RUN_BITS)) throw new RangeError(`run length ${n} out of range`);
      for (let b = 0; b < top; b++) this.encoder.encodeBit(base + b, 1);
      this.encoder.encodeBit(base + top, 0);
      this.encoder.encodeDirect(m - (1 << top), top);
      return n;
    }
    let top = 0;
    while (this.decoder!.decodeBit(base + top) === 1) {
      if (++top >= RUN_BITS) throw new RangeError('a run longer than any slab');
    }
    return (1 << top) + this.decoder!.decodeDirect(top) - 1;
  }

  private bit(model: number, bit: number): number {
    if (this.encoder) {
      this.encoder.encodeBit(model, bit);
      return bit;
    }
    return this.decoder!.decodeBit(model);
  }
}
