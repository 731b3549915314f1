// The arrays of an input as the strategies see them: a streaming first pass for their statistics, slabs sized
// from the memory budget and read again from the source whenever they are needed (coding, verification), and
// the whole array only for modes that need it and only within the budget.
import type { Dataset, NdArray } from '../types';
import { BalerError } from '../errors';
import { DTYPE_BYTES, toFloat64 } from '../data/dtype';
import type { ArraySource, DataSource } from '../data/source';
import { StatsAccumulator } from './stats';
import type { ArrayInput, Slab } from './strategy';

/**
 * Bytes a value costs while its slab is coded: the coder's own arrays (about 17: reconstruction, indices,
 * contexts), the float64 values and the reconstruction handed back, and the lossless candidate's copy.
 */
const BYTES_PER_VALUE_CODED = 40;
/** Slabs no larger than this many values, whatever the budget: larger ones gain no ratio and delay streaming. */
const MAX_SLAB_VALUES = 1 << 23;

/** A slab takes at most this share of the budget, so that one per thread (two threads) and one read ahead fit. */
export const SLAB_SHARE_OF_BUDGET = 3;

/**
 * The arrays of a source with their statistics. Slab sizes depend on the budget only, never on the number of
 * threads, so that the file written is the same for any number of threads.
 */
export async function arrayInputs(source: DataSource, memoryBudget: number, statsFrom?: DataSource): Promise<ArrayInput[]> {
  const slabBudget = Math.floor(memoryBudget / SLAB_SHARE_OF_BUDGET);
  const inputs: ArrayInput[] = [];
  for (const [index, s] of source.arrays.entries()) {
    const slabRows = chooseSlabRows(s, slabBudget, source.file);
    const slabs = (rows = slabRows) => readSlabs(s, rows);
    // A part of a file takes its statistics from the whole file when given (a rel bound needs the whole range).
    const whole = statsFrom?.arrays[index] ?? s;
    const stats = new StatsAccumulator(s.kind === 'table' && s.shape.length === 2 ? s.shape[1] : 1);
    for await (const slab of readSlabs(whole, slabRows)) stats.add(slab.values, exactIn(slab.array));
    inputs.push({ index, source: s, stats: stats.result(), slabRows, slabs, whole: () => wholeArray(s, memoryBudget, source.file) });
  }
  return inputs;
}

function rowValues(s: Pick<ArraySource, 'shape'>): number {
  return s.shape.slice(1).reduce((a, b) => a * b, 1);
}

export function chooseSlabRows(s: ArraySource, memoryBudget: number, file: string): number {
  const perRow = rowValues(s);
  const rowBytes = perRow * (BYTES_PER_VALUE_CODED + DTYPE_BYTES[s.dtype]);
  if (rowBytes > memoryBudget) {
    throw new BalerError(`one ${s.kind === 'frames' ? 'frame' : 'row'} of ${s.path || 'the array'} needs ${mib(rowBytes)} to code, more than the memory budget of ${mib(memoryBudget)} (raise it with --memory)`, file, 'ETOOLARGE');
  }
  const byBudget = Math.floor(memoryBudget / rowBytes);
  const byCap = Math.max(1, Math.floor(MAX_SLAB_VALUES / perRow));
  return Math.max(1, Math.min(s.shape[0], byBudget, byCap));
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

async function wholeArray(s: ArraySource, memoryBudget: number, file: string): Promise<{ array: NdArray; dataset: Dataset }> {
  const values = s.shape.reduce((a, b) => a * b, 1);
  const need = values * (BYTES_PER_VALUE_CODED + DTYPE_BYTES[s.dtype]);
  if (need > memoryBudget) {
    throw new BalerError(`this mode needs the whole array in memory (${mib(need)}), more than the memory budget of ${mib(memoryBudget)}: use --error-bound, or raise --memory`, file, 'ETOOLARGE');
  }
  const array = await s.readSlab(0, s.shape[0]);
  return { array, dataset: { kind: s.kind, shape: [...s.shape], dtype: s.dtype, names: [...s.names], values: toFloat64(array.data).values } };
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

/** How many slabs of these arrays may be in work at once (one per thread, one read ahead) within the budget. */
export function slabsInFlight(inputs: ArrayInput[], memoryBudget: number, threads: number): number {
  const largest = Math.max(0, ...inputs.map((a) => a.slabRows * rowValues(a.source) * (BYTES_PER_VALUE_CODED + DTYPE_BYTES[a.source.dtype])));
  const fit = largest > 0 ? Math.floor(memoryBudget / largest) - 1 : threads;
  return Math.max(1, Math.min(threads, fit));
}
