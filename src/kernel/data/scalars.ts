// Single numbers of a netCDF or HDF5 source (0-d variables: a CF grid_mapping 'crs', a station's 'height'): not
// arrays to code, so kept with their attributes in the source's attributes, and written back as scalar datasets by
// the HDF5/netCDF-4 writer (hdf5.ts); other output formats have no place for them.
import type { DType } from '../types';

/** A single number of the source (a 0-d dataset or variable), written back as a scalar dataset. */
export interface ScalarVariable {
  value: number;
  dtype: DType;
  attrs: Record<string, unknown>;
  attrTypes: Record<string, string>;
}

/** The finite number a 0-d dataset holds; undefined for anything else (left out, and named, as before). */
export function scalarValue(value: unknown): number | undefined {
  const v = typeof value === 'bigint' ? Number(value) : ArrayBuffer.isView(value) ? Number((value as unknown as ArrayLike<number>)[0]) : value;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
