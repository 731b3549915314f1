// The report of a .baler (HTML file and dashboard): its decoded values beside the original data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { writeFileAtomic } from '../fsutil';
import { chooseArray, readWholeArray } from '../data/dataset';
import { DEFAULT_MEMORY_BUDGET } from '../data/budget';
import { openDataSource } from '../data/formats';
import { NAN_BESIDE_FILL } from '../data/fill';
import type { Dataset } from '../types';
import { tradeoffFromFile } from '../search';
import { reconstruct } from '../decompress';
import { inspect } from '../inspect';
import { buildReportData, type ReportData } from './data';
import { renderReportHtml } from './html';

/** Everything the HTML report and the dashboard show, from a .baler and its original data file. */
export async function buildReport(balerFile: string, originalFile?: string, historyFile?: string, dataset?: string): Promise<ReportData> {
  const { values, arrayIndex, header, points } = await reconstruct(balerFile, { dataset });
  const sourceName = header.source.name;
  const originalPath = originalFile ?? path.join(path.dirname(path.resolve(balerFile)), sourceName);
  if (!fs.existsSync(originalPath)) {
    throw new BalerError(`the original data '${sourceName}' is needed for residual plots; pass it with --original`, balerFile);
  }
  // The report is of one array (reconstruct decodes it): of a source that holds several, that array of it.
  const shown = header.arrays[arrayIndex];
  // Seen as it was compressed (compress --kind may have said table or image).
  const original = { ...(await readOriginal(originalPath, shown.path || undefined)), kind: shown.kind };
  const history = historyFile && fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')) : undefined;
  const which = dataset !== undefined ? '' : ' (the largest; --dataset for another)';
  const title = shown.path ? `${path.basename(balerFile)}: ${shown.path}${header.arrays.length > 1 ? ` of ${header.arrays.length} arrays${which}` : ''}` : path.basename(balerFile);
  return buildReportData({
    title, original, reconstructed: values, info: await inspect(balerFile), history,
    tradeoff: points ? tradeoffFromFile(new Map([['search.points', points]])) : undefined,
  });
}

/** The original array as compress reads it: as written when NaN beside its missing values kept it exact (data/fill.ts). */
async function readOriginal(file: string, dataset: string | undefined): Promise<Dataset> {
  const selection = dataset !== undefined ? { dataset } : {};
  const source = await openDataSource(file, selection);
  try {
    const array = chooseArray(source, selection);
    try {
      return await readWholeArray(array, file, DEFAULT_MEMORY_BUDGET);
    } catch (err) {
      if (!(err instanceof BalerError && err.code === NAN_BESIDE_FILL && array.unmasked)) throw err;
      return await readWholeArray(array.unmasked(), file, DEFAULT_MEMORY_BUDGET);
    }
  } finally {
    await source.close();
  }
}

/** Writes the report of `balerFile` to `output`; an existing file is replaced only with `force` (checked before any decoding). */
export async function writeReport(balerFile: string, output: string, opts: { original?: string; history?: string; force?: boolean; dataset?: string } = {}): Promise<string> {
  const force = opts.force ?? false;
  if (!force && fs.existsSync(output)) throw new BalerError('output file exists (choose another path with -o, or pass --force)', output, 'EEXIST');
  const data = await buildReport(balerFile, opts.original, opts.history, opts.dataset);
  writeFileAtomic(output, renderReportHtml(data), { overwrite: force, protect: opts.original });
  return output;
}
