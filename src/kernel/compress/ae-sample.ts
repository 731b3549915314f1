// The autoencoder's training sample: the whole array when it fits the memory budget (as the reference tool
// trains), else a bounded sample of rows taken from slabs spread evenly over the file, chosen from the shape,
// the slab size and the budget only (never from timing or threads), so the same input gives the same model.
import type { Dataset, DType } from '../types';
import { toFloat64 } from '../data/dtype';
import type { ArraySource } from '../data/source';
import { wholeArrayBytes } from '../memory';

/** A model on tiles trains on at most this many tiles: plenty for its few thousand weights, and quick. */
export const MAX_TILE_SAMPLES = 8192;
/** The sample is read in at most this many pieces (one per chosen slab). */
const MAX_PIECES = 16;

export interface SamplePiece {
  firstRow: number;
  rows: number;
}

/**
 * The runtime of a process that trains and runs a model, before any data: Node, the bundle, tfjs and its wasm
 * heap (measured: an autoencoder compress of CFD_animation, 1.2 MB of data, peaks at 222 MB).
 */
const MODEL_RUNTIME = 224 * 2 ** 20;

/** Bytes that training on this many values needs, runtime included (per value as a whole array: wholeArrayBytes). */
export function trainingBytes(values: number, dtype: DType): number {
  return MODEL_RUNTIME + values * (wholeArrayBytes(1, dtype) - wholeArrayBytes(0, dtype));
}

/**
 * Rows to train on: every row when the whole array fits the budget (trainingBytes), else as many as fit, and
 * at most `maxRows`; never fewer than 2 (an autoencoder needs two samples).
 */
export function trainingRows(totalRows: number, rowValues: number, dtype: DType, memoryBudget: number, maxRows = Infinity): number {
  const fit = Math.floor((memoryBudget - MODEL_RUNTIME) / (trainingBytes(rowValues, dtype) - MODEL_RUNTIME));
  return Math.min(totalRows, Math.max(2, Math.min(fit, maxRows)));
}

/**
 * Where the sample's rows come from: up to MAX_PIECES runs of consecutive rows, each starting at the first row
 * of a slab (or later, where the pieces before it or after it need the room), the slabs spread evenly over the
 * array; in order, disjoint, `sampleRows` rows in all.
 */
export function samplePieces(totalRows: number, slabRows: number, sampleRows: number): SamplePiece[] {
  if (sampleRows >= totalRows) return [{ firstRow: 0, rows: totalRows }];
  const slabs = Math.ceil(totalRows / slabRows);
  const pieces = Math.min(slabs, sampleRows, MAX_PIECES);
  const out: SamplePiece[] = [];
  let next = 0;
  let taken = 0;
  for (let p = 0; p < pieces; p++) {
    const rows = Math.floor((sampleRows * (p + 1)) / pieces) - Math.floor((sampleRows * p) / pieces);
    const slab = Math.floor(((p + 0.5) * slabs) / pieces);
    // Not before the previous piece's end, and leaving room for the rows still to take.
    const firstRow = Math.min(Math.max(next, slab * slabRows), totalRows - (sampleRows - taken));
    out.push({ firstRow, rows });
    next = firstRow + rows;
    taken += rows;
  }
  return out;
}

/** The rows of the pieces as one dataset (float64 values, the array's kind, names and dtype). */
export async function readSample(source: ArraySource, pieces: SamplePiece[]): Promise<Dataset> {
  const rowShape = source.shape.slice(1);
  const rowValues = rowShape.reduce((a, b) => a * b, 1);
  const rows = pieces.reduce((n, p) => n + p.rows, 0);
  const values = new Float64Array(rows * rowValues);
  let at = 0;
  for (const p of pieces) {
    const slab = await source.readSlab(p.firstRow, p.rows);
    values.set(toFloat64(slab.data).values, at);
    at += p.rows * rowValues;
  }
  return { kind: source.kind, shape: [rows, ...rowShape], dtype: source.dtype, names: [...source.names], values };
}
