import assert from 'node:assert/strict';
import { generator, ORDERS, SHAPES } from '../fixtures/eb-cases';
import { fitColumnModels } from '../../src/kernel/eb/columns';
import type { Configuration } from '../../src/kernel/eb/configure';
import { decodeSlabSync, EbGlobals, encodeSlabSync } from '../../src/kernel/eb/codec';
import { ExactReader, valueType } from '../../src/kernel/eb/dtype';
import { roundToFloat16 } from '../../src/kernel/data/float16';
import { detLog2 } from '../../src/kernel/eb/detmath';
import { toGridUnits } from '../../src/kernel/eb/grid';
import { layoutOf } from '../../src/kernel/eb/layout';
import { maskRowsOf, type MaskRows } from '../../src/kernel/eb/mask-rows';
import { PassInput, runPass } from '../../src/kernel/eb/pass';
import type { Plan } from '../../src/kernel/eb/plan';
import { predictorByName } from '../../src/kernel/eb/predictors';
import { decodeInWasm } from '../../src/kernel/eb/wasm/decode';
import { decoderModule, wasmDecoding, wasmTakes } from '../../src/kernel/eb/wasm/decoder-module';
import { BalerError } from '../../src/kernel/errors';
import type { DType } from '../../src/kernel/types';

/** Candidate lists: interpolation's alone, over a model, the temporal mode's (over the previous frame), Lorenzo's, and over a table's column models. */
const PREDICTOR_LISTS = [
  ['cubic', 'linear'], ['linear', 'cubic'], ['cubic'], ['linear'], ['cubic', 'linear', 'model', 'cubic-over-model'], ['cubic-over-model', 'linear'],
  ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame'], ['cubic-over-previous-frame', 'previous-frame'],
  ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame', 'model', 'cubic-over-model', 'model-delta', 'cubic-over-model-delta'],
  ['model-delta', 'cubic-over-model-delta', 'linear'],
  ['lorenzo'], ['lorenzo', 'model', 'lorenzo-over-model'],
  ['cubic', 'linear', 'columns', 'cubic-over-columns'], ['lorenzo', 'lorenzo-over-columns', 'columns'],
];

/** Smooth values with noise and a step, in the dtype (float32 values are rounded to it); with `outliers`, a few values stored exactly (huge, NaN, ±Inf). */
function valuesOf(size: number, random: () => number, dtype: DType, scale: number, outliers = false): Float64Array {
  const values = Float64Array.from({ length: size }, (_, i) => {
    const v = scale * (Math.sin(i / 7) + 0.3 * Math.cos(i / 3.1) + (i % 97 > 60 ? 0.5 : 0) + 0.05 * (random() - 0.5));
    return dtype === 'float32' ? Math.fround(v) : v;
  });
  if (outliers) for (const [k, v] of [1e30, NaN, Infinity, -Infinity, -3e29].entries()) values[Math.floor((k + 0.5) * size / 5)] = dtype === 'float32' ? Math.fround(v) : v;
  return values;
}

/**
 * The values a slab may hold: real floats (grid 0), integers (grid 1) in their dtype's range, decimals (grid −100:
 * hundredths), and under pw-rel in the log domain, with zeros, negative values and −0 (`pointwise`: the relative
 * bounds; `specials`: NaN and ±Inf coded by kind, format 3, else stored exactly).
 */
