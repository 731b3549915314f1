// Quantises one value at a time against a prediction made from already reconstructed values, and
// entropy-codes the quantisation index with context modelling. The same object runs the encoder and
// the decoder, so both make identical predictions, contexts and model updates.

import { BitModel, RangeDecoder, RangeEncoder } from './rangecoder';

/** Indices beyond this are not quantised: the value is stored exactly. */
const MAX_INDEX = 2 ** 30;
export const LEVEL_BUCKETS = 4;
export const ACTIVITY_BUCKETS = 16;
const CONTEXTS = LEVEL_BUCKETS * ACTIVITY_BUCKETS;
const MAGNITUDE_BINS = 32;
/** |q| recorded for an exactly stored value, for the contexts of its neighbours. */
const ESCAPE_ACTIVITY = 8;

/** How values map to the quantised domain and back (identity for abs/rel; log2 for pw-rel). */
export interface ValueDomain {
  /** Output value for reconstructed domain value r at index i (the decoder's exact arithmetic). */
  output(i: number, r: number): number;
  /** Domain value the predictors see for an exactly stored original value v (finite or not). */
  domainOfExact(v: number, prediction: number): number;
  /** Encoder only: whether output value y keeps the bound for original value at index i. */
  accepts?(i: number, y: number): boolean;
}

export interface PointCoderState {
  recon: Float64Array;
  output: Float64Array;
  absIndex: Int32Array;
}

/** Activity (weighted sum of neighbouring |q|) → bucket 0..15, by integer arithmetic only. */
export function activityBucket(activity: number): number {
  if (activity < 3) return activity;
  const a = activity > 65535 ? 65535 : activity;
  const b = 31 - Math.clz32(a * a); // floor(2 log2 a)
  return b > ACTIVITY_BUCKETS - 1 ? ACTIVITY_BUCKETS - 1 : b;
}

class Models {
  readonly escape = Array.from({ length: LEVEL_BUCKETS }, () => new BitModel(16, 256));
  readonly zero = Array.from({ length: CONTEXTS }, () => new BitModel());
  readonly sign = Array.from({ length: LEVEL_BUCKETS * 3 }, () => new BitModel());
  readonly magnitude = Array.from({ length: CONTEXTS * MAGNITUDE_BINS }, () => new BitModel());
  readonly mantissaTop = Array.from({ length: LEVEL_BUCKETS * MAGNITUDE_BINS }, () => new BitModel());
  readonly mantissaSecond = Array.from({ length: MAGNITUDE_BINS * 2 }, () => new BitModel());
  readonly choice = Array.from({ length: 64 }, () => new BitModel(8, 32));
  readonly symbol = Array.from({ length: 64 }, () => new BitModel());
}

export class PointCoder {
  readonly recon: Float64Array;
  readonly output: Float64Array;
  readonly absIndex: Int32Array;
  /** Points whose output is already known (pw-rel zeros and specials): nothing is coded for them. */
  readonly known: Uint8Array;
  /** Exactly stored originals, in coding order. */
  readonly exact: number[] = [];
  escapes = 0;
  hash = 0x811c9dc5;
  private exactCursor = 0;
  private readonly models = new Models();
  private readonly signOf: Int8Array;

  private constructor(
    size: number,
    readonly domain: ValueDomain,
    readonly integerValued: boolean,
    private readonly encoder?: RangeEncoder,
    private readonly decoder?: RangeDecoder,
    /** Encoder only: the values in the quantised domain. */
    private readonly target?: Float64Array,
    /** Encoder only: the original values (what exact storage keeps). */
    private readonly original?: Float64Array,
    exactIn?: number[],
  ) {
    this.recon = new Float64Array(size);
    this.output = new Float64Array(size);
    this.absIndex = new Int32Array(size);
    this.signOf = new Int8Array(size);
    this.known = new Uint8Array(size);
    if (exactIn) this.exact = exactIn;
  }

  static forEncoding(target: Float64Array, original: Float64Array, domain: ValueDomain, integerValued: boolean): PointCoder {
    return new PointCoder(target.length, domain, integerValued, new RangeEncoder(), undefined, target, original);
  }

  static forDecoding(size: number, stream: Uint8Array, exact: number[], domain: ValueDomain, integerValued: boolean): PointCoder {
    return new PointCoder(size, domain, integerValued, undefined, new RangeDecoder(stream), undefined, undefined, exact);
  }

  get encoding(): boolean {
    return this.encoder !== undefined;
  }

  finish(): Uint8Array {
    if (!this.encoder) throw new Error('finish() is for the encoder');
    return this.encoder.finish();
  }

  decoderConsumedExactly(): boolean {
    return this.decoder ? this.decoder.consumedExactly() : true;
  }

  exactRemaining(): number {
    return this.exact.length - this.exactCursor;
  }

  /** Original value at i (encoder only). */
  originalAt(i: number): number {
    return this.original![i];
  }

  targetAt(i: number): number {
    return this.target![i];
  }

  /** Codes a value stored exactly outside the prediction (pw-rel zeros/specials use this path). */
  takeExact(value?: number): number {
    if (this.encoder) {
      this.exact.push(value!);
      return value!;
    }
    if (this.exactCursor >= this.exact.length) throw new RangeError('exact values exhausted');
    return this.exact[this.exactCursor++];
  }

