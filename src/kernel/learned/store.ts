// Learned predictors on disk: embedded in a .baler (section `${k}.decoder`) or shared by many .baler files in
// a .balermodel referenced by SHA-256 (train once, compress many). Decoded models are cached by content hash,
// so a set of files that share one model decodes it once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import type { LearnedPart } from '../codec/header';
import { sectionName } from '../codec/header-check';
import { readSection, type ContainerIndex } from '../codec/container';
import type { RandomAccess } from '../codec/io';
import { locateSharedModel, modelContentHash, readPredictorFile, encodePredictorFile } from '../codec/model-file';
import { writeFileAtomic } from '../fsutil';
import { assertModelFits, decodeModel, describeModel, encodeModel, type LearnedModel } from './blob';

const CACHE_ENTRIES = 8;
const cache = new Map<string, LearnedModel>();

async function decodeCached(blob: Uint8Array, file?: string): Promise<LearnedModel> {
  const key = modelContentHash(blob);
  const hit = cache.get(key);
  if (hit) return hit;
  const model = await decodeModel(blob, file);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, model);
  return model;
}

/** The learned predictor of array k of an opened .baler (embedded or shared), checked against its shape. */
export async function loadLearnedModel(
  f: { file: string; access: RandomAccess; index: ContainerIndex }, k: number, part: LearnedPart, shape: number[], modelDir?: string,
): Promise<LearnedModel> {
  let model: LearnedModel;
  if (part.shared) {
    const modelFile = locateSharedModel(part.shared, f.file, modelDir);
    const contents = await readPredictorFile(modelFile, part.shared.hash);
    model = await decodeCached(contents.blob, modelFile);
  } else {
    const section = f.index.sections.find((s) => s.name === sectionName(k, 'decoder'))!;
    model = await decodeCached(await readSection(f.access, section, f.file), f.file);
  }
  if (model.family !== part.family) throw new BalerError(`corrupted: the header says a ${part.family} predictor, the model is ${model.family}`, f.file, 'ECORRUPT');
  try {
    assertModelFits(model, shape);
  } catch (err) {
    throw new BalerError(`corrupted: ${(err as Error).message}`, f.file, 'ECORRUPT');
  }
  return model;
}

/** A shared model file's reference for a .baler header, and its size (counted once for a set of files). */
export interface SharedModelRef {
  hash: string;
  bytes: number;
  fileName: string;
}

/**
 * Writes a learned predictor as a shared .balermodel (atomically), or reuses the file when it already holds
 * exactly this model. A different model at that path is replaced only with `force`.
 */
export async function writeSharedModel(file: string, model: LearnedModel, description: string, force?: boolean): Promise<SharedModelRef> {
  const bytes = await encodePredictorFile({ family: model.family, description }, encodeModel(model));
  const hash = modelContentHash(bytes);
  if (fs.existsSync(file)) {
    if (modelContentHash(fs.readFileSync(file)) === hash) return { hash, bytes: bytes.length, fileName: path.basename(file) };
    if (!force) throw new BalerError('a different model file exists here (pass --force to replace it, or choose another --model-file path)', file, 'EEXIST');
  }
  writeFileAtomic(file, bytes, { overwrite: force });
  return { hash, bytes: bytes.length, fileName: path.basename(file) };
}

/** Reads a shared learned predictor for compressing with it. */
export async function readSharedModel(file: string): Promise<{ model: LearnedModel; ref: SharedModelRef; description: string }> {
  const contents = await readPredictorFile(file);
  const model = await decodeCached(contents.blob, file);
  return { model, ref: { hash: contents.hash, bytes: contents.bytes, fileName: path.basename(file) }, description: contents.header.description || describeModel(model) };
}
