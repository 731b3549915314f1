// The numeric types of netCDF/HDF5 attributes, kept beside their values (`attrTypes` beside `attrs`) so that a
// file written back has them as read: the .baler holds attributes as JSON, which has no number types (a double
// add_offset of 10.0 came back an int, a float32 scale_factor a double; CF asks both to be of one type) and no NaN
// (xarray's default _FillValue of NaN came back as null, so was left out, and netCDF4-python masked nothing).

/**
 * HDF5 type letters of attributes written back in their own type. A 64-bit integer's value is kept in JSON as a
 * number where float64 holds it exactly, else as its decimal digits (a run number of 2^60), and written back as
 * BigInt; left to h5wasm's guess, an int64 of 5 came back an int32.
 */
const KEPT_TYPES = /^[<>|=]?([bBhHiIqQfd])$/;

/** The little-endian HDF5 type an attribute is written back as ('<d', '<h', ...), or nothing for other types. */
export function keptAttributeType(dtype: unknown): string | undefined {
  const match = typeof dtype === 'string' ? KEPT_TYPES.exec(dtype) : null;
  return match ? `<${match[1]}` : undefined;
}

/** netCDF-3 attribute types (as netcdfjs names them) as HDF5 types. */
const NETCDF3_TYPES: Record<string, string> = { byte: '<b', short: '<h', int: '<i', float: '<f', double: '<d' };

export function netcdf3AttributeType(type: unknown): string | undefined {
  return typeof type === 'string' ? NETCDF3_TYPES[type] : undefined;
}

export function isFloatAttributeType(type: string | undefined): boolean {
  return type === '<f' || type === '<d';
}

const NON_FINITE: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };

/** A value JSON keeps: NaN and ±Infinity (alone or in an array) as the strings 'NaN', 'Infinity', '-Infinity'. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}

/** The numbers of a float attribute stored by jsonSafe. */
export function restoreNonFinite(value: unknown): unknown {
  if (typeof value === 'string' && value in NON_FINITE) return NON_FINITE[value];
  if (Array.isArray(value)) return value.map(restoreNonFinite);
  return value;
}

export function is64BitIntegerType(type: string | undefined): boolean {
  return type === '<q' || type === '<Q';
}

/** A 64-bit integer attribute's value as JSON keeps it: a number where float64 holds it exactly, else its digits. */
export function int64AsJson(value: bigint): number | string {
  return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
}

/** The BigInt values of a 64-bit integer attribute stored by int64AsJson (left as it is when it holds anything else). */
export function restoreInt64(value: unknown): unknown {
  const one = (v: unknown) => ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v)) ? BigInt(v) : undefined);
  if (Array.isArray(value)) {
    const all = value.map(one);
    return all.every((v) => v !== undefined) ? all : value;
  }
  return one(value) ?? value;
}
