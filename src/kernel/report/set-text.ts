// The figures of a set of .baler files as text, the same in the CLI (`baler info A.baler B.baler…`) and in the
// extension (Compress Files with One Shared Model): each shared model counted once, and when it pays.
import type { SetInfo } from '../sets';
import { formatBytesExact, formatRatio } from './format';

export function sharedModelLine(m: SetInfo['sharedModels'][number]): string {
  const pays = m.breakEvenFiles === null
    ? 'it saves nothing against the error-bounded coder alone'
    : `it pays from ${m.breakEvenFiles} file${m.breakEvenFiles > 1 ? 's' : ''} (saves ${formatBytesExact(Math.round(m.savedPerFile))} per file)`;
  return `shared model ${m.hash.slice(0, 12)}…: ${formatBytesExact(m.bytes)}, used by ${m.files} file${m.files > 1 ? 's' : ''}, counted once; ${pays}`;
}

export function setTotalLine(set: SetInfo): string {
  return `set: ${set.files.length} files, original ${formatBytesExact(set.originalBytes)}, total ${formatBytesExact(set.totalBytes)} ` +
    `(every .baler${set.sharedModels.length ? ' + shared models once' : ''}), ratio ${formatRatio(set.ratio)}`;
}
