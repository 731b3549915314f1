// The arrays of an input as the strategies see them: a streaming first pass for their statistics, slabs sized
// from the memory budget and read again from the source whenever they are needed (coding, verification), and
// the whole array only for modes that need it and only within the budget.
import type { Dataset, NdArray } from '../types';
import { BalerError } from '../errors';
import { toFloat64 } from '../data/dtype';
import type { ArraySource, DataSource } from '../data/source';
import { StatsAccumulator } from './stats';
import { ConstantTracker } from './constant';
import { chooseSlabRows, wholeArrayBytes } from './memory-plan';
import type { ArrayInput, Slab } from './strategy';



/**
 * The arrays of a source with their statistics. Slab sizes depend on the budget only, never on the number of
 * threads, so that the file written is the same for any number of threads.
 */
export async function arrayInputs(source: DataSource, memoryBudget: number, part?: { whole: DataSource; statsFromWhole: boolean; rowsBefore: number[] }): Promise<ArrayInput[]> {
  const inputs: ArrayInput[] = [];
  for (const [index, s] of source.arrays.entries()) {
    const slabRows = chooseSlabRows(s, memoryBudget, source.file);
    const slabs = (rows = slabRows) => readSlabs(s, rows);
    const wholeArray = part?.whole.arrays[index] ?? s;
    // A part of a file takes its statistics from the whole file when asked (a rel bound needs the whole range).
    const stats = new StatsAccumulator(s.kind === 'table' && s.shape.length === 2 ? s.shape[1] : 1);
    const constant = new ConstantTracker();
    for await (const slab of readSlabs(part?.statsFromWhole ? wholeArray : s, slabRows)) {
      stats.add(slab.values, exactIn(slab.array));
      constant.add(slab.array);
    }
    const value = constant.value();
    const slabOfArray = async (firstRow: number) => slabOf(firstRow, await wholeArray.readSlab(firstRow, Math.min(slabRows, wholeArray.shape[0] - firstRow)));
    inputs.push({
      index, source: s, stats: { ...stats.result(), ...(value ? { constant: value } : {}) }, slabRows, rowsBefore: part?.rowsBefore[index] ?? 0, slabOfArray, slabs,
      whole: () => readWhole(s, memoryBudget, source.file),
    });
  }
  return inputs;
}

function rowValues(s: Pick<ArraySource, 'shape'>): number {
  return s.shape.slice(1).reduce((a, b) => a * b, 1);
}


async function* readSlabs(s: ArraySource, slabRows: number): AsyncGenerator<Slab> {
  for (let firstRow = 0; firstRow < s.shape[0]; firstRow += slabRows) {
    const array = await s.readSlab(firstRow, Math.min(slabRows, s.shape[0] - firstRow));
    yield slabOf(firstRow, array);
  }
}

/** A slab whose float64 values are made only when asked for (slabs coded in workers never need them here). */
function slabOf(firstRow: number, array: NdArray): Slab {
  let values: Float64Array | undefined;
  return {
    firstRow,
    array,
    get values() {
      values ??= toFloat64(array.data).values;
      return values;
    },
  };
}

function exactIn(array: NdArray): boolean {
  const d = array.data;
  if (!(d instanceof BigInt64Array || d instanceof BigUint64Array)) return true;
  return toFloat64(d).exact;
}

async function readWhole(s: ArraySource, memoryBudget: number, file: string): Promise<{ array: NdArray; dataset: Dataset }> {
  const values = s.shape.reduce((a, b) => a * b, 1);
  const need = wholeArrayBytes(values, s.dtype);
  if (need > memoryBudget) {
    throw new BalerError(`this mode needs the whole array in memory (${mib(need)}), more than the memory budget of ${mib(memoryBudget)}: use --error-bound, or raise --memory`, file, 'ETOOLARGE');
  }
  const array = await s.readSlab(0, s.shape[0]);
  return { array, dataset: { kind: s.kind, shape: [...s.shape], dtype: s.dtype, names: [...s.names], values: toFloat64(array.data).values } };
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

