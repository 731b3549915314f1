// One point at a time: the traversals hand each point's prediction here, and the PointCoder composes the
// quantiser (index or exact storage), the context model (coding the index) and the exact-value store,
// and keeps what the traversals read back: the reconstruction and |index| of every point coded so far.
// The same object runs the encoder and the decoder, so both make identical predictions and contexts.

import { codeMaskRows, codeMaskRuns, type MaskRows } from './mask-rows';
import { SpecialValues } from './special-values';
import { detLog2 } from './detmath';
import { CAST_FLOAT32, CAST_OTHER, ExactReader, ExactWriter, ValueType } from './dtype';
import { ACTIVITY_BUCKETS, activityBucket, contextOf, IndexCoder, LEVEL_BUCKETS } from './contexts';
import { ESCAPE, MAX_INDEX, Quantizer } from './quantizer';
import { release, slabFloat64, slabUint8 } from '../parallel/slab-buffers';
import { adapt, PROB_MAX, PROB_MIN, STRIDE, TOP } from './rangecoder';

/** |q| recorded for an exactly stored value, for the contexts of its neighbours. */
const ESCAPE_ACTIVITY = 8;
const FNV_PRIME = 16777619;

/** pw-rel: the class of every value, coded before the traversal. */
export const CLASS_POSITIVE = 0;
export const CLASS_NEGATIVE = 1;
export const CLASS_ZERO = 2;
export const CLASS_SPECIAL = 3;

/** Set apart from the indices in the checksum (pointcoder.ts hashChoice; the modules' encodeChoice and decodeChoice). */
const CHOICE_TAG = 0x2c1b3c6d;

export function classOf(v: number): number {
  if (!(v - v === 0) || Object.is(v, -0)) return CLASS_SPECIAL; // NaN, ±Inf, −0: stored exactly
  return v > 0 ? CLASS_POSITIVE : v < 0 ? CLASS_NEGATIVE : CLASS_ZERO;
}

/**
 * A slab with special values (format 3, format.ts) codes what each one is as a symbol: no bytes for a NaN or an
 * infinity (a land mask of NaN cost its dtype's width per value as exact bytes); SPECIAL_EXACT: the exact store.
 */
const SPECIAL_EXACT = 0;
const SPECIAL_NAN = 1;
const SPECIAL_PLUS_INFINITY = 2;
const SPECIAL_MINUS_INFINITY = 3;

function specialKindOf(v: number): number {
  if (v !== v) return SPECIAL_NAN;
  return v === Infinity ? SPECIAL_PLUS_INFINITY : v === -Infinity ? SPECIAL_MINUS_INFINITY : SPECIAL_EXACT;
}

export class PointCoder {
  /** The reconstruction in the coding domain, which predictions read (absolute domain: also the output). */
  readonly recon: Float64Array;
  /** The values as written in the output dtype (the same array as recon in the absolute domain). */
  readonly output: Float64Array;
  /** min(|q|, 255) of every coded point, for the contexts. */
  readonly absIndex: Uint8Array;
  /**
   * pw-rel: the class of every value; points of class ZERO/SPECIAL are known and coded by no index. Absolute
   * domain with special values (`masked`): POSITIVE for a finite value, SPECIAL for NaN and ±Inf, the same way.
   */
  readonly classes: Uint8Array;
  /** Absolute domain: the non-finite values are known before the traversal (a mask) and skipped by it. */
  readonly masked: boolean;
  /** A masked slab's rows and frames when its mask is coded row by row (format 6), else it is coded as runs. */
  maskRows: MaskRows | undefined;
  /** The hash covers each block's predictor choice and a special's whole kind (formats 4 to 6). */
  checked = false;
  /** Encoder: the values in the coding domain (absolute: the originals; pointwise: log2|x|). */
  readonly targets: Float64Array;
  /** Checksum of every index in coding order (stored in the slab, checked by the decoder). */
  hash = 0x811c9dc5;
  escapes = 0;
  private readonly pointwise: boolean;
  /** Absolute domain: non-finite values stored exactly, patched into the output at the end. */
  private readonly specialValues = new SpecialValues();

