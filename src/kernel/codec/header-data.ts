// The typed header of a .baler data file: where the data came from, each array (path, kind, shape, dtype,
// column names, slab rows, its codec record from header-codec.ts and the error figures measured at
// compression), the search summary, and what merge needs to join a file compressed in parts. Each structure's
// writer sits beside its reader, so that a field added to one is seen missing in the other.
import type { DataKind, DType } from '../types';
import type { ErrorState } from '../metrics';
import type { ErrorFigures } from '../api';
import * as path from 'node:path';
import type { ByteReader, ByteWriter } from './bytes';
import { roundDownToFloat32, roundUpToFloat32 } from './numbers';
import { readCodec, writeCodec, type ArrayCodec } from './header-codec';
import { DTYPES, KINDS, MAX_ELEMENTS, MAX_RANK, readDigest, writeDigest } from './header-fields';
import { BalerError } from '../errors';

/**
 * The most bytes of JSON a header keeps as the source's or one array's attributes (metadata, strings and text
 * columns kept beside the numbers: data/strings.ts bounds those well below it); a reader refuses more.
 */
export const MAX_ATTRIBUTES_BYTES = 16 << 20;

/** The attributes, when a reader will take them back. */
function checkedAttributes(json: string, of: string): string {
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ATTRIBUTES_BYTES) {
    throw new BalerError(`the metadata kept beside ${of} takes ${bytes} bytes of JSON, more than a .baler header holds (${MAX_ATTRIBUTES_BYTES})`, undefined, 'ETOOLARGE');
  }
  return json;
}

/** What a .baler file holds. */
export interface DataHeader {
  kind: 'data';
  createdBy: string;
  /** `leftOut`: how many arrays of the source are not in this file (not numeric, or not the one chosen); the ratios are then of the arrays held (SizeBreakdown.original). */
  source: { name: string; bytes: number; format: string; attributes?: string; leftOut?: number };
  arrays: ArrayEntry[];
  search?: SearchSummary;
  /** Present in a part of a file compressed in parts (`--part I/N`), which `merge` joins without recoding. */
  part?: PartInfo;
}

/** A part of a file compressed in parts: which one, of what, and what merge needs to join the parts exactly. */
export interface PartInfo {
  index: number;
  count: number;
  /** SHA-256 (hex) of the input's identity and the settings that shape the coding; equal in every part. */
  inputId: string;
  /** Per array: the part's first row in the whole array, the whole array's rows, and the exact error sums. */
  arrays: { firstRow: number; totalRows: number; errors: ErrorState }[];
}

/** One array of the source file and how it is coded; its sections are named `${index}.${role}`. */
export interface ArrayEntry {
  /** Where the array lived in its file ('' for single-array formats). */
  path: string;
  kind: DataKind;
  shape: number[];
  dtype: DType;
  names: string[];
  /** JSON of format-specific metadata to write the array back in kind ('' when none). */
  attributes: string;
  /** Rows (along axis 0) per slab; slab j is chunk j of each per-slab section. */
  slabRows: number;
  codec: ArrayCodec;
  errors: ErrorSummary;
}

/** Figures measured at compression on the values as written (shown, never computed with). */
export type ErrorSummary = ErrorFigures;

export interface SearchSummary {
  target: string;
  objective: 'total' | 'latent';
  /** Points recorded in the `search.points` section, and which one was chosen. */
  points: number;
  chosen: number;
}

const OBJECTIVES = ['total', 'latent'] as const;

// ------------------------------------------------------------------------------------------ the file

// Layout 2 opens the data fields with one byte of flags: the source named after the .baler's own stem (data.npy
// → data.baler, the default output, stores only '.npy': a small file does not carry its name twice; a renamed
// .baler shows its source under the new stem, a header read without its file's name the suffix only), and which
// of the source attributes, the search summary, the part and the count of arrays left out follow. Layout 1 stored
// the name whole, the attributes always and a bool before each of the others.
const NAME_AFTER_STEM = 1;
const ATTRIBUTES = 2;
const SEARCH = 4;
const PART = 8;
const LEFT_OUT = 16;
/** A part's error sums carry each column's too (a table's worst column, which merge reports as one process does). */
const PART_COLUMNS = 32;

function stemOf(file: string | undefined): string {
  return file ? path.parse(path.basename(file)).name : '';
}

