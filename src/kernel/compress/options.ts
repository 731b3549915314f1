// Checks of compress options that come from users (CLI, cells, the API): a one-line error naming the option,
// never an internal error deep inside training or coding.
import type { CompressOptions } from '../api';
import { BalerError } from '../errors';
import { parseRequestedBound } from '../eb/bound';
import { hasChannels, LAYOUT_NAMES, MAX_CHANNELS } from '../eb/layout';
import { PREDICTOR_FAMILIES } from '../eb/configure';
import { AUTOENCODER_OPTIONS } from '../options/autoencoder';

const POSITIVE_INTEGERS = ['epochs', 'batchSize', 'latent', 'seed'] as const;
const OPTION_NAMES: Record<string, string> = {
  epochs: '--epochs', batchSize: '--batch-size', latent: '--latent', seed: '--seed', learningRate: '--lr',
  compressionRatio: '--ratio', timeLimitSeconds: '--time-limit', validationSplit: '--validation-split', layout: '--layout',
  predictors: '--predictor', modelType: '--model', targetPsnr: '--target-psnr', trainedModelPath: '--trained-model',
  latentPrecision: '--latent-precision', decoderPrecision: '--decoder-precision',
};

export function checkCompressOptions(opts: CompressOptions, file: string): void {
  const bad = (key: string, why: string): never => {
    throw new BalerError(`${OPTION_NAMES[key] ?? key} ${why}`, file, 'EOPTION');
  };
  for (const key of POSITIVE_INTEGERS) {
    const v = opts[key];
    if (v === undefined) continue;
    const min = key === 'seed' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) bad(key, `must be a whole number ≥ ${min}, got ${v}`);
  }
  if (opts.learningRate !== undefined && !(opts.learningRate > 0 && Number.isFinite(opts.learningRate))) bad('learningRate', `must be a positive number, got ${opts.learningRate}`);
  if (opts.compressionRatio !== undefined && !(opts.compressionRatio > 0 && Number.isFinite(opts.compressionRatio))) bad('compressionRatio', `must be a positive number, got ${opts.compressionRatio}`);
  if (opts.timeLimitSeconds !== undefined && !(opts.timeLimitSeconds > 0)) bad('timeLimitSeconds', `must be a positive number of seconds, got ${opts.timeLimitSeconds}`);
  if (opts.validationSplit !== undefined && !(opts.validationSplit >= 0 && opts.validationSplit < 1)) bad('validationSplit', `must be in [0, 1), got ${opts.validationSplit}`);
  if (opts.errorBound !== undefined) parseRequestedBound(opts.errorBound, file);
  // A bound or a PSNR target is coded by the error-bounded coder (with learned predictors it chooses itself): an
  // autoencoder's options beside one would go unused without a word. `--objective` searches autoencoders too.
  const autoencoder = AUTOENCODER_OPTIONS.filter((k) => opts[k] !== undefined).map((k) => OPTION_NAMES[k]);
  const coder = opts.errorBound !== undefined ? '--error-bound' : opts.target !== undefined ? '--target' : undefined;
  if (coder && autoencoder.length > 0 && opts.objective === undefined) {
    throw new BalerError(`${autoencoder.join(', ')} ${autoencoder.length === 1 ? 'is an autoencoder option' : 'are autoencoder options'}, and ${coder} codes with the error-bounded coder: give one or the other`, file, 'EOPTION');
  }
  if (opts.layout !== undefined && !(LAYOUT_NAMES as readonly string[]).includes(opts.layout)) bad('layout', `must be one of ${LAYOUT_NAMES.join(', ')}, got ${opts.layout}`);
  // The CLI's parser knows the names; a caller of the API is told here, not left with a family silently ignored.
  const unknown = opts.predictors?.find((p) => !(PREDICTOR_FAMILIES as readonly string[]).includes(p));
  if (unknown !== undefined) bad('predictors', `names no predictor family: '${unknown}' (expected some of ${PREDICTOR_FAMILIES.join(', ')})`);
  // The column models are added to a base predictor's configurations: alone they make none (eb/configure.ts).
  if (opts.predictors !== undefined && !opts.predictors.some((p) => p === 'interpolation' || p === 'lorenzo')) {
    bad('predictors', `${opts.predictors.join(',')} predicts a table's columns on top of interpolation or lorenzo: name one of them too (e.g. lorenzo,columns)`);
  }
}

/**
 * A --layout every array of the input can take (the table layout sees a 2-D array's columns; the channels layout a
 * short last axis of an array of 3 or more axes), refused before any coding as the coder itself would refuse it.
 */
export function checkLayoutFits(layout: CompressOptions['layout'], shape: number[], path: string, file: string): void {
  const array = `${path ? `'${path}'` : 'the array'} has shape (${shape.join(', ')})`;
  if (layout === 'table' && shape.length !== 2) throw new BalerError(`--layout table needs a 2-D array: ${array}`, file, 'EOPTION');
  if (layout === 'channels' && !hasChannels(shape)) {
    throw new BalerError(`--layout channels needs an array of 3 or more axes, the last of 2 to ${MAX_CHANNELS}: ${array}`, file, 'EOPTION');
  }
}
