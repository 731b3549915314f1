// Many files with one command (a campaign of files): each compressed on its own into a folder, optionally only
// this part's share of the list (`--files-from LIST --part I/N`: files I, I+N, I+2N, …, as a job array runs them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions, CompressResult, Hooks } from '../api';
import { BalerError } from '../errors';
import { readFileChecked } from '../fsutil';
import { eachFile, type BatchOutcome, type FileFailure } from './each-file';
import type { PartSpec } from './parts';
import { compress } from './index';
import { checkOutputs, outputsInFolder } from './output';

/** The files listed in LIST, one per line (blank lines and lines starting with # ignored), relative to LIST. */
export function readFileList(list: string): string[] {
  const text = new TextDecoder('utf-8').decode(readFileChecked(list));
  const files = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => path.resolve(path.dirname(list), l));
  if (files.length === 0) throw new BalerError('the file list is empty', list);
  return files;
}

/** A file of the batch that is not there is named before hours of work on those before it, not at its turn. */
export function refuseAbsent(files: string[]): void {
  const absent = files.filter((file) => !fs.existsSync(file));
  if (absent.length > 0) {
    throw new BalerError(`${absent.length === 1 ? 'a file' : `${absent.length} files`} to compress ${absent.length === 1 ? 'is' : 'are'} not there: ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ', …' : ''}`, absent[0], 'ENOENT');
  }
}

/** This part's share of the files, compressed one by one into `outputDir`; a file refused is reported and passed over. */
export async function compressFiles(files: string[], outputDir: string, opts: Omit<CompressOptions, 'output' | 'part'> = {}, part?: PartSpec, hooks?: Hooks, onFailure?: (failure: FileFailure) => void): Promise<BatchOutcome<CompressResult>> {
  const mine = part ? files.filter((_, i) => i % part.count === part.index) : files;
  refuseAbsent(mine);
  const outputs = outputsInFolder(mine, outputDir);
  checkOutputs(mine, outputs, opts.force);
  return eachFile(mine, (file) => {
    hooks?.onLog?.(`compressing ${file}`);
    // The folder itself, not NAME.baler in it: a folder to create is made when the first output is written.
    return compress(file, { ...opts, output: outputDir }, hooks);
  }, onFailure);
}