/** The data header's fields after the common start (layout, kind, createdBy: header.ts), in the current layout. */
export function writeData(w: ByteWriter, h: DataHeader, file?: string): void {
  const stem = stemOf(file);
  const afterStem = stem !== '' && h.source.name.startsWith(stem);
  const attributes = h.source.attributes ?? '';
  const leftOut = h.source.leftOut ?? 0;
  const partColumns = h.part?.arrays.some((a) => a.errors.columns) ?? false;
  w.u8((afterStem ? NAME_AFTER_STEM : 0) | (attributes ? ATTRIBUTES : 0) | (h.search ? SEARCH : 0) | (h.part ? PART : 0) | (leftOut > 0 ? LEFT_OUT : 0)
    | (partColumns ? PART_COLUMNS : 0));
  w.str(afterStem ? h.source.name.slice(stem.length) : h.source.name);
  w.varuint(h.source.bytes);
  w.str(h.source.format);
  if (attributes) w.str(checkedAttributes(attributes, 'the source file'));
  w.varuint(h.arrays.length);
  for (const a of h.arrays) writeArray(w, a);
  if (h.search) {
    w.str(h.search.target);
    w.u8(OBJECTIVES.indexOf(h.search.objective));
    w.varuint(h.search.points);
    w.varuint(h.search.chosen);
  }
  if (h.part) writePart(w, h.part, partColumns);
  if (leftOut > 0) w.varuint(leftOut);
}

export function readData(r: ByteReader, createdBy: string, layout: number, file?: string): DataHeader {
  const flags = layout === 1 ? 0 : r.u8('data flags');
  if (flags > (NAME_AFTER_STEM | ATTRIBUTES | SEARCH | PART | LEFT_OUT | PART_COLUMNS)) r.fail(`unknown data flags ${flags}`);
  if (flags & PART_COLUMNS && !(flags & PART)) r.fail('column error sums without a part');
  const stored = r.str('source name', 4096);
  const name = flags & NAME_AFTER_STEM ? stemOf(file) + stored : stored;
  const bytes = r.varuint('source size');
  const format = r.str('source format', 64);
  const attributes = layout === 1 || flags & ATTRIBUTES ? r.str('source attributes', MAX_ATTRIBUTES_BYTES) : '';
  const source = { name, bytes, format, ...(attributes ? { attributes } : {}) };
  const count = r.count('array count', 8);
  const arrays: ArrayEntry[] = [];
  for (let k = 0; k < count; k++) arrays.push(readArray(r, layout));
  if (arrays.length === 0) r.fail('no arrays');
  const paths = new Set(arrays.map((a) => a.path));
  if (paths.size !== arrays.length) r.fail('two arrays have the same path');
  let search: SearchSummary | undefined;
  if (layout === 1 ? r.bool('search flag') : flags & SEARCH) {
    search = {
      target: r.str('search target', 256),
      objective: r.choice('search objective', OBJECTIVES),
      points: r.varuint('search points', 1 << 20),
      chosen: 0,
    };
    search.chosen = r.varuint('chosen point', Math.max(0, search.points - 1));
  }
  const part = (layout === 1 ? r.bool('part flag') : flags & PART) ? readPart(r, arrays, (flags & PART_COLUMNS) !== 0) : undefined;
  const leftOut = flags & LEFT_OUT ? r.varuint('arrays left out', MAX_ELEMENTS) : 0;
  if (flags & LEFT_OUT && leftOut === 0) r.fail('zero arrays left out, flagged');
  return { kind: 'data', createdBy, source: leftOut ? { ...source, leftOut } : source, arrays, ...(search ? { search } : {}), ...(part ? { part } : {}) };
}

// ------------------------------------------------------------------------------------------ a part

function writePart(w: ByteWriter, part: PartInfo, withColumns: boolean): void {
  w.varuint(part.index);
  w.varuint(part.count);
  writeDigest(w, part.inputId);
  for (const a of part.arrays) {
    w.varuint(a.firstRow);
    w.varuint(a.totalRows);
    const e = a.errors;
    for (const v of [e.min, e.max, e.sumSquares, e.maxAbs, e.maxRel]) w.f64(v);
    w.varuint(e.compared);
    w.varuint(e.nonFiniteMismatches);
    if (withColumns) writeColumnSums(w, e.columns);
  }
}

