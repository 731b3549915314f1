// A first pass over an array: what must be known before coding any slab (the range of each column over its
// finite values for rel bounds, whether every value is an integer, whether float64 holds it exactly).
import type { ErrorBound } from '../eb/bound';
import type { ArraySource } from '../data/source';
import { readFromText } from '../data/decimal-text';

export interface ArrayStats {
  /** Per column (tables) or one entry (frames): min and max over finite values; NaN when a column has none. */
  min: number[];
  max: number[];
  nonFinite: number;
  /** Every finite value is an integer. */
  integerValued: boolean;
  /** float64 holds every value exactly (false for 64-bit integers beyond ±2^53). */
  exactInFloat64: boolean;
  /** Every value has the same bytes: the value's little-endian bytes in the dtype (constant.ts). */
  constant?: Uint8Array;
  /** Per column of a table: kept exact whatever the bound (an integer column of its source whose every value is one). */
  exactColumns?: boolean[];
  /** Read from text (a CSV file) and written back as text: the tolerances leave room for its decimals (tolerances.ts). */
  writtenAsText?: boolean;
}

export class StatsAccumulator {
  private readonly min: number[];
  private readonly max: number[];
  private nonFinite = 0;
  private integerValued = true;
  private exactInFloat64 = true;
  /** Per column: a finite value that is not an integer was seen. */
  private readonly fractional: boolean[];

  constructor(private readonly columns: number) {
    this.min = new Array<number>(columns).fill(Infinity);
    this.max = new Array<number>(columns).fill(-Infinity);
    this.fractional = new Array<boolean>(columns).fill(false);
  }

  add(values: Float64Array, exact = true): void {
    if (!exact) this.exactInFloat64 = false;
    if (this.columns === 1) return this.addOneColumn(values);
    const cols = this.columns;
    const { min, max, fractional } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) {
        this.nonFinite++;
        continue;
      }
      const c = cols === 1 ? 0 : i % cols;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
      if (!fractional[c] && Math.floor(v) !== v) {
        this.integerValued = false;
        fractional[c] = true;
      }
    }
  }

  /** add() for frames (one column): the running figures in locals, about 4× faster than indexing the column's. */
  private addOneColumn(values: Float64Array): void {
    let min = this.min[0];
    let max = this.max[0];
    let fractional = this.fractional[0];
    let nonFinite = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) {
        nonFinite++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      if (!fractional && Math.floor(v) !== v) fractional = true;
    }
    this.min[0] = min;
    this.max[0] = max;
    this.nonFinite += nonFinite;
    if (fractional) {
      this.fractional[0] = true;
      this.integerValued = false;
    }
  }

  /**
   * With what the source says of its values: its integer columns (ArraySource.integerColumns), kept exact where every
   * value is an integer and another column holds real numbers (a table of integers alone is coded within the bound
   * like any other), and whether it was read from text.
   */
  result(source: Pick<ArraySource, 'integerColumns' | 'attributes'> = {}): ArrayStats {
    const integerColumns = source.integerColumns;
    const mixed = this.fractional.some(Boolean);
    const exact = mixed ? integerColumns?.filter((c) => c < this.columns && !this.fractional[c]) ?? [] : [];
    const none = (c: number) => this.min[c] > this.max[c];
    return {
      min: this.min.map((v, c) => (none(c) ? NaN : v)),
      max: this.max.map((v, c) => (none(c) ? NaN : v)),
      nonFinite: this.nonFinite,
      integerValued: this.integerValued,
      exactInFloat64: this.exactInFloat64,
      ...(exact.length > 0 ? { exactColumns: Array.from(this.fractional, (_, c) => exact.includes(c)) } : {}),
      ...(readFromText(source.attributes) ? { writtenAsText: true } : {}),
    };
  }
}

/** max − min of a column over its finite values (0 when it has none; MAX_VALUE when the span overflows). */
export function columnRange(stats: ArrayStats, column: number): number {
  const range = stats.max[column] - stats.min[column];
  if (!(range >= 0)) return 0;
  return Number.isFinite(range) ? range : Number.MAX_VALUE;
}

/** max − min over every column's finite values, as columnRange is of one. */
export function tableRange(stats: ArrayStats): number {
  const range = Math.max(...stats.max) - Math.min(...stats.min);
  if (!(range >= 0)) return 0;
  return Number.isFinite(range) ? range : Number.MAX_VALUE;
}

/**
 * The absolute tolerance each column may use: abs → the bound; rel → the bound × the column's finite range (one
 * entry for frames, one per column for tables); pw-rel → none. A column kept exact (exactColumns) has 0, and
 * abs then one entry per column too. The header stores them rounded down to float32
 * (tolerances.ts roundedTolerances), which is what the coder is given.
 */
export function tolerancesFor(bound: ErrorBound, stats: ArrayStats): number[] {
  if (bound.kind === 'pw-rel') return [];
  const exact = stats.exactColumns;
  if (bound.kind === 'abs' && !exact) return [bound.value];
  return stats.min.map((_, c) => (exact?.[c] ? 0 : bound.kind === 'abs' ? bound.value : bound.value * columnRange(stats, c)));
}
