// HDF5 and netCDF-4 output through h5wasm: datasets written slab by slab, chunked and gzip'd, with the attributes,
// groups, scalars, strings and netCDF dimensions they were read with.
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { elementCount } from './budget';
import { AtomicOutput, outputError } from './files';
import { castToDtype } from './dtype';
import type { ScalarVariable } from './scalars';
import { isStringVariable, type StringVariable } from './strings';
import { H5_DTYPE, writeAttributes } from './hdf5-attributes';
import { fixedSize, writeDimensions } from './netcdf4-dimensions';
import { rowElements } from './npy-file';
import type { ArrayDescription, DataSink, SinkOptions } from './source';
import { h5wasm, lastDiagnostic, logSize, type Carried, type GroupAttributes, type H5File, type H5Dataset } from './hdf5-module';

/**
 * Writes arrays as datasets (path '' → '/data'), chunked along the first axis and gzip-compressed with `compress`,
 * with the attributes they were read with. float16 is written as float32 (h5wasm cannot create half floats) and
 * bool as uint8; the attribute `baler_dtype` records the original dtype. Column names go to the `columns` attribute.
 * netCDF-4 output gets each array's dimensions as netCDF dimension scales.
 */
export async function createHdf5Sink(
  file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions, format: 'hdf5' | 'netcdf',
): Promise<DataSink> {
  const { h5, diagnostics } = await h5wasm();
  const out = new AtomicOutput(file, opts);
  const before = logSize(diagnostics);
  // Links and attributes listed in the order written, which is the order read (netCDF-4 tracks creation order too):
  // untracked, HDF5 lists them by name, and a file came back with its variables and dimensions sorted.
  const f: H5File = new h5.File(out.tempPath, 'w', { track_order: true });
  if ((f as unknown as { file_id: bigint }).file_id < 0n) {
    out.discard();
    throw outputError(Object.assign(new Error(lastDiagnostic(diagnostics, before) ?? 'cannot create the file'), { code: 'EACCES' }), file);
  }
  let closed = false;
  const close = (): void => { if (!closed) f.close(); closed = true; };
  try {
    const source = (attributes.hdf5 ?? attributes.netcdf) as { attrs?: Record<string, unknown>; attrTypes?: Record<string, string>; groups?: Record<string, GroupAttributes> } & Partial<Carried> | undefined;
    writeAttributes(f, source?.attrs ?? {}, undefined, source?.attrTypes);
    writeGroups(f, source?.groups ?? {});
    writeScalars(f, source?.scalars ?? {});
    const strings = writeStrings(f, source?.strings ?? {});
    const paths = arrays.map((a, i) => datasetPath(a, i, arrays.length));
    const datasets = arrays.map((a, i) => createDataset(f, a, paths[i], opts));
    if (format === 'netcdf') {
      const shaped = [...arrays, ...strings.map((s) => ({ shape: s.variable.shape, attributes: { netcdf: { dimensions: s.variable.dimensions } } }))];
      writeDimensions(f, shaped, [...datasets, ...strings.map((s) => s.dataset)], [...paths, ...strings.map((s) => s.path)]);
    }
    const written = arrays.map(() => 0);
    return {
      async writeSlab(index, slab) {
        const a = arrays[index];
        const rows = slab.shape[0];
        const d = datasets[index];
        const before = logSize(diagnostics);
        try {
          d.write_slice([[written[index], written[index] + rows]], forWriting(slab, a.dtype));
        } catch (err) {
          throw new BalerError(`cannot write '${a.path || 'data'}' (${lastDiagnostic(diagnostics, before) ?? (err as Error).message})`, file);
        }
        written[index] += rows;
      },
      async finish() {
        const missing = arrays.findIndex((a, i) => written[i] !== a.shape[0]);
        close();
        if (missing >= 0) {
          out.discard();
          throw new Error(`hdf5 sink: ${written[missing]} rows of '${arrays[missing].path}' written of ${arrays[missing].shape[0]}`);
        }
        out.commit();
      },
      async abort() {
        close();
        out.discard();
      },
    };
  } catch (err) {
    close();
    out.discard();
    throw err;
  }
}

/** The source's single numbers, each as a scalar dataset with its attributes (groups made where missing). */
function writeScalars(f: H5File, scalars: Record<string, ScalarVariable>): void {
  for (const [name, s] of Object.entries(scalars)) {
    if (!/^\/[^\0]+$/.test(name) || !(s.dtype in H5_DTYPE) || typeof s.value !== 'number' || f.get(name)) continue;
    ensureGroups(f, name.slice(0, name.lastIndexOf('/')));
    const data = castToDtype(Float64Array.of(s.value), s.dtype === 'float16' ? 'float32' : s.dtype === 'bool' ? 'uint8' : s.dtype);
    const d = f.create_dataset({ name, data: data as never, shape: [], dtype: H5_DTYPE[s.dtype], track_order: true });
    writeAttributes(d as unknown as Parameters<typeof writeAttributes>[0], s.attrs ?? {}, s.dtype, s.attrTypes);
  }
}