  private constructor(
    size: number,
    readonly quantizer: Quantizer,
    readonly indices: IndexCoder,
    private readonly original: Float64Array | undefined,
    private readonly exactOut: ExactWriter | undefined,
    private readonly exactIn: ExactReader | undefined,
    /** The slab has special values, coded by kind (format 3). */
    private readonly specials: boolean,
  ) {
    this.pointwise = quantizer.domain === 'pointwise';
    this.masked = specials && !this.pointwise;
    this.recon = slabFloat64(size);
    this.output = this.pointwise ? slabFloat64(size) : this.recon;
    this.absIndex = slabUint8(size);
    this.classes = slabUint8(this.pointwise || this.masked ? size : 0);
    if (original && this.pointwise) {
      this.targets = slabFloat64(size);
      for (let i = 0; i < size; i++) {
        const c = classOf(original[i]);
        this.classes[i] = c;
        this.targets[i] = c <= CLASS_NEGATIVE ? detLog2(Math.abs(original[i])) : 0;
      }
    } else {
      this.targets = original ?? new Float64Array(0);
      if (original && this.masked) for (let i = 0; i < size; i++) this.classes[i] = original[i] - original[i] === 0 ? CLASS_POSITIVE : CLASS_SPECIAL;
    }
  }

  static forEncoding(original: Float64Array, quantizer: Quantizer, type: ValueType, expectedBytes?: number, specials = false): PointCoder {
    return new PointCoder(original.length, quantizer, IndexCoder.forEncoding(expectedBytes), original, new ExactWriter(type), undefined, specials);
  }

  static forDecoding(size: number, quantizer: Quantizer, stream: Uint8Array, exact: ExactReader, specials = false): PointCoder {
    return new PointCoder(size, quantizer, IndexCoder.forDecoding(stream), undefined, undefined, exact, specials);
  }

  get encoding(): boolean {
    return this.original !== undefined;
  }

  /**
   * pw-rel, or a masked slab: codes every value's class (context: the previous class), before the traversal;
   * zeros and specials become known.
   */
  codeClasses(): void {
    if (this.masked) return this.maskRows ? codeMaskRows(this, this.maskRows, this.classes.length) : codeMaskRuns(this, 0, this.classes.length);
    const { classes, indices, output } = this;
    let previous = 0;
    for (let i = 0; i < classes.length; i++) {
      const c = indices.codeSymbol(classes[i], 2, previous);
      classes[i] = c;
      previous = c;
      if (c === CLASS_SPECIAL) output[i] = this.special(i);
    }
  }

  /** Encoder: whether value i is special (a masked slab's classes, set from the originals). */
  isSpecial(i: number): boolean {
    return this.classes[i] === CLASS_SPECIAL;
  }

  /** Marks value i as special (its kind coded, its value kept for the output) or finite: the mask's coding (mask-rows.ts). */
  setMask(i: number, special: boolean): void {
    this.classes[i] = special ? CLASS_SPECIAL : CLASS_POSITIVE;
    if (special) {
      this.specialValues.push(i, this.special(i));
    }
  }

  /**
   * A block's predictor choice into the checksum (formats 4 to 6): without it a flipped bit could change a choice
   * while the block's indices decoded the same, and the slab decode to other values silently (7 of 71,616 single-bit
   * flips of small masked slabs did).
   */
  hashChoice(choice: number): void {
    if (this.checked) this.hash = Math.imul(this.hash ^ (CHOICE_TAG ^ choice), FNV_PRIME) >>> 0;
  }

  /** A special value: in format 3 NaN and ±Inf by their kind alone, any other (−0 under pw-rel) from the exact store; in format 2 all from it. */
  private special(i: number): number {
    if (!this.specials) return this.takeExact(i);
    const kind = this.indices.codeSpecialKind(this.original ? specialKindOf(this.original[i]) : 0);
    // Where the specials are and what they are goes into the checksum with the indices. Formats 2 and 3 put the kind
    // in the hash's top two bits, which a multiplication never carries down: two changed kinds could cancel.
    this.hash = this.checked
      ? Math.imul(Math.imul(this.hash ^ i, FNV_PRIME) ^ kind, FNV_PRIME) >>> 0
      : Math.imul(this.hash ^ (i + kind * 0x40000000), FNV_PRIME) >>> 0;
    if (kind === SPECIAL_NAN) return NaN;
    if (kind === SPECIAL_PLUS_INFINITY) return Infinity;
    return kind === SPECIAL_MINUS_INFINITY ? -Infinity : this.takeExact(i);
  }

