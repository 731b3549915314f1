// The byte layout of one coded slab. Everything a slab needs beyond the file's globals (bound, tolerances,
// dtype, kind) and its shape is here, so a slab decodes on its own; what the usual configurations share is
// implied, so a slab's header is about a dozen bytes:
//
//   u8      format: 4 (SLAB_FORMAT_CHECKED), or 5 (SLAB_FORMAT_CHECKED_SPECIALS) for a slab holding NaN or ±Inf
//           (each coded by its kind, not as exact bytes; in the absolute domain, a mask of them comes first and the
//           traversal skips them), or 6 (SLAB_FORMAT_MASK_ROWS) for such a slab in the absolute domain whose mask is
//           coded row by row, a row as the one before it, as the same row of the previous frame, or as runs
//           (pointcoder.ts codeMaskRows). Formats 2 and 3 (SLAB_FORMAT, SLAB_FORMAT_SPECIALS), still read, are 4 and
//           5 with a checksum that left out each block's predictor choice and all but two bits of a special's kind.
//   u8      flags: bit 0 coded against a model's prediction, bits 1–2 layout (0 field, 1 table, 2 series, 3 channels),
//           bit 3 open edges (else anchored), bit 4 interpolation along all directions (else one; interpolation.ts),
//           bit 5 column models follow, bit 6 the predictors are listed (else the mode's usual ones),
//           bit 7 the schedule and block size are given (else the usual ones)
//   u8      globals check: dtype code (bits 0–3), bound kind (bits 4–5: abs, rel, pw-rel), table kind (bit 6)
//   u8      mode (bits 0–1: interpolation, temporal, lorenzo), axis order (bits 2–4: one of the six),
//           per-level tolerance schedule (bits 5–6: one of configure.ts's SCHEDULES)
//   [bit 7] u8 alpha, u8 beta in sixteenths, u8 block size
//   u8      step shrink k: the steps derive from τ·(1 − 2^−k)
//   [bit 6] u8 n, the number of candidate predictors (1..8), then n × u8 predictor ids (predictors.ts)
//   varint  grids: 1 (for every view) or one per view, each a u8 tag (0 none, 1 integers, 2 a step,
//           followed by it as f64 LE, 3 decimals, followed by u8 digits 1..15; grid.ts)
//   [bit 5] varint column count, then per column (columns.ts) u8 K regressors, K × varint
//           (column − regressor − 1), f32 LE intercept, K × f32 LE coefficients
//   varint  exactly stored values
//   u32 LE  checksum: FNV-1a over the coded indices (the PointCoder's hash), then over every header byte
//           before it and every exact value's byte, so no flipped bit of the slab decodes silently
//   the range-coded stream (every byte up to the exact values), then the exact values (each in the
//   dtype's width, little-endian)
//
// The reader checks every field and every length against the bytes it has before anything is allocated.

import { BalerError } from '../errors';
import { decimalGrid, decimalsOf, MAX_GRID_DECIMALS } from './grid';
import { ColumnModel, MAX_REGRESSORS } from './columns';
import { blockSizeOf, Configuration, SCHEDULES } from './configure';
import { LAYOUT_NAMES } from './layout';
import { MAX_CHOICES, Mode, needsColumns, predictorById, predictorsFor, PredictorSpec } from './predictors';
import { MIN_BITS_PER_DECISION } from './rangecoder';

export const SLAB_FORMAT = 2;
export const SLAB_FORMAT_SPECIALS = 3;
export const SLAB_FORMAT_CHECKED = 4;
export const SLAB_FORMAT_CHECKED_SPECIALS = 5;
export const SLAB_FORMAT_MASK_ROWS = 6;
const NEWEST_FORMAT = SLAB_FORMAT_MASK_ROWS;
/**
 * At most 8 / MIN_BITS_PER_DECISION ≈ 11,720 coded decisions fit in a stream byte (rangecoder.ts clamps the
 * probabilities), and every value codes at least one: with 2.5% to spare, a bound on the values a stream can hold.
 */
const VALUES_PER_STREAM_BYTE = Math.ceil((1.025 * 8) / MIN_BITS_PER_DECISION);
const MODES: Mode[] = ['interpolation', 'temporal', 'lorenzo'];
/** The six axis orders, by their index in the header. */
const ORDERS: [number, number, number][] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

