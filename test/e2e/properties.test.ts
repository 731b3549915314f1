// Property tests of the promise "every value within its bound, as written in the output file's dtype": every
// adversarial array of every dtype × abs/rel/pw-rel at several bounds including 0 × table/frames goes through
// compress → .baler → decompress → .npy, and every element of the file read back is checked.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { parseErrorBound } from '../../src/kernel/eb/bound';
import type { NdArray } from '../../src/kernel/types';
import { adversarialCases, PROPERTY_BOUNDS } from '../fixtures/adversarial';

/** Violations of the bound in the array read back (empty when every element keeps it). */
function violations(original: NdArray, back: NdArray, errorBound: string, layout: 'table' | 'frames'): string[] {
  const bound = parseErrorBound(errorBound);
  if (back.dtype !== original.dtype || back.shape.join() !== original.shape.join()) return [`came back as ${back.dtype} ${back.shape}`];
  const big = original.data instanceof BigInt64Array || original.data instanceof BigUint64Array;
  if (big) {
    // Exact differences in BigInt; the allowed error as the bound defines it (rel: per column of a table).
    const a = original.data as BigInt64Array;
    const b = back.data as BigInt64Array;
    const columns = layout === 'table' ? original.shape[1] : 1;
    const ranges = Array.from({ length: columns }, (_, c) => {
      let lo = a[c], hi = a[c];
      for (let i = c; i < a.length; i += columns) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i]; }
      return Number(hi - lo);
    });
    const out: string[] = [];
    for (let i = 0; i < a.length; i++) {
      const d = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
      const allowed = bound.kind === 'abs' ? Math.floor(bound.value) : bound.kind === 'rel' ? bound.value * ranges[columns === 1 ? 0 : i % columns] : bound.value * Math.abs(Number(a[i]));
      if (d !== 0n && !(Number(d) <= allowed)) out.push(`[${i}] ${a[i]} → ${b[i]} (allowed ${allowed})`);
    }
    return out;
  }
  const x = Array.from(original.data as ArrayLike<number>);
  const y = Array.from(back.data as ArrayLike<number>);
  const columns = layout === 'table' ? original.shape[1] : 1;
  const ranges = Array.from({ length: columns }, (_, c) => {
    let lo = Infinity, hi = -Infinity;
    for (let i = c; i < x.length; i += columns) if (Number.isFinite(x[i])) { lo = Math.min(lo, x[i]); hi = Math.max(hi, x[i]); }
    return hi >= lo ? Math.min(hi - lo, Number.MAX_VALUE) : 0; // a span beyond float64 counts as MAX_VALUE, as the coder takes it
  });
  const out: string[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      if (!(Object.is(x[i], y[i]) || (Number.isNaN(x[i]) && Number.isNaN(y[i])))) out.push(`[${i}] ${x[i]} → ${y[i]}`);
      continue;
    }
    const allowed = bound.kind === 'abs' ? bound.value : bound.kind === 'rel' ? bound.value * ranges[columns === 1 ? 0 : i % columns] : bound.value * Math.abs(x[i]);
    if (!(Math.abs(y[i] - x[i]) <= allowed)) out.push(`[${i}] ${x[i]} → ${y[i]} (allowed ${allowed})`);
  }
  return out;
}

describe('properties: every bound kept on every element as written', function () {
  this.timeout(600_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-properties-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const layout of ['table', 'frames'] as const) {
    it(`${layout}: every dtype × every bound`, async () => {
      const failures: string[] = [];
      let runs = 0;
      for (const { name, array } of adversarialCases(layout)) {
        const input = path.join(dir, 'in.npy');
        fs.writeFileSync(input, encodeNpy(array));
        for (const errorBound of PROPERTY_BOUNDS) {
          runs++;
          const where = `${layout} ${name} ${errorBound}`;
          try {
            const { output } = await compress(input, { output: path.join(dir, 'x.baler'), errorBound, force: true });
            await decompress(output, { output: path.join(dir, 'back.npy'), force: true });
            const found = violations(array, parseNpy(fs.readFileSync(path.join(dir, 'back.npy'))), errorBound, layout);
            if (found.length) failures.push(`${where}: ${found.length} values break the bound, e.g. ${found.slice(0, 2).join('; ')}`);
          } catch (err) {
            failures.push(`${where}: ${(err as Error).name}: ${(err as Error).message}`);
          }
        }
      }
      assert.ok(runs > 300);
      assert.deepEqual(failures, [], `${failures.length} of ${runs} runs failed:\n${failures.slice(0, 30).join('\n')}`);
    });
  }
});