  /**
   * Quantises (encoder) or reads (decoder) the value at flat index i against `prediction` with step
   * `step` at `level`, its neighbours' activity giving the context; sets recon/output/absIndex at i.
   */
  code(i: number, prediction: number, step: number, level: number, activity: number): void {
    const quantizer = this.quantizer;
    if (this.classes.length > 0 && this.classes[i] >= CLASS_ZERO) {
      this.recon[i] = prediction - prediction === 0 ? prediction : 0;
      this.absIndex[i] = 0;
      return;
    }
    const context = contextOf(level, activity);
    let q: number;
    if (this.original) {
      const x = this.original[i];
      q = this.pointwise
        ? quantizer.quantizePointwise(x, this.targets[i], this.classes[i] === CLASS_NEGATIVE, prediction, step)
        : quantizer.quantizeAbsolute(x, prediction, step);
      this.indices.encodeIndex(q, context);
      if (q === ESCAPE) this.storeExact(i, this.takeExact(i), prediction);
    } else {
      q = this.indices.decodeIndex(context);
      if (q === ESCAPE) this.storeExact(i, this.takeExact(i), prediction);
      else if (this.pointwise) quantizer.recoverPointwise(this.classes[i] === CLASS_NEGATIVE, prediction, q, step);
      else quantizer.recoverAbsolute(prediction, q, step);
    }
    if (q === ESCAPE) {
      this.absIndex[i] = ESCAPE_ACTIVITY;
      this.hash = Math.imul(this.hash ^ 0x5bd1e995, FNV_PRIME) >>> 0;
      return;
    }
    this.recon[i] = quantizer.recon;
    if (this.pointwise) this.output[i] = quantizer.output;
    const m = q < 0 ? -q : q;
    this.absIndex[i] = m > 255 ? 255 : m;
    this.hash = Math.imul(this.hash ^ q, FNV_PRIME) >>> 0;
  }

  /**
   * Codes a row of `count` points at the flat indices points[k] whose predictions are predictions[from + k]
   * (computed beforehand: nothing in a row predicts from the row itself) and whose context activity is
   * activities[k] plus, for k ≥ 1, chainWeight·|q| of the row's previous point. The hot loop of the
   * interpolation traversals: one call per row, no calls per point but the quantiser's and coder's.
   */
  codeStrip(
    points: Int32Array, count: number, predictions: Float64Array, from: number, activities: Int32Array,
    chainWeight: number, step: number, level: number,
  ): void {
    const absIndex = this.absIndex;
    if (this.pointwise || this.masked) {
      for (let k = 0; k < count; k++) {
        this.code(points[k], predictions[from + k], step, level, activities[k] + (k > 0 ? chainWeight * absIndex[points[k - 1]] : 0));
      }
      return;
    }
    const levelPart = (level < LEVEL_BUCKETS ? level : LEVEL_BUCKETS - 1) * ACTIVITY_BUCKETS;
    if (this.original !== undefined) this.encodeStrip(points, count, predictions, from, activities, chainWeight, step, levelPart);
    else this.decodeStrip(points, count, predictions, from, activities, chainWeight, step, levelPart);
  }

  // The encoder's strip and the decoder's apart, each with the quantiser's common case written inline.
  private encodeStrip(
    points: Int32Array, count: number, predictions: Float64Array, from: number, activities: Int32Array,
    chainWeight: number, step: number, levelPart: number,
  ): void {
    const { absIndex, recon, quantizer, indices } = this;
    const original = this.original!;
    const tolerance = quantizer.tolerance;
    // Real values in a float dtype, within a bound: the nearest index, accepted inline as quantizeAbsolute
    // would accept it (no numbers passed to a call per value); anything else through quantizeAbsolute.
    const inline = quantizer.grid === 0 && quantizer.cast !== CAST_OTHER && step > 0 && tolerance > 0;
    const float32 = quantizer.cast === CAST_FLOAT32;
    const encoder = indices.encoder!;
    const state = encoder.models.state;
    const zero = indices.zero;
    // Only `range` changes while zero flags of zero indices are coded (a bit 0 moves no `low`): kept in a local,
    // written back around every call that reads it.
    let range = encoder.range;
    let hash = this.hash;
    for (let k = 0; k < count; k++) {
      const i = points[k];
      const context = levelPart + activityBucket(k > 0 ? activities[k] + chainWeight * absIndex[points[k - 1]] : activities[k]);
      let q = ESCAPE;
      let accepted = false;
      if (inline) {
        const x = original[i];
        const p = predictions[from + k] + 0;
        const t = (x - p) / step;
        if (t < MAX_INDEX && t > -MAX_INDEX) {
          q = Math.round(t);
          const r = p + q * step;
          const out = float32 ? Math.fround(r) : r;
          if (Math.abs(out - x) <= tolerance) {
            recon[i] = out;
            accepted = true;
          }
        }
      }
      if (!accepted) {
        q = quantizer.quantizeAbsolute(original[i], predictions[from + k], step);
        if (q !== ESCAPE) recon[i] = quantizer.recon;
      }
      if (q === 0) {
        // The zero flag of a zero index (most are) is RangeEncoder.encodeBit written out, its state in locals.
        const model = zero + context;
        const s = model * STRIDE;
        const p = (state[s] + state[s + 1]) >> 1;
        range = (range >>> 16) * (p < PROB_MIN ? PROB_MIN : p > PROB_MAX ? PROB_MAX : p);
        if (range < TOP) {
          encoder.range = range;
          encoder.normalise();
          range = encoder.range;
        }
        adapt(state, model, 0);
        absIndex[i] = 0;
        hash = Math.imul(hash ^ 0, FNV_PRIME) >>> 0;
        continue;
      }
      encoder.range = range;
      indices.encodeNonZero(q, context);
      range = encoder.range;
      if (q === ESCAPE) {
        this.storeExact(i, this.takeExact(i), predictions[from + k]);
        absIndex[i] = ESCAPE_ACTIVITY;
        hash = Math.imul(hash ^ 0x5bd1e995, FNV_PRIME) >>> 0;
        continue;
      }
      const m = q < 0 ? -q : q;
      absIndex[i] = m > 255 ? 255 : m;
      hash = Math.imul(hash ^ q, FNV_PRIME) >>> 0;
    }
    encoder.range = range;
    this.hash = hash;
  }

