// The special values (NaN, ±Inf) of a slab in the absolute domain as the point coder meets them: the traversal reads
// a finite stand-in at their places, and the values are written into the output at the end.

/**
 * Indices and values, in typed arrays grown by doubling: JavaScript arrays pushed millions of times took 4-5 times as
 * long (a land mask of 6.7 M NaN, 26% of a 100 MB field: 3 s of a 12 s compress).
 */
export class SpecialValues {
  private indices = new Int32Array(64);
  private values = new Float64Array(64);
  private count = 0;

  push(index: number, value: number): void {
    if (this.count === this.indices.length) this.grow();
    this.indices[this.count] = index;
    this.values[this.count++] = value;
  }

  /** Writes each value into `output` at its index, and forgets them. */
  writeInto(output: Float64Array): void {
    const { indices, values } = this;
    for (let k = 0; k < this.count; k++) output[indices[k]] = values[k];
    this.count = 0;
  }

  private grow(): void {
    const indices = new Int32Array(2 * this.count);
    const values = new Float64Array(2 * this.count);
    indices.set(this.indices);
    values.set(this.values);
    this.indices = indices;
    this.values = values;
  }
}
