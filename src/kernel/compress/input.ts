// The input of compress() as a DataSource: data/openDataSource (every format, read in slabs) with the selection
// of --dataset/--tree/--columns, narrowed to the one array compress codes (chooseArray: the selected one, else
// the only one, else 'data'). Several arrays into one .baler wait for decompress to write them back.
import * as path from 'node:path';
import type { DataSelection } from '../api';
import { BalerError } from '../errors';
import { chooseArray } from '../data/dataset';
import { openDataSource } from '../data/formats';
import type { DataSource } from '../data/source';

export async function openInput(file: string, selection: DataSelection = {}, memoryBudget?: number): Promise<DataSource> {
  const source = await openDataSource(file, selection, { memoryBudget });
  try {
    const array = chooseArray(source, selection);
    const { shape, names } = array;
    if (shape.length === 0) throw new BalerError('the array is a single number (0-d), not a table or frames', file);
    if (shape.some((d) => d === 0)) throw new BalerError(`the array is empty (shape (${shape.join(', ')}))`, file);
    const columns = shape.length === 2 ? shape[1] : 1;
    if (names.length > 0 && (array.kind !== 'table' || names.length !== columns)) {
      throw new BalerError(`${names.length} column names for ${columns} columns`, file);
    }
    return { ...source, arrays: [array] };
  } catch (err) {
    await source.close();
    throw err;
  }
}

/** The source's base name, as the header records it. */
export function sourceName(file: string): string {
  return path.basename(file.replace(/[\\/]+$/, ''));
}
