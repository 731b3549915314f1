// Quantises one value at a time against a prediction made from already reconstructed values, and
// entropy-codes the quantisation index with context modelling. The same object runs the encoder and
// the decoder, so both make identical predictions, contexts and model updates.

import { detExp2, detLog2 } from './detmath';
import { BitModels, RangeDecoder, RangeEncoder } from './rangecoder';

/** Indices beyond this are not quantised: the value is stored exactly. */
const MAX_INDEX = 2 ** 30;
export const LEVEL_BUCKETS = 4;
export const ACTIVITY_BUCKETS = 16;
const CONTEXTS = LEVEL_BUCKETS * ACTIVITY_BUCKETS;
const MAGNITUDE_BINS = 32;
/** |q| recorded for an exactly stored value, for the contexts of its neighbours. */
const ESCAPE_ACTIVITY = 8;

export const CLASS_POSITIVE = 0;
export const CLASS_NEGATIVE = 1;
export const CLASS_ZERO = 2;
export const CLASS_SPECIAL = 3;

/**
 * How values map to the quantised domain and back. 'absolute' (abs/rel bounds): the identity, every
 * value within `tolerance`. 'pointwise' (pw-rel): the domain is log2|x| with the sign kept in
 * `classes`, every value within `bound`·|x|.
 */
export type ValueDomain = { kind: 'absolute' } | { kind: 'pointwise'; classes: Uint8Array; bound: number };

/** Activity (weighted sum of neighbouring |q|) → bucket 0..15, by integer arithmetic only. */
export function activityBucket(activity: number): number {
  if (activity < 3) return activity;
  const a = activity > 65535 ? 65535 : activity;
  const b = 31 - Math.clz32(a * a); // floor(2 log2 a)
  return b > ACTIVITY_BUCKETS - 1 ? ACTIVITY_BUCKETS - 1 : b;
}

/** Indices of each group of adaptive models in one BitModels bank. */
class ModelLayout {
  readonly bank = new BitModels(CONTEXTS * MAGNITUDE_BINS + 512);
  readonly escape = this.bank.add(LEVEL_BUCKETS, 16, 256);
  readonly zero = this.bank.add(CONTEXTS);
  readonly sign = this.bank.add(LEVEL_BUCKETS * 3);
  readonly magnitude = this.bank.add(CONTEXTS * MAGNITUDE_BINS);
  readonly mantissaTop = this.bank.add(LEVEL_BUCKETS * MAGNITUDE_BINS);
  readonly mantissaSecond = this.bank.add(MAGNITUDE_BINS * 2);
  readonly choice = this.bank.add(64, 8, 32);
  readonly symbol = this.bank.add(64);
  /** Added after every older group, so older streams keep their model indices. */
  readonly wideChoice = this.bank.add(64, 8, 32);
}

export class PointCoder {
  readonly recon: Float64Array;
  readonly output: Float64Array;
  readonly absIndex: Int32Array;
  /** Points whose output is already known (pw-rel zeros and specials): nothing is coded for them. */
  readonly known: Uint8Array;
  /** Exactly stored originals, in coding order. */
  readonly exact: number[] = [];
  /** Absolute tolerance of the values being coded ('absolute' domain; the encoder's check). */
  tolerance = 0;
  escapes = 0;
  hash = 0x811c9dc5;
  private exactCursor = 0;
  private readonly models = new ModelLayout();
  private readonly bank: BitModels;
  private readonly pointwise: boolean;
  private readonly classes: Uint8Array;
  private readonly pointwiseBound: number;

  private constructor(
    size: number,
    domain: ValueDomain,
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
    this.known = new Uint8Array(size);
    this.bank = this.models.bank;
    this.pointwise = domain.kind === 'pointwise';
    this.classes = domain.kind === 'pointwise' ? domain.classes : new Uint8Array(0);
    this.pointwiseBound = domain.kind === 'pointwise' ? domain.bound : 0;
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

  /** The value at i in the quantised domain (encoder only). */
  targetAt(i: number): number {
    return this.target![i];
  }

  /** Encoder only: the values in the quantised domain. */
  get targets(): Float64Array {
    return this.target!;
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
      const bit = this.encoder ? (value >> b) & 1 : 0;
      node = node * 2 + this.bit(this.models.symbol + ((group * 16 + node) & 63), bit);
    }
    return node - (1 << bits);
  }

  /** A predictor choice 0..3 with context `previous` (the last choice). */
  codeChoice(choice: number, previous: number): number {
    const base = this.models.choice + (previous & 3) * 4;
    const high = this.bit(base + 1, (choice >> 1) & 1);
    const low = this.bit(base + 2 + high, choice & 1);
    return high * 2 + low;
  }

  /** A predictor choice 0..7 (three bits down a binary tree) with context `previous` (the last choice). */
  codeWideChoice(choice: number, previous: number): number {
    const base = this.models.wideChoice + (previous & 7) * 8;
    let node = 1;
    for (let b = 2; b >= 0; b--) node = node * 2 + this.bit(base + node, (choice >> b) & 1);
    return node - 8;
  }

