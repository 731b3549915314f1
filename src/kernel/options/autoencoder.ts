// Which compress options belong to the autoencoder alone, and how options carrying them as defaults (VS Code
// settings, a notebook's, a project's config) meet a bound or a target, beside which they are refused
// (compress/options.ts). It imports nothing but types: the extension host loads it.
import type { CompressOptions } from '../api';

/** Options that only mean something to the plain autoencoder: asking for them asks for it. */
export const AUTOENCODER_OPTIONS: (keyof CompressOptions)[] = [
  'latent', 'compressionRatio', 'modelType', 'epochs', 'batchSize', 'learningRate', 'targetPsnr', 'trainedModelPath',
  'latentPrecision', 'decoderPrecision',
];

/** Whether the options name an option only the autoencoder has (a shared model file aside: that needs the disk). */
export function namesAutoencoderOption(opts: CompressOptions): boolean {
  return AUTOENCODER_OPTIONS.some((k) => opts[k] !== undefined);
}

/**
 * A caller's options on its training defaults (the VS Code settings, a notebook's): the defaults' autoencoder
 * options only where the options themselves ask for an autoencoder. Otherwise the defaults' epochs or model type
 * would turn a plain compress into training, where the CLI takes the error-bounded automatic path.
 */
export function onTrainingDefaults(defaults: CompressOptions, options: CompressOptions): CompressOptions {
  return { ...(namesAutoencoderOption(options) ? defaults : withoutAutoencoderOptions(defaults)), ...options };
}

/** The options without the autoencoder's (a project's config holds them whatever it asks for). */
export function withoutAutoencoderOptions<T extends CompressOptions>(opts: T): T {
  const rest = { ...opts };
  for (const k of AUTOENCODER_OPTIONS) delete rest[k];
  return rest;
}
