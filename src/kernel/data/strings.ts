// Small datasets of strings of an HDF5 or netCDF-4 source (xarray's string coordinates: station = ['Alpha', …];
// labels): not arrays to code, so kept with their attributes in the source's attributes, and written back as
// string datasets by the HDF5/netCDF-4 writer (a coordinate as the scale of its dimension), as scalars.ts keeps
// single numbers. Larger ones are left out, and named, as before.

/**
 * Strings kept beside the data at most, in bytes of their JSON (as the .baler's header holds them), all datasets of
 * a file together; well within what a header's attributes may hold (MAX_ATTRIBUTES_BYTES).
 */
export const MAX_KEPT_STRING_BYTES = 4 << 20;

/** The bytes a string (or null) takes in a JSON array: its UTF-8, its quotes and comma, and any escapes. */
export function jsonBytesOf(s: string | null): number {
  if (s === null) return 5;
  // eslint-disable-next-line no-control-regex
  return /["\\\u0000-\u001f]/.test(s) ? Buffer.byteLength(JSON.stringify(s)) + 1 : Buffer.byteLength(s) + 3;
}

/** A dataset of strings of the source, written back as it was. */
export interface StringVariable {
  values: string[];
  shape: number[];
  attrs: Record<string, unknown>;
  attrTypes: Record<string, string>;
  /** netCDF-4: its dimension names (a coordinate is named as its only dimension). */
  dimensions?: string[];
  /** Stored as strings of this many bytes (a netCDF char array's: 1); absent: of any length (vlen). */
  fixedLength?: number;
}

/**
 * The strings of a dataset as h5wasm reads them (a string, or an array of them), when they fit beside what
 * `kept` already holds; undefined (left out) otherwise.
 */
export function keptStrings(value: unknown, shape: number[], kept: Record<string, StringVariable>): string[] | undefined {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  if (!values || shape.length === 0 || values.length !== shape.reduce((a, b) => a * b, 1)) return undefined;
  const bytes = (list: string[]) => list.reduce((n, s) => n + jsonBytesOf(s), 0);
  const already = Object.values(kept).reduce((n, s) => n + bytes(s.values), 0);
  return already + bytes(values) <= MAX_KEPT_STRING_BYTES ? values : undefined;
}

/** Whether a source's `strings` entry is one this reader kept (JSON from a .baler may hold anything). */
export function isStringVariable(s: unknown): s is StringVariable {
  const v = s as StringVariable;
  return typeof v === 'object' && v !== null && Array.isArray(v.values) && v.values.every((x) => typeof x === 'string') &&
    Array.isArray(v.shape) && v.shape.length > 0 && v.shape.every((n) => Number.isSafeInteger(n) && n > 0) &&
    v.values.length === v.shape.reduce((a, b) => a * b, 1) &&
    (v.fixedLength === undefined || (Number.isSafeInteger(v.fixedLength) && v.fixedLength > 0 && v.values.every((x) => Buffer.byteLength(x) <= v.fixedLength!)));
}
