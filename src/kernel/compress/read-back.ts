// The compressor's own check of what it wrote, before the file appears: decode the temporary container slab
// by slab exactly as decompress will, and require the values the encoder measured (by hash), exact bytes where
// the coding is lossless, the bound on every value as written, and the PSNR target (measured again on what
// was decoded, only when there is one: the header's figures are the encoder's, of the same values).
import { BalerError, cancellationPoint } from '../errors';
import { arrayBytes } from '../data/dtype';
import { ErrorAccumulator } from '../metrics';
import type { ErrorSummary } from '../codec/header';
import { decodeArray, openBaler } from '../decompress';
import { releaseDecoded } from '../parallel/slab-tasks';
import type { ArrayInput, CodedArray } from './strategy';
import { hashValues } from '../value-hash';
import type { SlabRunner } from '../parallel/pool';
import type { Hooks } from '../api';

export interface WrittenArray {
  input: ArrayInput;
  coded: CodedArray;
  errors: ErrorSummary;
  hashes: number[];
}

export async function verifyContainer(tmp: string, written: WrittenArray[], output: string, runner?: SlabRunner, hooks?: Pick<Hooks, 'signal' | 'onProgress'>): Promise<void> {
  const f = openBaler(tmp);
  const allValues = written.reduce((n, w) => n + w.input.source.shape.reduce((a, b) => a * b, 1), 0);
  let valuesDone = 0;
  const fail = (detail: string): never => {
    throw new BalerError(`verification failed: ${detail}; nothing was written`, output, 'EVERIFY');
  };
  try {
    for (const [k, w] of written.entries()) {
      const exact = w.coded.codec.mode === 'lossless';
      const source = w.input.source;
      const acc = w.coded.checkErrors ? new ErrorAccumulator(source.kind === 'table' && source.shape.length === 2 ? source.shape[1] : 1) : undefined;
      const originals = w.input.slabs(w.coded.slabRows);
      let j = 0;
      for await (const slab of decodeArray(f, k, { modelDir: w.coded.modelDir, runner })) {
        await cancellationPoint(hooks?.signal);
        const original = (await originals.next()).value;
        if (!original || original.firstRow !== slab.firstRow || original.values.length !== slab.values.length) fail(`array ${k} slab ${j + 1} does not line up with the input`);
        // The bound's quick test and the hash in one pass where it passes; the checks in the same order either way.
        const quickHash = w.coded.checkSlab?.hashIfQuick(original.values, slab.values);
        if ((quickHash ?? hashValues(slab.values)) !== w.hashes[j]) fail(`array ${k} slab ${j + 1} does not decode to the values measured`);
        if (exact && !sameBytes(arrayBytes(slab.array), arrayBytes(original.array))) fail(`array ${k} slab ${j + 1} is not exact`);
        if (quickHash === undefined) w.coded.checkSlab?.(original.values, slab.values, slab.firstRow);
        acc?.add(original.values, slab.values);
        original.release(); // compared: its buffers serve the next slab
        j++;
        valuesDone += slab.values.length;
        releaseDecoded(slab);
        hooks?.onProgress?.({ phase: 'verify', message: 'reading the file back', fraction: valuesDone / Math.max(1, allValues) });
      }
      if (j !== w.hashes.length) fail(`array ${k} has ${j} slabs, ${w.hashes.length} were written`);
      if (acc) w.coded.checkErrors?.(acc.result());
    }
  } finally {
    f.close();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