  private decodeStrip(
    points: Int32Array, count: number, predictions: Float64Array, from: number, activities: Int32Array,
    chainWeight: number, step: number, levelPart: number,
  ): void {
    const { absIndex, recon, quantizer, indices } = this;
    // Real values in a float dtype: recoverAbsolute's arithmetic inline (no numbers passed to a call per value).
    const inline = quantizer.grid === 0 && quantizer.cast !== CAST_OTHER;
    const float32 = quantizer.cast === CAST_FLOAT32;
    let hash = this.hash;
    for (let k = 0; k < count; k++) {
      const i = points[k];
      const context = levelPart + activityBucket(k > 0 ? activities[k] + chainWeight * absIndex[points[k - 1]] : activities[k]);
      const q = indices.decodeIndex(context);
      if (q === ESCAPE) {
        this.storeExact(i, this.takeExact(i), predictions[from + k]);
        absIndex[i] = ESCAPE_ACTIVITY;
        hash = Math.imul(hash ^ 0x5bd1e995, FNV_PRIME) >>> 0;
        continue;
      }
      if (inline) {
        const r = predictions[from + k] + 0 + q * step;
        const out = float32 ? Math.fround(r) : r;
        recon[i] = out - out === 0 ? out : 0;
      } else {
        quantizer.recoverAbsolute(predictions[from + k], q, step);
        recon[i] = quantizer.recon;
      }
      const m = q < 0 ? -q : q;
      absIndex[i] = m > 255 ? 255 : m;
      hash = Math.imul(hash ^ q, FNV_PRIME) >>> 0;
    }
    this.hash = hash;
  }

  /** The reconstruction as written in the output dtype, special values included (call once, at the end). */
  finishOutput(): Float64Array {
    this.specialValues.writeInto(this.output);
    return this.output;
  }

  /**
   * Gives this coder's arrays back to the thread's slab buffers, but `output` when `keepOutput` (it is the caller's
   * then): call once, when nothing reads them any more, nor the coder.
   */
  release(keepOutput: boolean): void {
    release(this.absIndex, this.classes, this.pointwise ? this.targets : undefined);
    if (this.pointwise) release(this.recon);
    if (!keepOutput) release(this.output);
  }

  /** The coded stream, ended (encoder; call once). */
  finishStream(): Uint8Array {
    return this.indices.finish();
  }

  /** The exact values stored so far (encoder). */
  exactBytes(): Uint8Array {
    return this.exactOut ? this.exactOut.finish() : new Uint8Array(0);
  }

  get exactCount(): number {
    return this.exactOut ? this.exactOut.count : 0;
  }

  /** Exact values the decoder has not used (corruption when non-zero at the end). */
  get exactRemaining(): number {
    return this.exactIn ? this.exactIn.remaining : 0;
  }

  private takeExact(i: number): number {
    if (this.original) {
      return this.exactOut!.push(this.original[i], i);
    }
    return this.exactIn!.next();
  }

  private storeExact(i: number, value: number, prediction: number): void {
    const finite = value - value === 0;
    this.quantizer.exact(value, prediction, this.pointwise && finite && value !== 0 ? detLog2(Math.abs(value)) : 0);
    this.recon[i] = this.quantizer.recon;
    if (this.pointwise) {
      this.output[i] = value;
    } else if (!finite) {
      this.specialValues.push(i, value);
    }
    this.escapes++;
  }
}
