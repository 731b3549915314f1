// How a data file's format is recognised (extensions.ts lists them), and openDataSource / createDataSink, which
// dispatch to one module per format. Format modules are loaded on first use.
import * as fs from 'node:fs';
import { BalerError } from '../errors';
import { fileSystemError } from '../fsutil';
import { DEFAULT_MEMORY_BUDGET } from './budget';
import { extensionOf, FORMATS, SUPPORTED_EXTENSIONS, SUPPORTED_FILE_EXTENSIONS, SUPPORTED_FOLDER_EXTENSIONS, type DataFormat } from './extensions';
import { readHead } from './files';
import { refuseOtherFormat } from './signatures';
import type { ArrayDescription, DataSink, DataSource, OpenOptions, SinkOptions, SourceSelection } from './source';

export type { DataFormat };
export { FORMATS, SUPPORTED_EXTENSIONS, SUPPORTED_FILE_EXTENSIONS, SUPPORTED_FOLDER_EXTENSIONS };

/** A path's extension (lower case, with the dot; '' for none) and the format that has it, if any. */
export function formatOfPath(file: string): { ext: string; info?: (typeof FORMATS)[number] } {
  const ext = extensionOf(file);
  return { ext, info: FORMATS.find((f) => f.extensions.includes(ext)) };
}

/** The format of a path from its extension; a BalerError listing the supported ones otherwise. */
export function dataFormatOf(file: string): DataFormat {
  const { ext, info } = formatOfPath(file);
  if (info) return info.format;
  if (isFolder(file)) {
    throw new BalerError(`is a folder: a folder is read only as a Zarr store (${SUPPORTED_FOLDER_EXTENSIONS.join(', ')}); to compress the files in it, name them (folder/*.npy) or list them in --files-from`, file, 'EISDIR');
  }
  const shown = ext === '' ? 'no extension' : `extension '${ext}'`;
  throw new BalerError(`unsupported data file (${shown}); supported: ${SUPPORTED_EXTENSIONS.join(', ')}`, file);
}

/** The format a data file is written in, from its extension; a BalerError naming the ones Baler writes otherwise. */
export function writableFormatOf(file: string): DataFormat {
  const { ext, info } = formatOfPath(file);
  if (info?.format === 'root') throw new BalerError(ROOT_NOT_WRITTEN, file);
  if (info?.writable) return info.format;
  const writable = FORMATS.filter((f) => f.writable).flatMap((f) => f.extensions);
  throw new BalerError(`cannot write ${ext === '' ? 'a file with no extension' : `'${ext}' files`}: name the output with one of ${writable.join(', ')}`, file, 'EOPTION');
}

const ROOT_NOT_WRITTEN = 'ROOT files cannot be written from JavaScript: write .parquet, .h5 or .npz (the event structure is kept)';

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The format to read a file as: its extension, except that a .nc file is netCDF-3 ('CDF' magic) or netCDF-4
 * (an HDF5 file, read by the HDF5 reader with netCDF's conventions).
 */
function readerFormatOf(file: string): { format: DataFormat; netcdf4?: boolean } {
  const format = dataFormatOf(file);
  const info = FORMATS.find((f) => f.format === format)!;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new BalerError(info.folder ? 'folder not found' : 'file not found', file, 'ENOENT');
  }
  if (info.folder && !stat.isDirectory()) throw new BalerError(`a ${info.extensions[0]} store is a folder, and this is a file`, file);
  if (!info.folder && stat.isDirectory()) throw new BalerError('is a folder, not a file', file, 'EISDIR');
  let head: Uint8Array = new Uint8Array(0);
  try {
    if (!info.folder) head = readHead(file, 16);
  } catch (err) {
    throw fileSystemError(err, file, 'cannot read the file');
  }
  refuseOtherFormat(head, format, file);
  if (format === 'netcdf') {
    if (HDF5_MAGIC.every((b, i) => head[i] === b)) return { format: 'hdf5', netcdf4: true };
    if (!(head[0] === 0x43 && head[1] === 0x44 && head[2] === 0x46)) throw new BalerError('not a netCDF file (neither CDF nor HDF5 magic)', file);
    if (head[3] === 5) {
      throw new BalerError('a netCDF-3 64-bit data file (CDF-5, NETCDF3_64BIT_DATA) is not read; convert it to netCDF-4 (nccopy -k nc4 IN OUT) or netCDF-3 classic', file);
    }
  }
  return { format };
}

