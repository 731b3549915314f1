// Zarr v2 and v3 stores (folders) with zarrita: every numeric array of the hierarchy, read in slabs along the first
// axis (zarrita fetches only the chunks a slab touches); written with the same paths and attributes, as Zarr v2
// when the store read was v2 (zarr-v2-sink.ts), else as Zarr v3. A v2 array's fill_value other than 0 is its declared
// missing value, as a netCDF _FillValue is (fill.ts; declaredFillOf).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Zarrita from 'zarrita';
import { BalerError } from '../errors';
import type { DType, TypedArray } from '../types';
import { kindOfArray } from '../types';
import { checkBudget, elementCount } from './budget';
import { castOne } from './dtype';
import { declaredFills, fillExactness, maskedFillAttribute, withFillMask } from './fill';
import { AtomicOutput } from './files';
import { checkSlab, decodedBytes, rowElements } from './npy-file';
import { arrayLabel, notInFile, type ArrayDescription, type ArraySource, type DataSink, type DataSource, type SinkOptions, type SourceSelection } from './source';
import { atRoot, createZarrV2Sink, groupsAbove, zarrPathOf } from './zarr-v2-sink';

const DTYPES: Record<string, DType> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64',
  float16: 'float16', float32: 'float32', float64: 'float64', bool: 'bool',
};

/** Paths of the arrays in a store, found on disk (v2: `.zarray`; v3: `zarr.json` with node_type 'array'). */
function arrayPaths(root: string, file: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, rel: string): void => {
    if (fs.existsSync(path.join(dir, '.zarray'))) { found.push(rel); return; }
    const v3 = path.join(dir, 'zarr.json');
    if (fs.existsSync(v3)) {
      let meta: { node_type?: string };
      try { meta = JSON.parse(fs.readFileSync(v3, 'utf8')); } catch { throw new BalerError(`corrupted Zarr metadata '${path.join(rel, 'zarr.json')}'`, file); }
      if (meta.node_type === 'array') { found.push(rel); return; }
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(path.join(dir, entry.name), rel ? `${rel}/${entry.name}` : entry.name);
    }
  };
  walk(root, '');
  return found;
}

