// Cross-checks of a .baler's typed header against its section table, so that a header that contradicts the
// data (a shape with half the rows of the latents, a section missing or extra, latents of the wrong size) is
// refused before anything is decoded or allocated.
import { BalerError } from '../errors';
import type { ContainerIndex, SectionLayout } from './container';
import type { ArrayEntry, DataHeader } from './header';
import { BYTES_PER_VALUE } from './numbers';

export const POINTS_SECTION = 'search.points';

/** Slabs of an array: slab j holds rows [j·slabRows, min((j+1)·slabRows, rows)). */
export function slabCount(a: Pick<ArrayEntry, 'shape' | 'slabRows'>): number {
  return Math.ceil(a.shape[0] / a.slabRows);
}

export function slabRowsAt(a: Pick<ArrayEntry, 'shape' | 'slabRows'>, j: number): number {
  return Math.min(a.slabRows, a.shape[0] - j * a.slabRows);
}

/** Values in one row (a table row, a frame). */
export function rowSize(a: Pick<ArrayEntry, 'shape'>): number {
  return a.shape.slice(1).reduce((x, y) => x * y, 1);
}

/** The sections an array's codec needs, with whether each holds one chunk per slab. */
export function expectedSections(a: ArrayEntry): { role: string; perSlab: boolean }[] {
  const c = a.codec;
  const model = c.mode === 'autoencoder' ? c.model : c.mode === 'error-bounded' ? c.prediction : undefined;
  const roles: { role: string; perSlab: boolean }[] = c.mode === 'autoencoder' || c.mode === 'constant' ? [] : [{ role: 'data', perSlab: true }];
  if (c.mode === 'error-bounded' && c.learned) {
    if (c.learned.family === 'basis') roles.push({ role: 'latents', perSlab: true });
    if (!c.learned.shared) roles.push({ role: 'decoder', perSlab: false });
  }
  if (model) {
    roles.push({ role: 'latents', perSlab: true });
    if (!model.shared) roles.push({ role: 'decoder', perSlab: false });
  }
  return roles;
}

export function sectionName(array: number, role: string): string {
  return `${array}.${role}`;
}

/** Throws a BalerError when the header and the section table disagree. */
export function checkLayout(header: DataHeader, index: ContainerIndex, file?: string): void {
  const fail = (detail: string): never => {
    throw new BalerError(`corrupted: ${detail}`, file, 'ECORRUPT');
  };
  const byName = new Map(index.sections.map((s) => [s.name, s]));
  const expected = new Set<string>();
  header.arrays.forEach((a, k) => {
    const slabs = slabCount(a);
    for (const { role, perSlab } of expectedSections(a)) {
      const name = sectionName(k, role);
      expected.add(name);
      const s = byName.get(name) ?? fail(`section '${name}' is missing`);
      if (perSlab && s.chunks.length !== slabs) fail(`section '${name}' has ${s.chunks.length} chunks for ${slabs} slabs of ${a.slabRows} rows`);
      if (role === 'latents' && !(a.codec.mode === 'error-bounded' && a.codec.learned)) checkLatents(a, s, fail);
      if (!perSlab && s.chunks.length === 0) fail(`section '${name}' is empty`);
    }
  });
  if (header.search) {
    expected.add(POINTS_SECTION);
    if (!byName.has(POINTS_SECTION)) fail(`section '${POINTS_SECTION}' is missing`);
  }
  for (const s of index.sections) if (!expected.has(s.name)) fail(`unexpected section '${s.name}'`);
}

function checkLatents(a: ArrayEntry, s: SectionLayout, fail: (detail: string) => never): void {
  const c = a.codec;
  const model = c.mode === 'autoencoder' ? c.model : c.mode === 'error-bounded' ? c.prediction! : undefined;
  if (!model) return;
  const perRow = model.latentSize * BYTES_PER_VALUE[model.latentPrecision];
  s.chunks.forEach((chunk, j) => {
    const want = slabRowsAt(a, j) * perRow;
    if (chunk.rawBytes !== want) fail(`latents of slab ${j + 1} take ${chunk.rawBytes} bytes, ${want} expected`);
  });
}