const VALUE_KINDS: {
  name: string; dtype: DType; grid: number; tolerances: number[]; pointwise?: boolean; specials?: boolean; maskRows?: boolean;
  values: (size: number, random: () => number, outliers: boolean, rows: MaskRows) => Float64Array;
}[] = [
  { name: 'float32', dtype: 'float32', grid: 0, tolerances: [1e-1, 1e-3, 1e-6], values: (size, random, outliers) => valuesOf(size, random, 'float32', 1 + 1000 * random(), outliers) },
  { name: 'float64', dtype: 'float64', grid: 0, tolerances: [1e-1, 1e-3, 1e-6], values: (size, random, outliers) => valuesOf(size, random, 'float64', 1 + 1000 * random(), outliers) },
  { name: 'int16', dtype: 'int16', grid: 1, tolerances: [0, 2, 40], values: (size, random) => valuesOf(size, random, 'float64', 3e4).map((v) => Math.max(-32768, Math.min(32767, Math.round(v)))) },
  { name: 'uint8', dtype: 'uint8', grid: 1, tolerances: [1, 0, 3], values: (size, random) => valuesOf(size, random, 'float64', 90).map((v) => Math.max(0, Math.min(255, Math.round(128 + v)))) },
  { name: 'float64 hundredths', dtype: 'float64', grid: -100, tolerances: [0.05, 0, 0.5], values: (size, random) => valuesOf(size, random, 'float64', 20).map((v) => Math.round(v * 100) / 100) },
  { name: 'float16', dtype: 'float16', grid: 0, tolerances: [1e-1, 1e-2, 1e-3], values: (size, random) => valuesOf(size, random, 'float64', 3).map(roundToFloat16) },
  { name: 'bool', dtype: 'bool', grid: 1, tolerances: [0, 0, 0], values: (size, random) => valuesOf(size, random, 'float64', 1).map((v) => (v > 0.4 ? 1 : 0)) },
  { name: 'float32 with a NaN mask', dtype: 'float32', grid: 0, tolerances: [1e-2, 1e-4, 0], specials: true, values: (size, random, outliers) => withMask(valuesOf(size, random, 'float32', 10, outliers)) },
  { name: 'float32 with a NaN mask by rows', dtype: 'float32', grid: 0, tolerances: [1e-2, 1e-4, 0], specials: true, maskRows: true, values: (size, random, outliers, rows) => withRowMask(valuesOf(size, random, 'float32', 10, outliers), rows) },
  { name: 'float32 pw-rel', dtype: 'float32', grid: 0, tolerances: [1e-2, 1e-3, 1e-5], pointwise: true, values: (size, random, outliers) => withZeros(valuesOf(size, random, 'float32', 100, outliers)) },
  { name: 'float64 pw-rel, specials by kind', dtype: 'float64', grid: 0, tolerances: [1e-1, 1e-4, 0], pointwise: true, specials: true, values: (size, random, outliers) => withZeros(valuesOf(size, random, 'float64', 1e-3, outliers)) },
];

/** Runs of NaN (a land mask) and a few infinities: the absolute domain's special values, coded by kind (format 3). */
function withMask(values: Float64Array): Float64Array {
  return values.map((v, i) => (i % 50 < 12 ? NaN : i % 97 === 60 ? Infinity : i % 89 === 70 ? -Infinity : v));
}

/**
 * A NaN mask whose rows come in pairs (a row as the one before it), shifted from pair to pair but the same in every
 * frame (a row as in the previous frame), and a row of infinities now and then (a row as runs): format 6's three ways.
 */
function withRowMask(values: Float64Array, { row, frame }: MaskRows): Float64Array {
  return values.map((v, i) => {
    const [column, rowInFrame] = [i % row, Math.floor((i % frame) / row)];
    if (i % 211 === 5) return Infinity;
    return (column + (Math.floor(rowInFrame / 2) % 3)) % 9 < 3 ? NaN : v;
  });
}

/** Every 13th value 0 and every 29th −0 (pw-rel's classes). */
function withZeros(values: Float64Array): Float64Array {
  return values.map((v, i) => (i % 13 === 5 ? 0 : i % 29 === 7 ? -0 : v));
}

