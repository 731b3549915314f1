// The input of compress() as a DataSource: data/openDataSource (every format, read in slabs) with the selection
// of --dataset/--tree/--columns. Every numeric array of the file goes into the one .baler (a ROOT file's event
// table, object tables and counts; an HDF5 file's datasets), unless --dataset names one.
import * as path from 'node:path';
import type { DataSelection } from '../api';
import { BalerError } from '../errors';
import { chooseArray } from '../data/dataset';
import { openDataSource } from '../data/formats';
import { arrayLabel, type ArraySource, type DataSource } from '../data/source';
import { withMissingValue } from '../data/missing-value';

export async function openInput(file: string, selection: DataSelection = {}, memoryBudget?: number): Promise<DataSource> {
  const read = await openDataSource(file, selection, { memoryBudget });
  try {
    const marked = selection.missingValue !== undefined ? withMissingValue(read, selection.missingValue) : read;
    const source = selection.kind ? { ...marked, arrays: marked.arrays.map((a) => asKind(a, selection.kind!, file)) } : marked;
    if (selection.dataset !== undefined || source.arrays.length <= 1) {
      const chosen = chooseArray(source, selection);
      checkArray(chosen, file);
      // The arrays the reader listed beside the one chosen are left out of the .baler too.
      const others = source.arrays.length - 1;
      return { ...source, arrays: [chosen], ...(others || source.unselected ? { unselected: (source.unselected ?? 0) + others } : {}) };
    }
    // Beside other arrays, a single number or an empty array is left out (listed as skipped), as the HDF5, netCDF
    // and Zarr readers leave out 0-d datasets: an .npz of `np.savez(f, dt=0.1, data=...)` is compressed, not refused.
    const arrays = source.arrays.filter((a) => !notCodable(a));
    if (arrays.length === 0) checkArray(source.arrays[0], file);
    for (const array of arrays) checkArray(array, file);
    const left = source.arrays.filter(notCodable).map((a) => ({ path: a.path, reason: notCodable(a)! }));
    return { ...source, arrays, skipped: [...(source.skipped ?? []), ...left] };
  } catch (err) {
    await read.close();
    throw err;
  }
}

/** A 2-D array seen as the user said (--kind); other arrays as they are. */
function asKind(array: ArraySource, kind: 'table' | 'image', file: string): ArraySource {
  if (array.shape.length !== 2) return array;
  if (kind === 'image' && array.names.length > 0) {
    throw new BalerError(`--kind image: ${arrayLabel(array)} has column names, so it is a table`, file, 'EOPTION');
  }
  const unmasked = array.unmasked;
  return { ...array, kind: kind === 'image' ? 'frames' : 'table', unmasked: unmasked && (() => asKind(unmasked(), kind, file)) };
}

/** Why an array cannot be coded on its own (a single number, or no values); undefined when it can. */
function notCodable({ shape }: ArraySource): string | undefined {
  if (shape.length === 0) return 'is a single number (0-d), not a table or frames';
  if (shape.some((d) => d === 0)) return `is empty (shape (${shape.join(', ')}))`;
  return undefined;
}

function checkArray(array: ArraySource, file: string): void {
  const { shape, names } = array;
  const where = arrayLabel(array);
  const reason = notCodable(array);
  if (reason) throw new BalerError(`${where} ${reason}`, file);
  const columns = shape.length === 2 ? shape[1] : 1;
  if (names.length > 0 && (array.kind !== 'table' || names.length !== columns)) {
    throw new BalerError(`${names.length} column names for ${columns} columns in ${where}`, file);
  }
}

/** The source's base name, as the header records it. */
export function sourceName(file: string): string {
  return path.basename(file.replace(/[\\/]+$/, ''));
}
