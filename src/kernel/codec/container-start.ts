// How a .baler or .balermodel container starts (container.ts): the magic number and the format version, and
// what a file that is not one is (an .npz, an .npy, an HDF5 file, a .baler mangled by a text-mode transfer),
// so that a wrong file gets a line that says what it is.
import { BalerError } from '../errors';

export const MAGIC = Uint8Array.from([0x89, 0x42, 0x41, 0x4c, 0x45, 0x52, 0x0d, 0x0a]);
export const FORMAT_VERSION = 4;
/** The magic and the u16 version: where the first chunk starts. */
export const START_BYTES = MAGIC.length + 2;

/** True when the bytes start with the .baler magic number. */
export function hasContainerMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

export function checkMagic(bytes: Uint8Array, file?: string): void {
  if (hasContainerMagic(bytes)) return;
  const start = bytes.subarray(0, MAGIC.length);
  if (bytes.length < MAGIC.length && MAGIC.subarray(0, bytes.length).every((b, i) => start[i] === b)) {
    throw new BalerError(`truncated: file has only ${bytes.length} bytes`, file, 'ETRUNCATED');
  }
  throw new BalerError(`not a .baler file${describeForeign(start)}`, file, 'EFORMAT');
}

function describeForeign(start: Uint8Array): string {
  const ascii = String.fromCharCode(...start);
  if (ascii.startsWith('PK\x03\x04') || ascii.startsWith('PK\x05\x06')) return ' (it is a zip archive, e.g. .npz)';
  if (ascii.startsWith('\x93NUMPY')) return ' (it is a .npy file)';
  if (ascii.startsWith('\x89HDF')) return ' (it is an HDF5 file)';
  if (ascii.startsWith('BALER') || ascii.startsWith('\x89BALER\n') || ascii.startsWith('\x89BALER\r\r')) {
    return ' (its first bytes were changed by a text-mode transfer: copy it as binary)';
  }
  if (ascii.startsWith('\xC2\x89BALER') || ascii.startsWith('\xEF\xBF\xBDBALER')) {
    return ' (it was saved as text, which re-encoded its bytes: copy it as binary)';
  }
  return ' (wrong magic number)';
}

export function checkVersion(version: number, file?: string): void {
  if (version === 1) {
    throw new BalerError('written by Baler 0.1 (format 1), which this version no longer reads: decompress it with baler-vscode 0.1', file, 'EVERSION');
  }
  if (version > FORMAT_VERSION) {
    throw new BalerError(`made by a newer Baler (format ${version}); this one reads format ${FORMAT_VERSION}`, file, 'EVERSION');
  }
  if (version < 1) throw new BalerError(`corrupted: invalid format version ${version}`, file, 'ECORRUPT');
}
