// Shared model files (.balermodel): the same container, a typed model header (architecture, normalisation,
// precisions, training history), a 'decoder' section and an optional 'encoder' section of weight blobs. A .baler that does not embed its decoder names the model
// file by the SHA-256 of its bytes, so a different or retrained model can never be used by mistake.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError, type ErrorAdvice } from '../errors';
import { readFileChecked, writeFileAtomic } from '../fsutil';
import type { Architecture, Normalisation, TrainHistory, WeightTensor } from '../types';
import { encodeContainer, hasContainerMagic, readContainerIndex, readSection } from './container';
import type { SectionInput } from './container';
import { bytesAccess } from './io';
import type { ModelHeader, PredictorHeader } from './header';
import { CREATED_BY } from '../version';
import type { CodingName } from './entropy';
import { decodeWeights, encodeWeights } from './weights';
import type { WeightPrecision } from './weights';

export const MODEL_FILE_EXTENSION = '.balermodel';

export interface ModelFileInput {
  architecture: Architecture;
  normalisation: Normalisation;
  history?: TrainHistory;
  decoder: WeightTensor[];
  encoder?: WeightTensor[];
  decoderPrecision?: WeightPrecision;
  encoderPrecision?: WeightPrecision;
  coding?: CodingName;
}

export interface ModelFileContents {
  header: ModelHeader;
  decoder: WeightTensor[];
  encoder?: WeightTensor[];
  /** sha256 hex of the file's bytes: what a .baler records to reference this model. */
  hash: string;
  bytes: number;
}

/** How a .baler refers to a shared model file. */
export interface ModelReference {
  hash: string;
  /** File name the model had when the .baler was written; looked for first. */
  fileName?: string;
}

export function modelContentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function encodeModelFile(model: ModelFileInput): Promise<Uint8Array> {
  const decoderPrecision = model.decoderPrecision ?? 'float32';
  const encoderPrecision = model.encoderPrecision ?? 'float32';
  const coding = model.coding ?? 'zstd';
  // No timings in the bytes: the same model gives the same file, hence the same hash.
  const history = model.history ? (({ seconds: _seconds, ...rest }) => rest)(model.history) : undefined;
  const header: ModelHeader = {
    kind: 'model', createdBy: CREATED_BY, architecture: model.architecture, normalisation: model.normalisation, decoderPrecision,
    ...(model.encoder ? { encoderPrecision } : {}), ...(history ? { history } : {}),
  };
  const sections: SectionInput[] = [{ name: 'decoder', data: encodeWeights(model.decoder, decoderPrecision), coding }];
  if (model.encoder) sections.push({ name: 'encoder', data: encodeWeights(model.encoder, encoderPrecision), coding });
  return (await encodeContainer(header, sections)).bytes;
}

/** Writes the model file atomically and returns its content hash and size. */
export async function writeModelFile(
  target: string, model: ModelFileInput, opts: { overwrite?: boolean } = {},
): Promise<{ hash: string; bytes: number }> {
  const bytes = await encodeModelFile(model);
  writeFileAtomic(target, bytes, opts);
  return { hash: modelContentHash(bytes), bytes: bytes.length };
}

/** A model file's container, after its hash (when one is expected) and magic are checked. */
function openModelContainer(bytes: Uint8Array, file: string | undefined, expectedHash: string | undefined) {
  const hash = modelContentHash(bytes);
  if (expectedHash !== undefined && hash !== expectedHash.toLowerCase()) {
    throw new BalerError(
      `model file does not match the one this .baler was compressed with (hash ${shortHash(hash)}…, needs ${shortHash(expectedHash)}…)`,
      file, 'EMODELHASH');
  }
  if (!hasContainerMagic(bytes)) throw new BalerError('not a Baler model file', file, 'EFORMAT');
  const access = bytesAccess(bytes);
  const index = readContainerIndex(access, file);
  const header = index.header;
  return { hash, access, index, header };
}

export async function decodeModelFile(bytes: Uint8Array, file?: string, expectedHash?: string): Promise<ModelFileContents> {
  const { hash, access, index, header } = openModelContainer(bytes, file, expectedHash);
  if (header.kind === 'predictor') throw new BalerError('this model file holds a learned predictor, not an autoencoder: use it with compress --model-file', file, 'EFORMAT');
  if (header.kind !== 'model') throw new BalerError('not a Baler model file (it is a compressed data file)', file, 'EFORMAT');
  const names = index.sections.map((s) => s.name);
  if (names.some((n) => n !== 'decoder' && n !== 'encoder') || !names.includes('decoder') || names.includes('encoder') !== (header.encoderPrecision !== undefined)) {
    throw new BalerError('corrupted: the model file\'s sections do not match its header', file, 'ECORRUPT');
  }
  const section = (name: string) => readSection(access, index.sections.find((s) => s.name === name)!, file);
  const encoder = header.encoderPrecision ? decodeWeights(await section('encoder'), file) : undefined;
  return { header, decoder: decodeWeights(await section('decoder'), file), ...(encoder ? { encoder } : {}), hash, bytes: bytes.length };
}

// ------------------------------------------------------------------------------ learned predictors

/** A .balermodel holding a learned predictor: the typed header and the model blob (src/kernel/learned/blob.ts). */
export interface PredictorFileContents {
  header: PredictorHeader;
  blob: Uint8Array;
  hash: string;
  bytes: number;
}

