// What the encoder's plan and pass need to know of a slab's values, measured in one pass over them.

export interface ValueFacts {
  /** Some value is NaN or ±Inf. */
  specials: boolean;
  /** The largest |x| over the finite values (0 when none). */
  maxAbsFinite: number;
  /** Every value is finite and a float32. */
  finiteFloat32: boolean;
}

export function valueFacts(values: Float64Array): ValueFacts {
  let maxAbsFinite = 0;
  let finite = 0;
  let float32 = true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    finite += x - x; // NaN from the first non-finite value on
    const m = Math.abs(x);
    if (m > maxAbsFinite && m !== Infinity) maxAbsFinite = m;
    if (Math.fround(x) !== x) float32 = false;
  }
  const specials = finite !== 0;
  return { specials, maxAbsFinite, finiteFloat32: float32 && !specials };
}
