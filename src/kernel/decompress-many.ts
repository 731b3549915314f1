// Several .baler files decompressed with one command: every output named, and refused when two inputs would write one
// file or (without --force) one exists, before the first is decoded, as compress does. A file whose header cannot be
// read is left to fail in its turn (the batch goes on past it).
import type { DecompressOptions } from './api';
import { checkOutputs, distinctOutputs } from './compress/output';
import { openBaler, plannedOutput } from './decompress';

export function checkDecompressOutputs(files: string[], opts: Pick<DecompressOptions, 'output' | 'dataset' | 'force'>): void {
  const planned: { input: string; output: string }[] = [];
  for (const input of files) {
    let f: ReturnType<typeof openBaler> | undefined;
    try {
      f = openBaler(input);
      planned.push({ input, output: plannedOutput(input, f.header, opts).output });
    } catch {
      // unreadable: refused in its turn, with its own reason
    } finally {
      f?.close();
    }
  }
  const inputs = planned.map((p) => p.input);
  const outputs = distinctOutputs(inputs, planned.map((p) => p.output), 'decompress');
  checkOutputs(inputs, outputs, opts.force);
}
