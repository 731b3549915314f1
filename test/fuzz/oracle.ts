// What the fuzzer asks of a file: read it as a user would (info, then every array slab by slab, or a model
// file's weights) and return a fingerprint of everything decoded. A refusal must be a BalerError; anything
// else thrown is a crash.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeArray, openBaler } from '../../src/kernel/decompress';
import { inspect } from '../../src/kernel/inspect';
import { arrayBytes } from '../../src/kernel/data/dtype';
import { decodeModelFile, decodePredictorFile } from '../../src/kernel/codec/model-file';
import { decodeModel } from '../../src/kernel/learned/blob';

/** Decoding a fuzzed file may use this much memory at most. */
export const FUZZ_MEMORY_BUDGET = 64 * 1024 * 1024;

export async function decodeEverything(bytes: Uint8Array, dir: string, name: string): Promise<string> {
  const hash = createHash('sha256');
  if (name.endsWith('predictor.balermodel')) {
    // A learned predictor: what compress --model-file and decompress read of it.
    const { blob } = await decodePredictorFile(bytes, name);
    hash.update(JSON.stringify(await decodeModel(blob, name), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
    return hash.digest('hex');
  }
  if (name.endsWith('.balermodel')) {
    const model = await decodeModelFile(bytes, name);
    for (const w of [...model.decoder, ...(model.encoder ?? [])]) hash.update(w.name).update(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength));
    return hash.digest('hex');
  }
  const file = path.join(dir, `case-${name}`);
  fs.writeFileSync(file, bytes);
  try {
    const info = await inspect(file);
    hash.update(JSON.stringify({ shape: info.shape, dtype: info.dtype, mode: info.mode, names: info.names }));
    const f = openBaler(file);
    try {
      for (let k = 0; k < f.header.arrays.length; k++) {
        for await (const slab of decodeArray(f, k, { modelDir: dir, memoryBudget: FUZZ_MEMORY_BUDGET })) hash.update(arrayBytes(slab.array));
      }
    } finally {
      f.close();
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  return hash.digest('hex');
}
