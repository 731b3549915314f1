// What decompress wrote, in words: the CLI's and the extension's line after it, so that neither claims the whole
// file when only one array (--dataset) or some rows (--rows) were written.
import * as path from 'node:path';
import type { DecompressResult, WrittenArray } from '../api';
import { sanitizeText } from './text';

/** "60 × 50 × 50 float32", "'b', 3 × 4 float32, 1 of the 2 arrays of F.baler" or "the 7 arrays of F.baler". */
export function writtenSummary(r: Pick<DecompressResult, 'written' | 'info'>): string {
  const held = r.info.arrays?.length ?? 1;
  const file = sanitizeText(path.basename(r.info.file));
  if (r.written.length === held) return held === 1 ? arrayText(r.written[0]) : `the ${held} arrays of ${file}`;
  const names = r.written.map((a) => `'${sanitizeText(a.path)}', ${arrayText(a)}`).join('; ');
  return `${names}, ${r.written.length} of the ${held} arrays of ${file}`;
}

function arrayText(a: WrittenArray): string {
  return `${a.shape.join(' × ')} ${a.dtype}`;
}
