// Declared missing values (netCDF/CF `_FillValue` and `missing_value`, in netCDF and HDF5 files), so that a rel
// bound's range and the coder see only real values (a fill of -1e34 otherwise makes the range 1e34 and a rel:1e-4
// bound 1e30, and every real value is lost), and the missing values come back exactly as declared:
// - a float array's are read as NaN and written back as the declared value, which the coder keeps exactly as it
//   keeps every NaN;
// - an integer array's (packed data: int16 with scale_factor and _FillValue -32767) stay in its data, and its
//   float64 values, which the coder and every check see, are NaN there (missingAsNaN); decoded, NaN becomes the
//   declared value again (restoreMissing), and no real value comes back as it: the quantiser never reconstructs one
//   as it (EbGlobals.missing), and a slab where one would come back as it all the same is stored losslessly.
// The array's attributes carry MASKED_FILL for both.
import { BalerError } from '../errors';
import type { DType, TypedArray } from '../types';
import { castOne, INTEGER_RANGES, isIntegerDtype } from './dtype';
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
  return dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
}

/** The shortest digits that read back as this value of a float dtype (a float32's -1e+34, not -9.999999790214768e+33). */
export function shownAsFloatOf(v: number, dtype: DType): number {
  for (let digits = 1; digits < 17; digits++) {
    const shown = Number(v.toPrecision(digits));
    if (castOne(shown, dtype) === v) return shown;
  }
  return v;
}

function floatMissingValues(attrs: Record<string, unknown>, dtype: DType): number[] {
  // As the array holds them: a marker of -9999 is -10000 in float16.
  return declaredMissingValues(attrs, (v) => castOne(v, dtype));
}

/** An integer dtype whose values float64 holds exactly (not int64/uint64), whose missing values can be NaN there. */
function maskableInteger(dtype: DType): boolean {
  return isIntegerDtype(dtype) && dtype !== 'int64' && dtype !== 'uint64';
}

/** The missing values an integer array can hold: the declared ones that are integers within its dtype's range. */
function integerMissingValues(attrs: Record<string, unknown>, dtype: DType): number[] {
  const [low, high] = INTEGER_RANGES[dtype] ?? [0, -1];
  return declaredMissingValues(attrs).filter((v) => Number.isInteger(v) && v >= low && v <= high);
}

/** netCDF's default fill of a float variable (NC_FILL_FLOAT, NC_FILL_DOUBLE): what an unwritten value holds. */
const NETCDF_DEFAULT_FLOAT_FILL = 9.9692099683868690e36;

/**
 * A netCDF variable's attributes, with netCDF's default fill as its _FillValue where a float variable declares no
 * missing value: netCDF4-python masks it, and netCDF4-python's masked arrays are written with it, so that it
 * otherwise set a rel bound's range to 1e37 and every real value was lost. Only to read with: never written.
 */
export function withNetcdfDefaultFill(attrs: Record<string, unknown>, dtype: DType): Record<string, unknown> {
  if ((dtype !== 'float32' && dtype !== 'float64') || MISSING_VALUE_ATTRIBUTES.some((name) => name in attrs)) return attrs;
  return { ...attrs, _FillValue: NETCDF_DEFAULT_FLOAT_FILL };
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
 * The array's attributes entry for its one declared missing value (float, or an integer its dtype can hold; see
 * the top of this file), or nothing.
 */
export function maskedFillAttribute(attrs: Record<string, unknown>, dtype: DType): Record<string, number> {
  const fills = maskableInteger(dtype) ? integerMissingValues(attrs, dtype) : declaredFills(attrs, dtype);
  return fills.length === 1 ? { [MASKED_FILL]: fills[0] } : {};
}

/**
 * `exact` and why, for an array whose missing values no NaN can stand for: an array that declares two different
 * ones, and a 64-bit integer array that declares one; nothing otherwise.
 */
