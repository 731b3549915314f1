// Decoding a .baler: the values on the original scale (reconstruct), and decompress() to a data file in the
// original dtype.
import * as path from 'node:path';
import type { DecompressOptions, DecompressResult, Hooks } from './api';
import type { Architecture, Normalisation, WeightTensor } from './types';
import { sampleLayout } from './types';
import { BalerError, namingFile } from './errors';
import { readFileChecked } from './fsutil';
import { writeDataset } from './data/dataset';
import { denormalise } from './normalise';
import { decodeLatents } from './model/infer';
import { decodeContainer } from './codec/container';
import { unpackFloats } from './codec/numbers';
import { decodeWeights } from './codec/weights';
import { locateModelFile, readModelFile } from './codec/model-file';
import { decodeErrorBounded } from './eb/codec';
import { inspect } from './inspect';
import { checkOutput, defaultOutput } from './compress/output';

export interface Reconstruction {
  values: Float64Array;
  header: Record<string, unknown>;
  sections: Map<string, Uint8Array>;
}

export function decodeToOriginalScale(
  arch: Architecture, decoder: WeightTensor[], latents: Float32Array, count: number, width: number, norm: Normalisation,
): Float64Array {
  return denormalise(decodeLatents(arch, decoder, latents, count), width, norm);
}

/** Decodes a .baler into float64 values on the original scale. */
export async function reconstruct(file: string, opts: { modelDir?: string } = {}): Promise<Reconstruction> {
  const container = await decodeContainer(readFileChecked(file), file);
  const header = container.header as Record<string, any>;
  const { count, width } = sampleLayout({ kind: header.dataset.kind, shape: header.dataset.shape });
  if (header.mode === 'error-bounded') {
    const sections = new Map<string, Uint8Array>();
    for (const [name, data] of container.sections) if (name.startsWith('eb.')) sections.set(name, data);
    // Residuals coded against an autoencoder's reconstruction: rebuild that prediction first.
    const prediction = header.model
      ? await modelReconstruction(header, container.sections, count, width, file, opts.modelDir)
      : undefined;
    const values = await namingFile(file, () => decodeErrorBounded(header.eb, sections, prediction));
    return { values, header, sections: container.sections };
  }
  if (header.mode !== 'autoencoder') throw new BalerError(`unknown compression mode '${header.mode}'`, file);
  return { values: await modelReconstruction(header, container.sections, count, width, file, opts.modelDir), header, sections: container.sections };
}

async function modelReconstruction(
  header: Record<string, any>, sections: Map<string, Uint8Array>, count: number, width: number, file: string, modelDir?: string,
): Promise<Float64Array> {
  if (!header.model?.architecture || !header.latents) throw new BalerError('corrupted: the model description is missing', file);
  const latentBytes = requireSection(sections, 'latents', file);
  const latents = unpackFloats(latentBytes, header.latents.precision, header.latents.count * header.latents.size, file);
  const decoder = header.model.decoder?.shared
    ? await findSharedDecoder(file, header.model.decoder.shared, modelDir)
    : decodeWeights(requireSection(sections, 'decoder', file), file);
  return decodeToOriginalScale(header.model.architecture, decoder, latents, count, width, header.model.normalisation);
}

function requireSection(sections: Map<string, Uint8Array>, name: string, file: string): Uint8Array {
  const s = sections.get(name);
  if (!s) throw new BalerError(`corrupted: section '${name}' is missing`, file);
  return s;
}

async function findSharedDecoder(file: string, shared: { hash: string; fileName: string }, modelDir?: string): Promise<WeightTensor[]> {
  const dirs = [modelDir, path.dirname(path.resolve(file))].filter((d): d is string => !!d);
  const modelFile = locateModelFile(shared, dirs, file);
  return (await readModelFile(modelFile, shared.hash)).decoder;
}

/** Decompresses a .baler into .npz/.npy/.csv (by the output's extension) with the original dtype. */
export async function decompress(input: string, opts: DecompressOptions = {}, hooks?: Hooks): Promise<DecompressResult> {
  if (path.extname(input) !== '.baler') throw new BalerError('not a .baler file (expected the .baler extension)', input);
  const output = opts.output ?? defaultOutput(input, '.decompressed.npz');
  checkOutput(input, output, opts.force);
  hooks?.onProgress?.({ phase: 'decode', message: `decoding ${input}` });
  const { values, header } = await reconstruct(input, opts);
  const d = (header as any).dataset;
  writeDataset(output, { kind: d.kind, shape: d.shape, dtype: d.dtype, names: d.names, values }, { overwrite: opts.force });
  return { output, info: await inspect(input) };
}
