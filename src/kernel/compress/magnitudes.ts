// How a column's values spread over orders of magnitude, from a sample of them: a rel bound is a fraction of the
// range, so in a column spanning many decades (a lognormal concentration, a pT spectrum) most values may be
// smaller than the bound itself and come back with no digit of their own (0.0 for 84% of one such column at
// rel:1e-4). The histogram is of binary exponents, so "below the bound" is known to a factor of 2, enough to warn.

/** One row in SAMPLE_STRIDE is looked at: the histogram is for a warning, not a guarantee. */
const SAMPLE_STRIDE = 7;
/** Columns followed (a wide table's first ones): 2,100 counters each. */
const MAX_COLUMNS = 256;
/** float64's binary exponents, subnormals included, shifted to start at 0. */
const EXPONENTS = 2100;
const EXPONENT_OFFSET = 1075;

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);

function binaryExponent(v: number): number {
  word[0] = v;
  const biased = (halves[1] >>> 20) & 0x7ff;
  return biased === 0 ? -1074 : biased - 1023;
}

export class MagnitudeSample {
  private readonly counts: Uint32Array[];
  private readonly nonZero: number[];
  private rowsSeen = 0;

  constructor(private readonly columns: number) {
    const followed = Math.min(columns, MAX_COLUMNS);
    this.counts = Array.from({ length: followed }, () => new Uint32Array(EXPONENTS));
    this.nonZero = new Array<number>(followed).fill(0);
  }

  /** A slab of whole rows (`columns` values each; frames are one column). */
  add(values: Float64Array): void {
    const cols = this.columns;
    const followed = this.counts.length;
    const rows = Math.floor(values.length / cols);
    // Every SAMPLE_STRIDE-th row of the array, whole (a stride over values would see some columns of a table only),
    // counted across slabs so that the sample does not depend on where they start.
    for (let r = (SAMPLE_STRIDE - (this.rowsSeen % SAMPLE_STRIDE)) % SAMPLE_STRIDE; r < rows; r += SAMPLE_STRIDE) {
      for (let c = 0; c < followed; c++) {
        const v = values[r * cols + c];
        if (v === 0 || v - v !== 0) continue;
        this.counts[c][binaryExponent(v) + EXPONENT_OFFSET]++;
        this.nonZero[c]++;
      }
    }
    this.rowsSeen += rows;
  }

  /** How many binary orders of magnitude the largest sampled value is above the median magnitude (0 when none). */
  octavesAboveMedian(column: number): number {
    if (column >= this.counts.length || this.nonZero[column] === 0) return 0;
    const counts = this.counts[column];
    let top = counts.length - 1;
    while (top > 0 && counts[top] === 0) top--;
    return top - this.medianBin(column);
  }

  /** How many binary orders of magnitude `value` is above the column's median magnitude (0 when nothing sampled). */
  octavesAbove(column: number, value: number): number {
    if (column >= this.counts.length || this.nonZero[column] === 0 || value === 0) return 0;
    return binaryExponent(value) + EXPONENT_OFFSET - this.medianBin(column);
  }

  /**
   * Of a column's sampled non-zero values, the fraction within `octaves` binary orders of magnitude of `value`'s but
   * not of the same (0 when nothing sampled): near 0 for a marker that stands apart from the values, whatever its count.
   */
  fractionNear(column: number, value: number, octaves: number): number {
    if (column >= this.counts.length || this.nonZero[column] === 0 || value === 0) return 0;
    const bin = binaryExponent(value) + EXPONENT_OFFSET;
    const counts = this.counts[column];
    let near = 0;
    for (let e = Math.max(0, bin - octaves); e <= Math.min(counts.length - 1, bin + octaves); e++) if (e !== bin) near += counts[e];
    return near / this.nonZero[column];
  }

  private medianBin(column: number): number {
    const counts = this.counts[column];
    let median = 0;
    for (let seen = 0; median < counts.length; median++) {
      seen += counts[median];
      if (2 * seen >= this.nonZero[column]) break;
    }
    return median;
  }

  /** Of a column's sampled non-zero values, the fraction whose magnitude is below `tolerance` (to a factor of 2). */
  fractionBelow(column: number, tolerance: number): number {
    if (column >= this.counts.length || this.nonZero[column] === 0 || !(tolerance > 0)) return 0;
    const limit = binaryExponent(tolerance) + EXPONENT_OFFSET;
    let below = 0;
    for (let e = 0; e < limit; e++) below += this.counts[column][e];
    return below / this.nonZero[column];
  }
}
