// Parquet with hyparquet (read) and hyparquet-writer (write): the numeric columns as one table, read row group by
// row group (hyparquet reads only the row groups a slab needs), written one row group per slab.
import * as fs from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BalerError } from '../errors';
import type { DType, NdArray, TypedArray } from '../types';
import { checkBudget } from './budget';
import { AtomicOutput, closeInput, openInput, readAt } from './files';
import { checkSlab } from './npy-file';
import { allocate, commonDtype, integerColumnsOf } from './typed';
import type { ArrayDescription, DataSink, DataSource, SinkOptions, SourceSelection } from './source';
import { MAX_KEPT_STRING_BYTES } from './strings';
import { columnsInPlace, textFits, withTextColumns, type TextColumn } from './text-columns';

type Vendor = typeof import('../vendor/hyparquet.mjs');
type Hyparquet = Vendor['hyparquet'];
type Metadata = Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;
type SchemaElement = Metadata['schema'][number];

interface ColumnInfo {
  name: string;
  /** Physical type in the file, and the dtype it reads as. */
  physical: string;
  dtype: DType;
}

/** Key-value metadata entry recording dtypes Parquet has no type for (float16). */
const DTYPES_KEY = 'baler.dtypes';

/**
 * Decoders for the codecs hyparquet leaves to its caller (it decodes SNAPPY itself): Node's zlib for GZIP and
 * BROTLI, hyparquet-compressors for ZSTD (the default of Polars, DuckDB and recent Spark) and LZ4. Each decodes into
 * the page's declared size, never more (LZO, which no current writer uses, stays unsupported).
 */
type Decoders = Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>;

function compressors(vendor: Vendor): Decoders {
  return {
    GZIP: (input, length) => new Uint8Array(gunzipSync(input, { maxOutputLength: Math.max(1, length) })),
    BROTLI: (input, length) => new Uint8Array(brotliDecompressSync(input, { maxOutputLength: Math.max(1, length) })),
    ZSTD: (input, length) => vendor.decompressZstd(input, new Uint8Array(length)),
    LZ4: vendor.decompressLz4,
    LZ4_RAW: vendor.decompressLz4Raw,
  };
}

