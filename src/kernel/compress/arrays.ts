// The arrays of an input as the strategies see them: a streaming first pass for their statistics, slabs sized
// from the memory budget and read again from the source whenever they are needed (coding, verification), and
// the whole array only for modes that need it and only within the budget.
import type { Dataset, NdArray } from '../types';
import { BalerError, cancellationPoint } from '../errors';
import { toFloat64 } from '../data/dtype';
import type { ArraySource, DataSource } from '../data/source';
import { StatsAccumulator } from './stats';
import { MagnitudeSample } from './magnitudes';
import { ConstantTracker } from './constant';
import { chooseSlabRows, SLAB_BUFFERS_KEPT, wholeArrayBytes } from '../memory';
import type { ArrayInput, Slab } from './strategy';
import { BufferPool, float64From } from '../parallel/buffer-pool';
import { integerMissingOf, missingAsNaN, NAN_BESIDE_FILL } from '../data/fill';

/**
 * The arrays of a source with their statistics. Slab sizes depend on the budget only, never on the number of
 * threads, so that the file written is the same for any number of threads.
 */
export async function arrayInputs(
  source: DataSource, memoryBudget: number, part?: { whole: DataSource; statsFromWhole: boolean; rowsBefore: number[] }, signal?: AbortSignal,
): Promise<ArrayInput[]> {
  const inputs: ArrayInput[] = [];
  for (const [index, read] of source.arrays.entries()) {
    let s = read;
    let wholeArray = part?.whole.arrays[index] ?? s;
    const slabRows = chooseSlabRows(s, memoryBudget, source.file);
    const missing = integerMissingOf(s.dtype, s.attributes);
    // The buffers of this array's slabs, read again and again (statistics, coding, read-back) and given back by
    // whoever holds a slab last (Slab.release).
    const buffers = new BufferPool(SLAB_BUFFERS_KEPT);
    // A part of a file takes its statistics from the whole file when asked (a rel bound needs the whole range), and
    // always for an array that declares missing values: NaN in any part beside them keeps the whole array exact.
    const statsFromWhole = part !== undefined && (part.statsFromWhole || s.unmasked !== undefined);
    const statistics = async () => {
      const columns = s.kind === 'table' && s.shape.length === 2 ? s.shape[1] : 1;
      const stats = new StatsAccumulator(columns);
      const magnitudes = new MagnitudeSample(columns);
      const constant = new ConstantTracker();
      for await (const slab of readSlabs(statsFromWhole ? wholeArray : s, slabRows, buffers, missing)) {
        stats.add(slab.values, exactIn(slab.array));
        magnitudes.add(slab.values);
        constant.add(slab.array);
        slab.release();
        // A Zarr store or HDF5 file declaring terabytes it does not hold (missing chunks are fill) reads for hours.
        await cancellationPoint(signal);
      }
      return { stats, magnitudes, constant };
    };
    let first: Awaited<ReturnType<typeof statistics>>;
    try {
      first = await statistics();
    } catch (err) {
      // NaN beside a declared missing value: the array as written, kept exact (data/fill.ts withFillMask).
      if (!(err instanceof BalerError && err.code === NAN_BESIDE_FILL && s.unmasked && wholeArray.unmasked)) throw err;
      [s, wholeArray] = [s.unmasked(), wholeArray.unmasked()];
      buffers.clear();
      first = await statistics();
    }
    const { stats, magnitudes, constant } = first;
    buffers.clear(); // the float64 copies are not needed again until the read-back
    const slabs = (rows = slabRows) => readSlabs(s, rows, buffers, missing);
    const value = constant.value();
    const slabOfArray = async (firstRow: number) => slabOf(firstRow, withMissing(await wholeArray.readSlab(firstRow, Math.min(slabRows, wholeArray.shape[0] - firstRow), buffers), missing), buffers);
    inputs.push({
      index, source: s, stats: { ...stats.result(s), ...(value ? { constant: value } : {}) }, magnitudes, slabRows, rowsBefore: part?.rowsBefore[index] ?? 0, slabOfArray, slabs,
      whole: () => readWhole(s, memoryBudget, source.file, missing),
    });
  }
  return inputs;
}

async function* readSlabs(s: ArraySource, slabRows: number, buffers: BufferPool, missing: number | undefined): AsyncGenerator<Slab & Required<Pick<Slab, 'release' | 'handOver'>>> {
  for (let firstRow = 0; firstRow < s.shape[0]; firstRow += slabRows) {
    const array = await s.readSlab(firstRow, Math.min(slabRows, s.shape[0] - firstRow), buffers);
    yield slabOf(firstRow, withMissing(array, missing), buffers);
  }
}

/** The slab as read, with its integer missing value (data/fill.ts) when the array declares one. */
function withMissing(array: NdArray, missing: number | undefined): NdArray {
  return missing === undefined ? array : { ...array, missing };
}

/**
 * A slab whose float64 values are made only when asked for (slabs coded in workers never need them here). With
 * `buffers`, its values go in a buffer of the pool, and release() gives back that buffer and the one the reader
 * took from the pool (never a buffer the reader did not take from it: a format may hand out views of its cache).
 */
function slabOf(firstRow: number, array: NdArray, buffers?: BufferPool): Slab & Required<Pick<Slab, 'release' | 'handOver'>> {
  let values: Float64Array | undefined;
  let pooledValues = false;
  let released = false;
  const used = () => {
    if (released) throw new Error(`slab at row ${firstRow} used after it was released`);
  };
  return {
    firstRow,
    get array() {
      used();
      return array;
    },
    get values() {
      used();
      if (!values) {
        const d = array.data;
        pooledValues = buffers !== undefined && !(d instanceof BigInt64Array || d instanceof BigUint64Array);
        values = pooledValues ? float64From(d as ArrayLike<number>, buffers!) : toFloat64(d).values;
        missingAsNaN(values, array.missing);
      }
      return values;
    },
    release() {
      if (released) return;
      released = true;
      if (!buffers) return;
      if (pooledValues) buffers.give(values!.buffer as ArrayBuffer);
      if (buffers.lent(array.data.buffer)) buffers.give(array.data.buffer as ArrayBuffer);
    },
    handOver() {
      used();
      released = true;
      if (pooledValues) buffers!.give(values!.buffer as ArrayBuffer);
      return { array, ...(buffers?.lent(array.data.buffer) ? { owner: buffers } : {}) };
    },
  };
}

function exactIn(array: NdArray): boolean {
  const d = array.data;
  if (!(d instanceof BigInt64Array || d instanceof BigUint64Array)) return true;
  return toFloat64(d).exact;
}

async function readWhole(s: ArraySource, memoryBudget: number, file: string, missing: number | undefined): Promise<{ array: NdArray; dataset: Dataset }> {
  const count = s.shape.reduce((a, b) => a * b, 1);
  const need = wholeArrayBytes(count, s.dtype);
  if (need > memoryBudget) {
    throw new BalerError(`this mode needs the whole array in memory (${mib(need)}), more than the memory budget of ${mib(memoryBudget)}: use --error-bound, or raise --memory`, file, 'ETOOLARGE');
  }
  const array = withMissing(await s.readSlab(0, s.shape[0]), missing);
  const values = toFloat64(array.data).values;
  missingAsNaN(values, missing);
  return { array, dataset: { kind: s.kind, shape: [...s.shape], dtype: s.dtype, names: [...s.names], values } };
}

function mib(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