describe('eb: the WebAssembly decoder decodes as the JavaScript decoder does', () => {
  before(() => {
    assert.ok(decoderModule(), 'dist/eb-decoder.wasm is missing or does not load: build it with `node esbuild.mjs` (npm test does)');
  });
  afterEach(() => {
    wasmDecoding.enabled = true;
  });

  it('every axis order, edges, directions, block size, schedule and candidate list (over a model, frame by frame), on shapes of every layout, real, integer and decimal values, pw-rel\'s log domain, exact and special values among them: each value (Object.is), the checksum, the stream\'s end', () => {
    const random = generator(7);
    let cases = 0;
    let exactValues = 0;
    let tablesWithColumns = 0;
    for (const [shape, layoutName] of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const names of PREDICTOR_LISTS) {
        // The column models' lists are for tables.
        if (names.some((n) => n.includes('columns')) && layout.name !== 'table') continue;
        for (const kind of VALUE_KINDS) {
          // pw-rel has neither a model nor column models.
          if (kind.pointwise && names.some((n) => n.includes('model') || n.includes('columns'))) continue;
          const { dtype, grid } = kind;
          const tolerance = kind.tolerances[cases % 3];
          const values = kind.values(size, random, cases % 5 === 2, maskRowsOf(layout, size));
          // A model near the data (within 1e-5 of its scale): its candidates win some blocks at every tolerance.
          const model = Float64Array.from(values, (x, i) => (x - x === 0 ? x * (1 + 1e-5 * Math.sin(i)) : 0));
          const temporal = names.some((n) => n.includes('previous-frame') || n.includes('delta'));
          const withModel = names.some((n) => n.includes('model'));
          const lorenzo = names.includes('lorenzo');
          const columns = names.some((n) => n.includes('columns'));
          const order = ORDERS[Math.floor(random() * ORDERS.length)];
          const configuration: Configuration = {
            layout: layout.name, mode: temporal ? 'temporal' : lorenzo ? 'lorenzo' : 'interpolation', order, alpha: [1, 1.25, 1.5, 2][cases % 4], beta: [1, 4, 4, 8][cases % 4],
            blockSize: [2, 4, 16][cases % 3], edges: cases % 2 === 0 ? 'anchored' : 'open', directions: cases % 3 === 0 ? 'one' : 'all',
            predictors: names.map(predictorByName),
          };
          const type = valueType(dtype);
          const tolerances = layout.views.map(() => tolerance);
          const input: PassInput = {
            size, layout, configuration, type, domain: 'absolute', grids: layout.views.map(() => grid), pointwiseBound: 0,
            tolerances, stepTolerances: tolerances.map((t) => (grid === 0 ? t * (1 - 2 ** -20) : Math.abs(toGridUnits(t, grid)))), model: withModel ? model : undefined,
            columnModels: columns ? fitColumnModels(values, shape[0], shape[1], tolerances) : undefined,
            specials: kind.specials, maskRows: kind.maskRows, checked: kind.maskRows === true || cases % 2 === 0,
          };
          if (kind.pointwise) {
            // planFrom's log-domain plan: the steps from log2(1 + X), a hair less.
            Object.assign(input, { domain: 'pointwise', pointwiseBound: tolerance, tolerances: tolerances.map(() => 0), stepTolerances: tolerances.map(() => (tolerance > 0 ? detLog2(1 + tolerance) * (1 - 1e-9) : 0)) });
          }
          const what = `[${shape}] ${layoutName} ${kind.name} τ=${tolerance} order=${order.join('')} ${configuration.edges} ${configuration.directions} block=${configuration.blockSize} ${configuration.mode} [${names}]`;
          cases++;
          const encoded = runPass(input, values);
          const stream = encoded.pc.indices.finish();
          const exact = encoded.pc.exactBytes();
          exactValues += encoded.pc.exactCount;
          if (columns) tablesWithColumns++;
          const js = runPass(input, undefined, stream, new ExactReader(exact, type));
          const plan: Plan = { type, layout, stepShrink: 20, base: input };
          const facts = { plan, configuration, specials: kind.specials === true };
          assert.ok(wasmTakes(facts), what);
          const wasm = decodeInWasm(facts, stream, exact, size, input.model)!;
          assert.ok(wasm.consumedExactly, `${what}: the stream's end`);
          assert.equal(wasm.exactRemaining, 0, `${what}: exact values left`);
          assert.equal(wasm.hash, js.pc.hash, `${what}: checksum`);
          const expected = js.pc.finishOutput();
          for (let i = 0; i < size; i++) {
            if (!Object.is(wasm.output[i], expected[i])) assert.fail(`${what}: value ${i}: wasm ${wasm.output[i]}, JavaScript ${expected[i]}`);
          }
        }
      }
    }
    assert.ok(cases >= 800 && exactValues > 500 && tablesWithColumns >= 20, `only ${cases} cases, ${exactValues} exact values, ${tablesWithColumns} tables with column models`);
  });

  it('decodeSlabSync takes the module for slabs of every dtype and bound, and gives the values the JavaScript decoder gives without it', () => {
    const random = generator(11);
    // Those with outliers hold NaN and ±Inf (format 3).
    const slabs: [number[], DType, EbGlobals['bound'] & { outliers?: true }][] = [
      [[30, 31], 'float32', { kind: 'abs', value: 1e-3 }],
      [[1, 30, 31], 'float64', { kind: 'rel', value: 1e-4 }],
      [[500], 'float32', { kind: 'abs', value: 1e-2 }],
      [[30, 31], 'float32', { kind: 'pw-rel', value: 1e-3 }],
      [[30, 31], 'float32', { kind: 'pw-rel', value: 1e-3, outliers: true }],
      [[30, 31], 'float16', { kind: 'abs', value: 1e-2 }],
      [[30, 31], 'int16', { kind: 'abs', value: 2 }],
      [[20, 30, 31], 'float32', { kind: 'abs', value: 1e-3 }],
      [[30, 31], 'float32', { kind: 'abs', value: 1e-3, outliers: true }],
      [[30, 31], 'bool', { kind: 'abs', value: 0 }],
    ];
    for (const [shape, dtype, bound] of slabs) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = valuesOf(size, random, dtype === 'float16' ? 'float64' : dtype, dtype === 'int16' ? 1000 : 1, 'outliers' in bound)
        .map((v) => (dtype === 'int16' ? Math.round(v) : dtype === 'bool' ? (v > 0 ? 1 : 0) : dtype === 'float16' ? roundToFloat16(v) : v));
      const g: EbGlobals = { bound: { kind: bound.kind, value: bound.value }, tolerances: [bound.kind === 'rel' ? bound.value * 3 : bound.value], dtype, kind: 'frames' };
      const { bytes, stats } = encodeSlabSync(values, shape, g, { predictors: ['interpolation'] });
      const what = `[${shape}] ${dtype} ${bound.kind}:${bound.value} ${stats.configuration}`;
      const before = wasmDecoding.slabs;
      const withModule = decodeSlabSync(bytes, shape, g);
      assert.equal(wasmDecoding.slabs, before + 1, `${what}: the module decodes it`);
      wasmDecoding.enabled = false;
      const withoutModule = decodeSlabSync(bytes, shape, g);
      wasmDecoding.enabled = true;
      assert.equal(wasmDecoding.slabs, before + 1, `${what}: switched off, the module decodes nothing`);
      assert.deepEqual(Array.from(withModule), Array.from(withoutModule), what);
    }
  });

  it('a damaged slab is refused as corrupt, as the JavaScript decoder refuses it', () => {
    const shape = [16, 24, 24];
    const size = shape.reduce((a, b) => a * b, 1);
    const values = valuesOf(size, generator(3), 'float32', 1);
    const g: EbGlobals = { bound: { kind: 'abs', value: 1e-4 }, tolerances: [1e-4], dtype: 'float32', kind: 'frames' };
    const { bytes } = encodeSlabSync(values, shape, g, { predictors: ['interpolation'] });
    const damaged = [bytes.slice(0, bytes.length - 7), Uint8Array.from(bytes, (b, i) => (i === bytes.length >> 1 ? b ^ 0x5a : b)), Uint8Array.from(bytes, (b, i) => (i === 40 ? b ^ 0x01 : b))];
    for (const [k, slab] of damaged.entries()) {
      for (const enabled of [true, false]) {
        wasmDecoding.enabled = enabled;
        assert.throws(() => decodeSlabSync(slab, shape, g), (e: unknown) => e instanceof BalerError && /corrupt/.test(e.message), `damage ${k}, module ${enabled ? 'on' : 'off'}`);
      }
    }
  });
});