const FLAG_MODEL = 1;
const FLAG_OPEN_EDGES = 8;
const FLAG_ALL_DIRECTIONS = 16;
const FLAG_COLUMN_MODELS = 32;
const FLAG_PREDICTORS_LISTED = 64;
const FLAG_SCHEDULE_GIVEN = 128;
const BOUND_KINDS = ['abs', 'rel', 'pw-rel'] as const;

export interface SlabHeader {
  usesModel: boolean;
  dtypeCode: number;
  boundKind: (typeof BOUND_KINDS)[number];
  /** The globals' kind is 'table' (a check: the slab decodes only with the globals it was coded for). */
  tableKind: boolean;
  configuration: Configuration;
  /** The grid of each view (or one for all): 0 none, 1 integers, else a step (grid.ts). */
  grids: number[];
  /** A table's column models, present exactly when a predictor needs them. */
  columnModels?: ColumnModel[];
  stepShrink: number;
  /** The slab holds NaN or ±Inf (formats 3, 5 and 6). */
  specials: boolean;
  /** Their mask is coded row by row (SLAB_FORMAT_MASK_ROWS: the absolute domain only). */
  maskRows: boolean;
  /** The checksum covers each block's predictor choice and a special's whole kind (formats 4 to 6). */
  checked: boolean;
  exactCount: number;
  /**
   * Encoder: the PointCoder's hash of the coded indices, from which writeSlab makes the stored checksum (which also
   * covers the header and exact bytes). readSlab leaves it 0: the decoder hashes the indices it decodes and
   * checksumMatches compares that with the stored checksum.
   */
  hash: number;
}

export interface SlabParts {
  header: SlabHeader;
  stream: Uint8Array;
  exact: Uint8Array;
}

/** What readSlab gives: the parts, plus the header bytes and the checksum to verify after decoding. */
export interface ReadSlab extends SlabParts {
  head: Uint8Array;
  checksum: number;
}

/** A slab that cannot be what it says (format.ts's reader and codec.ts's decoder both refuse with it). */
export function corrupt(detail: string): BalerError {
  return new BalerError(`corrupted error-bounded slab: ${detail}`);
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

const GRID_NONE = 0;
const GRID_INTEGER = 1;
const GRID_STEP = 2;
const GRID_DECIMAL = 3;

function pushGrid(out: number[], grid: number): void {
  if (grid === 0 || grid === 1) {
    out.push(grid === 0 ? GRID_NONE : GRID_INTEGER);
    return;
  }
  if (grid < 0) {
    const digits = decimalsOf(grid);
    if (!(digits >= 1 && digits <= MAX_GRID_DECIMALS) || decimalGrid(digits) !== grid) throw new Error(`bad decimal grid ${grid}`);
    out.push(GRID_DECIMAL, digits);
    return;
  }
  if (!(grid > 0 && Number.isFinite(grid))) throw new Error(`bad grid ${grid}`);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, grid, true);
  out.push(GRID_STEP, ...bytes);
}

function pushFloat(out: number[], value: number, width: 4 | 8): void {
  const bytes = new Uint8Array(width);
  const view = new DataView(bytes.buffer);
  if (width === 8) view.setFloat64(0, value, true);
  else view.setFloat32(0, value, true);
  out.push(...bytes);
}

function pushColumnModels(out: number[], models: ColumnModel[]): void {
  pushVarint(out, models.length);
  models.forEach((m, column) => {
    out.push(m.regressors.length);
    for (const j of m.regressors) pushVarint(out, column - j - 1);
    for (const b of [m.intercept, ...m.coefficients]) {
      if (Math.fround(b) !== b) throw new Error(`column model number ${b} is not a float32`);
      pushFloat(out, b, 4);
    }
  });
}

/** Bytes the column models take in a slab (what choosing a 'columns' predictor costs beyond the stream). */
export function columnModelsSize(models: ColumnModel[]): number {
  const out: number[] = [];
  pushColumnModels(out, models);
  return out.length;
}

