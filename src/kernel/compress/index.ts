// compress(): one data file into a self-contained .baler. The mode is a strategy (search, error-bounded,
// autoencoder: the first that handles the options); this file writes the container and verifies it.
// Every figure reported is computed from the bytes actually written and read back.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, CompressResult, Hooks } from '../api';
import type { Dataset } from '../types';
import { BalerError, throwIfAborted } from '../errors';
import { writeFileAtomic } from '../fsutil';
import { readDataset } from '../data/dataset';
import { encodeContainer } from '../codec/container';
import { computeErrors } from '../metrics';
import type { CandidatePayload } from '../search';
import { CREATED_BY } from '../version';
import { reconstruct } from '../decompress';
import { inspect } from '../inspect';
import { checkOutput, defaultOutput } from './output';
import { sameValues } from './verify';
import type { CompressContext, CompressStrategy } from './strategy';
import { searchStrategy } from './search';
import { errorBoundedStrategy } from './error-bounded';
import { autoencoderStrategy } from './autoencoder';

/** In order: the first strategy that handles the options is used. */
const STRATEGIES: CompressStrategy[] = [searchStrategy, errorBoundedStrategy, autoencoderStrategy];

/** Trains (unless a model is given) and compresses one data file into a self-contained .baler. */
export async function compress(input: string, opts: CompressOptions = {}, hooks?: Hooks): Promise<CompressResult> {
  const output = opts.output ?? defaultOutput(input, '.baler');
  checkOutput(input, output, opts.force);
  const ds = readDataset(input);
  const originalFile = fs.statSync(input).size;
  const ctx: CompressContext = {
    ds, opts, hooks, input, originalFile,
    completeHeader: (p) => completeHeader(p, ds, input, originalFile),
  };
  const strategy = STRATEGIES.find((s) => s.handles(opts))!;
  const payload = await strategy.payload(ctx);
  throwIfAborted(hooks?.signal);

  hooks?.onProgress?.({ phase: 'write', message: `writing ${output}` });
  const bytes = await encodeContainer(ctx.completeHeader(payload), payload.sections);
  writeFileAtomic(output, bytes, { overwrite: opts.force });

  hooks?.onProgress?.({ phase: 'verify', message: 'reading the file back' });
  try {
    const readBack = await reconstruct(output, { modelDir: payload.modelDir });
    if (!sameValues(readBack.values, payload.reconstruction)) {
      throw new BalerError('verification failed: the file written does not decode to the values measured', output);
    }
    payload.verify?.(readBack.values);
  } catch (err) {
    fs.rmSync(output, { force: true });
    throw err;
  }
  return { output, info: await inspect(output) };
}

/** The header a .baler gets: the mode's fields, then where it came from and the errors measured. */
function completeHeader(payload: CandidatePayload, ds: Dataset, input: string, originalFile: number): Record<string, unknown> {
  return {
    ...payload.header,
    createdBy: CREATED_BY,
    source: { name: path.basename(input), bytes: originalFile },
    dataset: { kind: ds.kind, shape: ds.shape, dtype: ds.dtype, names: ds.names },
    errors: computeErrors(ds.values, payload.reconstruction),
  };
}
