// --missing-value X: a marker of missing data the file does not declare (-9999 in a station log, 1e20 in a model's
// output), read as a declared _FillValue is (fill.ts): kept exact, and out of the range a rel bound is of.
import { BalerError } from '../errors';
import { isIntegerDtype } from './dtype';
import { declaredFills, fillExactness, MASKED_FILL, maskedFillAttribute, maskedFillOf, withFillMask } from './fill';
import type { ArraySource, DataSource } from './source';

export function withMissingValue(source: DataSource, value: number): DataSource {
  return { ...source, arrays: source.arrays.map((a) => arrayWithMissingValue(a, value, source.file)) };
}

function arrayWithMissingValue(array: ArraySource, value: number, file: string): ArraySource {
  const declared = maskedFillOf(array.attributes);
  const where = array.path ? `the array '${array.path}'` : 'the array';
  if (declared !== undefined) {
    if (declared === value || (array.dtype === 'float32' && declared === Math.fround(value))) return array;
    throw new BalerError(`--missing-value ${value}: ${where} declares its own missing value ${declared}, and one NaN could not stand for both; leave the option out`, file, 'EOPTION');
  }
  const attrs = { _FillValue: value };
  const marked = maskedFillAttribute(attrs, array.dtype);
  if (!(MASKED_FILL in marked) && !isIntegerDtype(array.dtype)) return array;
  const { readSlab, ...description } = array;
  const withAttributes = { ...description, attributes: { ...array.attributes, ...marked }, ...fillExactness(attrs, array.dtype) };
  if (isIntegerDtype(array.dtype)) return { ...withAttributes, readSlab };
  return withFillMask(withAttributes, declaredFills(attrs, array.dtype), readSlab, where, file);
}
