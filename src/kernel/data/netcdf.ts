// netCDF-3 (classic and 64-bit offset) with netcdfjs. netcdfjs parses a file held in memory, so the file's size is
// checked against the memory budget first; it does not stream. (netCDF-4 files are HDF5 files: formats.ts sends
// them to hdf5.ts. netCDF output is written as netCDF-4 through h5wasm.)
import * as fs from 'node:fs';
import { BalerError } from '../errors';
import { jsonSafe, netcdf3AttributeType } from './attribute-types';
import type { DType, NdArray, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget } from './budget';
import { coordinateExactness } from './coordinates';
import { declaredFills, fillExactness, maskedFillAttribute, maskFills } from './fill';
import { checkSlab, rowElements } from './npy-file';
import type { ArraySource, DataSource, SourceSelection } from './source';
import { scalarValue, type ScalarVariable } from './scalars';

const TYPES: Record<string, DType> = { byte: 'int8', short: 'int16', int: 'int32', float: 'float32', double: 'float64' };

export async function openNetcdf3(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const { NetCDFReader } = await import('../vendor/netcdfjs.mjs');
  const size = fs.statSync(file).size;
  checkBudget(size * 2, budget, 'a netCDF-3 file (read whole: netcdfjs does not stream)', file);
  let reader: InstanceType<typeof NetCDFReader>;
  try {
    reader = new NetCDFReader(fs.readFileSync(file));
  } catch (err) {
    throw new BalerError(`not a netCDF-3 file, or a truncated one (${(err as Error).message})`, file);
  }
  // netcdfjs leaves a list that the file declares empty undefined (ncdump reads such a file: 'netcdf f {}')
  const dims = reader.dimensions ?? [];
  const records = reader.recordDimension?.length ?? 0;
  const wanted = selection.dataset?.replace(/^\/+/, '');
  const arrays: ArraySource[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let unselected = 0;
  const scalars: Record<string, ScalarVariable> = {};
  for (const variable of reader.variables ?? []) {
    if (wanted !== undefined && variable.name !== wanted) { unselected++; continue; }
    const dtype = TYPES[variable.type];
    const shape = variable.dimensions.map((d: number) => (variable.record && d === reader.recordDimension.id ? records : dims[d].size));
    if (!dtype) { skipped.push({ path: variable.name, reason: `holds ${variable.type} values, not numbers` }); continue; }
    const { attrs, attrTypes } = attributesOf(variable.attributes);
    if (shape.length === 0) {
      // A single number (a CF grid_mapping 'crs', a 'height'): kept in the source's attributes, written back as it was.
      const value = wanted === undefined ? scalarValue(scalarOf(reader, variable.name)) : undefined;
      if (value !== undefined) scalars[`/${variable.name}`] = { value, dtype, attrs, attrTypes };
      else skipped.push({ path: variable.name, reason: 'is a single number (0-d), not a table or frames' });
      continue;
    }
    const perRow = rowElements(shape);
    const fills = declaredFills(attrs, dtype);
    const dimensionNames: string[] = variable.dimensions.map((d: number) => dims[d].name);
    let values: TypedArray | undefined;
    arrays.push({
      path: variable.name, dtype, shape, kind: kindOfArray(shape), names: [],
      attributes: { netcdf: { attrs, attrTypes, dimensions: dimensionNames }, ...maskedFillAttribute(attrs, dtype) },
      ...fillExactness(attrs, dtype),
      ...coordinateExactness(variable.name, dimensionNames),
      async readSlab(start, count): Promise<NdArray> {
        checkSlab(shape, start, count, file);
        if (!values) {
          let flat: unknown[];
          try {
            flat = reader.getDataVariable(variable.name).flat(Infinity as 1) as unknown[];
          } catch (err) {
            throw new BalerError(`cannot read the variable '${variable.name}' (${(err as Error).message})`, file);
          }
          if (flat.length !== shape.reduce((a: number, b: number) => a * b, 1)) throw new BalerError(`the variable '${variable.name}' is truncated`, file);
          values = typed(dtype, flat as number[]);
          maskFills(values, fills, `the variable '${variable.name}'`, file);
        }
        return { dtype, shape: [count, ...shape.slice(1)], data: values.slice(start * perRow, (start + count) * perRow) };
      },
    });
  }
  if (wanted !== undefined && arrays.length + skipped.length === 0) throw new BalerError(`no variable '${wanted}' in the file`, file);
  const globals = attributesOf(reader.globalAttributes ?? []);
  return { file, format: 'netcdf', arrays, skipped, ...(unselected ? { unselected } : {}), attributes: { netcdf: { ...globals, version: reader.version, ...(Object.keys(scalars).length ? { scalars } : {}) } }, close: async () => undefined };
}

/** The value of a 0-d variable (netcdfjs hands it back as a one-element list), or undefined when unreadable. */
function scalarOf(reader: { getDataVariable(name: string): unknown }, name: string): unknown {
  try {
    const data = reader.getDataVariable(name) as unknown;
    return Array.isArray(data) ? data[0] : data;
  } catch {
    return undefined;
  }
}

/** Attributes as JSON keeps them (NaN as 'NaN'), with the type of each numeric one (attribute-types.ts). */
function attributesOf(list: { name: string; type: string; value: unknown }[]): { attrs: Record<string, unknown>; attrTypes: Record<string, string> } {
  const attrs: Record<string, unknown> = {};
  const attrTypes: Record<string, string> = {};
  for (const a of list) {
    attrs[a.name] = jsonSafe(a.value);
    const type = netcdf3AttributeType(a.type);
    if (type) attrTypes[a.name] = type;
  }
  return { attrs, attrTypes };
}

function typed(dtype: DType, values: number[]): TypedArray {
  switch (dtype) {
    case 'int8': return Int8Array.from(values);
    case 'int16': return Int16Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'float32': return Float32Array.from(values);
    default: return Float64Array.from(values);
  }
}
