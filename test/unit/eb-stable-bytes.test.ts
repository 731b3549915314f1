// The error-bounded coder's output, pinned: the SHA-256 of the slab each case codes to, taken from the coder
// before its inner loops were rewritten for speed. A faster loop must give the same bytes (files already
// written must decode, and a slab's bytes must not depend on which loop or machine coded it); a deliberate
// format change updates the pins and says so: the slabs holding NaN or ±Inf (the `field` cases) were pinned again
// for format 3 (format.ts: special values coded by kind, a mask of them before the traversal); every case again for
// formats 4 and 5, whose checksum covers each block's predictor choice and a special's whole kind: only the format
// byte and the four checksum bytes changed, every other byte of every case is as before.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeSlab, encodeSlab, globalsFor } from '../../src/kernel/eb';
import type { ErrorBound } from '../../src/kernel/eb/bound';
import type { DType } from '../../src/kernel/types';
import { seededUniform as random } from '../../src/bench/random';

/** frames × 40 × 36 of a smooth field plus noise (float32-representable), with a NaN and an infinity unless `finite`. */
function field(frames: number, finite = false): Float64Array {
  const next = random(7);
  const out = new Float64Array(frames * 40 * 36);
  let i = 0;
  for (let t = 0; t < frames; t++)
    for (let y = 0; y < 40; y++)
      for (let x = 0; x < 36; x++) out[i++] = Math.fround(Math.sin(x / 7 + t / 5) + 0.5 * Math.cos(y / 9 - t / 11) + 1e-3 * (next() - 0.5));
  if (finite) return out;
  out[77] = NaN;
  out[out.length - 5] = Infinity;
  return out;
}

/** 200 rows × 7 columns of correlated columns. */
function table(): Float64Array {
  const next = random(11);
  const out = new Float64Array(200 * 7);
  for (let r = 0; r < 200; r++) {
    const a = Math.sin(r / 13) + 0.01 * next();
    for (let c = 0; c < 7; c++) out[r * 7 + c] = (c + 1) * a + 0.1 * c + 1e-3 * next();
  }
  return out;
}

interface Case {
  name: string;
  values: Float64Array;
  shape: number[];
  dtype: DType;
  kind: 'frames' | 'table';
  bound: ErrorBound;
  configuration?: string;
  sha256: string;
}

const FIELD = field(12);
// Without a non-finite value: no exactly stored stand-in among the points others are predicted from.
const FINITE_FIELD = field(12, true);
const SHAPE = [12, 40, 36];
const TEMPORAL = 'field temporal order=120 alpha=1.25 beta=4 edges=anchored directions=all [cubic,linear,previous-frame,cubic-over-previous-frame]';
const cases: Case[] = [
  { name: 'field, searched, rel 1e-2', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-2 }, sha256: '50cacf94c1d9706ff9046ba228df96ac' },
  { name: 'field, searched, rel 1e-4', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-4 }, sha256: 'b9240c9f01c289a76d24d0eb15bdab89' },
  { name: 'field, temporal, all directions', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-3 }, configuration: TEMPORAL, sha256: '8338d814ee412f856a507266ef1219e9' },
  { name: 'field, interpolation, open edges', values: FIELD, shape: SHAPE, dtype: 'float64', kind: 'frames', bound: { kind: 'abs', value: 1e-3 }, configuration: 'field interpolation order=120 alpha=1.5 beta=4 edges=open directions=all [cubic,linear]', sha256: 'b525973c86f85098d7a6610dc8233c9d' },
  { name: 'field, interpolation, one direction', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-3 }, configuration: 'field interpolation order=120 alpha=1 beta=1 edges=anchored directions=one [cubic,linear]', sha256: '0770d468f12cd705e3f20270d4213936' },
  { name: 'field, lorenzo', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-3 }, configuration: 'field lorenzo [lorenzo]', sha256: '56eaa139fd530358a8626bef4474712f' },
  { name: 'field, pw-rel', values: FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'pw-rel', value: 1e-3 }, sha256: '27e393dec70e9113b129543979637488' },
  { name: 'finite float32 field, searched', values: FINITE_FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-3 }, sha256: 'f50b9ea6e8d00f2f9c6f22a7910e08e6' },
  { name: 'finite float32 field, interpolation', values: FINITE_FIELD, shape: SHAPE, dtype: 'float32', kind: 'frames', bound: { kind: 'rel', value: 1e-3 }, configuration: 'field interpolation order=120 alpha=1.5 beta=4 edges=anchored directions=all [cubic,linear]', sha256: 'c1a6d8535c8d7e3ddd759ed971101f05' },
  { name: 'table, searched, rel 1e-3', values: table(), shape: [200, 7], dtype: 'float64', kind: 'table', bound: { kind: 'rel', value: 1e-3 }, sha256: 'db2b5c95181172c2649244061e4b9de2' },
];

describe('eb: the coder\'s bytes are pinned', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = globalsFor(c.values, c.shape, c.bound, c.kind, c.dtype);
      const encoded = await encodeSlab(c.values, c.shape, g, { configuration: c.configuration });
      if (c.configuration) assert.equal(encoded.stats.configuration, c.configuration, 'the forced configuration was used');
      const decoded = await decodeSlab(encoded.bytes.slice(), c.shape, g);
      for (let i = 0; i < decoded.length; i++) {
        if (!Object.is(decoded[i], encoded.reconstruction[i])) assert.fail(`value ${i}: the decoder gives ${decoded[i]}, the encoder ${encoded.reconstruction[i]}`);
      }
      const sha256 = createHash('sha256').update(encoded.bytes).digest('hex').slice(0, 32);
      assert.equal(sha256, c.sha256, `${c.name}: ${encoded.bytes.length} bytes, configuration ${encoded.stats.configuration}`);
    });
  }
});
