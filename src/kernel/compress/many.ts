// Many files with one command (a campaign of files): each compressed on its own into a folder, optionally only
// this part's share of the list (`--files-from LIST --part I/N`: files I, I+N, I+2N, …, as a job array runs them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, CompressResult, Hooks } from '../api';
import { BalerError } from '../errors';
import { readFileChecked } from '../fsutil';
import type { PartSpec } from './parts';
import { compress } from './index';

/** The files listed in LIST, one per line (blank lines and lines starting with # ignored), relative to LIST. */
export function readFileList(list: string): string[] {
  const text = new TextDecoder('utf-8').decode(readFileChecked(list));
  const files = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => path.resolve(path.dirname(list), l));
  if (files.length === 0) throw new BalerError('the file list is empty', list);
  return files;
}

/** This part's share of the files, compressed one by one into `outputDir`. */
export async function compressFiles(files: string[], outputDir: string, opts: Omit<CompressOptions, 'output' | 'part'> = {}, part?: PartSpec, hooks?: Hooks): Promise<CompressResult[]> {
  if (!fs.existsSync(outputDir) || !fs.statSync(outputDir).isDirectory()) throw new BalerError('the output folder does not exist', outputDir, 'ENOENT');
  const mine = part ? files.filter((_, i) => i % part.count === part.index) : files;
  const names = new Set<string>();
  const results: CompressResult[] = [];
  for (const file of mine) {
    const output = path.join(outputDir, `${path.parse(file).name}.baler`);
    if (names.has(output)) throw new BalerError(`two inputs would both be written to ${path.basename(output)}`, file);
    names.add(output);
    hooks?.onLog?.(`compressing ${file}`);
    results.push(await compress(file, { ...opts, output }, hooks));
  }
  return results;
}
