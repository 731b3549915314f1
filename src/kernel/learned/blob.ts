// A learned predictor as bytes: the decoder section of a .baler (`${k}.decoder`) or the 'decoder' section of a
// shared .balermodel hold the same self-describing blob:
//   u8 version (1), u8 family (0 basis, 1 columns), varuint rank, rank × varuint row shape, family fields.
// Every field is checked when read; anything inconsistent is a 'corrupted' BalerError, never a crash.
import { ByteReader, ByteWriter } from '../codec/bytes';
import { LEARNED_FAMILY_NAMES } from '../codec/header';
import { BalerError } from '../errors';
import { readBasis, writeBasis, type BasisModel } from './basis';
import { describeColumns, readColumns, writeColumns, type ColumnsModel } from './columns';

export type LearnedModel = BasisModel | ColumnsModel;
const BLOB_VERSION = 1;
const MAX_RANK = 32;

/** Shape of one row (axis-0 slice) the model applies to. */
export function modelRowShape(m: LearnedModel): number[] {
  return m.family === 'basis' ? m.rowShape : [m.columns];
}

export function encodeModel(m: LearnedModel): Uint8Array {
  const w = new ByteWriter();
  w.u8(BLOB_VERSION);
  w.u8(LEARNED_FAMILY_NAMES.indexOf(m.family));
  const shape = modelRowShape(m);
  w.varuint(shape.length);
  for (const d of shape) w.varuint(d);
  if (m.family === 'basis') writeBasis(w, m);
  else writeColumns(w, m);
  return w.finish();
}

export async function decodeModel(bytes: Uint8Array, file?: string): Promise<LearnedModel> {
  const r = new ByteReader(bytes, file, 'learned predictor');
  const version = r.u8('version');
  if (version !== BLOB_VERSION) r.fail(`unknown learned predictor version ${version}`);
  const family = r.choice('family', LEARNED_FAMILY_NAMES);
  const rank = r.varuint('rank', MAX_RANK);
  const rowShape = Array.from({ length: rank }, () => r.varuint('row shape', 1 << 30));
  if (rowShape.some((d) => d === 0)) r.fail('an empty row dimension');
  const model = family === 'basis' ? await readBasis(r, rowShape) : readColumns(r, rowShape);
  r.end();
  return model;
}

/** One line for logs and reports. */
export function describeModel(m: LearnedModel): string {
  return m.family === 'basis' ? `learned basis of ${m.k} rows of [${m.rowShape.join('×')}] (linear decoder)` : describeColumns(m);
}

/** Whether the model predicts rows of this array's shape (shape[0] is the row count). */
export function modelFits(m: LearnedModel, shape: number[]): boolean {
  const want = modelRowShape(m);
  const have = shape.slice(1);
  return want.length === have.length && want.every((d, i) => d === have[i]);
}

/** Refuses a model whose rows do not have the array's row shape. */
export function assertModelFits(m: LearnedModel, shape: number[], file?: string): void {
  if (!modelFits(m, shape)) {
    const want = modelRowShape(m);
    const have = shape.slice(1);
    throw new BalerError(`the model predicts rows of shape [${want.join(', ')}], this array's rows are [${have.join(', ')}]`, file, 'EMODEL');
  }
}
