// The input of compress() as a DataSource. Interim: the whole file is read into memory with the .npz/.npy/.csv
// parsers; data/openDataSource (streaming, every format) replaces the body of openInput.
import * as path from 'node:path';
import { BalerError } from '../errors';
import { readFileChecked } from '../fsutil';
import type { NdArray } from '../types';
import { dataFormatOf } from '../data/dataset';
import { isStringArray, parseNpy } from '../data/npy';
import { parseNpz } from '../data/npz';
import { parseCsv } from '../data/csv';
import { sliceRows } from '../data/dtype';
import type { ArraySource, DataSource } from '../data/source';

export async function openInput(file: string): Promise<DataSource> {
  const format = dataFormatOf(file);
  const bytes = readFileChecked(file);
  let array: NdArray;
  let names: string[] = [];
  let key = '';
  if (format === 'npy') {
    array = parseNpy(bytes, file);
  } else if (format === 'csv') {
    const table = parseCsv(new TextDecoder('utf-8').decode(bytes), file);
    array = table.array;
    names = table.names;
  } else {
    const members = parseNpz(bytes, file);
    const keys = members.map((m) => `'${m.name}'`).join(', ') || 'none';
    let data = members.find((m) => m.name === 'data');
    if (!data) {
      const numeric = members.filter((m) => m.name !== 'names' && !isStringArray(m.array));
      if (numeric.length !== 1) {
        const problem = numeric.length === 0 ? 'no numeric array' : 'several arrays and none is named \'data\'';
        throw new BalerError(`the .npz holds ${problem} (keys: ${keys})`, file);
      }
      data = numeric[0];
    }
    if (isStringArray(data.array)) throw new BalerError(`the array '${data.name}' holds strings, not numbers`, file);
    const namesMember = members.find((m) => m.name === 'names' && m !== data);
    if (namesMember) names = isStringArray(namesMember.array) ? namesMember.array.strings : Array.from(namesMember.array.data as ArrayLike<number | bigint>, String);
    array = data.array;
    key = data.name === 'data' ? '' : data.name;
  }
  return { file, format, arrays: [arraySource(array, names, key, file)], close: async () => {} };
}

function arraySource(array: NdArray, names: string[], key: string, file: string): ArraySource {
  const shape = [...array.shape];
  if (shape.length === 0) throw new BalerError('the array is a single number (0-d), not a table or frames', file);
  if (shape.some((d) => d === 0)) throw new BalerError(`the array is empty (shape (${shape.join(', ')}))`, file);
  const kind = shape.length <= 2 ? 'table' : 'frames';
  const columns = shape.length === 2 ? shape[1] : 1;
  if (names.length > 0 && (kind !== 'table' || names.length !== columns)) {
    throw new BalerError(`${names.length} column names for ${columns} columns`, file);
  }
  return {
    path: key, dtype: array.dtype, shape, kind, names: [...names],
    readSlab: async (start, count) => sliceRows(array, start, count),
  };
}

/** The source's base name, as the header records it. */
export function sourceName(file: string): string {
  return path.basename(file);
}
