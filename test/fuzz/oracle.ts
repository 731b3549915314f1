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
import type { ArrayEntry } from '../../src/kernel/codec/header';

/** Decoding a fuzzed file may use this much memory at most. */
export const FUZZ_MEMORY_BUDGET = 64 * 1024 * 1024;

/**
 * A constant array has no section, so nothing in the file bounds the rows it declares: a forged header may
 * declare billions, which decode (legitimately, as any decompressor expands what it is told) for as long as
 * they take. Its first rows (at most 2^20 values or 4096 slabs) say all there is to check.
 */
function constantRows(a: ArrayEntry): [number, number] | undefined {
  if (a.codec.mode !== 'constant') return undefined;
  const rowValues = a.shape.slice(1).reduce((x, y) => x * y, 1);
  const rows = Math.max(1, Math.min(a.shape[0], 4096 * a.slabRows, Math.floor(2 ** 20 / rowValues)));
  return rows < a.shape[0] ? [0, rows] : undefined;
}

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
        const rows = constantRows(f.header.arrays[k]);
        for await (const slab of decodeArray(f, k, { modelDir: dir, memoryBudget: FUZZ_MEMORY_BUDGET, ...(rows ? { rows } : {}) })) hash.update(arrayBytes(slab.array));
      }
    } finally {
      f.close();
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  return hash.digest('hex');
}
