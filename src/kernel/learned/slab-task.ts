// One slab coded against a learned predictor as a task of the slab pool (parallel/slab-tasks.ts), in the main
// thread or a worker alike: the coding (the coder checks every value as written itself; the compressor checks
// the whole file again when it reads it back) and the lossless floor (a slab is never stored larger than zstd
// of its bytes). A slab stored losslessly gets an empty latents chunk.
import { encodeLosslessSlab } from '../codec/slab';
import { summariseSlab } from '../compress/slab-summary';
import { columnsOf } from '../metrics';
import { brokeItsBound, MissingReached, withValues, type CodedSlab, type LearnedSlabTask } from '../parallel/slab-tasks';
import { losslessCandidate } from '../parallel/lossless-floor';
import { release } from '../parallel/slab-buffers';
import { reachesMissing } from '../data/fill';
import { encodeLearnedSlab, learnedSlabBytes, type LearnedSlab } from './slab';

export function codeLearnedSlab(task: LearnedSlabTask): Promise<CodedSlab> {
  return withValues(task.array, (values) => codeLearnedValues(task, values));
}

async function codeLearnedValues(task: LearnedSlabTask, values: Float64Array): Promise<CodedSlab> {
  const columns = columnsOf(task.array.shape, task.globals.kind);
  const exact = (chunk: Uint8Array, outcome: 'lossless' | 'kept-exact'): CodedSlab => ({
    chunk, ...(task.model.family === 'basis' ? { latents: new Uint8Array(0) } : {}), summary: summariseSlab(values, values, columns), outcome,
  });
  let coded: LearnedSlab;
  try {
    coded = await encodeLearnedSlab(task.model, values, task.array.shape, task.globals);
    if (reachesMissing(coded.reconstruction, task.array.missing)) throw new MissingReached(task.array.missing!);
  } catch (err) {
    if (!brokeItsBound(err)) throw err;
    return exact(await encodeLosslessSlab(task.array), 'kept-exact');
  }
  try {
    const lossless = await losslessCandidate(task.array, learnedSlabBytes(coded));
    if (lossless.smaller) return exact(lossless.smaller, 'lossless');
    return {
      chunk: coded.data, ...(coded.latents ? { latents: coded.latents } : {}), summary: summariseSlab(values, coded.reconstruction, columns), outcome: 'coded',
      ...(coded.configuration ? { choice: { configuration: coded.configuration } } : {}), losslessBytes: lossless.bytes,
    };
  } finally {
    release(coded.reconstruction); // summarised: it serves the next slab
  }
}