function sixteenths(x: number): number {
  const v = Math.round(x * 16);
  if (v < 16 || v > 255 || v / 16 !== x) throw new Error(`alpha/beta ${x} is not a multiple of 1/16 in [1, 16)`);
  return v;
}

function sameList(a: PredictorSpec[], b: PredictorSpec[]): boolean {
  return a.length === b.length && a.every((p, k) => p === b[k]);
}

function slabFormat(h: SlabHeader): number {
  if (h.maskRows && !h.checked) throw new Error('a mask by rows in an unchecked format');
  if (h.maskRows) return SLAB_FORMAT_MASK_ROWS;
  if (h.checked) return h.specials ? SLAB_FORMAT_CHECKED_SPECIALS : SLAB_FORMAT_CHECKED;
  return h.specials ? SLAB_FORMAT_SPECIALS : SLAB_FORMAT;
}

export function writeSlab(parts: SlabParts): Uint8Array {
  const { header: h, stream, exact } = parts;
  const c = h.configuration;
  const columns = c.predictors.some(needsColumns);
  if (columns !== (h.columnModels !== undefined)) throw new Error('column models without a columns predictor, or the reverse');
  const listed = !sameList(c.predictors, predictorsFor(c.mode, h.usesModel, columns));
  const schedule = SCHEDULES.findIndex(([alpha, beta]) => alpha === c.alpha && beta === c.beta);
  const given = schedule < 0 || c.blockSize !== blockSizeOf(c.mode);
  const order = ORDERS.findIndex((o) => o.every((axis, k) => axis === c.order[k]));
  if (order < 0) throw new Error(`bad axis order ${c.order.join()}`);
  const head: number[] = [
    slabFormat(h),
    (h.usesModel ? FLAG_MODEL : 0) | (LAYOUT_NAMES.indexOf(c.layout) << 1) | (c.edges === 'open' ? FLAG_OPEN_EDGES : 0)
      | (c.directions === 'all' ? FLAG_ALL_DIRECTIONS : 0) | (columns ? FLAG_COLUMN_MODELS : 0) | (listed ? FLAG_PREDICTORS_LISTED : 0)
      | (given ? FLAG_SCHEDULE_GIVEN : 0),
    h.dtypeCode | (BOUND_KINDS.indexOf(h.boundKind) << 4) | (h.tableKind ? 64 : 0),
    MODES.indexOf(c.mode) | (order << 2) | (given ? 0 : schedule << 5),
  ];
  if (given) head.push(sixteenths(c.alpha), sixteenths(c.beta), c.blockSize);
  head.push(h.stepShrink);
  if (listed) head.push(c.predictors.length, ...c.predictors.map((p) => p.id));
  const grids = h.grids.every((x) => x === h.grids[0]) ? h.grids.slice(0, 1) : h.grids;
  pushVarint(head, grids.length);
  for (const grid of grids) pushGrid(head, grid);
  if (h.columnModels) pushColumnModels(head, h.columnModels);
  pushVarint(head, h.exactCount);
  const checksum = slabChecksum(h.hash, head, exact);
  head.push(checksum & 0xff, (checksum >>> 8) & 0xff, (checksum >>> 16) & 0xff, (checksum >>> 24) & 0xff);
  const bytes = new Uint8Array(head.length + stream.length + exact.length);
  bytes.set(head, 0);
  bytes.set(stream, head.length);
  bytes.set(exact, head.length + stream.length);
  return bytes;
}

/** FNV-1a continued from the indices' hash over the header bytes and the exact values' bytes. */
function slabChecksum(indexHash: number, head: ArrayLike<number>, exact: Uint8Array): number {
  let h = indexHash >>> 0;
  for (let k = 0; k < head.length; k++) h = Math.imul(h ^ head[k], 16777619) >>> 0;
  for (let k = 0; k < exact.length; k++) h = Math.imul(h ^ exact[k], 16777619) >>> 0;
  return h;
}

/** Whether the decoder's hash of the indices matches the slab's stored checksum. */
export function checksumMatches(parts: ReadSlab, indexHash: number): boolean {
  return slabChecksum(indexHash, parts.head, parts.exact) === parts.checksum;
}