  /** A small symbol (0..2^bits−1) with adaptive binary models in slot group `group` (0..3). */
  codeSymbol(value: number, bits: number, group: number): number {
    let node = 1;
    for (let b = bits - 1; b >= 0; b--) {
      const model = this.models.symbol[(group * 16 + node) & 63];
      const bit = this.encoder ? (value >> b) & 1 : 0;
      node = node * 2 + this.bit(model, bit);
    }
    return node - (1 << bits);
  }

  /** A predictor choice 0..3 with context `previous` (the last choice). */
  codeChoice(choice: number, previous: number): number {
    const base = (previous & 3) * 4;
    const high = this.bit(this.models.choice[base + 1], (choice >> 1) & 1);
    const low = this.bit(this.models.choice[base + 2 + high], choice & 1);
    return high * 2 + low;
  }

  /**
   * Quantises (encoder) or reads (decoder) the value at index i against `prediction`, with step
   * `step` (0: only exact predictions), then sets recon/output/absIndex at i.
   */
  code(i: number, prediction: number, step: number, level: number, activity: number): void {
    if (this.known[i]) {
      this.recon[i] = Number.isFinite(prediction) ? prediction : 0;
      this.absIndex[i] = 0;
      return;
    }
    const levelBucket = level < LEVEL_BUCKETS ? level : LEVEL_BUCKETS - 1;
    const pred = this.integerValued ? Math.round(prediction) : prediction;
    let q = 0;
    let escape: number;
    if (this.encoder) {
      const found = this.findIndex(i, pred, step);
      escape = found === undefined ? 1 : 0;
      if (found !== undefined) q = found;
    } else {
      escape = 0;
    }
    escape = this.bit(this.models.escape[levelBucket], escape);
    if (escape) {
      const v = this.takeExact(this.original?.[i]);
      this.recon[i] = this.domain.domainOfExact(v, pred);
      this.output[i] = v;
      this.absIndex[i] = ESCAPE_ACTIVITY;
      this.escapes++;
      this.hash = Math.imul(this.hash ^ 0x5bd1e995, 16777619) >>> 0;
      return;
    }
    q = this.codeIndex(q, levelBucket * ACTIVITY_BUCKETS + activityBucket(activity), levelBucket);
    const r = step > 0 ? pred + q * step : pred;
    this.recon[i] = r;
    this.output[i] = this.domain.output(i, r);
    const m = q < 0 ? -q : q;
    this.absIndex[i] = m > 65535 ? 65535 : m;
    this.signOf[i] = q < 0 ? -1 : q > 0 ? 1 : 0;
    this.hash = Math.imul(this.hash ^ (q | 0), 16777619) >>> 0;
  }

  /** Sign of the last index coded at i (−1, 0, 1), for sign contexts of neighbours. */
  signAt(i: number): number {
    return this.signOf[i];
  }

  private findIndex(i: number, pred: number, step: number): number | undefined {
    const x = this.target![i];
    if (!Number.isFinite(x) || !Number.isFinite(pred)) return undefined;
    if (step === 0) return this.acceptable(i, pred) ? 0 : undefined;
    const t = (x - pred) / step;
    if (!(Math.abs(t) < MAX_INDEX)) return undefined;
    const q = Math.round(t);
    if (this.acceptable(i, pred + q * step)) return q;
    // Float rounding can push the nearest index just outside the bound; a neighbour may fit.
    const other = t > q ? q + 1 : q - 1;
    if (this.acceptable(i, pred + other * step)) return other;
    return undefined;
  }

  private acceptable(i: number, r: number): boolean {
    const y = this.domain.output(i, r);
    if (!Number.isFinite(y)) return false;
    return this.domain.accepts!(i, y);
  }

  /** −1, 0 or 1: the traversal's guess of the sign (e.g. a neighbour's), a context for the sign bit. */
  signHint = 0;

  private codeIndex(q: number, context: number, levelBucket: number): number {
    const models = this.models;
    const isZero = this.bit(models.zero[context], q === 0 ? 0 : 1) === 0;
    if (isZero) return 0;
    const negative = this.bit(models.sign[levelBucket * 3 + 1 + this.signHint], q < 0 ? 1 : 0);
    const m = q < 0 ? -q : q;
    // Magnitude m ≥ 1 as bucket b = floor(log2 m) (unary, adaptive) then the b bits below the top bit.
    const bucket = this.encoder ? 31 - Math.clz32(m) : 0;
    let b = 0;
    const magnitudeBase = context * MAGNITUDE_BINS;
    while (b < 30 && this.bit(models.magnitude[magnitudeBase + b], bucket > b ? 1 : 0)) b++;
    let value = 1;
    if (b >= 1) value = value * 2 + this.bit(models.mantissaTop[levelBucket * MAGNITUDE_BINS + b], (m >> (b - 1)) & 1);
    if (b >= 2) value = value * 2 + this.bit(models.mantissaSecond[b * 2 + (value & 1)], (m >> (b - 2)) & 1);
    if (b >= 3) {
      const rest = b - 2;
      const low = this.encoder ? m & ((1 << rest) - 1) : 0;
      if (this.encoder) this.encoder.encodeDirect(low, rest);
      value = value * (1 << rest) + (this.encoder ? low : this.decoder!.decodeDirect(rest));
    }
    return negative ? -value : value;
  }

  private bit(model: BitModel, bit: number): number {
    if (this.encoder) {
      this.encoder.encodeBit(model, bit);
      return bit;
    }
    return this.decoder!.decodeBit(model);
  }
}
