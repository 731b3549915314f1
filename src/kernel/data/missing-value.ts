// --missing-value X: a marker of missing data the file does not declare (-9999 in a station log, 1e20 in a model's
// output), read as a declared _FillValue is (fill.ts): kept exact, and out of the range a rel bound is of.
import { BalerError } from '../errors';
import { castOne, isIntegerDtype } from './dtype';
import { declaredFills, fillExactness, MASKED_FILL, maskedFillAttribute, maskedFillOf, withFillMask } from './fill';
import { arrayLabel, type ArraySource, type DataSource } from './source';

export function withMissingValue(source: DataSource, value: number): DataSource {
  return { ...source, arrays: source.arrays.map((a) => arrayWithMissingValue(a, value, source.file)) };
}

function arrayWithMissingValue(array: ArraySource, value: number, file: string): ArraySource {
  const declared = maskedFillOf(array.attributes);
  const where = arrayLabel(array);
  if (declared !== undefined) {
    if (declared === value || (!isIntegerDtype(array.dtype) && declared === castOne(value, array.dtype))) return array;
    throw new BalerError(`--missing-value ${value}: ${where} declares its own missing value ${declared}, and one NaN could not stand for both; leave the option out`, file, 'EOPTION');
  }
  const attrs = { _FillValue: value };
  const marked = maskedFillAttribute(attrs, array.dtype);
  const markersMet = { count: 0 };
  // A value its dtype cannot hold is met nowhere: said so (compress), not silently taken.
  if (!(MASKED_FILL in marked) && !isIntegerDtype(array.dtype)) return { ...array, markersMet };
  const marker = isIntegerDtype(array.dtype) ? value : castOne(value, array.dtype);
  const counted: ArraySource['readSlab'] = async (start, count, buffers) => {
    const slab = await array.readSlab(start, count, buffers);
    // 64-bit integers come as BigInt.
    const data = slab.data as ArrayLike<number | bigint>;
    const wanted = typeof data[0] === 'bigint' && Number.isInteger(marker) ? BigInt(marker) : marker;
    for (let i = 0; i < data.length; i++) if (data[i] === wanted) markersMet.count++;
    return slab;
  };
  const { readSlab: _read, ...description } = array;
  const withAttributes = { ...description, attributes: { ...array.attributes, ...marked }, ...fillExactness(attrs, array.dtype), markersMet };
  if (isIntegerDtype(array.dtype)) return { ...withAttributes, readSlab: counted };
  return withFillMask(withAttributes, declaredFills(attrs, array.dtype), counted, where, file);
}

/** What compress says of --missing-value X where no value of an array is X (a typo, or the marker of another file). */
export function markerNotMetNote(source: ArraySource, value: number): string | undefined {
  if (!source.markersMet || source.markersMet.count > 0) return undefined;
  const where = arrayLabel(source);
  return `--missing-value ${value}: no value of ${where} is ${value}${source.dtype.startsWith('int') || source.dtype.startsWith('uint') ? ` (its ${source.dtype} values)` : ''}, so none is marked missing`;
}