export function fillExactness(attrs: Record<string, unknown>, dtype: DType): Pick<ArraySource, 'exact' | 'exactReason'> {
  if (isIntegerDtype(dtype) && !maskableInteger(dtype)) {
    const fills = declaredMissingValues(attrs);
    if (fills.length === 0) return {};
    return {
      exact: true,
      exactReason: `a 64-bit integer array with the declared missing value ${fills.join(', ')}: under a bound its missing values could move and its real values become missing, so it is kept exact`,
    };
  }
  const fills = isFloat(dtype) ? floatMissingValues(attrs, dtype) : integerMissingValues(attrs, dtype);
  if (fills.length < 2) return {};
  return {
    exact: true,
    exactReason: `an array with two declared missing values (${fills.map((v) => shownAsFloatOf(v, dtype)).join(', ')}): one NaN could not stand for both when written back, so it is kept exact`,
  };
}

/** The code of maskFills' refusal: the reader's `unmasked` array (ArraySource) reads such an array as written. */
export const NAN_BESIDE_FILL = 'ENANFILL';

/** Replaces the missing values by NaN in place; a NaN already there could not be told from them and is refused. */
export function maskFills(data: TypedArray, fills: number[], what: string, file: string): void {
  if (fills.length === 0) return;
  const values = data as Float32Array | Float64Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      throw new BalerError(`${what} holds NaN as well as its declared missing value ${fills[0]}, which is read as NaN: the two could not be told apart when written back`, file, NAN_BESIDE_FILL);
    }
    if (fills.includes(v)) values[i] = NaN;
  }
}

/**
 * An array that declares missing values (`fills`), read with them as NaN (`readAsWritten`, then maskFills); its
 * `unmasked` twin, for when it also holds NaN (maskFills refuses it), reads it as written and is kept exact, so
 * that both its NaN and its missing values come back as they were.
 */
export function withFillMask(
  array: Omit<ArraySource, 'readSlab'>, fills: number[], readAsWritten: ArraySource['readSlab'], what: string, file: string,
): ArraySource {
  const masked: ArraySource = {
    ...array,
    async readSlab(start, count, buffers) {
      const slab = await readAsWritten(start, count, buffers);
      maskFills(slab.data, fills, what, file);
      return slab;
    },
  };
  if (fills.length === 0) return masked;
  const { [MASKED_FILL]: _masked, ...attributes } = array.attributes ?? {};
  const shown = fills.map((v) => shownAsFloatOf(v, array.dtype)).join(', ');
  masked.unmasked = () => ({
    ...array, attributes, exact: true, readSlab: readAsWritten,
    exactReason: `it holds NaN as well as its declared missing value ${shown}: kept exact, so that each comes back as it was`,
  });
  return masked;
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

/** An integer array's declared missing value, which its float64 values hold as NaN (undefined for other arrays). */
export function integerMissingOf(dtype: DType, attributes: Record<string, unknown> | undefined): number | undefined {
  return maskableInteger(dtype) ? maskedFillOf(attributes) : undefined;
}

/** The float64 values of integer `data` made NaN where it holds its missing value, in place. */
export function missingAsNaN(values: Float64Array, missing: number | undefined): void {
  if (missing === undefined) return;
  for (let i = 0; i < values.length; i++) if (values[i] === missing) values[i] = NaN;
}

/** A decoded integer slab: its data the missing value where its float64 values are NaN, and those NaN where its data holds it. */
export function restoreMissing(values: Float64Array, data: TypedArray, missing: number | undefined): void {
  if (missing === undefined) return;
  const out = data as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== values[i]) out[i] = missing;
    else if (out[i] === missing) values[i] = NaN;
  }
}

/** Whether a reconstruction brings a real value back as the missing value (its missing values are NaN there). */
export function reachesMissing(reconstruction: Float64Array, missing: number | undefined): boolean {
  if (missing === undefined) return false;
  for (let i = 0; i < reconstruction.length; i++) if (reconstruction[i] === missing) return true;
  return false;
}