export async function openParquet(file: string, selection: SourceSelection, budget: number): Promise<DataSource> {
  const vendor = await import('../vendor/hyparquet.mjs');
  const hp = vendor.hyparquet;
  const decoders = compressors(vendor);
  const input = openInput(file);
  const buffer = {
    byteLength: input.size,
    slice: async (start: number, end?: number): Promise<ArrayBuffer> => {
      const stop = end ?? input.size;
      checkBudget(stop - start, budget, 'a Parquet read', file);
      return readAt(input, start, stop - start, 'Parquet data').buffer as ArrayBuffer;
    },
  };
  try {
    let metadata: Metadata;
    try {
      metadata = await hp.parquetMetadataAsync(buffer);
    } catch (err) {
      if (err instanceof BalerError) throw err;
      throw new BalerError(`not a Parquet file, or a truncated one (${(err as Error).message})`, file);
    }
    const rows = Number(metadata.num_rows);
    const { columns, text, order, skipped } = tableColumns(metadata.schema);
    // float16 columns are written as FLOAT (hyparquet-writer has no half floats); 'baler.dtypes' restores them.
    const declared = JSON.parse(metadata.key_value_metadata?.find((kv) => kv.key === DTYPES_KEY)?.value ?? '{}') as Record<string, string>;
    for (const c of columns) if (c.dtype === 'float32' && declared[c.name] === 'float16') c.dtype = 'float16';
    const wanted = selection.columns ?? order;
    if (selection.columns) {
      const all = [...order, ...skipped.map((s) => s.path)];
      for (const name of selection.columns) {
        if (order.includes(name)) continue;
        const skip = skipped.find((s) => s.path === name);
        throw new BalerError(skip ? `the column '${name}' ${skip.reason}` : `no column '${name}' (columns: ${all.join(', ')})`, file);
      }
    }
    const chosen = wanted.flatMap((name) => columns.filter((c) => c.name === name));
    const textWanted = wanted.filter((name) => text.includes(name));
    if (chosen.length === 0) {
      skipped.push(...textWanted.map((name) => ({ path: name, reason: 'holds text, and the table no numbers to keep it beside' })));
      return { file, format: 'parquet', arrays: [], skipped, close: async () => closeInput(input) };
    }
    const kept = await textColumns(hp, buffer, metadata, decoders, textWanted.map((name) => ({ name, position: wanted.indexOf(name) })), file);
    if (!kept && textWanted.length > 0) {
      const reason = `text, more than the ${MAX_KEPT_STRING_BYTES >> 20} MiB a .baler keeps exactly beside the numbers`;
      if (selection.columns) throw new BalerError(`${textWanted.map((n) => `'${n}'`).join(', ')}: ${reason}: leave ${textWanted.length > 1 ? 'them' : 'it'} out of --columns`, file);
      skipped.push(...textWanted.map((name) => ({ path: name, reason })));
    }
    const dtype = commonDtype(chosen.map((c) => c.dtype));
    const width = chosen.length;
    const readSlab = async (start: number, count: number): Promise<NdArray> => {
      checkSlab([rows, width], start, count, file);
      checkBudget(count * width * 8 * 3, budget, `a slab of ${count} Parquet rows`, file);
      const out = allocate(dtype, count * width);
      try {
        await hp.parquetRead({
          file: buffer, metadata, columns: chosen.map((c) => c.name), rowStart: start, rowEnd: start + count,
          compressors: decoders,
          onChunk: ({ columnName, columnData, rowStart }) => {
            const c = chosen.findIndex((col) => col.name === columnName);
            for (let i = 0; i < columnData.length; i++) {
              const row = rowStart + i - start;
              if (row < 0 || row >= count) continue;
              out[row * width + c] = convert(columnData[i], dtype) as never;
            }
          },
        });
      } catch (err) {
        if (err instanceof BalerError) throw err;
        throw new BalerError(`cannot read the Parquet data (${(err as Error).message})`, file);
      }
      return { dtype, shape: [count, width], data: out };
    };
    const attributes = withTextColumns({ parquet: { columns: chosen.map((c) => ({ name: c.name, type: c.physical, dtype: c.dtype })), keyValue: metadata.key_value_metadata ?? [] } }, kept ?? []);
    return {
      file, format: 'parquet', skipped, attributes: { parquet: { keyValue: jsonKeyValue(metadata) } },
      arrays: [{ path: '', dtype, shape: [rows, width], kind: 'table', names: chosen.map((c) => c.name), integerColumns: integerColumnsOf(chosen.map((c) => c.dtype)), attributes, readSlab }],
      close: async () => closeInput(input),
    };
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

function jsonKeyValue(metadata: Metadata): { key: string; value?: string }[] {
  return (metadata.key_value_metadata ?? []).map((kv) => ({ key: kv.key, value: kv.value }));
}

/**
 * Top-level leaf columns: numeric ones (the table to code) and UTF-8 strings (text kept beside it), with the order of
 * both in the file; everything else (nested lists, timestamps, decimals, raw bytes) is skipped.
 */
function tableColumns(schema: SchemaElement[]): { columns: ColumnInfo[]; text: string[]; order: string[]; skipped: { path: string; reason: string }[] } {
  const columns: ColumnInfo[] = [];
  const text: string[] = [];
  const order: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const root = schema[0];
  let i = 1;
  for (let n = 0; n < (root.num_children ?? 0); n++) {
    const el = schema[i];
    const span = subtreeSize(schema, i);
    i += span;
    if (el.num_children) { skipped.push({ path: el.name, reason: 'is a nested column (lists and structs are not read)' }); continue; }
    const dtype = leafDtype(el);
    if (typeof dtype === 'string' && !dtype.startsWith('!')) {
      columns.push({ name: el.name, physical: el.type!, dtype: dtype as DType });
      order.push(el.name);
    } else if (isText(el)) {
      text.push(el.name);
      order.push(el.name);
    } else skipped.push({ path: el.name, reason: dtype ? dtype.slice(1) : `holds ${el.type ?? 'non-numeric'} values, not numbers` });
  }
  return { columns, text, order, skipped };
}

function isText(el: SchemaElement): boolean {
  const logical = el.logical_type as { type?: string } | undefined;
  return el.type === 'BYTE_ARRAY' && (logical?.type === 'STRING' || el.converted_type === 'UTF8');
}

/**
 * The values of the text columns wanted, read whole (the file says their size first: nothing far beyond what a
 * .baler keeps is read); undefined when they do not fit beside the numbers.
 */
async function textColumns(
  hp: Hyparquet, file: Parameters<Hyparquet['parquetRead']>[0]['file'], metadata: Metadata, decoders: Decoders,
  wanted: { name: string; position: number }[], name: string,
): Promise<TextColumn[] | undefined> {
  if (wanted.length === 0) return [];
  const names = new Set(wanted.map((w) => w.name));
  const declared = metadata.row_groups.reduce((n, g) => n + g.columns.reduce((m, c) => m + (names.has(c.meta_data?.path_in_schema[0] ?? '') ? Number(c.meta_data?.total_uncompressed_size ?? 0) : 0), 0), 0);
  if (declared > 2 * MAX_KEPT_STRING_BYTES) return undefined;
  const rows = Number(metadata.num_rows);
  const kept: TextColumn[] = wanted.map((w) => ({ ...w, values: new Array<string | null>(rows).fill(null) }));
  try {
    await hp.parquetRead({
      file, metadata, columns: [...names], compressors: decoders,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const column = kept.find((c) => c.name === columnName)!;
        for (let i = 0; i < columnData.length; i++) column.values[rowStart + i] = (columnData[i] ?? null) as string | null;
      },
    });
  } catch (err) {
    if (err instanceof BalerError) throw err;
    throw new BalerError(`cannot read the Parquet data (${(err as Error).message})`, name);
  }
  return textFits(kept) ? kept : undefined;
}

function subtreeSize(schema: SchemaElement[], at: number): number {
  let size = 1;
  for (let c = 0; c < (schema[at].num_children ?? 0); c++) size += subtreeSize(schema, at + size);
  return size;
}

function leafDtype(el: SchemaElement): string | undefined {
  const logical = el.logical_type as { type?: string; bitWidth?: number; isSigned?: boolean } | undefined;
  const converted = el.converted_type;
  if (logical?.type === 'TIMESTAMP' || logical?.type === 'DATE' || logical?.type === 'TIME' || converted?.startsWith('TIME') || converted === 'DATE') return '!holds dates or times, not plain numbers';
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return '!holds decimals, not plain numbers';
  if (logical?.type === 'FLOAT16') return 'float16';
  switch (el.type) {
    case 'BOOLEAN': return 'bool';
    case 'FLOAT': return 'float32';
    case 'DOUBLE': return 'float64';
    case 'INT32':
    case 'INT64': {
      const bits = logical?.type === 'INTEGER' ? logical.bitWidth : converted ? Number(/(\d+)$/.exec(converted)?.[1]) : undefined;
      const signed = logical?.type === 'INTEGER' ? logical.isSigned : !converted?.startsWith('UINT');
      const width = bits ?? (el.type === 'INT32' ? 32 : 64);
      return `${signed === false ? 'uint' : 'int'}${width}`;
    }
    default: return undefined;
  }
}

function convert(value: unknown, dtype: DType): number | bigint {
  if (dtype === 'int64' || dtype === 'uint64') {
    if (typeof value === 'bigint') return value;
    if (value === null || value === undefined) throw new BalerError('an integer column holds missing values (nulls)');
    return BigInt(typeof value === 'boolean' ? Number(value) : (value as number));
  }
  if (value === null || value === undefined) return NaN;
  return Number(value);
}

// ---------------------------------------------------------------------------------------------- writing

const PHYSICAL: Record<DType, 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE'> = {
  float16: 'FLOAT', float32: 'FLOAT', float64: 'DOUBLE', int8: 'INT32', int16: 'INT32', int32: 'INT32', int64: 'INT64',
  uint8: 'INT32', uint16: 'INT32', uint32: 'INT32', uint64: 'INT64', bool: 'BOOLEAN',
};

