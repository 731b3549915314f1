// The one list of data formats Baler reads and writes and their extensions. package.json's explorer and editor
// menus must accept exactly these (a test checks it); the VS Code side imports this module (it has no imports, so
// that the extension bundle does not pull in the format libraries).

export type DataFormat = 'npz' | 'npy' | 'csv' | 'root' | 'hdf5' | 'netcdf' | 'parquet' | 'zarr' | 'tiff' | 'fits' | 'nifti';

export interface FormatInfo {
  format: DataFormat;
  extensions: string[];
  /** Stored as a folder (Zarr) rather than a file. */
  folder?: boolean;
  /** Has a writer (ROOT has none in JavaScript). */
  writable: boolean;
}

export const FORMATS: readonly FormatInfo[] = [
  { format: 'npz', extensions: ['.npz'], writable: true },
  { format: 'npy', extensions: ['.npy'], writable: true },
  { format: 'csv', extensions: ['.csv'], writable: true },
  { format: 'root', extensions: ['.root'], writable: false },
  { format: 'hdf5', extensions: ['.h5', '.hdf5'], writable: true },
  { format: 'netcdf', extensions: ['.nc', '.cdf'], writable: true },
  { format: 'parquet', extensions: ['.parquet'], writable: true },
  { format: 'tiff', extensions: ['.tif', '.tiff'], writable: true },
  { format: 'fits', extensions: ['.fits', '.fit', '.fts'], writable: true },
  { format: 'nifti', extensions: ['.nii', '.nii.gz'], writable: true },
  { format: 'zarr', extensions: ['.zarr'], folder: true, writable: true },
];

/** File extensions Baler reads (lower case, with the dot). */
export const SUPPORTED_FILE_EXTENSIONS = FORMATS.filter((f) => !f.folder).flatMap((f) => f.extensions);
/** Folder extensions Baler reads (Zarr stores). */
export const SUPPORTED_FOLDER_EXTENSIONS = FORMATS.filter((f) => f.folder).flatMap((f) => f.extensions);
export const SUPPORTED_EXTENSIONS = [...SUPPORTED_FILE_EXTENSIONS, ...SUPPORTED_FOLDER_EXTENSIONS];

/**
 * A path's data-file extension, lower case with the dot ('' for none): the longest of FORMATS' extensions it ends
 * with ('.nii.gz' rather than '.gz'), else its last one. (No node:path here: see the top of this file.)
 */
export function extensionOf(file: string): string {
  const base = file.replace(/[\\/]+$/, '').split(/[\\/]/).pop()!.toLowerCase();
  const known = FORMATS.flatMap((f) => f.extensions).filter((e) => base.endsWith(e) && base.length > e.length).sort((a, b) => b.length - a.length);
  if (known.length > 0) return known[0];
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}