/** Opens a data file (or Zarr folder) for reading in slabs; `selection` picks datasets, trees and columns. */
export async function openDataSource(file: string, selection: SourceSelection = {}, opts: OpenOptions = {}): Promise<DataSource> {
  const budget = opts.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const { format, netcdf4 } = readerFormatOf(file);
  switch (format) {
    case 'npy': return (await import('./npy-file')).openNpy(file, budget);
    case 'npz': return (await import('./npz-file')).openNpz(file, budget, selection);
    case 'csv': return (await import('./csv-file')).openCsv(file, budget, selection);
    case 'root': return (await import('./root')).openRoot(file, selection, budget);
    case 'hdf5': return (await import('./hdf5')).openHdf5(file, selection, budget, netcdf4 ? 'netcdf' : 'hdf5');
    case 'netcdf': return (await import('./netcdf')).openNetcdf3(file, selection, budget);
    case 'parquet': return (await import('./parquet')).openParquet(file, selection, budget);
    case 'zarr': return (await import('./zarr')).openZarr(file, selection, budget);
    case 'tiff': return (await import('./tiff')).openTiff(file, budget);
    case 'fits': return (await import('./fits')).openFits(file, selection, budget);
    case 'nifti': return (await import('./nifti')).openNifti(file, budget);
  }
}

/**
 * Creates a file of `format` (or the format of `file`'s extension) to be written slab by slab; it appears only
 * when the sink finishes. `attributes` are the source file's (DataSource.attributes) when writing back in kind.
 */
export async function createDataSink(
  file: string, format: DataFormat | undefined, arrays: ArrayDescription[], attributes: Record<string, unknown> = {},
  opts: SinkOptions = {},
): Promise<DataSink> {
  const sink = await createFormatSink(file, format, arrays, attributes, opts);
  // The libraries write by themselves: a full disk or a read-only folder reaches us as their errno errors.
  const guard = <A extends unknown[]>(step: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
    try {
      await step(...args);
    } catch (err) {
      if ((err as NodeJS.ErrnoException)?.code && !(err instanceof BalerError)) {
        await sink.abort().catch(() => undefined);
        throw fileSystemError(err, file, 'cannot write');
      }
      throw err;
    }
  };
  return { writeSlab: guard(sink.writeSlab.bind(sink)), finish: guard(sink.finish.bind(sink)), abort: () => sink.abort() };
}

async function createFormatSink(
  file: string, format: DataFormat | undefined, arrays: ArrayDescription[], attributes: Record<string, unknown>, opts: SinkOptions,
): Promise<DataSink> {
  const target = format ?? writableFormatOf(file);
  if (arrays.length === 0) throw new BalerError('nothing to write (no arrays)', file);
  switch (target) {
    case 'npy': return (await import('./npy-file')).createNpySink(file, arrays, opts);
    case 'npz': return (await import('./npz-file')).createNpzSink(file, arrays, opts);
    case 'csv': return (await import('./csv-file')).createCsvSink(file, arrays, opts);
    case 'hdf5': return (await import('./hdf5-writer')).createHdf5Sink(file, arrays, attributes, opts, 'hdf5');
    case 'netcdf': return (await import('./hdf5-writer')).createHdf5Sink(file, arrays, attributes, opts, 'netcdf');
    case 'parquet': return (await import('./parquet')).createParquetSink(file, arrays, attributes, opts);
    case 'zarr': return (await import('./zarr')).createZarrSink(file, arrays, attributes, opts);
    case 'tiff': return (await import('./tiff-writer')).createTiffSink(file, arrays, attributes, opts);
    case 'fits': return (await import('./fits-writer')).createFitsSink(file, arrays, attributes, opts);
    case 'nifti': return (await import('./nifti-writer')).createNiftiSink(file, arrays, attributes, opts);
    case 'root':
      throw new BalerError(ROOT_NOT_WRITTEN, file);
  }
}
