// Where an output goes and whether it may be written there: never the input, never an existing file
// without --force.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { formatOfPath } from '../data/formats';
import { assertNotSameFile } from '../fsutil';

/** The input's path with its extension replaced. */
export function defaultOutput(input: string, ext: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, parsed.name + ext);
}

/**
 * Refuses a .baler named like a data file (-o x.npy): written there, it is no .npy, and the tools that open it by
 * its name (numpy, h5py, a viewer) fail on it; a typo of `decompress` for `compress` would also end there.
 */
export function checkBalerName(output: string): void {
  const { ext, info } = formatOfPath(output);
  if (info) {
    throw new BalerError(`compress writes a .baler file, not a ${ext} file: name the output with .baler (to write ${ext}, decompress a .baler)`, output, 'EOPTION');
  }
}

export function checkOutput(input: string, output: string, force?: boolean): void {
  assertNotSameFile(input, output);
  if (!force && fs.existsSync(output)) {
    throw new BalerError('output file exists (choose another path with -o, or pass --force)', output, 'EEXIST');
  }
}
