// The typed header of .baler and .balermodel files, and the only entry to writing or reading it.
//
// Binary, little-endian, compact (a small file's header is tens of bytes): each structure is written field by
// field in the order of its type, with u8 enums, LEB128 varints for sizes and counts, f64 where the decoder
// computes with the value, f32 for figures that are only shown. Every field is validated when read; cross-checks
// against the container's section table are in header-check.ts. Nothing holds a time or a date, so the same input
// and settings give the same bytes. The common start (layout, kind, createdBy) is here; the rest by structure:
//   header-data.ts    a data file: source, arrays, search summary, part
//   header-codec.ts   an array's codec record (lossless, error-bounded, autoencoder; model and predictor parts)
//   header-model.ts   a model file: an autoencoder's or a learned predictor's
//   header-fields.ts  the fields they share (enums, digests, shared-model reference, architecture, normalisation)
import { ByteReader, ByteWriter } from './bytes';
import { readData, writeData, type DataHeader } from './header-data';
import { readModel, readPredictor, writeModel, writePredictor, type ModelHeader, type PredictorHeader } from './header-model';

export type { ArrayEntry, DataHeader, ErrorSummary, PartInfo, SearchSummary } from './header-data';
export type { ArrayCodec, LearnedPart, ModelPart, TrainingSummary } from './header-codec';
export type { ModelHeader, PredictorHeader } from './header-model';
export { DTYPES, LEARNED_FAMILY_NAMES, type LatentPrecision, type LearnedFamilyName } from './header-fields';

/** Version of the header layout inside a container of format 2 or 3. */
export const HEADER_LAYOUT = 1;

export type Header = DataHeader | ModelHeader | PredictorHeader;

const HEADER_KINDS = ['data', 'model', 'predictor'] as const;

export function writeHeader(h: Header): Uint8Array {
  const w = new ByteWriter();
  w.u8(HEADER_LAYOUT);
  w.u8(HEADER_KINDS.indexOf(h.kind) + 1);
  w.str(h.createdBy);
  if (h.kind === 'data') writeData(w, h);
  else if (h.kind === 'model') writeModel(w, h);
  else writePredictor(w, h);
  return w.finish();
}

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
