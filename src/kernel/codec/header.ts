// The typed header of .baler and .balermodel files, and the only code that writes or reads it.
//
// Binary, little-endian, compact (a small file's header is tens of bytes): each structure below is written
// field by field in the order of its type, with u8 enums, LEB128 varints for sizes and counts, f64 where
// the decoder computes with the value, f32 for figures that are only shown. Every field is validated when
// read; cross-checks against the container's section table are in header-check.ts. Nothing here holds a
// time or a date, so the same input and settings give the same bytes. (One file of about 540 lines on purpose:
// each structure's writer and reader sit side by side, so that a field added to one is seen missing in the other.)
import type { Architecture, DataKind, DType, Normalisation, TrainHistory } from '../types';
import type { ErrorBound } from '../eb/bound';
import type { WeightPrecision } from './weights';
import type { ErrorState } from '../metrics';
import type { ErrorFigures } from '../api';
import { ByteReader, ByteWriter } from './bytes';
import { roundDownToFloat32, roundUpToFloat32 } from './numbers';
import { latentsPerRow, sampleValues, shapeMismatch } from '../model/patches';

/** Version of the header layout inside a container of format 2 or 3. */
export const HEADER_LAYOUT = 1;

export const DTYPES: readonly DType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
const KINDS: readonly DataKind[] = ['table', 'frames'];
const BOUND_KINDS: readonly ErrorBound['kind'][] = ['abs', 'rel', 'pw-rel'];
const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['float32', 'float16', 'int8', 'int16'];
const LATENT_PRECISIONS = ['float32', 'float16'] as const;
const STOP_REASONS: readonly TrainHistory['stoppedBecause'][] = ['epochs', 'early-stopping', 'target-reached', 'time-limit', 'cancelled'];
const OBJECTIVES = ['total', 'latent'] as const;

export type LatentPrecision = (typeof LATENT_PRECISIONS)[number];

