// HDF5 (and netCDF-4, which is HDF5 with conventions) through h5wasm: datasets by path, read in slabs with
// HDF5's own hyperslab reads (chunked datasets are read chunk by chunk, never whole); written back by
// hdf5-writer.ts. Files are accessed directly on disk (h5wasm's Node build).
import * as path from 'node:path';
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget } from './budget';
import { coordinateExactness } from './coordinates';
import { declaredFills, fillExactness, maskedFillAttribute, withFillMask, withNetcdfDefaultFill } from './fill';
import { float16BitsToFloat32 } from './float16';
import { scalarValue } from './scalars';
import { keptStrings, MAX_KEPT_STRING_BYTES } from './strings';
import { attributesOf, attributeTypesOf } from './hdf5-attributes';
import { dimensionNames, NETCDF_DIMENSION_ONLY } from './netcdf4-dimensions';
import { checkSlab, decodedBytes, rowElements } from './npy-file';
import { notInFile, type ArraySource, type DataSource, type SourceSelection } from './source';
import { h5wasm, lastDiagnostic, logSize, type Carried, type GroupAttributes, type H5, type H5Dataset } from './hdf5-module';

/** HDF5 filters h5wasm decodes without plugins. */
const BUILT_IN_FILTERS: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset' };
/** Names of well-known plugin filters, for the error message. */
const PLUGIN_FILTERS: Record<number, string> = { 307: 'bzip2', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd', 32017: 'sz', 32013: 'zfp' };

export async function openHdf5(file: string, selection: SourceSelection, budget: number, format: 'hdf5' | 'netcdf'): Promise<DataSource> {
  const { h5, diagnostics } = await h5wasm();
  const before = logSize(diagnostics);
  const f = new h5.File(path.resolve(file), 'r');
  if ((f as unknown as { file_id: bigint }).file_id < 0n) {
    const reason = lastDiagnostic(diagnostics, before);
    throw new BalerError(`cannot open as ${format === 'netcdf' ? 'netCDF-4 (HDF5)' : 'HDF5'}: ${reason ?? 'not an HDF5 file, or a corrupted one'}`, file);
  }
  try {
    const arrays: ArraySource[] = [];
    const skipped: NonNullable<DataSource['skipped']> = [];
    const wanted = selection.dataset ? `/${selection.dataset.replace(/^\/+/, '')}` : undefined;
    // Every group below the root with its attributes and their types (empty when none): written back as it was.
    const groups: Record<string, GroupAttributes> = {};
    // Single numbers (a CF grid_mapping 'crs', a 'height') and small string datasets (a coordinate of station names),
    // kept in the source's attributes and written back as they were.
    const carried: Carried = { scalars: {}, strings: {} };
    /** The datasets not selected (--dataset named another), for the count and for the message when none is it. */
    const others: string[] = [];
    const visit = (group: string): void => {
      const g = f.get(group) as InstanceType<H5['Group']> | null;
      if (group !== '/' && g) groups[group] = { attrs: attributesOf(g), attrTypes: attributeTypesOf(g) };
      for (const name of g?.keys() ?? []) {
        const full = group === '/' ? `/${name}` : `${group}/${name}`;
        const type = f.get_type(full);
        if (type === 0) visit(full); // H5O_TYPE_GROUP
        else if (type === 1 && (!wanted || wanted === full)) describe(f.get(full) as H5Dataset, full, file, budget, format, arrays, skipped, h5, diagnostics, wanted ? undefined : carried);
        else if (type === 1 && !isDimensionOnly(f.get(full) as H5Dataset, format)) others.push(full);
      }
    };
    visit('/');
    if (wanted && arrays.length + skipped.length + Object.keys(carried.strings).length === 0) {
      throw notInFile('dataset', wanted, others, file);
    }
    // Strings are kept beside arrays; a file of strings alone holds nothing to compress, and says what it holds.
    if (arrays.length === 0) skipped.push(...Object.entries(carried.strings).map(([name]) => ({ path: name, reason: 'holds strings, not numbers' })));
    return {
      file, format, arrays, skipped, ...(others.length ? { unselected: others.length } : {}),
      attributes: { [format]: { attrs: attributesOf(f), attrTypes: attributeTypesOf(f), ...(Object.keys(groups).length ? { groups } : {}), ...carriedAttributes(carried) } },
      close: async () => { f.close(); },
    };
  } catch (err) {
    f.close();
    throw err;
  }
}

/**
 * `exact` and why, for a dataset that declares a missing value this reader cannot read (h5wasm refuses a float16
 * attribute, as h5py writes one for a float16 dataset): under a bound its missing values would be coded as data,
 * and a rel bound's range stretched to them.
 */
function unreadableFillExactness(d: H5Dataset, attrs: Record<string, unknown>): Pick<ArraySource, 'exact' | 'exactReason'> {
  const unread = ['_FillValue', 'missing_value'].filter((name) => name in d.attrs && !(name in attrs));
  if (unread.length === 0) return {};
  return { exact: true, exactReason: `it declares ${unread.join(' and ')}, which this HDF5 reader (h5wasm) cannot read, so its missing values are kept exact with every other value` };
}

/** A netCDF-4 dimension without a coordinate variable: bookkeeping, not data. */
function isDimensionOnly(d: H5Dataset, format: 'hdf5' | 'netcdf'): boolean {
  return format === 'netcdf' && String(d.attrs.NAME?.value ?? '').startsWith(NETCDF_DIMENSION_ONLY);
}

function valueOrNothing(d: H5Dataset): unknown {
  try {
    return d.value;
  } catch {
    return undefined;
  }
}

/** What a source keeps beside its arrays: single numbers and small string datasets, by path. */
function carriedAttributes({ scalars, strings }: Carried): { scalars?: Carried['scalars']; strings?: Carried['strings'] } {
  return { ...(Object.keys(scalars).length ? { scalars } : {}), ...(Object.keys(strings).length ? { strings } : {}) };
}

function describe(
  d: H5Dataset, full: string, file: string, budget: number, format: 'hdf5' | 'netcdf',
  arrays: ArraySource[], skipped: NonNullable<DataSource['skipped']>, h5: H5, diagnostics: string, carried?: Carried,
): void {
  const meta = d.metadata;
  const shape = (d.shape ?? []).map(Number);
  const attrs = attributesOf(d);
  if (isDimensionOnly(d, format)) return;
  const stored = dtypeOf(meta);
  // float16 and bool were written as float32 and uint8 (h5wasm cannot create them): baler_dtype restores them.
  const dtype = stored && (attrs.baler_dtype === 'float16' || attrs.baler_dtype === 'bool') ? attrs.baler_dtype as DType : stored;
  if (!dtype) {
    // Read only when it could fit (in JSON a string takes its bytes and 3 more; a vlen one holds at least 0 bytes).
    const fits = shape.reduce((n, k) => n * k, 1) * ((meta.vlen ? 0 : meta.size) + 3) <= MAX_KEPT_STRING_BYTES;
    const strings = meta.type === 3 && carried && fits ? keptStrings(valueOrNothing(d), shape, carried.strings) : undefined;
    if (strings) {
      const dimensions = format === 'netcdf' ? dimensionNames(d, shape) : undefined;
      carried!.strings[full] = {
        values: strings, shape, attrs, attrTypes: attributeTypesOf(d), ...(dimensions ? { dimensions } : {}), ...(meta.vlen ? {} : { fixedLength: meta.size }),
      };
      return;
    }
    const bytes = shape.reduce((n, k) => n * k, 1) * meta.size;
    skipped.push({ path: full, reason: meta.type === 3 ? 'holds strings, not numbers' : `holds ${typeName(meta.type)} values, not plain numbers`, bytes });
    return;
  }
  if (meta.type === 8 && meta.size > 1 && !meta.littleEndian) {
    // h5wasm cannot set a byte order on an enum type, and hands its values back unswapped (1 read as 16777216)
    skipped.push({ path: full, reason: 'is a big-endian enum, which this HDF5 reader (h5wasm) reads byte-swapped' });
    return;
  }
  if (shape.length === 0) {
    const value = scalarValue(d.value);
    if (carried && value !== undefined) carried.scalars[full] = { value, dtype, attrs, attrTypes: attributeTypesOf(d) };
    else skipped.push({ path: full, reason: 'is a single number (0-d), not a table or frames' });
    return;
  }
  const unsupported = d.filters.find((flt) => !(flt.id in BUILT_IN_FILTERS));
  if (unsupported) {
    const name = PLUGIN_FILTERS[unsupported.id] ?? (unsupported.name || 'unknown');
    skipped.push({ path: full, reason: `uses the HDF5 filter '${name}' (id ${unsupported.id}), which this reader cannot decode (it decodes ${Object.values(BUILT_IN_FILTERS).join(', ')})` });
    return;
  }
  const columns = attrs.columns;
  const names = Array.isArray(columns) && columns.length === (shape.length === 2 ? shape[1] : shape.length === 1 ? 1 : -1) && columns.every((c) => typeof c === 'string') ? columns as string[] : [];
  const perRow = rowElements(shape);
  const halfFloats = meta.type === 1 && meta.size === 2; // a true HDF5 float16 (h5py's float16), which d.slice() refuses
  const fillAttrs = format === 'netcdf' ? withNetcdfDefaultFill(attrs, dtype) : attrs;
  const fills = declaredFills(fillAttrs, dtype);
  const dimensions = format === 'netcdf' ? dimensionNames(d, shape) : undefined;
  const hdf5Info = {
    attrs, attrTypes: attributeTypesOf(d), chunks: meta.chunks ?? null, filters: d.filters.map((flt) => flt.name), dtype: meta.size === 2 && meta.type === 1 ? 'float16' : undefined,
    ...(growable(meta.maxshape) ? { growable: true } : {}),
    ...(dimensions ? { dimensions } : {}),
  };
  const description = {
    path: full, dtype, shape, kind: kindOfArray(shape, names), names,
    attributes: { [format]: hdf5Info, ...maskedFillAttribute(fillAttrs, dtype) },
    ...(attrs.baler_exact ? { exact: true } : {}),
    ...fillExactness(fillAttrs, dtype),
    ...unreadableFillExactness(d, attrs),
    ...(dimensions ? coordinateExactness(path.posix.basename(full), dimensions) : {}),
  };
  const readAsWritten = async (start: number, count: number): Promise<NdArray> => {
    checkSlab(shape, start, count, file);
    const elements = count * perRow;
    checkBudget(decodedBytes(dtype, elements) * 2, budget, `a slab of ${count} rows of '${full}'`, file);
    const before = logSize(diagnostics);
    let data: unknown;
    try {
      data = count === 0 ? undefined : halfFloats ? await readHalfFloatBits(h5, d, shape, start, count) : d.slice([[start, start + count]]);
    } catch (err) {
      throw new BalerError(`cannot read '${full}': ${lastDiagnostic(diagnostics, before) ?? (err as Error).message}`, file);
    }
    if (count > 0 && (data === null || data === undefined || (data as TypedArray).length !== elements)) {
      throw new BalerError(`cannot read '${full}' (rows ${start}…${start + count}): ${lastDiagnostic(diagnostics, before) ?? 'truncated or corrupted file'}`, file);
    }
    void h5;
    const values = count === 0 ? emptyOf(dtype) : asDtype(data as TypedArray, dtype);
    return { dtype, shape: [count, ...shape.slice(1)], data: values };
  };
  arrays.push(withFillMask(description, fills, readAsWritten, `the dataset '${full}'`, file));
}

/**
 * Rows start…start+count of a float16 dataset as their IEEE half-precision bits. h5wasm's slice() throws
 * "Float16 not supported"; its lower-level read hands back the values in native (little-endian) order, whatever
 * the file's byte order, and asDtype turns the bits into float32.
 */
async function readHalfFloatBits(h5: H5, d: H5Dataset, shape: number[], start: number, count: number): Promise<Uint16Array> {
  const module = (await h5.ready) as unknown as {
    _malloc(n: number): number; _free(p: number): void; HEAPU8: Uint8Array;
    get_dataset_data(fileId: bigint, path: string, count: bigint[], offset: bigint[], strides: bigint[], ptr: bigint): number;
  };
  const { file_id: fileId, path: datasetPath } = d as unknown as { file_id: bigint; path: string };
  const bytes = count * rowElements(shape) * 2;
  const pointer = module._malloc(bytes);
  if (pointer === 0) throw new Error(`cannot allocate ${bytes} bytes in the HDF5 reader's memory`);
  try {
    const status = module.get_dataset_data(
      fileId, datasetPath, [BigInt(count), ...shape.slice(1).map(BigInt)], [BigInt(start), ...shape.slice(1).map(() => 0n)],
      shape.map(() => 1n), BigInt(pointer),
    );
    if (status < 0) throw new Error('the HDF5 library could not read the rows');
    return new Uint16Array(module.HEAPU8.slice(pointer, pointer + bytes).buffer);
  } finally {
    module._free(pointer);
  }
}

function typeName(type: number): string {
  return ({ 2: 'time', 4: 'bit-field', 5: 'opaque', 6: 'compound (record)', 7: 'reference', 8: 'enum', 9: 'variable-length', 10: 'array' } as Record<number, string>)[type] ?? `type ${type}`;
}

/** The DType of an HDF5 datatype; undefined for what is not a plain number. */
function dtypeOf(meta: H5Dataset['metadata']): DType | undefined {
  if (meta.type === 1) return ({ 2: 'float16', 4: 'float32', 8: 'float64' } as Record<number, DType>)[meta.size];
  if (meta.type === 8 && meta.size === 1 && isH5pyBool(meta)) return 'bool';
  if (meta.type === 0 || meta.type === 8) { // integer, or enum over an integer (read as its integers)
    const key = `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
    return (['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'] as DType[]).find((t) => t === key);
  }
  return undefined;
}

/** h5py writes numpy's bool as an enum of one byte with exactly the members FALSE = 0 and TRUE = 1. */
function isH5pyBool(meta: H5Dataset['metadata']): boolean {
  const members = (meta as { enum_type?: { members?: Record<string, number> } }).enum_type?.members ?? {};
  return Object.keys(members).length === 2 && members.FALSE === 0 && members.TRUE === 1;
}

function asDtype(data: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float16' && data instanceof Uint16Array) return float16BitsToFloat32(data);
  if (dtype === 'bool') return Uint8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
  return data;
}

function emptyOf(dtype: DType): TypedArray {
  return dtype === 'int64' ? new BigInt64Array(0) : dtype === 'uint64' ? new BigUint64Array(0) : new Float64Array(0);
}

// ---------------------------------------------------------------------------------------------- writing

/** A first axis that can grow (HDF5 maxshape None: netCDF's unlimited dimension), kept growable when written back. */
function growable(maxshape: unknown): boolean {
  const first = Array.isArray(maxshape) ? maxshape[0] : undefined;
  return first === null || (typeof first === 'number' && first > Number.MAX_SAFE_INTEGER);
}
