// `npm run bench -- --suite formats`: for each table of the ROOT test files and of a generated HDF5 field and Parquet
// jet table, the bytes the format itself uses (for ROOT the branches' compressed bytes), lossless zstd -19 of the
// raw columns, CMS NanoAOD's mantissa truncation (10 and 14 mantissa bits kept, rounded, then zstd -19) and baler
// at pw-rel 2^-11 and 2^-15 (the same point-wise error as that truncation) and rel:1e-3 through today's compress()
// (the whole .baler file counted, decoder included). Integer columns (counts, charges, ids) stay exact everywhere.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DType } from '../kernel/types';
import { compressBytes } from '../kernel/codec/entropy';
import { readWholeArray, writeDataset } from '../kernel/data/dataset';
import { DEFAULT_MEMORY_BUDGET } from '../kernel/data/budget';
import { openDataSource } from '../kernel/data/formats';
import type { ArraySource } from '../kernel/data/source';
import { generateJets } from '../kernel/demo/jets';
import { compress } from '../kernel/pipeline';
import type { BenchArgs } from './suite';
import { rowsTable } from './suite';

export interface FormatsRow {
  table: string;
  shape: string;
  rawBytes: number;
  formatBytes: number;
  zstd19: number;
  trunc10Zstd: number;
  trunc14Zstd: number;
  balerPwRel2e11: number;
  balerPwRel2e15: number;
  balerRel1e3: number;
  /** Baler smaller than truncation + zstd at the same point-wise error (2^-11 vs 10 bits, 2^-15 vs 14 bits). */
  beatsTrunc10: boolean;
  beatsTrunc14: boolean;
  balerCpuSeconds: number;
  balerWallSeconds: number;
}

interface Table {
  name: string;
  array: ArraySource;
  file: string;
  /** Per-column dtypes as the format stores them (ROOT branch types, Parquet column types). */
  columnDtypes: DType[];
  formatBytes: number;
}

const ITEM: Record<DType, number> = { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1 };

