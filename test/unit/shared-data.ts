import * as fs from 'node:fs';
import * as path from 'node:path';

/** ../shared/data beside the repository (CI and every development checkout have it). */
export const SHARED_DATA = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

/** The path of a reference data file; fails (never skips) with a message saying where it is expected. */
export function requireSharedFile(name: string): string {
  const file = path.join(SHARED_DATA, name);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: the tests need the reference data in ../shared/data beside the repository`);
  }
  return file;
}
