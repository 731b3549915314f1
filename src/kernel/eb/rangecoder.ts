// A small binary adaptive range coder (LZMA-style carry handling) in pure integer arithmetic, so
// that encoder and decoder agree bit for bit on every machine.

const TOP = 2 ** 24;
const TWO32 = 2 ** 32;
/** Probabilities are 16-bit: P(bit = 0) = p / 65536, kept within [PROB_MIN, 65536 - PROB_MIN]. */
const PROB_ONE = 65536;
const PROB_MIN = 31;

/**
 * An adaptive estimate of P(bit = 0). Two estimators adapting at different speeds are averaged:
 * the fast one tracks local changes, the slow one is precise in stationary stretches. Both start
 * with a count-based rate (1 / (n + 2)) so that rarely used contexts learn quickly.
 */
export class BitModel {
  private fast = PROB_ONE / 2;
  private slow = PROB_ONE / 2;
  private count = 0;

  constructor(private readonly fastLimit = 16, private readonly slowLimit = 128) {}

  probabilityOfZero(): number {
    const p = (this.fast + this.slow) >>> 1;
    return p < PROB_MIN ? PROB_MIN : p > PROB_ONE - PROB_MIN ? PROB_ONE - PROB_MIN : p;
  }

  update(bit: number): void {
    const target = bit ? 0 : PROB_ONE;
    const n = this.count + 2;
    this.fast += Math.trunc((target - this.fast) / (n < this.fastLimit ? n : this.fastLimit));
    this.slow += Math.trunc((target - this.slow) / (n < this.slowLimit ? n : this.slowLimit));
    if (this.count < this.slowLimit) this.count++;
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

  encodeBit(model: BitModel, bit: number): void {
    this.encodeWithProbability(model.probabilityOfZero(), bit);
    model.update(bit);
  }

  /** Bits with probability 1/2 each (no model), most significant first. */
  encodeDirect(value: number, bitCount: number): void {
    for (let b = bitCount - 1; b >= 0; b--) this.encodeWithProbability(PROB_ONE / 2, Math.floor(value / 2 ** b) % 2);
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

  decodeBit(model: BitModel): number {
    const bit = this.decodeWithProbability(model.probabilityOfZero());
    model.update(bit);
    return bit;
  }

  decodeDirect(bitCount: number): number {
    let value = 0;
    for (let b = 0; b < bitCount; b++) value = value * 2 + this.decodeWithProbability(PROB_ONE / 2);
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
