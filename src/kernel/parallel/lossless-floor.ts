// The lossless floor of a slab's coding: whether zstd of its bytes, or the coder's integer path at tolerance 0,
// may beat a coding (a quick look first, so that neither is coded where it cannot win), and those codings.
import type { NdArray } from '../types';
import { arrayBytes, DTYPE_BYTES, sameValues } from '../data/dtype';
import { encodeLosslessSlab, tagged, TAG_EB } from '../codec/slab';
import { compressBytes, shuffleBytes } from '../codec/entropy';
import { encodeEbSlab, type EbGlobals } from '../compress/eb-slab';
import { release } from './slab-buffers';
import { integerValued } from '../eb/grid';
import type { CodedSlab, EbSlabTask } from './slab-tasks';

/**
 * Slabs up to this size always get the lossless candidate (zstd -19 of a few MB takes longer than coding them);
 * larger ones only when zstd -1 of the slab, or of PROBE_PIECES pieces of it scaled to the slab, plain or
 * byte-shuffled (as the lossless coding tries both), is within LOSSLESS_MARGIN of the error-bounded coding.
 * Measured on slabs of up to 8 MB of real data (elevation, ocean temperature, faces, audio, a CFD field): the
 * lossless coding (zstd -9/-19, plain or shuffled) was at most 1.41× smaller than the better quick look. With
 * the plain quick look alone and a margin of 6, a 37 MB elevation map spent 7 of its 22 s on lossless codings
 * 1.4× larger than the error-bounded ones.
 */
const ALWAYS_TRY_LOSSLESS_BYTES = 256 * 1024;
const PROBE_PIECES = 4;
const PROBE_PIECE = 256 * 1024;
const LOSSLESS_MARGIN = 1.6;
/** The most a quick look overstated the lossless coding in those measurements. */
const QUICK_LOOK_OVERSTATES = 1.41;
/**
 * Slabs of more than ALWAYS_TRY_INTEGER_VALUES values try the floor's integer path (integerCandidate) only when
 * PROBE_PIECES pieces of 1/INTEGER_PROBE_SHARE of their rows, evenly spaced, coded (the first searching, the
 * others with its configuration) and scaled to the slab, are within LOSSLESS_MARGIN of the size to beat. Measured
 * on slabs of 87,000 values of nine integer arrays (walks with spikes, Poisson counts, integer-valued float64
 * tables, walks half noise): the path came out at most 1.13× smaller than this estimate, which cost 3–8% of the
 * coding it spares. One configuration for every piece, unsearched, was up to 1.7× off (its layout did not suit).
 */
const ALWAYS_TRY_INTEGER_VALUES = 64 * 1024;
const INTEGER_PROBE_SHARE = 32;

/** PROBE_PIECES pieces of `raw` (longer than their total), evenly spaced from its start to its end, joined. */
function probeOf(raw: Uint8Array): Uint8Array {
  const probe = new Uint8Array(PROBE_PIECES * PROBE_PIECE);
  const spacing = Math.floor((raw.length - PROBE_PIECE) / (PROBE_PIECES - 1));
  for (let k = 0; k < PROBE_PIECES; k++) probe.set(raw.subarray(k * spacing, k * spacing + PROBE_PIECE), k * PROBE_PIECE);
  return probe;
}

/** The slab coded at tolerance 0 (with `configuration`, or searched) when that gives back every value exactly. */
export async function exactCoding(values: Float64Array, shape: number[], zero: EbGlobals, configuration?: string): Promise<{ bytes: Uint8Array; configuration: string } | undefined> {
  const eb = await encodeEbSlab(values, shape, zero, { configuration });
  try {
    return sameValues(eb.reconstruction, values) ? { bytes: eb.bytes, configuration: eb.configuration } : undefined;
  } finally {
    release(eb.reconstruction);
  }
}

/**
 * The integer path of a slab coded under pw-rel (a pw-rel slab on grids of 1, read with the array's bound) when
 * smaller than `bytesToBeat`. Not tried where the coding is exact (it took that path already: bound × max|x| < 1,
 * eb/plan.ts), nor where a probe puts it far above.
 */
