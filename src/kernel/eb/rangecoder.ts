// A binary adaptive range coder (LZMA-style carry handling) in pure integer arithmetic, so that the
// encoder and the decoder agree bit for bit on every machine, and the adaptive bit models it codes with.
// Hot path of the whole coder: every method here runs once per coded bit, so state lives in typed
// arrays and fields, and nothing allocates per bit (the encoder's output buffer grows by doubling).

export const TOP = 2 ** 24;
const TWO32 = 2 ** 32;
/** Probabilities are 16-bit: P(bit = 0) = p / 65536, kept within [PROB_MIN, PROB_ONE − PROB_MIN]. */
const PROB_ONE = 65536;
const PROB_HALF = PROB_ONE / 2;
export const PROB_MIN = 31;
export const PROB_MAX = PROB_ONE - PROB_MIN;
/** The fewest bits a modelled decision costs: its likelier outcome has probability PROB_MAX / PROB_ONE at most. */
export const MIN_BITS_PER_DECISION = -Math.log2(PROB_MAX / PROB_ONE);

/** Slots per model in BitModels.state: fast estimate, slow estimate, updates seen, limits (fast | slow << 16). */
export const STRIDE = 4;
/** RECIPROCAL[d] ≈ 2^14 / d: an adaptation rate 1/d as a multiply and a shift. */
const RECIPROCAL = Int32Array.from({ length: 1025 }, (_, d) => (d === 0 ? 0 : Math.round(16384 / d)));

/**
 * A bank of adaptive estimates of P(bit = 0), one per model index. Each model averages two estimators
 * adapting at different speeds: the fast one tracks local changes, the slow one is precise in
 * stationary stretches. Both start with a count-based rate 1/(n + 2), so rarely used contexts learn
 * quickly, until the rate reaches the model's limit.
 */
export class BitModels {
  state: Int32Array;
  private used = 0;

  constructor(capacity = 64) {
    this.state = new Int32Array(capacity * STRIDE);
  }

  get size(): number {
    return this.used;
  }

  /** Adds `n` fresh models (rates down to 1/fastLimit and 1/slowLimit, each ≤ 1024) and returns the first index. */
  add(n: number, fastLimit = 16, slowLimit = 128): number {
    if (!(fastLimit >= 2 && slowLimit >= 2 && fastLimit <= 1024 && slowLimit <= 1024)) throw new RangeError('bit model limits out of range');
    if ((this.used + n) * STRIDE > this.state.length) {
      const grown = new Int32Array(Math.max(this.used + n, 2 * (this.state.length / STRIDE)) * STRIDE);
      grown.set(this.state);
      this.state = grown;
    }
    const first = this.used;
    for (let m = first; m < first + n; m++) {
      const k = m * STRIDE;
      this.state[k] = PROB_HALF;
      this.state[k + 1] = PROB_HALF;
      this.state[k + 2] = 0;
      this.state[k + 3] = fastLimit | (slowLimit << 16);
    }
    this.used += n;
    return first;
  }

  /** P(bit = 0) of model m, in 1/65536. */
  probabilityOfZero(m: number): number {
    const k = m * STRIDE;
    return clampProbability((this.state[k] + this.state[k + 1]) >> 1);
  }
}

function clampProbability(p: number): number {
  return p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p;
}

/** Moves model m's estimates toward `bit` (state = BitModels.state). */
export function adapt(state: Int32Array, m: number, bit: number): void {
  const k = m * STRIDE;
  const target = bit === 0 ? PROB_ONE : 0;
  const count = state[k + 2];
  const limits = state[k + 3];
  const fastLimit = limits & 0xffff;
  const slowLimit = limits >>> 16;
  const n = count + 2;
  const fast = state[k];
  const slow = state[k + 1];
  state[k] = fast + (Math.imul(target - fast, RECIPROCAL[n < fastLimit ? n : fastLimit]) >> 14);
  state[k + 1] = slow + (Math.imul(target - slow, RECIPROCAL[n < slowLimit ? n : slowLimit]) >> 14);
  if (count < slowLimit) state[k + 2] = count + 1;
}

export class RangeEncoder {
  /** The coder's state: public for the encoder's hot loop (pointcoder.ts encodeStrip), which keeps it in locals. */
  low = 0;
  range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private bytes: Uint8Array;
  private length = 0;
  private skipFirst = true;

  constructor(readonly models: BitModels, initialCapacity = 1 << 16) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far (the final size is this plus at most 5). */
  get size(): number {
    return this.length;
  }

  encodeBit(m: number, bit: number): void {
    const state = this.models.state;
    const k = m * STRIDE;
    const p0 = clampProbability((state[k] + state[k + 1]) >> 1);
    const bound = (this.range >>> 16) * p0;
    if (bit === 0) {
      this.range = bound;
    } else {
      this.low += bound;
      this.range -= bound;
    }
    if (this.range < TOP) this.normalise();
    adapt(state, m, bit);
  }

  /** Bits with probability 1/2 each (no model), most significant first; bitCount ≤ 30. */
  encodeDirect(value: number, bitCount: number): void {
    for (let b = bitCount - 1; b >= 0; b--) {
      const half = this.range >>> 1;
      if (((value >> b) & 1) === 0) {
        this.range = half;
      } else {
        this.low += half;
        this.range -= half;
      }
      if (this.range < TOP) this.normalise();
    }
  }

  finish(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.bytes.slice(0, this.length);
  }

  /** Renormalises once range < TOP (public for the hot loop that keeps the state in locals). */
  normalise(): void {
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

  constructor(private readonly bytes: Uint8Array, readonly models: BitModels) {
    for (let i = 0; i < 4; i++) this.code = (this.code * 256 + this.nextByte()) >>> 0;
  }

  decodeBit(m: number): number {
    const state = this.models.state;
    const k = m * STRIDE;
    const p0 = clampProbability((state[k] + state[k + 1]) >> 1);
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
    if (this.range < TOP) this.normalise();
    adapt(state, m, bit);
    return bit;
  }

  decodeDirect(bitCount: number): number {
    let value = 0;
    for (let b = 0; b < bitCount; b++) {
      const half = this.range >>> 1;
      let bit = 0;
      if (this.code < half) {
        this.range = half;
      } else {
        this.code -= half;
        this.range -= half;
        bit = 1;
      }
      if (this.range < TOP) this.normalise();
      value = value * 2 + bit;
    }
    return value;
  }

  /** True when the decoder read exactly the bytes the encoder wrote. */
  consumedExactly(): boolean {
    return this.overrun === 0 && this.position === this.bytes.length;
  }

  private normalise(): void {
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.code = (this.code * 256 + this.nextByte()) >>> 0;
    }
  }

  private nextByte(): number {
    if (this.position < this.bytes.length) return this.bytes[this.position++];
    this.overrun++;
    return 0;
  }
}
