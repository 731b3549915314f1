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
 * Where each input's .baler goes: `output` (a file) for one input; for several, into the folder `output` names,
 * or beside each input without it.
 */
export function outputsOf(inputs: string[], output?: string): string[] {
  if (inputs.length === 1) return [output ?? defaultOutput(inputs[0], '.baler')];
  if (output !== undefined) return outputsInFolder(inputs, output);
  return distinctOutputs(inputs, inputs.map((input) => defaultOutput(input, '.baler')));
}

/** NAME.baler in `folder` for each input (with several files, -o names a folder). */
export function outputsInFolder(inputs: string[], folder: string): string[] {
  if (!fs.existsSync(folder)) throw new BalerError('the output folder does not exist (with several files, -o names the folder their .baler files go to)', folder, 'ENOENT');
  if (!fs.statSync(folder).isDirectory()) throw new BalerError('is not a folder: with several files, -o names the folder their .baler files go to', folder, 'ENOTDIR');
  return distinctOutputs(inputs, inputs.map((input) => path.join(folder, `${path.parse(input).name}.baler`)));
}

/** Refused before anything is coded when two inputs would be written to one output. */
function distinctOutputs(inputs: string[], outputs: string[]): string[] {
  const seen = new Map<string, string>();
  outputs.forEach((o, i) => {
    const other = seen.get(path.resolve(o));
    if (other !== undefined) throw new BalerError(`both this and ${other} would be written to ${o}: compress one of them on its own with -o`, inputs[i], 'EOPTION');
    seen.set(path.resolve(o), inputs[i]);
  });
  return outputs;
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