  /**
   * Quantises (encoder) or reads (decoder) the value at index i against `prediction`, with step
   * `step` (0: only exact predictions), then sets recon/output/absIndex at i.
   */
  code(i: number, prediction: number, step: number, level: number, activity: number): void {
    if (this.known[i] !== 0) {
      this.recon[i] = Number.isFinite(prediction) ? prediction : 0;
      this.absIndex[i] = 0;
      return;
    }
    const levelBucket = level < LEVEL_BUCKETS ? level : LEVEL_BUCKETS - 1;
    const pred = this.integerValued ? Math.round(prediction) : prediction;
    const context = levelBucket * ACTIVITY_BUCKETS + activityBucket(activity);
    let q: number;
    if (this.encoder) {
      const found = this.findIndex(i, pred, step);
      this.encoder.encodeBit(this.bank, this.models.escape + levelBucket, found === ESCAPED ? 1 : 0);
      if (found === ESCAPED) return this.storeExact(i, pred);
      q = found;
      this.encodeIndex(this.encoder, q, context, levelBucket);
    } else {
      if (this.decoder!.decodeBit(this.bank, this.models.escape + levelBucket)) return this.storeExact(i, pred);
      q = this.decodeIndex(this.decoder!, context, levelBucket);
    }
    const r = step > 0 ? pred + q * step : pred;
    this.recon[i] = r;
    this.output[i] = this.pointwise ? this.pointwiseOutput(i, r) : r;
    const m = q < 0 ? -q : q;
    this.absIndex[i] = m > 65535 ? 65535 : m;
    this.hash = Math.imul(this.hash ^ (q | 0), 16777619) >>> 0;
  }

  private storeExact(i: number, pred: number): void {
    const v = this.takeExact(this.original?.[i]);
    this.recon[i] = this.pointwise
      ? Number.isFinite(v) && v !== 0 ? detLog2(Math.abs(v)) : Number.isFinite(pred) ? pred : 0
      : Number.isFinite(v) ? v : Number.isFinite(pred) ? pred : 0;
    this.output[i] = v;
    this.absIndex[i] = ESCAPE_ACTIVITY;
    this.escapes++;
    this.hash = Math.imul(this.hash ^ 0x5bd1e995, 16777619) >>> 0;
  }

  private pointwiseOutput(i: number, r: number): number {
    const magnitude = detExp2(r);
    return this.classes[i] === CLASS_NEGATIVE ? -magnitude : magnitude;
  }

  private findIndex(i: number, pred: number, step: number): number {
    const x = this.target![i];
    if (!Number.isFinite(x) || !Number.isFinite(pred)) return ESCAPED;
    if (step === 0) return this.acceptable(i, pred) ? 0 : ESCAPED;
    const t = (x - pred) / step;
    if (!(Math.abs(t) < MAX_INDEX)) return ESCAPED;
    const q = Math.round(t);
    if (this.acceptable(i, pred + q * step)) return q;
    // Float rounding can push the nearest index just outside the bound; a neighbour may fit.
    const other = t > q ? q + 1 : q - 1;
    if (this.acceptable(i, pred + other * step)) return other;
    return ESCAPED;
  }

  private acceptable(i: number, r: number): boolean {
    const original = this.original![i];
    if (!this.pointwise) return Number.isFinite(r) && Math.abs(r - original) <= this.tolerance;
    const y = this.pointwiseOutput(i, r);
    return Number.isFinite(y) && Math.abs(y - original) <= this.pointwiseBound * Math.abs(original);
  }

  // Index q: zero flag; sign; magnitude m ≥ 1 as bucket b = floor(log2 m) (unary, adaptive), then
  // the two bits below the top bit (adaptive) and the rest raw.

  private encodeIndex(encoder: RangeEncoder, q: number, context: number, levelBucket: number): void {
    const { bank, models } = this;
    encoder.encodeBit(bank, models.zero + context, q === 0 ? 0 : 1);
    if (q === 0) return;
    encoder.encodeBit(bank, models.sign + levelBucket * 3 + 1, q < 0 ? 1 : 0);
    const m = q < 0 ? -q : q;
    const bucket = 31 - Math.clz32(m);
    const magnitudeBase = models.magnitude + context * MAGNITUDE_BINS;
    let b = 0;
    for (; b < 30; b++) {
      const more = bucket > b ? 1 : 0;
      encoder.encodeBit(bank, magnitudeBase + b, more);
      if (!more) break;
    }
    if (b >= 1) encoder.encodeBit(bank, models.mantissaTop + levelBucket * MAGNITUDE_BINS + b, (m >> (b - 1)) & 1);
    if (b >= 2) encoder.encodeBit(bank, models.mantissaSecond + b * 2 + ((m >> (b - 1)) & 1), (m >> (b - 2)) & 1);
    if (b >= 3) encoder.encodeDirect(m & ((1 << (b - 2)) - 1), b - 2);
  }

  private decodeIndex(decoder: RangeDecoder, context: number, levelBucket: number): number {
    const { bank, models } = this;
    if (decoder.decodeBit(bank, models.zero + context) === 0) return 0;
    const negative = decoder.decodeBit(bank, models.sign + levelBucket * 3 + 1);
    const magnitudeBase = models.magnitude + context * MAGNITUDE_BINS;
    let b = 0;
    while (b < 30 && decoder.decodeBit(bank, magnitudeBase + b)) b++;
    let value = 1;
    if (b >= 1) value = value * 2 + decoder.decodeBit(bank, models.mantissaTop + levelBucket * MAGNITUDE_BINS + b);
    if (b >= 2) value = value * 2 + decoder.decodeBit(bank, models.mantissaSecond + b * 2 + (value & 1));
    if (b >= 3) value = value * (1 << (b - 2)) + decoder.decodeDirect(b - 2);
    return negative ? -value : value;
  }

  private bit(model: number, bit: number): number {
    if (this.encoder) {
      this.encoder.encodeBit(this.bank, model, bit);
      return bit;
    }
    return this.decoder!.decodeBit(this.bank, model);
  }
}

/** findIndex's answer when the value must be stored exactly. */
const ESCAPED = 0x7fffffff;
