// The figures of a set of .baler files as text, the same in the CLI (`baler compress A B… --model-file`,
// `baler info A.baler B.baler…`) and in the extension (Compress Files with One Shared Model): each shared
// model counted once, when it pays, and whether the set kept the model it was offered.
import type { SetInfo } from '../sets';
import type { SharedModelChoice } from '../set-choice';
import { formatBytesExact, formatRatio } from './format';

/** The lines that describe a set: what it did with an offered model, each shared model, then its total. */
export function setSummaryLines(set: SetInfo): string[] {
  return [
    ...(set.modelChoice ? [modelChoiceLine(set.modelChoice)] : []),
    ...set.sharedModels.map((m) => sharedModelLine(m, set.files.length)),
    setTotalLine(set),
  ];
}

export function sharedModelLine(m: SetInfo['sharedModels'][number], setFiles: number): string {
  const pays = m.breakEvenFiles === null
    ? 'it saves nothing against the error-bounded coder alone'
    : `it pays from ${m.breakEvenFiles} file${m.breakEvenFiles > 1 ? 's' : ''} (saves ${formatBytesExact(Math.round(m.savedPerFile))} per file)`;
  return `shared model ${m.hash.slice(0, 12)}…: ${formatBytesExact(m.bytes)}, used by ${m.files} of ${setFiles} file${setFiles > 1 ? 's' : ''}, counted once; ${pays}`;
}

/** The automatic mode's choice for the set: the model kept where it pays, or not used at all. */
export function modelChoiceLine(c: SharedModelChoice): string {
  const both = `${c.codedBothWays} file${c.codedBothWays === 1 ? '' : 's'} coded with and without it`;
  if (c.used) {
    const measured = c.codedBothWays < c.chosenBy ? `saves more than ${formatBytesExact(c.savedBytes)}` : `saves ${formatBytesExact(c.savedBytes)}`;
    return `shared model ${c.fileName} used by ${c.usedBy} of ${c.files} files: it costs ${formatBytesExact(c.bytes)} once and ${measured} (${both})`;
  }
  if (c.chosenBy === 0) return `shared model ${c.fileName} not used: it costs ${formatBytesExact(c.bytes)} and no file codes smaller with it`;
  const saves = c.savedBytes > 0 ? `saves ${formatBytesExact(c.savedBytes)}` : 'saves nothing';
  return `shared model ${c.fileName} not used: it costs ${formatBytesExact(c.bytes)} and ${saves} (${both}), so no file references it`;
}

export function setTotalLine(set: SetInfo): string {
  return `set: ${set.files.length} files, original ${formatBytesExact(set.originalBytes)}, total ${formatBytesExact(set.totalBytes)} ` +
    `(every .baler${set.sharedModels.length ? ' + shared models once' : ''}), ratio ${formatRatio(set.ratio)}`;
}
