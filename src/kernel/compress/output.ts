// Where an output goes and whether it may be written there: never the input, never an existing file
// without --force.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { assertNotSameFile } from '../fsutil';

/** The input's path with its extension replaced. */
export function defaultOutput(input: string, ext: string): string {
  const parsed = path.parse(input);
  return path.join(parsed.dir, parsed.name + ext);
}

export function checkOutput(input: string, output: string, force?: boolean): void {
  assertNotSameFile(input, output);
  if (!force && fs.existsSync(output)) {
    throw new BalerError('output file exists (choose another path with -o, or pass --force)', output, 'EEXIST');
  }
}
