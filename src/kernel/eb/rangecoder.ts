// A small binary adaptive range coder (LZMA-style carry handling) in pure integer arithmetic, so
// that encoder and decoder agree bit for bit on every machine.

const TOP = 2 ** 24;
const TWO32 = 2 ** 32;
/** Probabilities are 16-bit: P(bit = 0) = p / 65536, kept within [PROB_MIN, 65536 - PROB_MIN]. */
const PROB_ONE = 65536;
const PROB_HALF = PROB_ONE / 2;
const PROB_MIN = 31;

/**
 * A bank of adaptive estimates of P(bit = 0), one per model index, held in typed arrays. Each
 * model averages two estimators adapting at different speeds: the fast one tracks local changes,
 * the slow one is precise in stationary stretches. Both start with a count-based rate
 * (1 / (n + 2)) so that rarely used contexts learn quickly.
 */
export class BitModels {
  private fast: Int32Array;
  private slow: Int32Array;
  private count: Int32Array;
  private fastLimit: Int32Array;
  private slowLimit: Int32Array;
  private used = 0;

  constructor(capacity = 64) {
    this.fast = new Int32Array(capacity);
    this.slow = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.fastLimit = new Int32Array(capacity);
    this.slowLimit = new Int32Array(capacity);
  }

  /** Adds `n` fresh models and returns the index of the first. */
  add(n: number, fastLimit = 16, slowLimit = 128): number {
    if (this.used + n > this.fast.length) this.grow(Math.max(this.used + n, this.fast.length * 2));
    const first = this.used;
    this.fast.fill(PROB_HALF, first, first + n);
    this.slow.fill(PROB_HALF, first, first + n);
    this.fastLimit.fill(fastLimit, first, first + n);
    this.slowLimit.fill(slowLimit, first, first + n);
    this.used += n;
    return first;
  }

  probabilityOfZero(m: number): number {
    const p = (this.fast[m] + this.slow[m]) >>> 1;
    return p < PROB_MIN ? PROB_MIN : p > PROB_ONE - PROB_MIN ? PROB_ONE - PROB_MIN : p;
  }

  update(m: number, bit: number): void {
    const target = bit ? 0 : PROB_ONE;
    const count = this.count[m];
    const n = count + 2;
    const fastLimit = this.fastLimit[m];
    const slowLimit = this.slowLimit[m];
    const fast = this.fast[m];
    const slow = this.slow[m];
    // `| 0` truncates toward zero like Math.trunc: the operands stay within ±2^17.
    this.fast[m] = fast + (((target - fast) / (n < fastLimit ? n : fastLimit)) | 0);
    this.slow[m] = slow + (((target - slow) / (n < slowLimit ? n : slowLimit)) | 0);
    if (count < slowLimit) this.count[m] = count + 1;
  }

  private grow(capacity: number): void {
    const grown = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.fast = grown(this.fast);
    this.slow = grown(this.slow);
    this.count = grown(this.count);
    this.fastLimit = grown(this.fastLimit);
    this.slowLimit = grown(this.slowLimit);
  }
}

export class RangeEncoder {
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private bytes: Uint8Array = new Uint8Array(1 << 16);
  private length = 0;
  private skipFirst = true;

  encodeBit(models: BitModels, m: number, bit: number): void {
    this.encodeWithProbability(models.probabilityOfZero(m), bit);
    models.update(m, bit);
  }

  /** Bits with probability 1/2 each (no model), most significant first; bitCount ≤ 30. */
  encodeDirect(value: number, bitCount: number): void {
    for (let b = bitCount - 1; b >= 0; b--) this.encodeWithProbability(PROB_HALF, (value >> b) & 1);
  }

  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.bytes.slice(0, this.length);
  }

  private encodeWithProbability(p0: number, bit: number): void {
    const bound = (this.range >>> 16) * p0;
    if (bit === 0) {
      this.range = bound;
    } else {
      this.low += bound;
      this.range -= bound;
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= TWO32) {
      const carry = this.low >= TWO32 ? 1 : 0;
      let pending = this.cache;
      do {
        this.pushByte((pending + carry) & 0xff);
        pending = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }

  private pushByte(byte: number): void {
    // The very first byte LZMA emits is always 0: leave it out, the decoder assumes it.
    if (this.skipFirst) {
      this.skipFirst = false;
      return;
    }
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }
}

export class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private position = 0;
  /** Bytes the decoder wanted beyond the end of its input (a truncated or corrupted stream). */
  overrun = 0;

  constructor(private readonly bytes: Uint8Array) {
    for (let i = 0; i < 4; i++) this.code = (this.code * 256 + this.nextByte()) >>> 0;
  }

  decodeBit(models: BitModels, m: number): number {
    const bit = this.decodeWithProbability(models.probabilityOfZero(m));
    models.update(m, bit);
    return bit;
  }

  decodeDirect(bitCount: number): number {
    let value = 0;
    for (let b = 0; b < bitCount; b++) value = value * 2 + this.decodeWithProbability(PROB_HALF);
    return value;
  }

  /** True when the decoder read exactly the bytes the encoder wrote. */
  consumedExactly(): boolean {
    return this.overrun === 0 && this.position === this.bytes.length;
  }

  private decodeWithProbability(p0: number): number {
    const bound = (this.range >>> 16) * p0;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      bit = 0;
    } else {
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = (this.code * 256 + this.nextByte()) >>> 0;
    }
    return bit;
  }

  private nextByte(): number {
    if (this.position < this.bytes.length) return this.bytes[this.position++];
    this.overrun++;
    return 0;
  }
}