/** Integer widths Parquet marks with a logical type (so that int8…uint32 read back as what they were). */
const INTEGER_TYPES: Partial<Record<DType, { bits: number; signed: boolean; converted: string }>> = {
  int8: { bits: 8, signed: true, converted: 'INT_8' }, int16: { bits: 16, signed: true, converted: 'INT_16' },
  uint8: { bits: 8, signed: false, converted: 'UINT_8' }, uint16: { bits: 16, signed: false, converted: 'UINT_16' },
  uint32: { bits: 32, signed: false, converted: 'UINT_32' }, uint64: { bits: 64, signed: false, converted: 'UINT_64' },
};

/** Writes one table (1-D or 2-D) as Parquet, one row group per slab, each column in its own type when known. */
export async function createParquetSink(
  file: string, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions,
): Promise<DataSink> {
  if (arrays.length !== 1 || arrays[0].shape.length > 2) {
    throw new BalerError('a Parquet file holds one table (rows × columns): write .h5, .zarr or .npz for several arrays or frames', file);
  }
  const [array] = arrays;
  const width = array.shape.length === 2 ? array.shape[1] : 1;
  const names = array.names.length === width ? array.names : Array.from({ length: width }, (_, c) => `column_${c}`);
  const known = (array.attributes?.parquet as { columns?: { name: string; dtype: DType }[] } | undefined)?.columns;
  const columnDtypes = names.map((n) => known?.find((k) => k.name === n)?.dtype ?? array.dtype);
  const sources = columnsInPlace(array, width, file);
  const writerModule = (await import('../vendor/hyparquet.mjs')).parquetWriter;
  const out = new AtomicOutput(file, opts);
  const writer = writerModule.fileWriter(out.tempPath);
  const schema = writerModule.schemaFromColumnData({
    columnData: sources.map((from) => (typeof from === 'number'
      ? { name: names[from], data: allocate(columnDtypes[from], 0) as never, type: PHYSICAL[columnDtypes[from]], nullable: false }
      : { name: from.name, data: [] as never, type: 'STRING' as const, nullable: true })),
  });
  schema.slice(1).forEach((el, p) => {
    const from = sources[p];
    const integer = typeof from === 'number' ? INTEGER_TYPES[columnDtypes[from]] : undefined;
    if (integer) Object.assign(el, { converted_type: integer.converted, logical_type: { type: 'INTEGER', bitWidth: integer.bits, isSigned: integer.signed } });
  });
  const keyValue = ((attributes.parquet as { keyValue?: { key: string; value?: string }[] } | undefined)?.keyValue ?? []).filter((kv) => kv.key !== DTYPES_KEY);
  const halfFloats = names.filter((_, c) => columnDtypes[c] === 'float16');
  if (halfFloats.length > 0) keyValue.push({ key: DTYPES_KEY, value: JSON.stringify(Object.fromEntries(halfFloats.map((n) => [n, 'float16']))) });
  const pw = new writerModule.ParquetWriter({ writer, schema, kvMetadata: keyValue, createdBy: 'baler' });
  let rows = 0;
  return {
    async writeSlab(index, slab) {
      if (index !== 0) throw new Error(`parquet sink: no array ${index}`);
      const n = slab.shape[0];
      const columnData = sources.map((from) => (typeof from === 'number'
        ? { name: names[from], data: columnOf(slab.data, n, width, from, columnDtypes[from]) as never, type: PHYSICAL[columnDtypes[from]] }
        : { name: from.name, data: from.values.slice(rows, rows + n) as never, type: 'STRING' as const }));
      pw.write({ columnData, rowGroupSize: Math.max(1, n) });
      rows += n;
    },
    async finish() {
      try {
        pw.finish();
      } catch (err) {
        out.discard();
        throw err;
      }
      if (rows !== array.shape[0]) {
        out.discard();
        throw new Error(`parquet sink: ${rows} rows written of ${array.shape[0]}`);
      }
      out.commit();
    },
    async abort() {
      try { fs.rmSync(out.tempPath, { force: true }); } finally { out.discard(); }
    },
  };
}

function columnOf(data: TypedArray, rows: number, width: number, c: number, dtype: DType): TypedArray | boolean[] {
  const physical = PHYSICAL[dtype];
  if (physical === 'BOOLEAN') return Array.from({ length: rows }, (_, r) => Boolean(data[r * width + c]));
  const out = physical === 'INT64' ? new BigInt64Array(rows) : physical === 'INT32' ? new Int32Array(rows) : physical === 'FLOAT' ? new Float32Array(rows) : new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = data[r * width + c];
    (out as unknown as (number | bigint)[])[r] = physical === 'INT64' ? (typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(Math.round(Number(v)))) : Number(v);
  }
  return out;
}
