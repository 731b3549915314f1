// The codec record of one array in a .baler's typed header: how the array is coded (lossless, error-bounded
// with an optional autoencoder prediction or learned predictor, autoencoder, or — header layout 2 — constant,
// its one value held here and no section at all), with each record's writer beside its reader. Reading checks every record against the array's kind and shape (a model that does not fit
// the data, tolerances for the wrong number of columns) before anything is decoded.
import type { Architecture, DataKind, DType, Normalisation, TrainHistory } from '../types';
import type { ErrorBound } from '../eb/bound';
import type { WeightPrecision } from './weights';
import type { ByteReader, ByteWriter } from './bytes';
import { latentsPerRow, shapeMismatch } from '../model/patches';
import { DTYPE_BYTES } from '../data/dtype';
import {
  BOUND_KINDS, LATENT_PRECISIONS, LEARNED_FAMILY_NAMES, MAX_LAYER_WIDTH, STOP_REASONS, WEIGHT_PRECISIONS,
  readArchitecture, readNormalisation, readShared, writeArchitecture, writeNormalisation, writeShared,
  type LatentPrecision, type LearnedFamilyName, type SharedModelFile,
} from './header-fields';

export type ArrayCodec =
  | { mode: 'lossless' }
  | { mode: 'error-bounded'; bound: ErrorBound; tolerances: number[]; prediction?: ModelPart; learned?: LearnedPart }
  | { mode: 'autoencoder'; model: ModelPart }
  /** Every value is the same (bit for bit): that value's little-endian bytes in the array's dtype. */
  | { mode: 'constant'; value: Uint8Array };

/**
 * A learned predictor the error-bounded coder codes against (src/kernel/learned): its model blob is in
 * section `${index}.decoder` or in a shared .balermodel with this SHA-256; the basis family stores per-slab
 * latents in `${index}.latents`.
 */
export interface LearnedPart {
  family: LearnedFamilyName;
  shared?: SharedModelFile;
  /** The array's size coded without the learned predictor, estimated on a sample: what sharing saves. */
  baselineBytes: number;
}

/** An autoencoder's decoding half as a data file needs it: the latents are stored per slab. */
export interface ModelPart {
  architecture: Architecture;
  normalisation: Normalisation;
  decoderPrecision: WeightPrecision;
  /** The decoder lives in a shared .balermodel file with this SHA-256 (else in section `${index}.decoder`). */
  shared?: SharedModelFile;
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

const MODES = ['lossless', 'error-bounded', 'autoencoder', 'constant'] as const;
/** Header layout 1 (formats 2 and 3) knows the first three modes. */
const LAYOUT_1_MODES = MODES.slice(0, 3);

// ------------------------------------------------------------------------------------------ codec

export function writeCodec(w: ByteWriter, c: ArrayCodec, dtype: DType): void {
  w.u8(MODES.indexOf(c.mode));
  if (c.mode === 'constant') {
    if (c.value.length !== DTYPE_BYTES[dtype]) throw new Error(`a constant of ${c.value.length} bytes for dtype ${dtype}`);
    w.bytes(c.value);
  } else if (c.mode === 'error-bounded') {
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
}

export function readCodec(r: ByteReader, kind: DataKind, shape: number[], dtype: DType, layout: number): ArrayCodec {
  const mode = r.choice('mode', layout === 1 ? LAYOUT_1_MODES : MODES);
  if (mode === 'lossless') return { mode };
  if (mode === 'constant') return { mode, value: r.take(DTYPE_BYTES[dtype], 'constant value').slice() };
  if (mode === 'autoencoder') return { mode, model: readModelPart(r, kind, shape) };
  const boundKind = r.choice('bound kind', BOUND_KINDS);
  const value = r.f64('bound');
  if (!(value >= 0 && Number.isFinite(value)) || (boundKind === 'pw-rel' && value >= 1)) r.fail(`bad bound ${boundKind}:${value}`);
  const columns = kind === 'table' && shape.length === 2 ? shape[1] : 1;
  const tolerancesWanted = boundKind === 'pw-rel' ? 0 : boundKind === 'rel' ? columns : 1;
  const n = r.varuint('tolerance count', columns);
  // rel: one per column, or one for the whole array; abs: one, or one per column where some are kept exact (0).
  const perColumn = boundKind !== 'pw-rel' && n === columns;
  if (n !== tolerancesWanted && !perColumn && !(boundKind === 'rel' && n === 1)) r.fail(`${n} tolerances for a ${boundKind} bound on ${columns} columns`);
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

// ------------------------------------------------------------------------------------------ learned predictor

function writeLearnedPart(w: ByteWriter, l: LearnedPart): void {
  w.u8(LEARNED_FAMILY_NAMES.indexOf(l.family));
  writeShared(w, l.shared);
  w.varuint(l.baselineBytes);
}

function readLearnedPart(r: ByteReader): LearnedPart {
  const family = r.choice('learned family', LEARNED_FAMILY_NAMES);
  const shared = readShared(r);
  return { family, ...(shared ? { shared } : {}), baselineBytes: r.varuint('baseline bytes') };
}

// ------------------------------------------------------------------------------------------ autoencoder

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
