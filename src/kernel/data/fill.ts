// Declared missing values of float arrays (netCDF/CF `_FillValue` and `missing_value`, in netCDF and HDF5 files):
// read as NaN, so that a rel bound's range and the coder see only real values (a fill of -1e34 otherwise makes
// the range 1e34 and a rel:1e-4 bound 1e30, and every real value is lost), and written back as the declared
// value, which the coder keeps exactly as it keeps every NaN. The array's attributes carry MASKED_FILL for that.
// Integer arrays cannot hold NaN (packed data: int16 with scale_factor and _FillValue -32767), and the coder has no
// mask for them: under a bound their missing values would move (and be seen as data) and widen a rel bound's
// range 30-fold, while a real value could become the missing value. Such an array is kept exact.
import { BalerError } from '../errors';
import type { DType, TypedArray } from '../types';
import { isIntegerDtype } from './dtype';
import type { ArraySource } from './source';

/** Key of an array's attributes that holds the value its NaNs are written back as. */
export const MASKED_FILL = 'maskedFill';

const MISSING_VALUE_ATTRIBUTES = ['_FillValue', 'missing_value'];

/** The finite missing values an array declares, in declaration order, without repeats. */
function declaredMissingValues(attrs: Record<string, unknown>, round: (v: number) => number = (v) => v): number[] {
  const fills: number[] = [];
  for (const name of MISSING_VALUE_ATTRIBUTES) {
    const value = attrs[name];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'number' && Number.isFinite(v) && !fills.includes(round(v))) fills.push(round(v));
    }
  }
  return fills;
}

function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

function floatMissingValues(attrs: Record<string, unknown>, dtype: DType): number[] {
  return declaredMissingValues(attrs, dtype === 'float32' ? Math.fround : undefined);
}

/**
 * The missing value a float array declares, read as NaN: none for other dtypes (they cannot hold NaN), and none
 * when it declares two different ones (one NaN could not stand for both: fillExactness keeps such an array exact).
 */
export function declaredFills(attrs: Record<string, unknown>, dtype: DType): number[] {
  if (!isFloat(dtype)) return [];
  const fills = floatMissingValues(attrs, dtype);
  return fills.length === 1 ? fills : [];
}

/**
 * `exact` and why, for an array whose missing values no NaN can stand for: an integer array that declares one, and
 * a float array that declares two different ones; nothing otherwise.
 */
export function fillExactness(attrs: Record<string, unknown>, dtype: DType): Pick<ArraySource, 'exact' | 'exactReason'> {
  if (isIntegerDtype(dtype)) {
    const fills = declaredMissingValues(attrs);
    if (fills.length === 0) return {};
    return {
      exact: true,
      exactReason: `an integer array with the declared missing value ${fills.join(', ')}: under a bound its missing values could move and its real values become missing, so it is kept exact`,
    };
  }
  const fills = isFloat(dtype) ? floatMissingValues(attrs, dtype) : [];
  if (fills.length < 2) return {};
  return {
    exact: true,
    // Shown as declared: a float32's shortest digits (-1e+34, not -9.999999790214768e+33).
    exactReason: `an array with two declared missing values (${fills.map((v) => Number(v.toPrecision(dtype === 'float32' ? 7 : 17))).join(', ')}): one NaN could not stand for both when written back, so it is kept exact`,
  };
}

/** Replaces the missing values by NaN in place; a NaN already there could not be told from them and is refused. */
export function maskFills(data: TypedArray, fills: number[], what: string, file: string): void {
  if (fills.length === 0) return;
  const values = data as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      throw new BalerError(`${what} holds NaN as well as its declared missing value ${fills[0]}, which is read as NaN: the two could not be told apart when written back`, file);
    }
    if (fills.includes(v)) values[i] = NaN;
  }
}

/** The value NaNs of an array are written back as (its attributes' MASKED_FILL), if any. */
export function maskedFillOf(attributes: Record<string, unknown> | undefined): number | undefined {
  const value = attributes?.[MASKED_FILL];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Writes the declared missing value back where the array holds NaN, in place. */
export function restoreFills(data: TypedArray, fill: number): void {
  const values = data as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) values[i] = fill;
}
