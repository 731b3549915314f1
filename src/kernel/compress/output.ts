// Where an output goes and whether it may be written there: never the input, never an existing file
// without --force.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { formatOfPath } from '../data/formats';
import { extensionOf } from '../data/extensions';
import { assertNotSameFile } from '../fsutil';

/** The input's path with its extension replaced (the whole of a two-part one: brain.nii.gz → brain.baler). */
export function defaultOutput(input: string, ext: string): string {
  const parsed = path.parse(input);
  const own = extensionOf(input);
  const stem = own.length > parsed.ext.length && parsed.base.toLowerCase().endsWith(own) ? parsed.base.slice(0, parsed.base.length - own.length) : parsed.name;
  return path.join(parsed.dir, stem + ext);
}

/**
 * Where each input's .baler goes: for one input, `output` (a file, or a folder: outputOf); for several, into the
 * folder `output` names, or beside each input without it. Names only: a folder to create is made when the first
 * output is written into it (createOutputFolder), so that a refused input leaves none behind.
 */
export function outputsOf(inputs: string[], output?: string): string[] {
  if (inputs.length === 1) return [outputOf(inputs[0], output)];
  if (output !== undefined) return outputsInFolder(inputs, output);
  return distinctOutputs(inputs, inputs.map((input) => defaultOutput(input, '.baler')));
}

/** One input's .baler: `output`, or NAME.baler in it when it names a folder (namesFolder), or beside the input. */
export function outputOf(input: string, output?: string): string {
  if (output === undefined) return defaultOutput(input, '.baler');
  return namesFolder(output) ? defaultOutput(path.join(output, path.basename(input)), '.baler') : output;
}

/** NAME.baler in `folder` for each input (with several files, -o names a folder). */
export function outputsInFolder(inputs: string[], folder: string): string[] {
  if (!namesFolder(folder)) {
    throw new BalerError(`${fs.existsSync(folder) ? 'is not a folder' : 'no such folder'}: with several files, -o names the folder their .baler files go to (end it with / to create it)`, folder, 'ENOTDIR');
  }
  return distinctOutputs(inputs, inputs.map((input) => outputOf(input, folder)));
}

/** Whether -o names a folder: one that exists, or any path ending in a separator (created if missing). */
export function namesFolder(output: string): boolean {
  return output.endsWith('/') || output.endsWith(path.sep) || (fs.existsSync(output) && fs.statSync(output).isDirectory());
}

/**
 * Creates the folder an output goes to with its parents when -o names a folder (namesFolder) that is missing; tasks
 * of a job array may race to create it: that is fine. Returns the topmost folder it created, for removeCreatedFolder.
 */
export function createOutputFolder(output: string | undefined): string | undefined {
  if (output === undefined || !namesFolder(output)) return undefined;
  let created: string | undefined;
  try {
    created = fs.mkdirSync(output, { recursive: true });
  } catch (err) {
    throw new BalerError(`cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, output, 'EOUTPUT');
  }
  if (!fs.statSync(output).isDirectory()) throw new BalerError('is not a folder', output, 'ENOTDIR');
  return created;
}

/** Removes the folders createOutputFolder made for `output` (`created` the topmost) while nothing was written into them. */
export function removeCreatedFolder(output: string | undefined, created: string | undefined): void {
  if (output === undefined || created === undefined) return;
  const top = path.resolve(created);
  for (let dir = path.resolve(output); dir.startsWith(top); dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return; // not empty: another task's output, or one this run wrote
    }
    if (dir === top) return;
  }
}

/** Refused before anything is coded when two inputs would be written to one output (a folder's links followed). */
export function distinctOutputs(inputs: string[], outputs: string[], command: 'compress' | 'decompress' = 'compress'): string[] {
  const seen = new Map<string, string>();
  const real = (o: string) => {
    const dir = path.dirname(path.resolve(o));
    return path.join(fs.existsSync(dir) ? fs.realpathSync(dir) : dir, path.basename(o));
  };
  outputs.forEach((o, i) => {
    const key = real(o);
    const other = seen.get(key);
    if (other !== undefined) throw new BalerError(`both this and ${other} would be written to ${o}: ${command} one of them on its own with -o`, inputs[i], 'EOPTION');
    seen.set(key, inputs[i]);
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

/** Every input's output checked (checkOutput) before the first is coded: several files fail at once or not at all. */
export function checkOutputs(inputs: string[], outputs: string[], force?: boolean): void {
  inputs.forEach((input, i) => checkOutput(input, outputs[i], force));
}

export function checkOutput(input: string, output: string, force?: boolean): void {
  assertNotSameFile(input, output);
  if (!force && fs.existsSync(output)) {
    throw new BalerError('output file exists (choose another path with -o, or pass --force)', output, 'EEXIST');
  }
}