export async function integerCandidate(task: Pick<EbSlabTask, 'globals' | 'array'>, values: Float64Array, reconstruction: Float64Array, bytesToBeat: number): Promise<Uint8Array | undefined> {
  if (!integerValued(values, { offset: 0, dims: [1, 1, values.length], strides: [0, 0, 1] }) || sameValues(reconstruction, values)) return undefined;
  const zero = { ...task.globals, bound: { kind: 'pw-rel' as const, value: 0 } };
  if (!(await integerPathMayBeat(values, task.array.shape, zero, bytesToBeat))) return undefined;
  return integerPathChunk(values, task.array.shape, zero, bytesToBeat);
}

/** False when PROBE_PIECES pieces of the slab's rows, coded and scaled to the slab, put its integer path far above `bytesToBeat`. */
export async function integerPathMayBeat(values: Float64Array, shape: number[], zero: EbGlobals, bytesToBeat: number): Promise<boolean> {
  const rows = shape[0];
  const pieceRows = Math.floor(rows / INTEGER_PROBE_SHARE);
  if (values.length <= ALWAYS_TRY_INTEGER_VALUES || pieceRows === 0) return true;
  const rowValues = values.length / rows;
  let probeBytes = 0;
  let configuration: string | undefined;
  for (let k = 0; k < PROBE_PIECES; k++) {
    const first = Math.floor((k * (rows - pieceRows)) / (PROBE_PIECES - 1));
    const piece = await encodeEbSlab(values.subarray(first * rowValues, (first + pieceRows) * rowValues), [pieceRows, ...shape.slice(1)], zero, { configuration });
    release(piece.reconstruction);
    configuration ??= piece.configuration;
    probeBytes += piece.bytes.length;
  }
  return (probeBytes * rows) / (PROBE_PIECES * pieceRows) <= bytesToBeat * LOSSLESS_MARGIN;
}

/**
 * The coder's integer path: the slab coded under `zero` (a bound of tolerance 0, of the kind the chunk is read
 * with), tagged, when it is smaller than `bytesToBeat` and gives back every value exactly.
 */
async function integerPathChunk(values: Float64Array, shape: number[], zero: EbGlobals, bytesToBeat: number): Promise<Uint8Array | undefined> {
  const coded = await exactCoding(values, shape, zero);
  return coded && coded.bytes.length + 1 < bytesToBeat ? tagged(TAG_EB, coded.bytes) : undefined;
}

/**
 * The lossless coding of a slab (`smaller`) when it is smaller than `bytesToBeat`; `bytes`: its size whenever it
 * was coded (not when a quick probe put it far above).
 */
export async function losslessCandidate(slab: NdArray, bytesToBeat: number): Promise<{ smaller?: Uint8Array; bytes?: number }> {
  if (!(await losslessMayBeat(slab, bytesToBeat))) return {};
  const lossless = await encodeLosslessSlab(slab);
  return lossless.length < bytesToBeat ? { smaller: lossless, bytes: lossless.length } : { bytes: lossless.length };
}

/**
 * The least a slab's lossless coding is, as far as its floor knows: its size when the floor coded it; a coded slab
 * whose quick look was beyond LOSSLESS_MARGIN × its bytes, that over QUICK_LOOK_OVERSTATES; a slab stored
 * losslessly, its own size.
 */
export function losslessAtLeast(coded: CodedSlab): number {
  const bytes = coded.chunk.length + (coded.latents?.length ?? 0);
  if (coded.outcome !== 'coded') return bytes;
  return coded.losslessBytes ?? Math.floor((bytes * LOSSLESS_MARGIN) / QUICK_LOOK_OVERSTATES);
}

/** False when a quick zstd -1 of the slab (or of a probe of it) says its lossless coding is far above `bytesToBeat`. */
export async function losslessMayBeat(slab: NdArray, bytesToBeat: number): Promise<boolean> {
  const raw = arrayBytes(slab);
  if (raw.length <= ALWAYS_TRY_LOSSLESS_BYTES) return true;
  const probe = raw.length > PROBE_PIECES * PROBE_PIECE ? probeOf(raw) : raw;
  const element = DTYPE_BYTES[slab.dtype];
  let quick = (await compressBytes(probe, 'zstd', 1)).length;
  if (element > 1) quick = Math.min(quick, (await compressBytes(shuffleBytes(probe, element), 'zstd', 1)).length);
  return (quick * raw.length) / probe.length <= bytesToBeat * LOSSLESS_MARGIN;
}