/** What a .baler file holds. */
export interface DataHeader {
  kind: 'data';
  createdBy: string;
  source: { name: string; bytes: number; format: string; attributes?: string };
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

export type ArrayCodec =
  | { mode: 'lossless' }
  | { mode: 'error-bounded'; bound: ErrorBound; tolerances: number[]; prediction?: ModelPart; learned?: LearnedPart }
  | { mode: 'autoencoder'; model: ModelPart };

/** Families of learned predictors (src/kernel/learned): their model blob says the rest. */
export const LEARNED_FAMILY_NAMES = ['basis', 'columns'] as const;
export type LearnedFamilyName = (typeof LEARNED_FAMILY_NAMES)[number];

/**
 * A learned predictor the error-bounded coder codes against (src/kernel/learned): its model blob is in
 * section `${index}.decoder` or in a shared .balermodel with this SHA-256; the basis family stores per-slab
 * latents in `${index}.latents`.
 */
export interface LearnedPart {
  family: LearnedFamilyName;
  shared?: { hash: string; bytes: number; fileName: string };
  /** The array's size coded without the learned predictor, estimated on a sample: what sharing saves. */
  baselineBytes: number;
}

/** An autoencoder's decoding half as a data file needs it: the latents are stored per slab. */
export interface ModelPart {
  architecture: Architecture;
  normalisation: Normalisation;
  decoderPrecision: WeightPrecision;
  /** The decoder lives in a shared .balermodel file with this SHA-256 (else in section `${index}.decoder`). */
  shared?: { hash: string; bytes: number; fileName: string };
  /** Latent values per row (the architecture's latent × its tiles per row: model/patches.ts). */
  latentSize: number;
  latentPrecision: LatentPrecision;
  training?: TrainingSummary;
}

export interface TrainingSummary {
  epochs: number;
  finalLoss: number;
  stoppedBecause: TrainHistory['stoppedBecause'];
  backend: string;
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

/** What a .balermodel file holds (sections 'decoder' and optionally 'encoder'). */
export interface ModelHeader {
  kind: 'model';
  createdBy: string;
  architecture: Architecture;
  normalisation: Normalisation;
  decoderPrecision: WeightPrecision;
  encoderPrecision?: WeightPrecision;
  history?: Omit<TrainHistory, 'seconds'>;
}

/** What a .balermodel holding a learned predictor holds (section 'decoder': the model blob). */
export interface PredictorHeader {
  kind: 'predictor';
  createdBy: string;
  family: LearnedFamilyName;
  /** One line saying what the model is and what it was trained on. */
  description: string;
}

export type Header = DataHeader | ModelHeader | PredictorHeader;

// ------------------------------------------------------------------------------------------ writing

export function writeHeader(h: Header): Uint8Array {
  const w = new ByteWriter();
  w.u8(HEADER_LAYOUT);
  w.u8(h.kind === 'data' ? 1 : h.kind === 'model' ? 2 : 3);
  w.str(h.createdBy);
  if (h.kind === 'data') writeData(w, h);
  else if (h.kind === 'model') writeModel(w, h);
  else writePredictor(w, h);
  return w.finish();
}

function writeData(w: ByteWriter, h: DataHeader): void {
  w.str(h.source.name);
  w.varuint(h.source.bytes);
  w.str(h.source.format);
  w.str(h.source.attributes ?? '');
  w.varuint(h.arrays.length);
  for (const a of h.arrays) writeArray(w, a);
  w.bool(h.search !== undefined);
  if (h.search) {
    w.str(h.search.target);
    w.u8(OBJECTIVES.indexOf(h.search.objective));
    w.varuint(h.search.points);
    w.varuint(h.search.chosen);
  }
  w.bool(h.part !== undefined);
  if (h.part) {
    w.varuint(h.part.index);
    w.varuint(h.part.count);
    w.bytes(hexToBytes(h.part.inputId));
    for (const a of h.part.arrays) {
      w.varuint(a.firstRow);
      w.varuint(a.totalRows);
      const e = a.errors;
      for (const v of [e.min, e.max, e.sumSquares, e.maxAbs, e.maxRel]) w.f64(v);
      w.varuint(e.compared);
      w.varuint(e.nonFiniteMismatches);
    }
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
  w.str(a.attributes);
  w.varuint(a.slabRows);
  const c = a.codec;
  w.u8(['lossless', 'error-bounded', 'autoencoder'].indexOf(c.mode));
  if (c.mode === 'error-bounded') {
    w.u8(BOUND_KINDS.indexOf(c.bound.kind));
    w.f64(c.bound.value);
    w.varuint(c.tolerances.length);
    for (const t of c.tolerances) w.f32(t); // float32 values by construction (compress/tolerances.ts)
    w.bool(c.prediction !== undefined);
    if (c.prediction) writeModelPart(w, c.prediction);
    w.bool(c.learned !== undefined);
    if (c.learned) writeLearnedPart(w, c.learned);
  } else if (c.mode === 'autoencoder') {
    writeModelPart(w, c.model);
  }
  // Shown, never computed with: float32, rounded so that no figure looks better than measured.
  const e = a.errors;
  for (const v of [e.rmse, e.nrmse]) w.f32(roundUpToFloat32(v));
  w.f32(roundDownToFloat32(e.psnr));
  for (const v of [e.maxAbsError, e.maxRelError]) w.f32(roundUpToFloat32(v));
  w.f32(e.range);
  w.bool(e.worstColumn !== undefined);
  if (e.worstColumn) {
    w.varuint(e.worstColumn.column);
    w.f32(roundDownToFloat32(e.worstColumn.psnr));
    w.f32(roundUpToFloat32(e.worstColumn.maxErrorOverRange));
  }
}

function writeLearnedPart(w: ByteWriter, l: LearnedPart): void {
  w.u8(LEARNED_FAMILY_NAMES.indexOf(l.family));
  writeShared(w, l.shared);
  w.varuint(l.baselineBytes);
}

function writeShared(w: ByteWriter, shared: ModelPart['shared']): void {
  w.bool(shared !== undefined);
  if (shared) {
    w.bytes(hexToBytes(shared.hash));
    w.varuint(shared.bytes);
    w.str(shared.fileName);
  }
}

function writePredictor(w: ByteWriter, h: PredictorHeader): void {
  w.u8(LEARNED_FAMILY_NAMES.indexOf(h.family));
  w.str(h.description);
}

function writeModelPart(w: ByteWriter, m: ModelPart): void {
  writeArchitecture(w, m.architecture);
  writeNormalisation(w, m.normalisation);
  w.u8(WEIGHT_PRECISIONS.indexOf(m.decoderPrecision));
  writeShared(w, m.shared);
  w.varuint(m.latentSize);
  w.u8(LATENT_PRECISIONS.indexOf(m.latentPrecision));
  w.bool(m.training !== undefined);
  if (m.training) {
    w.varuint(m.training.epochs);
    w.f32(m.training.finalLoss);
    w.u8(STOP_REASONS.indexOf(m.training.stoppedBecause));
    w.str(m.training.backend);
  }
}

function writeArchitecture(w: ByteWriter, a: Architecture): void {
  // 0 dense, 1 conv; + 2 when the samples are tiles of the frames (their size follows).
  w.u8((a.type === 'dense' ? 0 : 1) + (a.tile ? 2 : 0));
  if (a.tile) {
    w.varuint(a.tile.height);
    w.varuint(a.tile.width);
  }
  if (a.type === 'dense') {
    w.varuint(a.inputSize);
    writeCounts(w, a.hidden);
  } else {
    w.varuint(a.height);
    w.varuint(a.width);
    writeCounts(w, a.channels);
    w.varuint(a.kernelSize);
    w.varuint(a.denseHidden);
  }
  w.varuint(a.latent);
  w.f64(a.leakyAlpha);
}

function writeCounts(w: ByteWriter, values: number[]): void {
  w.varuint(values.length);
  for (const v of values) w.varuint(v);
}

function writeNormalisation(w: ByteWriter, n: Normalisation): void {
  w.u8(n.kind === 'none' ? 0 : 1);
  if (n.kind === 'none') return;
  w.varuint(n.min.length);
  for (const v of n.min) w.f64(v);
  for (const v of n.max) w.f64(v);
}

function writeModel(w: ByteWriter, h: ModelHeader): void {
  writeArchitecture(w, h.architecture);
  writeNormalisation(w, h.normalisation);
  w.u8(WEIGHT_PRECISIONS.indexOf(h.decoderPrecision));
  w.bool(h.encoderPrecision !== undefined);
  if (h.encoderPrecision) w.u8(WEIGHT_PRECISIONS.indexOf(h.encoderPrecision));
  w.bool(h.history !== undefined);
  if (h.history) {
    const hist = h.history;
    w.varuint(hist.epochs);
    for (const series of [hist.loss, hist.valLoss, hist.learningRate]) {
      w.varuint(series.length);
      for (const v of series) w.f32(v);
    }
    w.u8(STOP_REASONS.indexOf(hist.stoppedBecause));
    w.str(hist.backend);
  }
}

function hexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`not a SHA-256 hex digest: ${hex}`);
  return Uint8Array.from({ length: 32 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
}

// ------------------------------------------------------------------------------------------ reading

/** Limits on what a header may declare; the data sizes themselves are checked against a memory budget on use. */
const MAX_RANK = 32;
const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;
const MAX_LAYERS = 64;
const MAX_LAYER_WIDTH = 1 << 26;

export function readHeader(bytes: Uint8Array, file?: string): Header {
  const r = new ByteReader(bytes, file, 'header');
  const layout = r.u8('header layout');
  if (layout !== HEADER_LAYOUT) r.fail(`unknown header layout ${layout}`);
  const kind = r.u8('header kind');
  if (kind !== 1 && kind !== 2 && kind !== 3) r.fail(`unknown header kind ${kind}`);
  const createdBy = r.str('createdBy', 256);
  const header = kind === 1 ? readData(r, createdBy) : kind === 2 ? readModel(r, createdBy) : readPredictor(r, createdBy);
  r.end();
  return header;
}

function readData(r: ByteReader, createdBy: string): DataHeader {
  const name = r.str('source name', 4096);
  const bytes = r.varuint('source size');
  const format = r.str('source format', 64);
  const attributes = r.str('source attributes');
  const source = { name, bytes, format, ...(attributes ? { attributes } : {}) };
  const count = r.count('array count', 8);
  const arrays: ArrayEntry[] = [];
  for (let k = 0; k < count; k++) arrays.push(readArray(r));
  if (arrays.length === 0) r.fail('no arrays');
  const paths = new Set(arrays.map((a) => a.path));
  if (paths.size !== arrays.length) r.fail('two arrays have the same path');
  let search: SearchSummary | undefined;
  if (r.bool('search flag')) {
    search = {
      target: r.str('search target', 256),
      objective: r.choice('search objective', OBJECTIVES),
      points: r.varuint('search points', 1 << 20),
      chosen: 0,
    };
    search.chosen = r.varuint('chosen point', Math.max(0, search.points - 1));
  }
  const part = r.bool('part flag') ? readPart(r, arrays) : undefined;
  return { kind: 'data', createdBy, source, arrays, ...(search ? { search } : {}), ...(part ? { part } : {}) };
}

function readPart(r: ByteReader, arrays: ArrayEntry[]): PartInfo {
  const index = r.varuint('part index', 1 << 20);
  const count = r.varuint('part count', 1 << 20);
  if (index >= count) r.fail(`part ${index} of ${count}`);
  const inputId = Array.from(r.take(32, 'input id'), (b) => b.toString(16).padStart(2, '0')).join('');
  const parts = arrays.map((a) => {
    const firstRow = r.varuint('part first row');
    const totalRows = r.varuint('part total rows');
    if (firstRow + a.shape[0] > totalRows) r.fail(`part rows ${firstRow}..${firstRow + a.shape[0]} beyond the array's ${totalRows}`);
    const [min, max, sumSquares, maxAbs, maxRel] = ['minimum', 'maximum', 'sum of squares', 'max error', 'max rel error'].map((f) => r.f64(f));
    const errors: ErrorState = { min, max, sumSquares, maxAbs, maxRel, compared: r.varuint('values compared'), nonFiniteMismatches: r.varuint('non-finite mismatches') };
    return { firstRow, totalRows, errors };
  });
  return { index, count, inputId, arrays: parts };
}

function readArray(r: ByteReader): ArrayEntry {
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
  if ((kind === 'table') !== (rank <= 2)) r.fail(`kind '${kind}' does not fit rank ${rank}`);
  const nameCount = r.count('column name count', 1, MAX_ELEMENTS);
  const names: string[] = [];
  for (let i = 0; i < nameCount; i++) names.push(r.str('column name', 4096));
  const columns = rank === 2 ? shape[1] : 1;
  if (names.length !== 0 && (kind !== 'table' || names.length !== columns)) r.fail(`${names.length} column names for ${columns} columns`);
  const attributes = r.str('array attributes');
  const slabRows = r.varuint('slab rows', shape[0]);
  if (slabRows === 0) r.fail('zero rows per slab');
  const codec = readCodec(r, kind, shape);
  const [rmse, nrmse, psnr, maxAbsError, maxRelError, range] = ['rmse', 'nrmse', 'psnr', 'max error', 'max rel error', 'range'].map((f) => r.f32(f));
  const errors: ErrorSummary = { rmse, nrmse, psnr, maxAbsError, maxRelError, range };
  if (r.bool('worst column flag')) {
    errors.worstColumn = { column: r.varuint('worst column', columns - 1), psnr: r.f32('worst column PSNR'), maxErrorOverRange: r.f32('worst column error') };
  }
  return { path, kind, shape, dtype, names, attributes, slabRows, codec, errors };
}

function readCodec(r: ByteReader, kind: DataKind, shape: number[]): ArrayCodec {
  const mode = r.choice('mode', ['lossless', 'error-bounded', 'autoencoder'] as const);
  if (mode === 'lossless') return { mode };
  if (mode === 'autoencoder') return { mode, model: readModelPart(r, kind, shape) };
  const boundKind = r.choice('bound kind', BOUND_KINDS);
  const value = r.f64('bound');
  if (!(value >= 0 && Number.isFinite(value)) || (boundKind === 'pw-rel' && value >= 1)) r.fail(`bad bound ${boundKind}:${value}`);
  const columns = kind === 'table' && shape.length === 2 ? shape[1] : 1;
  const tolerancesWanted = boundKind === 'pw-rel' ? 0 : boundKind === 'rel' ? columns : 1;
  const n = r.varuint('tolerance count', columns);
  if (n !== tolerancesWanted && !(boundKind === 'rel' && n === 1)) r.fail(`${n} tolerances for a ${boundKind} bound on ${columns} columns`);
  const tolerances: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = r.f32('tolerance');
    if (!(t >= 0 && Number.isFinite(t))) r.fail(`bad tolerance ${t}`);
    tolerances.push(t);
  }
  const prediction = r.bool('prediction flag') ? readModelPart(r, kind, shape) : undefined;
  const learned = r.bool('learned predictor flag') ? readLearnedPart(r) : undefined;
  if (prediction && learned) r.fail('both an autoencoder prediction and a learned predictor');
  if (learned && boundKind === 'pw-rel') r.fail('a learned predictor under a pw-rel bound');
  return { mode, bound: { kind: boundKind, value }, tolerances, ...(prediction ? { prediction } : {}), ...(learned ? { learned } : {}) };
}

function readLearnedPart(r: ByteReader): LearnedPart {
  const family = r.choice('learned family', LEARNED_FAMILY_NAMES);
  const shared = readShared(r);
  return { family, ...(shared ? { shared } : {}), baselineBytes: r.varuint('baseline bytes') };
}

function readShared(r: ByteReader): ModelPart['shared'] {
  if (!r.bool('shared decoder flag')) return undefined;
  const hash = Array.from(r.take(32, 'model hash'), (b) => b.toString(16).padStart(2, '0')).join('');
  return { hash, bytes: r.varuint('model file size'), fileName: r.str('model file name', 4096) };
}

function readPredictor(r: ByteReader, createdBy: string): PredictorHeader {
  return { kind: 'predictor', createdBy, family: r.choice('learned family', LEARNED_FAMILY_NAMES), description: r.str('description', 4096) };
}

function readModelPart(r: ByteReader, kind: DataKind, shape: number[]): ModelPart {
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  const architecture = readArchitecture(r);
  const mismatch = shapeMismatch(architecture, shape.slice(1));
  if (mismatch) r.fail(`the model does not fit the data: ${mismatch}`);
  const normalisation = readNormalisation(r);
  const groups = kind === 'table' ? width : 1;
  if (normalisation.kind === 'minmax' && normalisation.min.length !== groups) {
    r.fail(`normalisation has ${normalisation.min.length} entries for ${groups} ${kind === 'table' ? 'columns' : 'range'}`);
  }
  const decoderPrecision = r.choice('decoder precision', WEIGHT_PRECISIONS);
  const shared = readShared(r);
  const latentSize = r.varuint('latent size', MAX_LAYER_WIDTH);
  const perRow = latentsPerRow(architecture, shape.slice(1));
  if (latentSize !== perRow) r.fail(`latent size ${latentSize} differs from the architecture's ${perRow} per row`);
  const latentPrecision = r.choice('latent precision', LATENT_PRECISIONS);
  let training: TrainingSummary | undefined;
  if (r.bool('training flag')) {
    training = { epochs: r.varuint('epochs'), finalLoss: r.f32('final loss'), stoppedBecause: r.choice('stop reason', STOP_REASONS), backend: r.str('backend', 64) };
  }
  return { architecture, normalisation, decoderPrecision, ...(shared ? { shared } : {}), latentSize, latentPrecision, ...(training ? { training } : {}) };
}

function readArchitecture(r: ByteReader): Architecture {
  const code = r.choice('architecture', ['dense', 'conv', 'dense on tiles', 'conv on tiles'] as const);
  const type = code.startsWith('dense') ? 'dense' : 'conv';
  const width = (field: string) => {
    const v = r.varuint(field, MAX_LAYER_WIDTH);
    if (v === 0) r.fail(`${field} is 0`);
    return v;
  };
  const tile = code.endsWith('tiles') ? { height: width('tile height'), width: width('tile width') } : undefined;
  const arch = readNetwork(r, type, width);
  if (!tile) return arch;
  const tiled = { ...arch, tile };
  if (tile.height * tile.width !== sampleValues(tiled)) r.fail(`tiles of ${tile.height}×${tile.width} for a model of ${sampleValues(tiled)} inputs`);
  return tiled;
}

function readNetwork(r: ByteReader, type: Architecture['type'], width: (field: string) => number): Architecture {
  const widths = (field: string) => Array.from({ length: r.varuint(`${field} count`, MAX_LAYERS) }, () => width(field));
  if (type === 'dense') {
    const inputSize = width('input size');
    const hidden = widths('hidden width');
    const latent = width('latent');
    const leakyAlpha = r.f64('leaky alpha');
    if (!(leakyAlpha >= 0 && leakyAlpha < 1)) r.fail(`bad leaky alpha ${leakyAlpha}`);
    return { type, inputSize, hidden, latent, activation: 'leaky_relu', leakyAlpha };
  }
  const height = width('frame height');
  const frameWidth = width('frame width');
  const channels = widths('channels');
  const kernelSize = width('kernel size');
  const denseHidden = r.varuint('dense width', MAX_LAYER_WIDTH);
  const latent = width('latent');
  const leakyAlpha = r.f64('leaky alpha');
  if (!(leakyAlpha >= 0 && leakyAlpha < 1)) r.fail(`bad leaky alpha ${leakyAlpha}`);
  if (kernelSize > 64) r.fail(`kernel size ${kernelSize}`);
  return { type, height, width: frameWidth, channels, kernelSize, denseHidden, latent, activation: 'leaky_relu', leakyAlpha };
}

function readNormalisation(r: ByteReader): Normalisation {
  if (r.choice('normalisation', ['none', 'minmax'] as const) === 'none') return { kind: 'none', min: [], max: [] };
  const n = r.count('normalisation size', 16, MAX_LAYER_WIDTH);
  const min = Array.from({ length: n }, () => r.f64('normalisation minimum'));
  const max = Array.from({ length: n }, () => r.f64('normalisation maximum'));
  for (let i = 0; i < n; i++) if (!(Number.isFinite(min[i]) && Number.isFinite(max[i]) && max[i] >= min[i])) r.fail(`bad normalisation range ${i}`);
  return { kind: 'minmax', min, max };
}

function readModel(r: ByteReader, createdBy: string): ModelHeader {
  const architecture = readArchitecture(r);
  const normalisation = readNormalisation(r);
  const groups = normalisation.min.length;
  const inputs = sampleValues(architecture);
  if (normalisation.kind === 'minmax' && groups !== 1 && groups !== inputs) r.fail(`normalisation has ${groups} entries for ${inputs} inputs`);
  const decoderPrecision = r.choice('decoder precision', WEIGHT_PRECISIONS);
  const encoderPrecision = r.bool('encoder flag') ? r.choice('encoder precision', WEIGHT_PRECISIONS) : undefined;
  let history: ModelHeader['history'];
  if (r.bool('history flag')) {
    const epochs = r.varuint('epochs');
    const [loss, valLoss, learningRate] = ['loss', 'validation loss', 'learning rate'].map((f) =>
      Array.from({ length: r.count(`${f} count`, 4) }, () => r.f32(f)));
    history = { epochs, loss, valLoss, learningRate, stoppedBecause: r.choice('stop reason', STOP_REASONS), backend: r.str('backend', 64) };
  }
  return { kind: 'model', createdBy, architecture, normalisation, decoderPrecision, ...(encoderPrecision ? { encoderPrecision } : {}), ...(history ? { history } : {}) };
}