export async function openZarr(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const { zarr, FileSystemStore } = await import('../vendor/zarrita.mjs');
  const store = new FileSystemStore(path.resolve(file));
  const wanted = selection.dataset?.replace(/^\/+/, '');
  const all = arrayPaths(file, file);
  const paths = all.filter((p) => wanted === undefined || p === wanted);
  const unselected = all.length - paths.length;
  if (wanted !== undefined && paths.length === 0) throw notInFile('array', selection.dataset!, all, file);
  const arrays: ArraySource[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let rootAttrs: Record<string, unknown> = {};
  try {
    const root = await zarr.open(store);
    rootAttrs = { ...(root.attrs as Record<string, unknown>) };
  } catch {
    // a store whose root is an array, or has no root metadata (implicit v3 groups)
  }
  for (const p of paths) {
    let arr: Zarrita.Array<Zarrita.DataType, InstanceType<typeof FileSystemStore>>;
    try {
      arr = await zarr.open(zarr.root(store).resolve(p), { kind: 'array' });
    } catch (err) {
      const notNumbers = v2NonNumeric(file, p);
      if (notNumbers) { skipped.push({ path: p, reason: notNumbers }); continue; }
      throw new BalerError(`cannot open the Zarr array '${p}' (${(err as Error).message})`, file);
    }
    const attrs = { ...(arr.attrs as Record<string, unknown>) };
    const stored = DTYPES[arr.dtype as string];
    // float16 was written as float32 (zarrita cannot create it): baler_dtype restores it.
    const dtype = stored === 'float32' && attrs.baler_dtype === 'float16' ? 'float16' : stored;
    const shape = [...arr.shape];
    if (!dtype) { skipped.push({ path: p, reason: v2NonNumeric(file, p) ?? `holds ${arr.dtype} values, not numbers` }); continue; }
    if (shape.length === 0) { skipped.push({ path: p, reason: 'is a single number (0-d), not a table or frames' }); continue; }
    elementCount(shape, file);
    const perRow = rowElements(shape);
    const columns = attrs.columns;
    const names = Array.isArray(columns) && columns.length === (shape.length === 2 ? shape[1] : shape.length === 1 ? 1 : -1) ? (columns as string[]) : [];
    const metadata = storedMetadata(file, p);
    if (metadata.format === 2) checkFillValue(metadata.fillValue, dtype, p, file);
    const fillAttrs = declaredFillOf(metadata);
    const description = {
      path: p, dtype, shape, kind: kindOfArray(shape, names), names, ...(attrs.baler_exact ? { exact: true } : {}),
      attributes: { zarr: { attrs, chunks: [...arr.chunks], ...metadata }, ...maskedFillAttribute(fillAttrs, dtype) },
      ...fillExactness(fillAttrs, dtype),
    };
    const readAsWritten: ArraySource['readSlab'] = async (start, count) => {
      checkSlab(shape, start, count, file);
      checkBudget(decodedBytes(dtype, count * perRow) * 2 + chunkBytes(arr.chunks, dtype), budget, `a slab of ${count} rows of '${p}'`, file);
      let chunk: { data: unknown; stride: number[] };
      try {
        chunk = await zarr.get(arr, [zarr.slice(start, start + count), ...shape.slice(1).map(() => null)]);
      } catch (err) {
        const cause = (err as { cause?: Error }).cause;
        throw new BalerError(`cannot read the Zarr array '${p}' (${(err as Error).message}${cause ? `: ${cause.message}` : ''})`, file);
      }
      const slabShape = [count, ...shape.slice(1)];
      return { dtype, shape: slabShape, data: toRowMajor(toTyped(chunk.data, dtype), slabShape, chunk.stride) };
    };
    arrays.push(withFillMask(description, declaredFills(fillAttrs, dtype), readAsWritten, arrayLabel(description), file));
  }
  return { file, format: 'zarr', arrays, skipped, ...(unselected ? { unselected } : {}), attributes: { zarr: { attrs: rootAttrs } }, close: async () => undefined };
}

/** numpy type characters of a v2 array's dtype that are not numbers, as their users would name them. */
const V2_NOT_NUMBERS: Record<string, string> = {
  M: 'dates and times (datetime64)', m: 'time spans (timedelta64)', U: 'strings', S: 'bytes', O: 'Python objects (strings or other)',
  V: 'records or raw bytes', c: 'complex numbers',
};

/**
 * Of an array: its format when v2, its fill_value as its metadata spells it ("NaN", 0, null), written back as it was
 * (xarray reads a v2 fill_value as _FillValue and masks the values equal to it: NaN written back as 0 masked every
 * zero), and a v2 dimension_separator of '/' (chunks in nested folders; '.' is the default).
 */
function storedMetadata(file: string, p: string): { format?: 2; fillValue?: unknown; dimensionSeparator?: '/' } {
  const v2 = path.join(file, p, '.zarray');
  const meta = fs.existsSync(v2) ? v2 : path.join(file, p, 'zarr.json');
  const format = meta === v2 ? { format: 2 as const } : {};
  try {
    const { fill_value: fillValue, dimension_separator: separator } = JSON.parse(fs.readFileSync(meta, 'utf8'));
    return { ...format, ...(fillValue !== undefined ? { fillValue } : {}), ...(meta === v2 && separator === '/' ? { dimensionSeparator: '/' as const } : {}) };
  } catch {
    return format;
  }
}

/**
 * A v2 array's fill_value must be one its dtype holds (the spec's: a number, "NaN"/"Infinity"/"-Infinity" for floats,
 * a boolean for bool, null), as zarr-python checks: it is written back as read, and a store with another ("abc", 1e20
 * for int16) is refused by zarr-python, here as there.
 */
function checkFillValue(fillValue: unknown, dtype: DType, p: string, file: string): void {
  if (fillValue === undefined || fillValue === null) return;
  const float = dtype === 'float16' || dtype === 'float32' || dtype === 'float64';
  const ok = dtype === 'bool' ? typeof fillValue === 'boolean' || fillValue === 0 || fillValue === 1
    : float ? typeof fillValue === 'number' || fillValue === 'NaN' || fillValue === 'Infinity' || fillValue === '-Infinity'
      : typeof fillValue === 'number' && Number.isInteger(fillValue) && (dtype === 'int64' || dtype === 'uint64' || castOne(fillValue, dtype) === fillValue);
  if (!ok) throw new BalerError(`the Zarr array '${p}' declares fill_value ${JSON.stringify(fillValue)}, which its ${dtype} values cannot hold (zarr-python refuses such a store too)`, file);
}

/**
 * A v2 array's fill_value as the declared missing value it is to xarray (its _FillValue), for fill.ts. Not 0:
 * zarr-python 2 gives every numeric array fill_value 0 unless told otherwise, so there it marks no missing data, and
 * masked it would make every real zero missing. Not v3: its fill_value is required of every array, and xarray keeps
 * its _FillValue in the attributes instead.
 */
function declaredFillOf(metadata: { format?: 2; fillValue?: unknown }): Record<string, unknown> {
  const { format, fillValue } = metadata;
  return format === 2 && typeof fillValue === 'number' && fillValue !== 0 ? { _FillValue: fillValue } : {};
}

/**
 * Why a v2 array zarrita cannot open holds nothing to compress (zarrita refuses datetime64, strings, objects…,
 * and reports them as 'Not found'); undefined when its dtype is numeric, so the open error itself is the story.
 */
function v2NonNumeric(file: string, p: string): string | undefined {
  let dtype: unknown;
  try {
    dtype = JSON.parse(fs.readFileSync(path.join(file, p, '.zarray'), 'utf8')).dtype;
  } catch {
    return undefined;
  }
  if (Array.isArray(dtype)) return 'holds records (a structured dtype), not numbers';
  if (typeof dtype === 'string' && /^[<>|=]?f2$/.test(dtype)) return `holds float16 values (${dtype}), which this Zarr reader (zarrita) cannot read in a v2 store`;
  const kind = typeof dtype === 'string' ? /^[<>|=]?([A-Za-z])/.exec(dtype)?.[1] : undefined;
  return kind && V2_NOT_NUMBERS[kind] ? `holds ${V2_NOT_NUMBERS[kind]} (${String(dtype)}), not numbers` : undefined;
}

function chunkBytes(chunks: readonly number[], dtype: DType): number {
  return decodedBytes(dtype, chunks.reduce((a, b) => a * b, 1));
}

function toTyped(data: unknown, dtype: DType): TypedArray {
  if (dtype === 'bool') {
    const bools = data as { length: number; get(i: number): boolean };
    return Uint8Array.from({ length: bools.length }, (_, i) => (bools.get(i) ? 1 : 0));
  }
  if (dtype === 'float16') return Float32Array.from(data as ArrayLike<number>);
  return data as TypedArray;
}

/**
 * The values of a slab in row-major (C) order. zarrita hands a slab back in the array's own memory order: a Zarr v2
 * array with "order": "F" (numpy's Fortran order) comes back column-major, which read as row-major scrambles it.
 */
export function toRowMajor(data: TypedArray, shape: readonly number[], stride: readonly number[]): TypedArray {
  let expected = 1;
  let rowMajor = true;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] > 1 && stride[k] !== expected) rowMajor = false;
    expected *= shape[k];
  }
  if (rowMajor) return data;
  const out = new (data.constructor as new (n: number) => TypedArray)(data.length);
  const index = shape.map(() => 0);
  let source = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[source];
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k]++;
      source += stride[k];
      if (index[k] < shape[k]) break;
      source -= stride[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

/** Writes arrays into a new Zarr v3 store (a folder that appears when finished), one array per path. */
export async function createZarrSink(
  file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions,
): Promise<DataSink> {
  const rootAttrs = (attributes.zarr as { attrs?: Record<string, unknown> } | undefined)?.attrs ?? {};
  const fromV2 = arrays.length > 0 && arrays.every((a) => (a.attributes?.zarr as { format?: number } | undefined)?.format === 2);
  if (fromV2) return createZarrV2Sink(file, arrays, rootAttrs, opts);
  const { zarr, FileSystemStore } = await import('../vendor/zarrita.mjs');
  const out = new AtomicOutput(file, opts, true);
  try {
    const store = new FileSystemStore(out.tempPath);
    const rootArray = atRoot(arrays);
    const root = rootArray ? zarr.root(store) : await zarr.create(store, { attributes: rootAttrs });
    const handles: unknown[] = [];
    // The v3 spec has no implicit groups: each folder between the root and an array is a group with its zarr.json.
    const groups = new Set(rootArray ? [] : arrays.flatMap((a, i) => groupsAbove(zarrPathOf(a, i, arrays.length)).filter((g) => g !== '')));
    for (const group of groups) await zarr.create(root.resolve(group));
    for (const [i, a] of arrays.entries()) {
      const p = zarrPathOf(a, i, arrays.length);
      const info = a.attributes?.zarr as { attrs?: Record<string, unknown>; chunks?: number[]; fillValue?: unknown } | undefined;
      const perRow = rowElements(a.shape);
      const chunkRows = info?.chunks?.[0] ?? Math.max(1, Math.min(a.shape[0], Math.floor(2 ** 20 / Math.max(1, perRow * 8))));
      const attrs: Record<string, unknown> = { ...(rootArray ? rootAttrs : {}), ...(info?.attrs ?? {}) };
      if (a.names.length > 0) attrs.columns = a.names;
      if (a.exact && !info) attrs.baler_exact = true; // a Zarr source's own, carried in info.attrs
      const counts = (a.attributes?.root as { counts?: string } | undefined)?.counts;
      if (counts) attrs.baler_counts = counts; // the per-event counts of this object table (ROOT jagged branches)
      if (a.dtype === 'float16') attrs.baler_dtype = 'float16';
      // The v3 spec (and zarr-python 3: "Required ArrayBytesCodec was not found") wants the bytes codec named and a
      // fill value; zarrita writes neither unless asked.
      handles.push(await zarr.create(rootArray ? root : root.resolve(p), {
        shape: [...a.shape], chunkShape: [chunkRows, ...a.shape.slice(1)], dtype: (a.dtype === 'float16' ? 'float32' : a.dtype) as never, attributes: attrs,
        codecs: [{ name: 'bytes', configuration: { endian: 'little' } }], fillValue: (info?.fillValue ?? (a.dtype === 'bool' ? false : 0)) as never,
      }));
    }
    const written = arrays.map(() => 0);
    return {
      async writeSlab(index, slab) {
        const a = arrays[index];
        const rows = slab.shape[0];
        const rest = a.shape.slice(1);
        const strides = rest.map((_, k) => rest.slice(k + 1).reduce((x, y) => x * y, 1));
        const data = a.dtype === 'bool' ? new zarr.BoolArray(Uint8Array.from(slab.data as Uint8Array).buffer)
          : a.dtype === 'float16' ? Float32Array.from(slab.data as Float32Array) : slab.data;
        await zarr.set(handles[index] as never, [zarr.slice(written[index], written[index] + rows), ...rest.map(() => null)], {
          data: data as never, shape: [rows, ...rest], stride: [rowElements(a.shape), ...strides],
        });
        written[index] += rows;
      },
      async finish() {
        const missing = arrays.findIndex((a, i) => written[i] !== a.shape[0]);
        if (missing >= 0) {
          out.discard();
          throw new Error(`zarr sink: ${written[missing]} rows of '${arrays[missing].path}' written of ${arrays[missing].shape[0]}`);
        }
        out.commit();
      },
      async abort() { out.discard(); },
    };
  } catch (err) {
    out.discard();
    throw err;
  }
}
