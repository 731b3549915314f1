// CF packing (`scale_factor`, `add_offset` on an integer variable): the values a netCDF user sees are
// stored × scale_factor + add_offset, while the coder's bound holds on the stored integers, as written in the file.
// A rel bound means the same either way (the packing is linear); an abs bound is scaled by |scale_factor| in the
// variable's units, said when compressing; a pw-rel bound with an offset means nothing for the unpacked values, so
// such a variable is kept exact (the file's other variables get the bound).
import { isIntegerDtype } from './dtype';
import type { ArraySource } from './source';
import type { ErrorBound } from '../eb/bound';

/** The CF packing of an integer array, from its netCDF/HDF5 attributes; undefined when it is not packed. */
export function cfPacking(s: Pick<ArraySource, 'dtype' | 'attributes'>): { scale: number; offset: number } | undefined {
  if (!isIntegerDtype(s.dtype)) return undefined;
  const format = (s.attributes?.netcdf ?? s.attributes?.hdf5) as { attrs?: Record<string, unknown> } | undefined;
  const number = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const scale = number(format?.attrs?.scale_factor);
  const offset = number(format?.attrs?.add_offset);
  if (typeof scale !== 'number' && typeof offset !== 'number') return undefined;
  return { scale: typeof scale === 'number' && Number.isFinite(scale) && scale !== 0 ? scale : 1, offset: typeof offset === 'number' && Number.isFinite(offset) ? offset : 0 };
}

/** The array kept exact where the bound means nothing for its unpacked values (pw-rel with an offset); else itself. */
export function withPackingBound(s: ArraySource, bound: ErrorBound): ArraySource {
  const offset = cfPacking(s)?.offset ?? 0;
  if (s.exact || bound.kind !== 'pw-rel' || !(bound.value > 0) || offset === 0) return s;
  const exactReason = `packed (add_offset ${offset}): a pw-rel bound on its stored integers would not hold on the unpacked values, so it is kept exact`;
  return { ...s, exact: true, exactReason };
}

/** What an abs bound means for a packed array, in its users' units; nothing for unpacked arrays and other bounds. */
export function packedBoundNote(s: Pick<ArraySource, 'dtype' | 'attributes' | 'path'>, bound: ErrorBound): string | undefined {
  const packing = cfPacking(s);
  if (!packing) return undefined;
  const name = s.path || 'the array';
  if (bound.kind !== 'abs' || Math.abs(packing.scale) === 1) return undefined;
  const scale = Math.abs(packing.scale);
  return `${name} is packed (scale_factor ${packing.scale}): abs:${bound.value} holds on its stored integers, that is ±${Number((bound.value * scale).toPrecision(3))} in its own units (abs:${Number((bound.value / scale).toPrecision(3))} for ±${bound.value} there)`;
}