/** Each column's sums (ErrorAccumulator's), after their count (0: none, the array is not a table of columns). */
function writeColumnSums(w: ByteWriter, c: ErrorState['columns']): void {
  w.varuint(c?.count.length ?? 0);
  if (!c) return;
  for (let k = 0; k < c.count.length; k++) {
    for (const v of [c.min[k], c.max[k], c.sumSquares[k], c.maxAbs[k]]) w.f64(v);
    w.varuint(c.count[k]);
  }
}

function readColumnSums(r: ByteReader, a: ArrayEntry): ErrorState['columns'] {
  const columns = r.varuint('part columns', MAX_ELEMENTS);
  if (columns === 0) return undefined;
  if (a.kind !== 'table' || a.shape.length !== 2 || columns !== a.shape[1]) r.fail(`error sums of ${columns} columns for an array of shape ${a.shape.join(' × ')}`);
  const sums = { min: [] as number[], max: [] as number[], sumSquares: [] as number[], maxAbs: [] as number[], count: [] as number[] };
  for (let k = 0; k < columns; k++) {
    for (const f of ['min', 'max', 'sumSquares', 'maxAbs'] as const) sums[f].push(r.f64(`column ${f}`));
    sums.count.push(r.varuint('column values compared'));
  }
  return sums;
}

function readPart(r: ByteReader, arrays: ArrayEntry[], withColumns: boolean): PartInfo {
  const index = r.varuint('part index', 1 << 20);
  const count = r.varuint('part count', 1 << 20);
  if (index >= count) r.fail(`part ${index} of ${count}`);
  const inputId = readDigest(r, 'input id');
  const parts = arrays.map((a) => {
    const firstRow = r.varuint('part first row');
    const totalRows = r.varuint('part total rows');
    if (firstRow + a.shape[0] > totalRows) r.fail(`part rows ${firstRow}..${firstRow + a.shape[0]} beyond the array's ${totalRows}`);
    const [min, max, sumSquares, maxAbs, maxRel] = ['minimum', 'maximum', 'sum of squares', 'max error', 'max rel error'].map((f) => r.f64(f));
    const errors: ErrorState = { min, max, sumSquares, maxAbs, maxRel, compared: r.varuint('values compared'), nonFiniteMismatches: r.varuint('non-finite mismatches') };
    const columns = withColumns ? readColumnSums(r, a) : undefined;
    return { firstRow, totalRows, errors: columns ? { ...errors, columns } : errors };
  });
  return { index, count, inputId, arrays: parts };
}

// ------------------------------------------------------------------------------------------ an array

