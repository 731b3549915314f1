// The one interface every data format is read and written through: a file holds one or more arrays, each
// read in slabs along its first axis (rows of a table, frames of a field), so that files larger than memory
// stream at constant memory. Readers check every size a file declares against a memory budget before
// allocating. (readDataset in dataset.ts is the whole-array convenience over this.)
import { BalerError } from '../errors';
import type { DataKind, DType, NdArray } from '../types';
import type { BufferPool } from '../parallel/buffer-pool';

/** One array of a data file. */
export interface ArraySource {
  /**
   * Where the array lives in its file: '' for single-array formats (.npy, .csv), the .npz key, the HDF5/netCDF
   * dataset path ('/group/x'), the Zarr array path, the FITS HDU's EXTNAME (else hdu{N}), the ROOT tree and branch group ('events', 'events/Jet').
   */
  path: string;
  dtype: DType;
  /** Full shape; shape[0] is the slab axis. */
  shape: number[];
  kind: DataKind;
  /** Column names (tables); empty when the source has none. */
  names: string[];
  /** Must round-trip exactly whatever the error bound (event offsets/counts, ids, coordinate axes). */
  exact?: boolean;
  /** Why the array is exact, for the log ('the axis of the dimension TIME'); set with `exact` by readers that know. */
  exactReason?: string;
  /**
   * Columns of a table its file types as integers (a Parquet or ROOT integer column beside floats, a CSV column
   * written as whole numbers): each is kept exact whatever the bound where every value of it is an integer and
   * another column holds real numbers (compress/stats.ts), as identifiers (event and run numbers), counts and
   * flags must be.
   */
  integerColumns?: number[];
  /** Format-specific metadata needed to write the array back in kind (attributes, branch types, schema); JSON. */
  attributes?: Record<string, unknown>;
  /** Bytes the format itself uses on disk for this array, where it says (ROOT baskets and pages); not stored. */
  formatBytes?: number;
  /**
   * Rows [start, start + count) along axis 0, C order, in the array's dtype (as NdArray holds it). With `buffers`,
   * a reader that can read in place may put the values in a buffer taken from it (whoever holds the slab gives it
   * back, parallel/buffer-pool.ts); others ignore it.
   */
  readSlab(start: number, count: number, buffers?: BufferPool): Promise<NdArray>;
  /**
   * The array as written, kept exact, where its reader makes its declared missing values NaN and the array holds
   * NaN too (fill.ts withFillMask): compress codes it so instead of refusing the file.
   */
  unmasked?: () => ArraySource;
  /** How many values equal to --missing-value its reads have met (data/missing-value.ts): none says the marker is not there. */
  markersMet?: { count: number };
}

/** An opened data file. */
export interface DataSource {
  file: string;
  /** The format's short name ('npz', 'npy', 'csv', 'root', 'hdf5', 'netcdf', 'parquet', 'zarr', 'tiff', 'fits', 'nifti'). */
  format: string;
  arrays: ArraySource[];
  /** Objects of the file that are not numeric arrays (strings, compounds, …), with why and their size where known, for messages. */
  skipped?: { path: string; reason: string; bytes?: number }[];
  /** Arrays (or a CSV file's columns) not read because the selection (--dataset, --columns) named others. */
  unselected?: number;
  /** File-level metadata needed to write the file back in kind; JSON. */
  attributes?: Record<string, unknown>;
  close(): Promise<void>;
}

/** How many names a "not in the file" message lists before "and N more". */
const NAMES_SHOWN = 12;

/** How messages name an array: by its path in the file, when it has one. */
export function arrayLabel(array: Pick<ArraySource, 'path'>): string {
  return array.path ? `the array '${array.path}'` : 'the array';
}

/**
 * The refusal of a --dataset the file does not hold, listing what it does hold (the user's next step): `what` is
 * the format's word for one ('array', 'dataset', 'variable').
 */
export function notInFile(what: string, wanted: string, names: string[], file: string): BalerError {
  // An unnamed array alone (.npy, a CSV, a Parquet or ROOT table): no name to choose by.
  if (names.length === 1 && names[0] === '') {
    return new BalerError(`--dataset '${wanted}': this file holds one array without a name (--dataset chooses among the arrays of .npz, HDF5, netCDF and Zarr files); leave it out`, file, 'EOPTION');
  }
  const shown = names.slice(0, NAMES_SHOWN).map((n) => `'${n}'`).join(', ');
  const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '';
  const holds = names.length === 0 ? 'it holds none' : `it holds ${shown}${more}`;
  return new BalerError(`no ${what} '${wanted}' in the file (${holds})`, file);
}

/** What to read of a file with several arrays; all numeric arrays when nothing is selected. */
export interface SourceSelection {
  /** HDF5/netCDF/Zarr dataset path, or .npz key. */
  dataset?: string;
  /** ROOT tree (or RNTuple) name. */
  tree?: string;
  /** Columns (ROOT branches, Parquet columns, CSV columns) to keep. */
  columns?: string[];
}

/** Options of createDataSink. */
export interface SinkOptions {
  /** Replace an existing output. */
  overwrite?: boolean;
  /** A file that must never be written (the input): refused even through symlinks. */
  protect?: string;
  /** Compress the output where the format allows (.npz members deflated, HDF5 gzip). */
  compress?: boolean;
}

/** The description of one array to write (everything but its values). */
export type ArrayDescription = Omit<ArraySource, 'readSlab'>;

/** How much memory a reader may allocate at once: declared sizes above it are refused before allocating. */
export interface OpenOptions {
  /** Bytes; default DEFAULT_MEMORY_BUDGET (budget.ts). */
  memoryBudget?: number;
}

/**
 * A file being written: the slabs of array 0 in order, then those of array 1, … (zip members and Parquet row
 * groups are sequential), then finish() (which makes the file appear atomically, refusing to replace an existing
 * file unless `overwrite` was given) or abort() (which leaves nothing behind).
 */
export interface DataSink {
  /** Once it resolves, the slab has been written or copied: the caller may reuse its buffers. */
  writeSlab(array: number, slab: NdArray): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}
