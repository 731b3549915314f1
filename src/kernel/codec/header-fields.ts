// The fields that more than one kind of header shares, each written and read by one function: the enum
// tables (a u8 is an index into them), SHA-256 digests, the reference to a shared .balermodel, and an
// autoencoder's architecture and normalisation (in a model file and in a data file's codec record alike).
// The limits here bound what a header may declare; data sizes are checked against a memory budget on use.
import type { Architecture, DataKind, DType, Normalisation, TrainHistory } from '../types';
import type { ErrorBound } from '../eb/bound';
import type { WeightPrecision } from './weights';
import type { ByteReader, ByteWriter } from './bytes';
import { sampleValues } from '../model/patches';

export const DTYPES: readonly DType[] = ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];
export const KINDS: readonly DataKind[] = ['table', 'frames'];
export const BOUND_KINDS: readonly ErrorBound['kind'][] = ['abs', 'rel', 'pw-rel'];
export const WEIGHT_PRECISIONS: readonly WeightPrecision[] = ['float32', 'float16', 'int8', 'int16'];
export const LATENT_PRECISIONS = ['float32', 'float16'] as const;
export const STOP_REASONS: readonly TrainHistory['stoppedBecause'][] = ['epochs', 'early-stopping', 'target-reached', 'time-limit', 'cancelled'];

export type LatentPrecision = (typeof LATENT_PRECISIONS)[number];

/** Families of learned predictors (src/kernel/learned): their model blob says the rest. */
export const LEARNED_FAMILY_NAMES = ['basis', 'columns'] as const;
export type LearnedFamilyName = (typeof LEARNED_FAMILY_NAMES)[number];

/** A decoder that lives in a shared .balermodel file with this SHA-256, size and name. */
export interface SharedModelFile {
  hash: string;
  bytes: number;
  fileName: string;
}

export const MAX_RANK = 32;
export const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;
const MAX_LAYERS = 64;
export const MAX_LAYER_WIDTH = 1 << 26;

// ------------------------------------------------------------------------------------------ digests

export function writeDigest(w: ByteWriter, hex: string): void {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`not a SHA-256 hex digest: ${hex}`);
  w.bytes(Uint8Array.from({ length: 32 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)));
}

export function readDigest(r: ByteReader, field: string): string {
  return Array.from(r.take(32, field), (b) => b.toString(16).padStart(2, '0')).join('');
}

// ------------------------------------------------------------------------------------------ shared model file

export function writeShared(w: ByteWriter, shared: SharedModelFile | undefined): void {
  w.bool(shared !== undefined);
  if (shared) {
    writeDigest(w, shared.hash);
    w.varuint(shared.bytes);
    w.str(shared.fileName);
  }
}

export function readShared(r: ByteReader): SharedModelFile | undefined {
  if (!r.bool('shared decoder flag')) return undefined;
  const hash = readDigest(r, 'model hash');
  return { hash, bytes: r.varuint('model file size'), fileName: r.str('model file name', 4096) };
}

// ------------------------------------------------------------------------------------------ architecture

export function writeArchitecture(w: ByteWriter, a: Architecture): void {
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

export function readArchitecture(r: ByteReader): Architecture {
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

// ------------------------------------------------------------------------------------------ normalisation

export function writeNormalisation(w: ByteWriter, n: Normalisation): void {
  w.u8(n.kind === 'none' ? 0 : 1);
  if (n.kind === 'none') return;
  w.varuint(n.min.length);
  for (const v of n.min) w.f64(v);
  for (const v of n.max) w.f64(v);
}

export function readNormalisation(r: ByteReader): Normalisation {
  if (r.choice('normalisation', ['none', 'minmax'] as const) === 'none') return { kind: 'none', min: [], max: [] };
  const n = r.count('normalisation size', 16, MAX_LAYER_WIDTH);
  const min = Array.from({ length: n }, () => r.f64('normalisation minimum'));
  const max = Array.from({ length: n }, () => r.f64('normalisation maximum'));
  for (let i = 0; i < n; i++) if (!(Number.isFinite(min[i]) && Number.isFinite(max[i]) && max[i] >= min[i])) r.fail(`bad normalisation range ${i}`);
  return { kind: 'minmax', min, max };
}