class Cursor {
  position = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(what: string): number {
    if (this.position >= this.bytes.length) throw corrupt(`truncated (${what})`);
    return this.bytes[this.position++];
  }

  /** An unsigned LEB128 varint of at most 8 bytes whose value is a safe integer (8 bytes could hold 56 bits). */
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 8; k++) {
      const b = this.byte(what);
      value += (b & 127) * scale;
      if (b < 128) {
        if (!Number.isSafeInteger(value)) throw corrupt(`${what} is out of range`);
        return value;
      }
      scale *= 128;
    }
    throw corrupt(`${what} is too long`);
  }

  float(width: 4 | 8, what: string): number {
    const bytes = this.take(width, what);
    const view = new DataView(bytes.buffer, bytes.byteOffset, width);
    return width === 8 ? view.getFloat64(0, true) : view.getFloat32(0, true);
  }

  columnModels(): ColumnModel[] {
    const count = this.varint('column count');
    if (count < 1 || count > this.bytes.length) throw corrupt(`bad column count ${count}`);
    const models: ColumnModel[] = [];
    for (let column = 0; column < count; column++) {
      const k = this.byte('regressor count');
      if (k > MAX_REGRESSORS) throw corrupt(`bad regressor count ${k}`);
      const regressors: number[] = [];
      for (let m = 0; m < k; m++) {
        const j = column - 1 - this.varint('regressor');
        if (j < 0 || regressors.includes(j)) throw corrupt('bad regressor');
        regressors.push(j);
      }
      const intercept = this.float(4, 'intercept');
      const coefficients: number[] = [];
      for (let m = 0; m < k; m++) coefficients.push(this.float(4, 'coefficient'));
      if (!Number.isFinite(intercept) || !coefficients.every(Number.isFinite)) throw corrupt('a column model is not finite');
      models.push({ regressors, coefficients, intercept });
    }
    return models;
  }

  grid(): number {
    const tag = this.byte('grid');
    if (tag === GRID_NONE) return 0;
    if (tag === GRID_INTEGER) return 1;
    if (tag === GRID_DECIMAL) {
      const digits = this.byte('grid decimals');
      if (!(digits >= 1 && digits <= MAX_GRID_DECIMALS)) throw corrupt(`bad grid decimals ${digits}`);
      return decimalGrid(digits);
    }
    if (tag !== GRID_STEP) throw corrupt(`unknown grid tag ${tag}`);
    const bytes = this.take(8, 'grid step');
    const step = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
    if (!(step > 0 && Number.isFinite(step)) || step === 1) throw corrupt(`bad grid step ${step}`);
    return step;
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.bytes.length - this.position) throw corrupt(`truncated (${what}: ${length} bytes declared, ${this.bytes.length - this.position} left)`);
    const part = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return part;
  }
}

/**
 * Parses a slab of `valueCount` values; `exactWidth` is the dtype's width, used to find where the stream
 * ends and the exact values begin.
 */
