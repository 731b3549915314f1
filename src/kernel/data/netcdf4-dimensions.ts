// netCDF-4 dimensions, which netCDF-4 keeps as HDF5 dimension scales: a coordinate variable (named as its one
// dimension: TIME, LAT) is itself the scale of its dimension; other dimensions are dimension-only scales. Arrays
// read from netCDF carry their dimension names (attributes.netcdf.dimensions), so that a file written back has the
// same dimensions and coordinate variables, on which tools align and merge files; arrays without names (from other
// formats) get one dimension per axis, named after the array.
import type { h5wasm } from '../vendor/h5wasm.mjs';
import type { ArrayDescription } from './source';

type H5File = InstanceType<typeof h5wasm['File']>;
type H5Dataset = InstanceType<typeof h5wasm['Dataset']>;
/** What dimensions are made from: an array's shape and the names it was read with (a string dataset's too). */
type Shaped = Pick<ArrayDescription, 'shape' | 'attributes'>;

/** The NAME netCDF-C gives a dimension that is not a variable (followed by its size). */
export const NETCDF_DIMENSION_ONLY = 'This is a netCDF dimension but not a netCDF variable.';

/** The dimension a 1-D dataset is the scale of (a coordinate variable is the scale of its own name); '' if none. */
function scaleName(d: H5Dataset, shape: number[]): string {
  if (shape.length !== 1 || d.attrs.CLASS?.value !== 'DIMENSION_SCALE') return '';
  return d.get_scale_name() ?? '';
}

/** The names of a netCDF-4 variable's dimensions (the scales attached to its axes); undefined where one has none. */
export function dimensionNames(d: H5Dataset, shape: number[]): string[] | undefined {
  const own = scaleName(d, shape);
  if (own) return [own];
  try {
    const names = shape.map((_, axis) => d.get_attached_scales(axis)?.[0]?.split('/').pop() ?? '');
    return names.every((n) => n.length > 0) ? names : undefined;
  } catch {
    return undefined;
  }
}

/** The dimension names an array was read with, where they can be written back (a name per axis). */
function recordedNames(a: Shaped): (string | undefined)[] {
  const names = (a.attributes?.netcdf as { dimensions?: unknown } | undefined)?.dimensions;
  const valid = Array.isArray(names) && names.length === a.shape.length;
  return a.shape.map((_, axis) => {
    const n = valid ? names[axis] : undefined;
    return typeof n === 'string' && /^[^/\0]+$/.test(n) && !n.startsWith('.') ? n : undefined;
  });
}

/**
 * Creates the dimensions of the arrays written as `datasets` at `paths` and attaches them, each in the group of the
 * arrays that use it (xarray's to_netcdf(group=...) files: two groups with a 'lat' of 90 and of 40 each keep their
 * own, which the root could not hold). A recorded name is kept when every array of the group using it agrees on its
 * size and no other dataset holds its path; otherwise that axis gets a dimension of its own, named after the array.
 */
export function writeDimensions(f: H5File, arrays: Shaped[], datasets: H5Dataset[], paths: string[]): void {
  const group = (i: number) => paths[i].slice(0, paths[i].lastIndexOf('/'));
  const names = arrays.map((a, i) => recordedNames(a).map((n) => (n === undefined ? undefined : `${group(i)}/${n}`)));
  const sizes = new Map<string, number | undefined>();
  names.forEach((axes, i) => axes.forEach((n, axis) => {
    if (n !== undefined) sizes.set(n, !sizes.has(n) || sizes.get(n) === arrays[i].shape[axis] ? arrays[i].shape[axis] : undefined);
  }));
  // The unlimited dimension: the first axis of an array read on one (hdf5.ts growable).
  const unlimited = new Set(names.filter((axes, i) => isGrowable(arrays[i])).map((axes) => axes[0]));
  const isCoordinate = (i: number, scale: string) => paths[i] === scale && arrays[i].shape.length === 1 && names[i][0] === scale;
  const scales = new Set<string>();
  for (const [scale, size] of sizes) {
    if (size === undefined) continue;
    const holder = paths.indexOf(scale);
    if (holder >= 0) {
      if (!isCoordinate(holder, scale)) continue;
      datasets[holder].make_scale(scale.slice(scale.lastIndexOf('/') + 1));
    } else if (!madeStringCoordinate(f, scale, size)) {
      dimensionOnly(f, scale, size, unlimited.has(scale));
    }
    scales.add(scale);
  }
  arrays.forEach((a, i) => a.shape.forEach((size, axis) => {
    const scale = names[i][axis] !== undefined && scales.has(names[i][axis]!) ? names[i][axis] : undefined;
    if (scale === paths[i]) return; // a coordinate variable is its own scale
    if (scale !== undefined) {
      datasets[i].attach_scale(axis, scale);
      return;
    }
    const own = `/${paths[i].replace(/^\/+/, '').replace(/\//g, '_')}_dim${axis}`;
    dimensionOnly(f, own, size);
    datasets[i].attach_scale(axis, own);
  }));
}

/**
 * The maximum size of an axis written (a dataset's first axis, a dimension): its own size. A dataset that can grow
 * (maxshape null) is an unlimited dimension to netCDF, and a file with more than one cannot be saved as netCDF-3
 * (xarray: 'NC_UNLIMITED size already in use'). Only an empty axis stays growable (HDF5 wants chunks no larger than
 * a fixed axis).
 */
export function fixedSize(size: number): number | null {
  return size > 0 ? size : null;
}

/** A dataset of strings already written at the dimension's path (hdf5.ts writeStrings), of its size: made its scale. */
function madeStringCoordinate(f: H5File, path: string, size: number): boolean {
  const d = f.get(path) as H5Dataset | null;
  if (!d || !('metadata' in d) || d.metadata.type !== 3 || (d.shape ?? []).map(Number).join() !== String(size)) return false;
  d.make_scale(path.slice(path.lastIndexOf('/') + 1));
  return true;
}

function isGrowable(a: Shaped): boolean {
  return (a.attributes?.netcdf as { growable?: unknown } | undefined)?.growable === true;
}

function dimensionOnly(f: H5File, path: string, size: number, unlimited = false): void {
  const dim = f.create_dataset({ name: path, data: new Float32Array(0), shape: [0], maxshape: [unlimited ? null : fixedSize(size)], chunks: [Math.max(1, Math.min(1024, size))], dtype: '<f' });
  dim.resize([size]);
  dim.make_scale(`${NETCDF_DIMENSION_ONLY}${String(size).padStart(10)}`);
}
