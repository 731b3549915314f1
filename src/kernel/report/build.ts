// The report of a .baler (HTML file and dashboard): its decoded values beside the original data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BalerError } from '../errors';
import { writeFileAtomic } from '../fsutil';
import { readDataset } from '../data/dataset';
import { tradeoffFromFile } from '../search';
import { reconstruct } from '../decompress';
import { inspect } from '../inspect';
import { buildReportData, type ReportData } from './data';
import { renderReportHtml } from './html';

/** Everything the HTML report and the dashboard show, from a .baler and its original data file. */
export async function buildReport(balerFile: string, originalFile?: string, historyFile?: string): Promise<ReportData> {
  const { values, header, points } = await reconstruct(balerFile);
  const sourceName = header.source.name;
  const originalPath = originalFile ?? path.join(path.dirname(path.resolve(balerFile)), sourceName);
  if (!fs.existsSync(originalPath)) {
    throw new BalerError(`the original data '${sourceName}' is needed for residual plots; pass it with --original`, balerFile);
  }
  const original = await readDataset(originalPath);
  const history = historyFile && fs.existsSync(historyFile) ? JSON.parse(fs.readFileSync(historyFile, 'utf8')) : undefined;
  return buildReportData({
    title: path.basename(balerFile), original, reconstructed: values, info: await inspect(balerFile), history,
    tradeoff: points ? tradeoffFromFile(new Map([['search.points', points]])) : undefined,
  });
}

export async function writeReport(balerFile: string, output: string, opts: { original?: string; history?: string; force?: boolean } = {}): Promise<string> {
  const data = await buildReport(balerFile, opts.original, opts.history);
  writeFileAtomic(output, renderReportHtml(data), { overwrite: opts.force ?? true, protect: opts.original });
  return output;
}