export function readSlab(bytes: Uint8Array, exactWidth: number, valueCount: number): ReadSlab {
  if (!(bytes instanceof Uint8Array)) throw corrupt('not bytes');
  const cursor = new Cursor(bytes);
  const format = cursor.byte('format');
  if (format > NEWEST_FORMAT && format < 16) {
    throw new BalerError(`an error-bounded slab in format ${format}, written by a newer Baler (this version reads formats ${SLAB_FORMAT} to ${NEWEST_FORMAT}): update Baler`);
  }
  if (format < SLAB_FORMAT || format > NEWEST_FORMAT) throw corrupt(`unknown format ${format} (this version reads formats ${SLAB_FORMAT} to ${NEWEST_FORMAT})`);
  const flags = cursor.byte('flags');
  const layout = LAYOUT_NAMES[(flags >> 1) & 3]; // every value names a layout
  const check = cursor.byte('globals');
  const boundKind = BOUND_KINDS[(check >> 4) & 3];
  if (!boundKind || check > 127) throw corrupt('bad bound kind');
  const plan = cursor.byte('mode');
  const mode = MODES[plan & 3];
  if (!mode) throw corrupt('unknown mode');
  const order = ORDERS[(plan >> 2) & 7];
  if (!order) throw corrupt('bad axis order');
  let alpha: number;
  let beta: number;
  let blockSize: number;
  if (flags & FLAG_SCHEDULE_GIVEN) {
    if (plan >> 5 !== 0) throw corrupt('a schedule both given and implied');
    alpha = cursor.byte('alpha') / 16;
    beta = cursor.byte('beta') / 16;
    if (alpha < 1 || beta < 1) throw corrupt('bad tolerance schedule');
    blockSize = cursor.byte('block size');
    if (blockSize < 1) throw corrupt('bad block size');
  } else {
    const schedule = SCHEDULES[plan >> 5];
    if (!schedule) throw corrupt('bad tolerance schedule');
    [alpha, beta] = schedule;
    blockSize = blockSizeOf(mode);
  }
  const stepShrink = cursor.byte('step shrink');
  if (stepShrink < 1 || stepShrink > 52) throw corrupt('bad step shrink');
  const usesModel = (flags & FLAG_MODEL) !== 0;
  const columns = (flags & FLAG_COLUMN_MODELS) !== 0;
  let predictors: PredictorSpec[];
  if (flags & FLAG_PREDICTORS_LISTED) {
    const n = cursor.byte('predictor count');
    if (n < 1 || n > MAX_CHOICES) throw corrupt(`bad predictor count ${n}`);
    predictors = [];
    for (let k = 0; k < n; k++) {
      const spec = predictorById(cursor.byte('predictor'));
      if (!spec || !(spec.modes as readonly Mode[]).includes(mode) || predictors.includes(spec)) throw corrupt(`bad predictors for the ${mode} mode`);
      predictors.push(spec);
    }
    if (predictors.some(needsColumns) !== columns) throw corrupt('the column models contradict the predictors');
  } else {
    predictors = predictorsFor(mode, usesModel, columns);
  }
  const gridCount = cursor.varint('grid count');
  if (gridCount < 1 || gridCount > bytes.length) throw corrupt(`bad grid count ${gridCount}`);
  const grids: number[] = [];
  for (let k = 0; k < gridCount; k++) grids.push(cursor.grid());
  const columnModels = columns ? cursor.columnModels() : undefined;
  const exactCount = cursor.varint('exact count');
  const head = bytes.subarray(0, cursor.position);
  const checksum = (cursor.byte('checksum') | (cursor.byte('checksum') << 8) | (cursor.byte('checksum') << 16) | (cursor.byte('checksum') << 24)) >>> 0;
  if (exactCount > valueCount) throw corrupt('more exact values than values');
  const streamLength = bytes.length - cursor.position - exactCount * exactWidth;
  if (streamLength < 0) throw corrupt(`truncated (${exactCount} exact values declared, ${bytes.length - cursor.position} bytes left)`);
  // Every value codes at least one binary decision, and none costs less than log2(65536/65505) bits: a
  // stream this short cannot hold more values (the decoder allocates per value; this bounds it by the bytes).
  if (valueCount > VALUES_PER_STREAM_BYTE * (streamLength + 8)) throw corrupt(`${valueCount} values cannot fit in a stream of ${streamLength} bytes`);
  const stream = cursor.take(streamLength, 'stream');
  const exact = cursor.take(exactCount * exactWidth, 'exact values');
  return {
    header: {
      usesModel,
      dtypeCode: check & 15,
      boundKind,
      tableKind: (check & 64) !== 0,
      configuration: {
        layout, mode, order: [...order], alpha, beta, blockSize, edges: (flags & FLAG_OPEN_EDGES) !== 0 ? 'open' : 'anchored',
        directions: (flags & FLAG_ALL_DIRECTIONS) !== 0 ? 'all' : 'one', predictors,
      },
      grids,
      ...(columnModels ? { columnModels } : {}),
      stepShrink,
      specials: format === SLAB_FORMAT_SPECIALS || format === SLAB_FORMAT_CHECKED_SPECIALS || format === SLAB_FORMAT_MASK_ROWS,
      maskRows: format === SLAB_FORMAT_MASK_ROWS,
      checked: format >= SLAB_FORMAT_CHECKED,
      exactCount,
      hash: 0,
    },
    stream,
    exact,
    head,
    checksum,
  };
}
