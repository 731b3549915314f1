// HDF5 (and netCDF-4) attributes through h5wasm: read as JSON (NaN kept as 'NaN') with the type of each numeric
// one, and written back in that type (attribute-types.ts says why), the netCDF bookkeeping left to the writer.
import type { DType } from '../types';
import { int64AsJson, is64BitIntegerType, isFloatAttributeType, jsonSafe, keptAttributeType, restoreInt64, restoreNonFinite } from './attribute-types';
import { castOne } from './dtype';

/** netCDF-4 bookkeeping attributes (references and dimension ids): the writer recreates what it needs. */
const INTERNAL_ATTRIBUTES = new Set(['DIMENSION_LIST', 'REFERENCE_LIST', 'CLASS', 'NAME', '_Netcdf4Dimid', '_Netcdf4Coordinates', '_NCProperties', '_nc3_strict']);

/** The HDF5 type each dtype is written as. */
export const H5_DTYPE: Record<DType, string> = {
  float16: '<f', float32: '<f', float64: '<d', int8: '<b', int16: '<h', int32: '<i', int64: '<q',
  uint8: '<B', uint16: '<H', uint32: '<I', uint64: '<Q', bool: '<B',
};

type H5Attributes = { attrs: Record<string, { json_value: unknown; value: unknown; dtype: unknown }> };

/** JSON-compatible attributes of a file, group or dataset (netCDF bookkeeping left out; NaN kept as 'NaN'). */
export function attributesOf(obj: H5Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    if (INTERNAL_ATTRIBUTES.has(name)) continue;
    try {
      // h5wasm's json_value of a 64-bit integer is a float64 (2^60 + 1 read as 2^60); its value is a BigInt.
      out[name] = jsonSafe(toJson(is64BitIntegerType(keptAttributeType(attr.dtype)) ? attr.value : attr.json_value));
    } catch {
      // references and other values with no JSON form are left out
    }
  }
  return out;
}

/** The HDF5 type of each numeric attribute of a file, group or dataset, to write it back in (attribute-types.ts). */
export function attributeTypesOf(obj: H5Attributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    const type = INTERNAL_ATTRIBUTES.has(name) ? undefined : keptAttributeType(attr.dtype);
    if (type) out[name] = type;
  }
  return out;
}

function isBooleans(value: unknown): value is boolean | boolean[] {
  return typeof value === 'boolean' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'boolean'));
}

function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return int64AsJson(value);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? int64AsJson(v) : v));
  if (Array.isArray(value)) return value.map(toJson);
  return value;
}

/** Attributes that hold values of their variable (CF), written in its dtype, as netCDF requires of _FillValue. */
const VALUE_ATTRIBUTES = new Set(['_FillValue', 'missing_value', 'valid_min', 'valid_max', 'valid_range']);
/** Integer dtypes whose attributes h5wasm writes from plain numbers. */
const NUMBER_ATTRIBUTE_INTEGERS = new Set<DType>(['int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32']);

/**
 * The HDF5 type an attribute is written as: h5wasm's own guess makes every integer-valued number an int32, which
 * wrapped a _FillValue of -1e34 to 0 and gave an int16 variable an int32 _FillValue (netCDF-C ignores such a fill
 * value); the value attributes of a dataset are of its dtype where they fit it, others of the type they were read
 * with (`recorded`), and numbers beyond int32 are floats.
 */
function attributeType(name: string, value: unknown, dtype?: DType, recorded?: string): string | undefined {
  if (is64BitIntegerType(recorded)) return recorded;
  const numbers = Array.isArray(value) ? value : [value];
  if (numbers.length === 0 || !numbers.every((v) => typeof v === 'number')) return undefined;
  if (dtype && VALUE_ATTRIBUTES.has(name)) {
    if (dtype === 'float32' || dtype === 'float64') return H5_DTYPE[dtype];
    if (NUMBER_ATTRIBUTE_INTEGERS.has(dtype) && (numbers as number[]).every((v) => castOne(v, dtype) === v)) return H5_DTYPE[dtype];
  }
  if (recorded) return recorded;
  return (numbers as number[]).every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) ? undefined : '<d';
}

export function writeAttributes(
  target: { create_attribute(name: string, data: unknown, shape?: number[] | null, dtype?: string): void },
  attrs: Record<string, unknown>, dtype?: DType, types: Record<string, string> = {},
): void {
  for (const [name, stored] of Object.entries(attrs)) {
    if (INTERNAL_ATTRIBUTES.has(name) || stored === null || stored === undefined) continue;
    if (isBooleans(stored)) {
      // HDF5 has no bool: h5py's is an int8 enum, which h5wasm cannot create; int8 0/1 keeps the value (was dropped).
      target.create_attribute(name, Array.isArray(stored) ? stored.map(Number) : Number(stored), null, '<b');
      continue;
    }
    const floatValued = isFloatAttributeType(types[name]) || (VALUE_ATTRIBUTES.has(name) && (dtype === 'float32' || dtype === 'float64'));
    const value = floatValued ? restoreNonFinite(stored) : is64BitIntegerType(types[name]) ? restoreInt64(stored) : stored;
    try {
      const type = attributeType(name, value, dtype, types[name]);
      if (type) target.create_attribute(name, value as never, null, type);
      else target.create_attribute(name, value as never);
    } catch {
      // an attribute h5wasm cannot write (mixed arrays, nested objects) is left out
    }
  }
}
