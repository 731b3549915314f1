// netCDF coordinate variables (CF conventions: a variable named as its only dimension, such as TIME, LAT, LON) are
// the axes the other variables lie on. Tools align and merge files by comparing them exactly, so they are kept
// exact whatever the bound; they are small (one value per grid line), so this costs little.
import type { ArraySource } from './source';

/** `exact` and why, for an array that is the coordinate variable of its one dimension; nothing otherwise. */
export function coordinateExactness(name: string, dimensions: readonly string[]): Pick<ArraySource, 'exact' | 'exactReason'> {
  if (dimensions.length !== 1 || dimensions[0] !== name) return {};
  return { exact: true, exactReason: `the coordinate variable of the dimension ${name}: axes are kept exact` };
}