/**
 * The source's small string datasets, each with its attributes; those written, for their dimensions
 * (netcdf4-dimensions.ts: a coordinate becomes its dimension's scale).
 */
function writeStrings(f: H5File, strings: Record<string, unknown>): { path: string; dataset: H5Dataset; variable: StringVariable }[] {
  const written: { path: string; dataset: H5Dataset; variable: StringVariable }[] = [];
  for (const [name, s] of Object.entries(strings)) {
    if (!/^\/[^\0]+$/.test(name) || !isStringVariable(s) || f.get(name)) continue;
    ensureGroups(f, name.slice(0, name.lastIndexOf('/')));
    const d = f.create_dataset({ name, data: s.values as never, shape: s.shape, track_order: true, ...(s.fixedLength ? { dtype: `S${s.fixedLength}` } : {}) });
    writeAttributes(d as unknown as Parameters<typeof writeAttributes>[0], s.attrs ?? {}, undefined, s.attrTypes);
    written.push({ path: name, dataset: d as H5Dataset, variable: s });
  }
  return written;
}

/** A group's attributes as read (hdf5-attributes.ts), with the type of each numeric one. */
/** The source's groups (parents first), each with its attributes: those without a dataset are kept too. */
function writeGroups(f: H5File, groups: Record<string, GroupAttributes>): void {
  for (const name of Object.keys(groups).sort()) {
    if (!/^\/[^\0]+$/.test(name)) continue;
    ensureGroups(f, name);
    const g = f.get(name) as unknown as Parameters<typeof writeAttributes>[0] | null;
    if (g) writeAttributes(g, groups[name].attrs ?? {}, undefined, groups[name].attrTypes);
  }
}

/** Creates the group `name` and the groups above it where missing. */
function ensureGroups(f: H5File, name: string): void {
  let group = '';
  for (const part of name.split('/').filter((p) => p.length > 0)) {
    group += `/${part}`;
    if (!f.get(group)) f.create_group(group, true);
  }
}

/** Where an array is written: its path, or '/data' ('/array{i}' among several) for arrays without one. */
function datasetPath(a: ArrayDescription, index: number, count: number): string {
  return `/${(a.path || (count === 1 ? 'data' : `array${index}`)).replace(/^\/+/, '')}`;
}

function createDataset(f: H5File, a: ArrayDescription, name: string, opts: SinkOptions): H5Dataset {
  ensureGroups(f, name.slice(0, name.lastIndexOf('/')));
  elementCount(a.shape);
  const rest = a.shape.slice(1);
  const perRow = rowElements(a.shape);
  const info = (a.attributes?.hdf5 ?? a.attributes?.netcdf) as { attrs?: Record<string, unknown>; attrTypes?: Record<string, string>; chunks?: number[] | null; filters?: string[]; growable?: boolean } | undefined;
  // gzip when asked, or when the dataset read was deflated (a compressed netCDF-4 comes back compressed)
  const gzip = opts.compress || (info?.filters ?? []).includes('deflate');
  const chunkRows = info?.chunks?.[0] ?? Math.max(1, Math.min(a.shape[0], Math.floor(2 ** 20 / Math.max(1, perRow * 8))));
  const empty = a.dtype === 'int64' ? new BigInt64Array(0) : a.dtype === 'uint64' ? new BigUint64Array(0) : new Float64Array(0);
  const d = f.create_dataset({
    name, data: empty, shape: [0, ...rest], maxshape: [info?.growable ? null : fixedSize(a.shape[0]), ...rest],
    // The source's chunk shape on every axis (a (5, 5)-chunked dataset came back (5, 10)); else whole rows.
    chunks: [Math.max(1, Math.min(chunkRows, Math.max(1, a.shape[0]))), ...rest.map((n, axis) => Math.max(1, Math.min(n, info?.chunks?.[axis + 1] ?? n)))],
    dtype: H5_DTYPE[a.dtype], ...(gzip ? { compression: 'gzip' as const, compression_opts: 4 } : {}), track_order: true,
  });
  d.resize([...a.shape]);
  const attrs: Record<string, unknown> = { ...(info?.attrs ?? {}) };
  if (a.names.length > 0) attrs.columns = a.names;
  if (a.dtype === 'float16' || a.dtype === 'bool') attrs.baler_dtype = a.dtype;
  // An HDF5 or netCDF source's own facts (coordinates, fills) make its arrays exact again when read: the link is for
  // exactness from elsewhere (a ROOT table's counts), and would otherwise be an attribute the user never wrote.
  if (a.exact && !info) attrs.baler_exact = 1;
  const counts = (a.attributes?.root as { counts?: string } | undefined)?.counts;
  if (counts) attrs.baler_counts = counts; // the per-event counts of this object table (ROOT jagged branches)
  writeAttributes(d, attrs, a.dtype, info?.attrTypes);
  return d;
}

function forWriting(slab: NdArray, dtype: DType): TypedArray {
  if (dtype === 'float16') return slab.data instanceof Float32Array ? slab.data : Float32Array.from(slab.data as ArrayLike<number>);
  if (dtype === 'bool') return Uint8Array.from(slab.data as ArrayLike<number>, (v) => (v ? 1 : 0));
  return slab.data;
}
