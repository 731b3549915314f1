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
import { PROGRAM } from '../version';
import { readData, writeData, type DataHeader } from './header-data';
import { readModel, readPredictor, writeModel, writePredictor, type ModelHeader, type PredictorHeader } from './header-model';

export type { ArrayEntry, DataHeader, ErrorSummary, PartInfo, SearchSummary } from './header-data';
export { parseAttributes } from './header-data';
export type { ArrayCodec, LearnedPart, ModelPart, TrainingSummary } from './header-codec';
export type { ModelHeader, PredictorHeader } from './header-model';
export { DTYPES, LEARNED_FAMILY_NAMES, type LatentPrecision, type LearnedFamilyName } from './header-fields';

/**
 * Version of the header layout this code writes (in format 4); layout 1 (formats 2 and 3) is still read. Layout 2
 * adds the constant codec, stores error figures behind a flags byte (header-data.ts) and names this program by
 * its version numbers (writeCreatedBy) and names the source relative to the .baler's own name (header-data.ts).
 */
export const HEADER_LAYOUT = 2;

export type Header = DataHeader | ModelHeader | PredictorHeader;

const HEADER_KINDS = ['data', 'model', 'predictor'] as const;

/** `file`: the .baler being written, when known (a data header then names its source relative to it). */
export function writeHeader(h: Header, file?: string): Uint8Array {
  const w = new ByteWriter();
  w.u8(HEADER_LAYOUT);
  w.u8(HEADER_KINDS.indexOf(h.kind) + 1);
  writeCreatedBy(w, h.createdBy);
  if (h.kind === 'data') writeData(w, h, file);
  else if (h.kind === 'model') writeModel(w, h);
  else writePredictor(w, h);
  return w.finish();
}

export function readHeader(bytes: Uint8Array, file?: string): Header {
  const r = new ByteReader(bytes, file, 'header');
  const layout = r.u8('header layout');
  if (layout !== 1 && layout !== HEADER_LAYOUT) r.fail(`unknown header layout ${layout}`);
  const kind = r.u8('header kind');
  if (kind !== 1 && kind !== 2 && kind !== 3) r.fail(`unknown header kind ${kind}`);
  const createdBy = layout === 1 ? r.str('createdBy', 256) : readCreatedBy(r);
  const header = kind === 1 ? readData(r, createdBy, layout, file) : kind === 2 ? readModel(r, createdBy) : readPredictor(r, createdBy);
  r.end();
  return header;
}

// Who wrote the file: this program by its version numbers (4 bytes), any other name as a string.
const BY_NAME = 0;
const BY_PROGRAM_VERSION = 1;
/** Three numbers without leading zeros, so that they give back the same text. */
const PROGRAM_VERSION = new RegExp(`^${PROGRAM} (0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})$`);

function writeCreatedBy(w: ByteWriter, createdBy: string): void {
  const version = PROGRAM_VERSION.exec(createdBy);
  if (version) {
    w.u8(BY_PROGRAM_VERSION);
    for (const part of version.slice(1)) w.varuint(Number(part));
  } else {
    w.u8(BY_NAME);
    w.str(createdBy);
  }
}

function readCreatedBy(r: ByteReader): string {
  const how = r.choice('createdBy form', [BY_NAME, BY_PROGRAM_VERSION] as const);
  if (how === BY_NAME) return r.str('createdBy', 256);
  const version = Array.from({ length: 3 }, () => r.varuint('version number', 999_999_999));
  return `${PROGRAM} ${version.join('.')}`;
}
