// netCDF-3 (classic and 64-bit offset): netcdfjs parses the header, and the values are read slab by slab in place
// (netcdf3-layout.ts), so a file larger than memory streams. (netCDF-4 files are HDF5 files: formats.ts sends them
// to hdf5.ts. netCDF output is written as netCDF-4 through h5wasm.)
import { BalerError } from '../errors';
import { jsonSafe, netcdf3AttributeType } from './attribute-types';
import type { DType, NdArray } from '../types';
import { kindOfArray } from '../types';
import { coordinateExactness } from './coordinates';
import { closeInput, openInput, type InputFile } from './files';
import { declaredFills, fillExactness, maskedFillAttribute, withFillMask, withNetcdfDefaultFill } from './fill';
import { readNetcdf3Header, readRows, rowsOfVariables, type Nc3Header, type Nc3Rows } from './netcdf3-layout';
import { checkSlab } from './npy-file';
import { notInFile, type ArraySource, type DataSource, type SourceSelection } from './source';
import { scalarValue, type ScalarVariable } from './scalars';

const TYPES: Record<string, DType> = { byte: 'int8', short: 'int16', int: 'int32', float: 'float32', double: 'float64' };

export async function openNetcdf3(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const { NetCDFReader } = await import('../vendor/netcdfjs.mjs');
  const input = openInput(file);
  try {
    const reader = readNetcdf3Header(input, budget, (bytes) => new NetCDFReader(bytes));
    return openVariables(input, reader, reader.header as Nc3Header, selection);
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

interface Reader {
  version: string;
  globalAttributes?: { name: string; type: string; value: unknown }[];
}

function openVariables(input: InputFile, reader: Reader, header: Nc3Header, selection: SourceSelection): DataSource {
  const { file } = input;
  const layout = rowsOfVariables(header, input.size, file);
  // netcdfjs leaves a list that the file declares empty undefined (ncdump reads such a file: 'netcdf f {}')
  const dims = header.dimensions ?? [];
  const records = header.recordDimension?.length ?? 0;
  const wanted = selection.dataset?.replace(/^\/+/, '');
  const arrays: ArraySource[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let unselected = 0;
  const scalars: Record<string, ScalarVariable> = {};
  for (const variable of header.variables ?? []) {
    if (wanted !== undefined && variable.name !== wanted) { unselected++; continue; }
    const dtype = TYPES[variable.type];
    const shape = variable.dimensions.map((d, k) => (variable.record && k === 0 ? records : dims[d].size));
    if (!dtype) { skipped.push({ path: variable.name, reason: `holds ${variable.type} values, not numbers` }); continue; }
    const rows = layout.get(variable.name)!;
    const { attrs, attrTypes } = attributesOf(variable.attributes ?? []);
    if (shape.length === 0) {
      // A single number (a CF grid_mapping 'crs', a 'height'): kept in the source's attributes, written back as it was.
      const value = wanted === undefined ? scalarValue(readRows(input, rows, 0, 1, dtype, variable.name)[0]) : undefined;
      if (value !== undefined) scalars[`/${variable.name}`] = { value, dtype, attrs, attrTypes };
      else skipped.push({ path: variable.name, reason: 'is a single number (0-d), not a table or frames' });
      continue;
    }
    const fillAttrs = withNetcdfDefaultFill(attrs, dtype);
    const fills = declaredFills(fillAttrs, dtype);
    const dimensionNames: string[] = variable.dimensions.map((d) => dims[d].name);
    const description = {
      path: variable.name, dtype, shape, kind: kindOfArray(shape), names: [],
      attributes: { netcdf: { attrs, attrTypes, dimensions: dimensionNames, ...(variable.record ? { growable: true } : {}) }, ...maskedFillAttribute(fillAttrs, dtype) },
      ...fillExactness(fillAttrs, dtype),
      ...coordinateExactness(variable.name, dimensionNames),
    };
    const readAsWritten = async (start: number, count: number): Promise<NdArray> => {
      checkSlab(shape, start, count, file);
      return { dtype, shape: [count, ...shape.slice(1)], data: readRows(input, rows, start, count, dtype, variable.name) };
    };
    arrays.push(withFillMask(description, fills, readAsWritten, `the variable '${variable.name}'`, file));
  }
  if (wanted !== undefined && arrays.length + skipped.length === 0) throw notInFile('variable', wanted, (header.variables ?? []).map((v) => v.name), file);
  const globals = attributesOf(reader.globalAttributes ?? []);
  return {
    file, format: 'netcdf', arrays, skipped, ...(unselected ? { unselected } : {}),
    attributes: { netcdf: { ...globals, version: reader.version, ...(Object.keys(scalars).length ? { scalars } : {}) } },
    close: async () => closeInput(input),
  };
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