/** The columns in their own dtypes, column after column (as ROOT baskets and Parquet pages hold them). */
function columnBytes(values: Float64Array, rows: number, dtypes: DType[], keepBits?: number): Uint8Array {
  const width = dtypes.length;
  const out = new Uint8Array(dtypes.reduce((s, d) => s + ITEM[d] * rows, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  dtypes.forEach((dtype, c) => {
    for (let r = 0; r < rows; r++) {
      const v = values[r * width + c];
      switch (dtype) {
        case 'float32': view.setFloat32(at, keepBits === undefined ? v : truncate32(v, keepBits), true); break;
        case 'float64': view.setFloat64(at, keepBits === undefined ? v : truncate64(v, keepBits), true); break;
        case 'int64': case 'uint64': view.setBigInt64(at, BigInt(Math.round(v)), true); break;
        case 'int32': case 'uint32': view.setInt32(at, v, true); break;
        case 'int16': case 'uint16': case 'float16': view.setInt16(at, v, true); break;
        default: view.setInt8(at, v);
      }
      at += ITEM[dtype];
    }
  });
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** NanoAOD's reduceMantissaToNbitsRounding: keep `bits` of float32's 23 mantissa bits, rounding to nearest. */
function truncate32(v: number, bits: number): number {
  f32[0] = v;
  if (!Number.isFinite(f32[0])) return f32[0];
  const shift = 23 - bits;
  const mask = (0xffffffff << shift) >>> 0;
  u32[0] = ((u32[0] + (1 << (shift - 1))) & mask) >>> 0;
  return f32[0];
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function truncate64(v: number, bits: number): number {
  f64[0] = v;
  if (!Number.isFinite(v)) return v;
  const shift = BigInt(52 - bits);
  u64[0] = ((u64[0] + (1n << (shift - 1n))) >> shift) << shift;
  return f64[0];
}

async function rootTables(dataDir: string): Promise<Table[]> {
  const tables: Table[] = [];
  for (const name of ['uproot-Zmumu.root', 'uproot-HZZ.root', 'Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root']) {
    const file = path.join(dataDir, 'root', name);
    if (!fs.existsSync(file)) throw new Error(`${file} not found: the formats benchmark needs ../shared/data/root (or --data DIR)`);
    const source = await openDataSource(file);
    for (const array of source.arrays) {
      if (array.exact || array.shape[0] === 0) continue; // counts are kept exactly by every method
      const branches = (array.attributes?.root as { branches: { dtype: DType }[] }).branches;
      tables.push({ name: `${name.replace(/\.root$/, '').slice(0, 24)}:${array.path}`, array, file, columnDtypes: branches.map((b) => b.dtype), formatBytes: array.formatBytes ?? NaN });
    }
  }
  return tables;
}

/** A smooth 3-D float32 field written as chunked, gzip HDF5, and a jet table written as Parquet (snappy). */
async function generatedTables(scratch: string, quick: boolean): Promise<Table[]> {
  const frames = quick ? 8 : 32;
  const n = 64;
  const values = new Float64Array(frames * n * n);
  for (let t = 0; t < frames; t++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    values[(t * n + y) * n + x] = Math.fround(Math.sin(x / 9 + t / 5) * Math.cos(y / 13 - t / 7) * 20 + 0.001 * Math.sin(x * y));
  }
  const h5 = path.join(scratch, 'field.h5');
  await writeDataset(h5, { kind: 'frames', shape: [frames, n, n], dtype: 'float32', names: [], values }, { path: 'sim/u', compress: true, overwrite: true });
  const parquet = path.join(scratch, 'jets.parquet');
  const jets = generateJets({ rows: quick ? 5000 : 20000, seed: 3 });
  await writeDataset(parquet, { ...jets, dtype: 'float32', values: jets.values.map(Math.fround) }, { overwrite: true });
  const out: Table[] = [];
  for (const [file, label] of [[h5, 'generated HDF5 field (gzip)'], [parquet, 'generated Parquet jets (snappy)']]) {
    const source = await openDataSource(file);
    const array = source.arrays[0];
    const width = array.shape.length === 2 ? array.shape[1] : 1;
    out.push({ name: label, array, file, columnDtypes: Array(array.shape.length === 3 ? 1 : width).fill(array.dtype), formatBytes: fs.statSync(file).size });
  }
  return out;
}

async function balerSize(input: string, errorBound: string, output: string): Promise<{ bytes: number; cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await compress(input, { output, force: true, errorBound });
  const used = process.cpuUsage(cpu);
  return { bytes: result.info.sizes.total, cpu: (used.user + used.system) / 1e6, wall: (performance.now() - start) / 1000 };
}

export async function runFormatsSuite(args: BenchArgs): Promise<FormatsRow[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-bench-formats-'));
  try {
    const root = await rootTables(args.dataDir);
    const tables = [...(args.quick ? root.slice(0, 2) : root), ...await generatedTables(scratch, args.quick)];
    const rows: FormatsRow[] = [];
    for (const t of tables) {
      args.log(`formats: ${t.name}`);
      const ds = await readWholeArray(t.array, t.file, DEFAULT_MEMORY_BUDGET);
      // Frames count as one column of all their values.
      const cols = ds.shape.length > 2 ? [t.array.dtype] : t.columnDtypes;
      const count = ds.shape.length > 2 ? ds.values.length : ds.shape[0];
      const raw = columnBytes(ds.values, count, cols);
      const input = path.join(scratch, 'table.npy');
      await writeDataset(input, ds, { overwrite: true });
      const sizes = await Promise.all([compressBytes(raw, 'zstd', 19), compressBytes(columnBytes(ds.values, count, cols, 10), 'zstd', 19), compressBytes(columnBytes(ds.values, count, cols, 14), 'zstd', 19)]);
      const out = path.join(scratch, 'table.baler');
      const b11 = await balerSize(input, `pw-rel:${2 ** -11}`, out);
      const b15 = await balerSize(input, `pw-rel:${2 ** -15}`, out);
      const r3 = await balerSize(input, 'rel:1e-3', out);
      rows.push({
        table: t.name, shape: ds.shape.join('×'), rawBytes: raw.length, formatBytes: t.formatBytes,
        zstd19: sizes[0].length, trunc10Zstd: sizes[1].length, trunc14Zstd: sizes[2].length,
        balerPwRel2e11: b11.bytes, balerPwRel2e15: b15.bytes, balerRel1e3: r3.bytes,
        beatsTrunc10: b11.bytes < sizes[1].length, beatsTrunc14: b15.bytes < sizes[2].length,
        balerCpuSeconds: b11.cpu + b15.cpu + r3.cpu, balerWallSeconds: b11.wall + b15.wall + r3.wall,
      });
    }
    return rows;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function formatFormatsTable(rows: FormatsRow[]): string {
  return rowsTable(rows.map((r) => ({
    table: r.table, shape: r.shape, raw: r.rawBytes, format: r.formatBytes, 'zstd-19': r.zstd19,
    'trunc10+zstd': r.trunc10Zstd, 'baler pw 2^-11': r.balerPwRel2e11, 'trunc14+zstd': r.trunc14Zstd, 'baler pw 2^-15': r.balerPwRel2e15,
    'baler rel 1e-3': r.balerRel1e3, 'beats t10': r.beatsTrunc10 ? 'yes' : 'NO', 'beats t14': r.beatsTrunc14 ? 'yes' : 'NO',
    'cpu s': r.balerCpuSeconds, 'wall s': r.balerWallSeconds,
  })));
}
