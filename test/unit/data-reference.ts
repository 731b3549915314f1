// The reference data files live beside the repository (../shared/data); tests that need one fail, not skip,
// when it is missing.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REFERENCE_DATA_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'data');

export function referenceFile(name: string): string {
  const file = path.join(REFERENCE_DATA_DIR, name);
  assert.ok(fs.existsSync(file), `reference data missing: expected ${file} (the folder ../shared/data beside the repository; see its README.md)`);
  return file;
}
