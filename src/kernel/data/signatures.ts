// A file named for one format that is another (an HDF5 file saved as .csv, a .baler renamed .npy): its first bytes
// say what it is, and the refusal says so instead of the reader's complaint about bytes it cannot parse.
import { BalerError } from '../errors';
import type { DataFormat } from './extensions';

interface Signature {
  name: string;
  bytes: (number | string)[];
  /** The formats whose files begin so (netCDF-4 is HDF5). */
  formats: DataFormat[];
  /** What to do with it. */
  advice: string;
}

const SIGNATURES: Signature[] = [
  { name: 'HDF5 (or netCDF-4)', bytes: [0x89, 'HDF\r\n', 0x1a, '\n'], formats: ['hdf5', 'netcdf'], advice: 'rename it .h5 (or .nc)' },
  { name: 'netCDF-3', bytes: ['CDF'], formats: ['netcdf'], advice: 'rename it .nc' },
  { name: '.npy', bytes: [0x93, 'NUMPY'], formats: ['npy'], advice: 'rename it .npy' },
  { name: 'zip (.npz)', bytes: ['PK', 3, 4], formats: ['npz'], advice: 'rename it .npz if numpy wrote it' },
  { name: 'ROOT', bytes: ['root'], formats: ['root'], advice: 'rename it .root' },
  { name: 'Parquet', bytes: ['PAR1'], formats: ['parquet'], advice: 'rename it .parquet' },
  { name: 'TIFF', bytes: ['II*', 0], formats: ['tiff'], advice: 'rename it .tif' },
  { name: 'TIFF', bytes: ['MM', 0, '*'], formats: ['tiff'], advice: 'rename it .tif' },
  { name: 'BigTIFF', bytes: ['II+', 0], formats: ['tiff'], advice: 'rename it .tif' },
  { name: 'BigTIFF', bytes: ['MM', 0, '+'], formats: ['tiff'], advice: 'rename it .tif' },
  { name: 'FITS', bytes: ['SIMPLE  ='], formats: ['fits'], advice: 'rename it .fits' },
  // NIfTI-2: sizeof_hdr 540 in either byte order, then its magic (NIfTI-1's lies at byte 344, past the head read).
  { name: 'NIfTI-2', bytes: [0x1c, 0x02, 0, 0, 'n+2', 0, '\r\n', 0x1a, '\n'], formats: ['nifti'], advice: 'rename it .nii' },
  { name: 'NIfTI-2', bytes: [0, 0, 0x02, 0x1c, 'n+2', 0, '\r\n', 0x1a, '\n'], formats: ['nifti'], advice: 'rename it .nii' },
  { name: '.baler', bytes: [0x89, 'BALER'], formats: [], advice: 'decompress it (baler decompress)' },
];

function matches(head: Uint8Array, signature: Signature): boolean {
  const expected = signature.bytes.flatMap((part) => (typeof part === 'number' ? [part] : Array.from(part, (ch) => ch.charCodeAt(0))));
  return expected.length <= head.length && expected.every((b, i) => head[i] === b);
}

/** Refuses a file whose first bytes are another known format's than `format`, naming that format. */
export function refuseOtherFormat(head: Uint8Array, format: DataFormat, file: string): void {
  const other = SIGNATURES.find((s) => matches(head, s));
  if (!other || other.formats.includes(format)) return;
  throw new BalerError(`this is a ${other.name} file, by its first bytes, not what its name says: ${other.advice}`, file, 'EFORMAT');
}