export async function encodePredictorFile(header: Omit<PredictorHeader, 'kind' | 'createdBy'>, blob: Uint8Array): Promise<Uint8Array> {
  const full: PredictorHeader = { kind: 'predictor', createdBy: CREATED_BY, ...header };
  return (await encodeContainer(full, [{ name: 'decoder', data: blob, coding: 'zstd' }])).bytes;
}

export async function decodePredictorFile(bytes: Uint8Array, file?: string, expectedHash?: string): Promise<PredictorFileContents> {
  const { hash, access, index, header } = openModelContainer(bytes, file, expectedHash);
  if (header.kind === 'model') throw new BalerError('this model file holds an autoencoder, not a learned predictor (use it with --trained-model)', file, 'EFORMAT');
  if (header.kind !== 'predictor') throw new BalerError('not a Baler model file (it is a compressed data file)', file, 'EFORMAT');
  if (index.sections.length !== 1 || index.sections[0].name !== 'decoder') {
    throw new BalerError('corrupted: the model file\'s sections do not match its header', file, 'ECORRUPT');
  }
  return { header, blob: await readSection(access, index.sections[0], file), hash, bytes: bytes.length };
}

export async function readPredictorFile(file: string, expectedHash?: string): Promise<PredictorFileContents> {
  if (!fs.existsSync(file)) {
    const needs = expectedHash ? `; the .baler needs the model with hash ${shortHash(expectedHash)}…` : '';
    throw new BalerError(`model file not found${needs}`, file, 'ENOENT');
  }
  return decodePredictorFile(readFileChecked(file), file, expectedHash);
}

/** The kind of model a .balermodel holds, from its header alone ('model': an autoencoder). */
export function modelFileKind(file: string): 'model' | 'predictor' {
  const bytes = readFileChecked(file);
  if (!hasContainerMagic(bytes)) throw new BalerError('not a Baler model file', file, 'EFORMAT');
  const header = readContainerIndex(bytesAccess(bytes), file).header;
  if (header.kind === 'data') throw new BalerError('not a Baler model file (it is a compressed data file)', file, 'EFORMAT');
  return header.kind;
}

export async function readModelFile(file: string, expectedHash?: string): Promise<ModelFileContents> {
  if (!fs.existsSync(file)) {
    const needs = expectedHash ? `; the .baler needs the model with hash ${shortHash(expectedHash)}…` : '';
    throw new BalerError(`model file not found${needs}`, file, 'ENOENT');
  }
  return decodeModelFile(readFileChecked(file), file, expectedHash);
}

/**
 * Finds the model file a .baler refers to: first by its recorded file name in each folder, then any
 * .balermodel file in those folders with the right hash. `referencingFile` is the .baler (for messages).
 */
export function locateModelFile(ref: ModelReference, folders: string[], referencingFile?: string): string {
  const want = ref.hash.toLowerCase();
  const byName = ref.fileName ? folders.map((d) => path.join(d, path.basename(ref.fileName!))) : [];
  const others = folders.flatMap((d) => listModelFiles(d)).filter((f) => !byName.includes(f));
  for (const candidate of [...byName, ...others]) {
    if (fs.existsSync(candidate) && hashOfFile(candidate) === want) return candidate;
  }
  const named = ref.fileName ? `${path.basename(ref.fileName)} ` : '';
  const where = folders.map((d) => path.resolve(d)).join(', ');
  // A model retrained or replaced under the recorded name is the likely case: say so rather than "not found".
  const replaced = byName.find((f) => fs.existsSync(f));
  const found = replaced ? `${path.resolve(replaced)} is a different model (hash ${shortHash(hashOfFile(replaced) ?? '?')}…) and none in ${where} has that hash` : `none with that hash in ${where}`;
  throw new BalerError(
    `cannot be decoded without the shared model file ${named}(hash ${shortHash(want)}…) it was compressed with: ${found}`,
    referencingFile, 'EMODELMISSING', missingModelAdvice(named.trim(), referencingFile));
}

/** What to do about a missing shared model: the CLI looks where --model-dir says; VS Code looks beside the file. */
function missingModelAdvice(modelName: string, referencingFile?: string): ErrorAdvice {
  const model = modelName || 'the .balermodel file';
  const beside = referencingFile ? `beside ${path.basename(referencingFile)} (in ${path.dirname(path.resolve(referencingFile))})` : 'beside the .baler file';
  return {
    cli: 'pass the folder that holds it with --model-dir',
    editor: `put ${model} ${beside}, then try again`,
  };
}

/** The model file a .baler refers to, looked for in `modelDir` (when given), then beside the .baler. */
export function locateSharedModel(ref: ModelReference, balerFile: string, modelDir?: string): string {
  const folders = [modelDir, path.dirname(path.resolve(balerFile))].filter((d): d is string => !!d);
  return locateModelFile(ref, folders, balerFile);
}

function listModelFiles(folder: string): string[] {
  try {
    return fs.readdirSync(folder).filter((n) => n.endsWith(MODEL_FILE_EXTENSION)).map((n) => path.join(folder, n));
  } catch {
    return [];
  }
}

function hashOfFile(file: string): string | undefined {
  try {
    return modelContentHash(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
