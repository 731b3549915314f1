// The input of compress() as a DataSource: data/openDataSource (every format, read in slabs) with the selection
// of --dataset/--tree/--columns. Every numeric array of the file goes into the one .baler (a ROOT file's event
// table, object tables and counts; an HDF5 file's datasets), unless --dataset names one.
import * as path from 'node:path';
import type { DataSelection } from '../api';
import { BalerError } from '../errors';
import { chooseArray } from '../data/dataset';
import { openDataSource } from '../data/formats';
import type { ArraySource, DataSource } from '../data/source';

export async function openInput(file: string, selection: DataSelection = {}, memoryBudget?: number): Promise<DataSource> {
  const source = await openDataSource(file, selection, { memoryBudget });
  try {
    const arrays = selection.dataset !== undefined || source.arrays.length <= 1 ? [chooseArray(source, selection)] : source.arrays;
    for (const array of arrays) checkArray(array, file);
    return { ...source, arrays };
  } catch (err) {
    await source.close();
    throw err;
  }
}

function checkArray(array: ArraySource, file: string): void {
  const { shape, names } = array;
  const where = array.path ? `the array '${array.path}'` : 'the array';
  if (shape.length === 0) throw new BalerError(`${where} is a single number (0-d), not a table or frames`, file);
  if (shape.some((d) => d === 0)) throw new BalerError(`${where} is empty (shape (${shape.join(', ')}))`, file);
  const columns = shape.length === 2 ? shape[1] : 1;
  if (names.length > 0 && (array.kind !== 'table' || names.length !== columns)) {
    throw new BalerError(`${names.length} column names for ${columns} columns in ${where}`, file);
  }
}

/** The source's base name, as the header records it. */
export function sourceName(file: string): string {
  return path.basename(file.replace(/[\\/]+$/, ''));
}
