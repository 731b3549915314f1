// Property tests of the error-bounded coder: adversarial arrays of every dtype (values on an ADC's grid too),
// every bound kind at several bounds including 0, tables (in every layout) and frames; encode → decode →
// cast to the dtype as the writers do → check EVERY element against the bound in the output dtype. Zero
// violations, zero crashes.
import assert from 'node:assert/strict';
import { toNdArray } from '../../src/kernel/data/dataset';
import { roundToFloat16 } from '../../src/kernel/data/float16';
import type { ErrorBound } from '../../src/kernel/eb/bound';
import { decodeSlab, encodeSlab, globalsFor } from '../../src/kernel/eb';
import type { DType } from '../../src/kernel/types';
import { seededUniform as random } from '../../src/bench/random';

const F32_MAX = 3.4028234663852886e38;
const F16_MAX = 65504;
const INT_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647], int64: [-(2 ** 53 - 1), 2 ** 53 - 1],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295], uint64: [0, 2 ** 53 - 1], bool: [0, 1],
};

/** Values of a dtype as its reader gives them: representable in the dtype. */
function representable(dtype: DType, v: number): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'float16') return roundToFloat16(v);
  if (dtype === 'float64') return v;
  const [lo, hi] = INT_RANGE[dtype];
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) + 0 : lo;
}

function generators(dtype: DType, n: number, r: () => number): [string, Float64Array][] {
  const float = dtype.startsWith('float');
  const max = dtype === 'float64' ? Number.MAX_VALUE : dtype === 'float32' ? F32_MAX : dtype === 'float16' ? F16_MAX : INT_RANGE[dtype][1];
  const min = float ? -max : INT_RANGE[dtype][0];
  const tiny = dtype === 'float64' ? 5e-324 : dtype === 'float32' ? 1.401298464324817e-45 : dtype === 'float16' ? 5.960464477539063e-8 : 1;
  const make = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => representable(dtype, f(i)));
  const cases: [string, Float64Array][] = [
    ['smooth', make((i) => (float ? Math.sin(i / 7) * 100 : (min + max) / 2 + Math.sin(i / 7) * Math.min(100, (max - min) / 3)))],
    ['alternating extremes', make((i) => (i % 2 ? max : min))],
    ['constant', make(() => (float ? 0.1234567 : max))],
    ['spikes', make((i) => (i % 17 === 3 ? max : i % 23 === 5 ? min : float ? r() : Math.round(r() * 3)))],
    ['random', make(() => min + r() * (max - min))],
  ];
  if (float) {
    // On a grid: counts of an ADC step (float64 of k × 0.005), a binary step, a few values off it.
    cases.push(['ADC counts', make((i) => Math.round(300 * Math.sin(i / 5) + 40 * r()) * 0.005)]);
    cases.push(['binary steps, two off the grid', make((i) => (i === 7 ? 0.3 : i === 8 ? NaN : Math.round(50 * Math.cos(i / 3)) / 64))]);
    cases.push(['denormals and zeros', make((i) => [tiny, -tiny, 0, -0, tiny * 3, 2.2250738585072014e-308, -tiny * 7][i % 7])]);
    cases.push(['NaN/Inf mix', make((i) => [NaN, Infinity, -Infinity, 1.5, -2.25, max, 0, -0, tiny][i % 9] * (i % 5 === 0 ? 1 : 1 + r()))]);
    cases.push(['all NaN', make(() => NaN)]);
  }
  return cases;
}

const BOUNDS: ErrorBound[] = [
  { kind: 'abs', value: 0 }, { kind: 'abs', value: 1e-6 }, { kind: 'abs', value: 0.4 }, { kind: 'abs', value: 3 },
  { kind: 'rel', value: 0 }, { kind: 'rel', value: 1e-4 }, { kind: 'rel', value: 0.05 },
  { kind: 'pw-rel', value: 0 }, { kind: 'pw-rel', value: 1e-3 }, { kind: 'pw-rel', value: 0.3 },
];
const DTYPES: DType[] = ['float64', 'float32', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool'];

/** The output file's values: cast as the writers cast (data/dataset.ts), read back as numbers. */
function asWritten(values: Float64Array, dtype: DType, shape: number[]): number[] {
  const arr = toNdArray({ kind: 'frames', shape, dtype, names: [], values });
  return Array.from(arr.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function violation(x: number, y: number, allowed: number, lossless: boolean): boolean {
  if (!Number.isFinite(x) || lossless) return !(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || (lossless && x === y && x !== 0));
  return !(Math.abs(y - x) <= allowed);
}

describe('eb: property — every element within the bound in the output dtype', function () {
  this.timeout(60_000);
  const n = 60;
  for (const dtype of DTYPES) {
    it(dtype, async () => {
      const r = random(DTYPES.indexOf(dtype) + 1);
      let checked = 0;
      for (const [name, values] of generators(dtype, n, r)) {
        for (const bound of BOUNDS) {
          const arrangements = [['table', [n / 4, 4], undefined], ['table', [n / 4, 4], 'field'], ['table', [n / 4, 4], 'series'], ['frames', [3, 4, n / 12], undefined]] as const;
          for (const [kind, shape, layout] of arrangements) {
            const what = `${dtype} ${name} ${bound.kind}:${bound.value} ${kind}${layout ? ` as ${layout}` : ''}`;
            const g = globalsFor(values, [...shape], bound, kind, dtype);
            const encoded = await encodeSlab(values, [...shape], g, { layout });
            const decoded = await decodeSlab(encoded.bytes, [...shape], g);
            for (let i = 0; i < n; i++) {
              if (!Object.is(decoded[i], encoded.reconstruction[i])) assert.fail(`${what}: decoder and encoder differ at ${i}`);
            }
            const written = asWritten(decoded, dtype, [...shape]);
            const original = asWritten(values, dtype, [...shape]);
            for (let i = 0; i < n; i++) {
              const x = original[i];
              const y = written[i];
              const tolerance = g.tolerances.length > 1 ? g.tolerances[i % 4] : g.tolerances[0];
              const allowed = bound.kind === 'pw-rel' ? bound.value * Math.abs(x) : tolerance;
              // A bound of 0 keeps every bit of a float (the sign of zero included).
              const lossless = bound.value === 0 && dtype.startsWith('float');
              if (violation(x, y, allowed, lossless)) assert.fail(`${what}: value ${i} is ${x}, written as ${y} (allowed ${allowed})`);
              checked++;
            }
          }
        }
      }
      assert.ok(checked > 0);
    });
  }
});
