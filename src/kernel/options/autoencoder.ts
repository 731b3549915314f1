// Which compress options belong to the autoencoder alone, and how options carrying them as defaults (VS Code
// settings, a notebook's, a project's config) meet a bound or a target, beside which they are refused
// (compress/options.ts). It imports nothing but types: the extension host loads it.
import type { CompressOptions } from '../api';

/** Options that only mean something to the plain autoencoder: asking for them asks for it. */
export const AUTOENCODER_OPTIONS: (keyof CompressOptions)[] = [
  'latent', 'compressionRatio', 'modelType', 'epochs', 'batchSize', 'learningRate', 'targetPsnr', 'trainedModelPath',
  'latentPrecision', 'decoderPrecision',
];

/**
 * A caller's options on its training defaults (the VS Code settings, a notebook's): the defaults' autoencoder
 * options only where the options leave the coding to an autoencoder; beside a bound or a target they would be refused.
 */
export function onTrainingDefaults(defaults: CompressOptions, options: CompressOptions): CompressOptions {
  const bounded = options.errorBound !== undefined || options.target !== undefined;
  return { ...(bounded ? withoutAutoencoderOptions(defaults) : defaults), ...options };
}

/** The options without the autoencoder's (a project's config holds them whatever it asks for). */
export function withoutAutoencoderOptions<T extends CompressOptions>(opts: T): T {
  const rest = { ...opts };
  for (const k of AUTOENCODER_OPTIONS) delete rest[k];
  return rest;
}