/** The JSON of the source's or an array's attributes as an object ({} when there are none or they are not an object). */
export function parseAttributes(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function writeArray(w: ByteWriter, a: ArrayEntry): void {
  w.str(a.path);
  w.u8(KINDS.indexOf(a.kind));
  w.u8(DTYPES.indexOf(a.dtype));
  w.varuint(a.shape.length);
  for (const d of a.shape) w.varuint(d);
  w.varuint(a.names.length);
  for (const n of a.names) w.str(n);
  w.str(checkedAttributes(a.attributes, a.path || 'the array'));
  w.varuint(a.slabRows);
  writeCodec(w, a.codec, a.dtype);
  writeErrors(w, a.errors);
}

function readArray(r: ByteReader, layout: number): ArrayEntry {
  const path = r.str('array path', 4096);
  const kind = r.choice('array kind', KINDS);
  const dtype = r.choice('dtype', DTYPES);
  const rank = r.varuint('rank', MAX_RANK);
  if (rank === 0) r.fail('an array of rank 0');
  const shape: number[] = [];
  let elements = 1;
  for (let d = 0; d < rank; d++) {
    const n = r.varuint('shape', MAX_ELEMENTS);
    if (n === 0) r.fail('an empty dimension');
    elements *= n;
    if (elements > MAX_ELEMENTS) r.fail(`shape [${[...shape, n].join(', ')}…] has more than 2^53 elements`);
    shape.push(n);
  }
  // Frames of rank 2 are one image (types.ts kindOfArray).
  if (kind === 'table' ? rank > 2 : rank < 2) r.fail(`kind '${kind}' does not fit rank ${rank}`);
  const nameCount = r.count('column name count', 1, MAX_ELEMENTS);
  const names: string[] = [];
  for (let i = 0; i < nameCount; i++) names.push(r.str('column name', 4096));
  const columns = rank === 2 ? shape[1] : 1;
  if (names.length !== 0 && (kind !== 'table' || names.length !== columns)) r.fail(`${names.length} column names for ${columns} columns`);
  const attributes = r.str('array attributes', MAX_ATTRIBUTES_BYTES);
  const slabRows = r.varuint('slab rows', shape[0]);
  if (slabRows === 0) r.fail('zero rows per slab');
  const codec = readCodec(r, kind, shape, dtype, layout);
  const errors = layout === 1 ? readErrorsLayout1(r, columns) : readErrors(r, columns);
  return { path, kind, shape, dtype, names, attributes, slabRows, codec, errors };
}

// ------------------------------------------------------------------------------------------ error figures

// Shown, never computed with: float32, rounded so that no figure looks better than measured. A flags byte says
// which figures are not stored: an exact array's (every error 0, PSNR ∞) and a zero range; what most small and
// constant files hold, in one byte instead of 33.
const EXACT = 1;
const WORST_COLUMN = 2;
const ZERO_RANGE = 4;

function isExact(e: ErrorSummary): boolean {
  const w = e.worstColumn;
  return e.rmse === 0 && e.nrmse === 0 && e.psnr === Infinity && e.maxAbsError === 0 && e.maxRelError === 0 &&
    (!w || (w.psnr === Infinity && w.maxErrorOverRange === 0));
}

function writeErrors(w: ByteWriter, e: ErrorSummary): void {
  const exact = isExact(e);
  const zeroRange = Object.is(Math.fround(e.range), 0);
  w.u8((exact ? EXACT : 0) | (e.worstColumn ? WORST_COLUMN : 0) | (zeroRange ? ZERO_RANGE : 0));
  if (!exact) {
    for (const v of [e.rmse, e.nrmse]) w.f32(roundUpToFloat32(v));
    w.f32(roundDownToFloat32(e.psnr));
    for (const v of [e.maxAbsError, e.maxRelError]) w.f32(roundUpToFloat32(v));
  }
  if (!zeroRange) w.f32(e.range);
  if (e.worstColumn) {
    w.varuint(e.worstColumn.column);
    if (!exact) {
      w.f32(roundDownToFloat32(e.worstColumn.psnr));
      w.f32(roundUpToFloat32(e.worstColumn.maxErrorOverRange));
    }
  }
}

function readErrors(r: ByteReader, columns: number): ErrorSummary {
  const flags = r.u8('error flags');
  if (flags > (EXACT | WORST_COLUMN | ZERO_RANGE)) r.fail(`unknown error flags ${flags}`);
  const exact = (flags & EXACT) !== 0;
  const [rmse, nrmse, psnr, maxAbsError, maxRelError] = exact ? [0, 0, Infinity, 0, 0] : ['rmse', 'nrmse', 'psnr', 'max error', 'max rel error'].map((f) => r.f32(f));
  const range = flags & ZERO_RANGE ? 0 : r.f32('range');
  const errors: ErrorSummary = { rmse, nrmse, psnr, maxAbsError, maxRelError, range };
  if (flags & WORST_COLUMN) {
    const column = r.varuint('worst column', columns - 1);
    errors.worstColumn = exact ? { column, psnr: Infinity, maxErrorOverRange: 0 } : { column, psnr: r.f32('worst column PSNR'), maxErrorOverRange: r.f32('worst column error') };
  }
  return errors;
}

/** Header layout 1 (formats 2 and 3) stored every figure. */
function readErrorsLayout1(r: ByteReader, columns: number): ErrorSummary {
  const [rmse, nrmse, psnr, maxAbsError, maxRelError, range] = ['rmse', 'nrmse', 'psnr', 'max error', 'max rel error', 'range'].map((f) => r.f32(f));
  const errors: ErrorSummary = { rmse, nrmse, psnr, maxAbsError, maxRelError, range };
  if (r.bool('worst column flag')) {
    errors.worstColumn = { column: r.varuint('worst column', columns - 1), psnr: r.f32('worst column PSNR'), maxErrorOverRange: r.f32('worst column error') };
  }
  return errors;
}
