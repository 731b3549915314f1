import assert from 'node:assert/strict';
import { generator, ORDERS, SHAPES } from '../fixtures/eb-cases';
import { fitColumnModels } from '../../src/kernel/eb/columns';
import { toGridUnits } from '../../src/kernel/eb/grid';
import type { Configuration } from '../../src/kernel/eb/configure';
import type { Mode } from '../../src/kernel/eb/predictors';
import { EbGlobals, encodeSlabSync } from '../../src/kernel/eb/codec';
import { valueType } from '../../src/kernel/eb/dtype';
import { Kind, layoutOf, LayoutName, threeDimensional } from '../../src/kernel/eb/layout';
import { encodePass, PassInput, runPass } from '../../src/kernel/eb/pass';
import { predictorByName } from '../../src/kernel/eb/predictors';
import { encodeInWasm, encoderModule, wasmEncodes, wasmEncoding } from '../../src/kernel/eb/wasm/encoder';
import { bytesPerValue, ENCODER_MODULE_BYTES_PER_VALUE, pointsAreFloat32 } from '../../src/kernel/eb/wasm/encoder-memory';
import type { DType } from '../../src/kernel/types';

const PREDICTOR_LISTS = [['cubic', 'linear'], ['linear', 'cubic'], ['cubic'], ['linear']];
/** Candidate lists over a model, and over a table's column models (with a model too: the two bases in one pass). */
const MODEL_LISTS = [
  ['cubic', 'linear', 'model', 'cubic-over-model'], ['cubic-over-model', 'linear'], ['model'], ['cubic-over-model'], ['model', 'cubic-over-model'],
  ['linear', 'model'], ['cubic-over-model', 'cubic'],
];
const COLUMN_LISTS = [
  ['cubic', 'linear', 'columns', 'cubic-over-columns'], ['columns'], ['cubic-over-columns', 'linear'], ['columns', 'cubic'],
  ['cubic', 'linear', 'model', 'cubic-over-model', 'columns', 'cubic-over-columns'],
];

/**
 * Smooth values with noise and a step, in the dtype; with `outliers`, a few huge values and NaN/±Inf among them,
 * which the quantiser cannot index (escapes, stored exactly).
 */
function valuesOf(size: number, random: () => number, dtype: DType, scale: number, outliers: boolean): Float64Array {
  const specials = [1e30, -3e29, NaN, Infinity, -Infinity, 7e25];
  return Float64Array.from({ length: size }, (_, i) => {
    let v = scale * (Math.sin(i / 7) + 0.3 * Math.cos(i / 3.1) + (i % 97 > 60 ? 0.5 : 0) + 0.05 * (random() - 0.5));
    if (outliers && random() < 0.02) v = specials[Math.floor(random() * specials.length)];
    return dtype === 'float32' ? Math.fround(v) : v;
  });
}

/** Temporal candidate lists (predictors.ts): over the previous frame, and none (no anchor). */
const TEMPORAL_LISTS = [
  ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame'], ['previous-frame'], ['cubic-over-previous-frame'],
  ['cubic-over-previous-frame', 'linear'], ['linear', 'previous-frame', 'cubic'], ['cubic', 'linear'], ['previous-frame', 'cubic-over-previous-frame'],
];
/** Frames as the temporal mode sees them ([frames, height, width]) and the odd ones: one frame, 1-wide, 1-high, channels, a table. */
const TEMPORAL_SHAPES: [number[], LayoutName][] = [
  [[1, 9, 13], 'field'], [[2, 17, 33], 'field'], [[5, 7, 1], 'field'], [[6, 1, 11], 'field'], [[7, 16, 16], 'field'], [[3, 20, 21], 'field'],
  [[12, 10, 3], 'channels'], [[1, 1, 70], 'series'], [[9, 1, 1], 'field'], [[33, 5], 'table'], [[2, 3, 8, 9], 'field'], [[40, 40], 'field'],
];

/**
 * Frames of a pattern moving from one frame to the next with noise, in the dtype; with `outliers`, a few huge values
 * and NaN/±Inf among them (escapes, stored exactly).
 */
function framesOf(shape: number[], random: () => number, dtype: DType, scale: number, outliers: boolean): Float64Array {
  const [, height, width] = threeDimensional(shape);
  const specials = [1e30, -3e29, NaN, Infinity, -Infinity, 7e25];
  const size = shape.reduce((a, b) => a * b, 1);
  return Float64Array.from({ length: size }, (_, i) => {
    const t = Math.floor(i / (height * width));
    const r = Math.floor(i / width) % height;
    const c = i % width;
    let v = scale * (Math.sin((c + 0.8 * t) / 4) * Math.cos((r - 0.5 * t) / 5) + 0.02 * (random() - 0.5));
    if (outliers && random() < 0.02) v = specials[Math.floor(random() * specials.length)];
    return dtype === 'float32' ? Math.fround(v) : v;
  });
}

/** The configuration of case `n`: the schedules, block sizes, edges and directions taken in turn. */
function configurationOf(layout: LayoutName, mode: Mode, order: [number, number, number], names: string[], n: number): Configuration {
  return {
    layout, mode, order, alpha: [1, 1.25, 1.5, 2][n % 4], beta: [1, 4, 4, 8][n % 4],
    blockSize: [2, 4, 16][n % 3], edges: n % 2 === 0 ? 'anchored' : 'open', directions: n % 5 < 2 ? 'one' : 'all',
    predictors: names.map(predictorByName),
  };
}

/** A pass in the absolute domain, every view at `tolerance` (its steps just inside it). */
function passOf(size: number, layout: ReturnType<typeof layoutOf>, configuration: Configuration, dtype: DType, tolerance: number): PassInput {
  const tolerances = layout.views.map(() => tolerance);
  return {
    size, layout, configuration, type: valueType(dtype), domain: 'absolute', grids: layout.views.map(() => 0), pointwiseBound: 0,
    tolerances, stepTolerances: tolerances.map((t) => t * (1 - 2 ** -20)),
  };
}

/** A case's name in failures. */
function caseName(shape: number[], layoutName: string, dtype: DType, tolerance: number, c: Configuration, names: string[]): string {
  return `[${shape}] ${layoutName} ${dtype} τ=${tolerance} order=${c.order.join('')} ${c.edges} ${c.directions} block=${c.blockSize} alpha=${c.alpha} [${names}]`;
}

/** Frames of a fixed rough texture that drifts slowly (what the configuration search codes in the temporal mode); with `outliers`, a few huge values (escapes). */
function driftingTexture(shape: number[], random: () => number, dtype: DType, scale: number, outliers: boolean): Float64Array {
  const [, height, width] = threeDimensional(shape);
  const texture = Float64Array.from({ length: height * width }, () => random());
  const size = shape.reduce((a, b) => a * b, 1);
  return Float64Array.from({ length: size }, (_, i) => {
    const t = Math.floor(i / (height * width));
    let v = scale * (texture[i % (height * width)] + 0.01 * Math.sin(t / 3 + (i % width) / 5) + 1e-4 * random());
    if (outliers && random() < 0.0005) v = 1e25 * (random() - 0.5);
    return dtype === 'float32' ? Math.fround(v) : v;
  });
}

function sameValues(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: value ${i}: wasm ${a[i]}, JavaScript ${b[i]}`);
  }
}

/** Codes the pass both ways (the module must take it) and compares everything; returns the counts of blocks per candidate. */
function codeBothWays(input: PassInput, values: Float64Array, what: string): { counts: Int32Array; exactCount: number } {
  assert.ok(wasmEncodes(input), what);
  const wasm = encodeInWasm(input, values);
  assert.ok(wasm, `${what}: the module coded it`);
  const js = runPass(input, values);
  assert.deepEqual(wasm.pc.finishStream(), js.pc.finishStream(), `${what}: stream`);
  assert.equal(wasm.pc.hash, js.pc.hash, `${what}: checksum`);
  assert.deepEqual(Array.from(wasm.counts), Array.from(js.counts), `${what}: counts`);
  assert.equal(wasm.pc.exactCount, js.pc.exactCount, `${what}: exact values`);
  assert.deepEqual(wasm.pc.exactBytes(), js.pc.exactBytes(), `${what}: exact bytes`);
  sameValues(wasm.pc.finishOutput(), js.pc.finishOutput(), what);
  wasm.pc.release(false);
  js.pc.release(false);
  return { counts: js.counts, exactCount: js.pc.exactCount };
}

describe('eb: the WebAssembly encoder codes as the JavaScript encoder does', () => {
  // The module is opt-in (wasm/encoder.ts): each test here turns it on, and the others find it as they left it.
  const enabledBefore = wasmEncoding.enabled;
  const allowanceBefore = wasmEncoding.maxBytesPerValue;
  before(() => {
    assert.ok(encoderModule(), 'dist/eb-encoder.wasm is missing or does not load: build it with `node esbuild.mjs` (npm test does)');
  });
  // Every case both ways, also those whose copy exceeds what memory.ts counts (eb-wasm-memory.test.ts tests that).
  beforeEach(() => {
    wasmEncoding.enabled = true;
    wasmEncoding.maxBytesPerValue = Infinity;
  });
  after(() => {
    wasmEncoding.enabled = enabledBefore;
    wasmEncoding.maxBytesPerValue = allowanceBefore;
  });

  it('every axis order, edges, directions, block size, schedule, candidate list and tolerance, on shapes of every layout: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(5);
    let cases = 0;
    let escaped = 0;
    for (const [shape, layoutName] of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 0]) {
          const outliers = cases % 3 === 1;
          const values = valuesOf(size, random, dtype, 1 + 1000 * random(), outliers);
          const order = ORDERS[Math.floor(random() * ORDERS.length)];
          const names = PREDICTOR_LISTS[cases % PREDICTOR_LISTS.length];
          const configuration = configurationOf(layout.name, 'interpolation', order, names, cases);
          const input = passOf(size, layout, configuration, dtype, tolerance);
          const what = `${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${outliers ? ' outliers' : ''}`;
          cases++;
          if (codeBothWays(input, values, what).exactCount > 0) escaped++;
        }
      }
    }
    assert.ok(cases >= 150, `only ${cases} cases`);
    assert.ok(escaped >= 20, `only ${escaped} cases with escapes`);
  });

  it('candidates over a model (near the values, equal to them, random, far, with NaN holes) and over a table\'s column models, on shapes of every layout: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(29);
    const modelKinds: [string, (values: Float64Array, scale: number) => Float64Array][] = [
      ['near', (values) => values.map((x, i) => (x - x === 0 ? x * (1 + 1e-5 * Math.sin(i)) : 0))],
      ['equal', (values) => values.map((x) => (x - x === 0 ? x : 0))],
      ['random', (values, scale) => values.map(() => scale * (2 * random() - 1))],
      ['far', (values, scale) => values.map((x, i) => (x - x === 0 ? x : 0) + 1000 * scale + 50 * scale * Math.sin(i / 5))],
      ['smooth offset', (values, scale) => values.map((x, i) => (x - x === 0 ? x : 0) + 0.3 * scale * Math.sin(i / 11))],
      ['NaN holes', (values) => values.map((x, i) => (i % 13 === 5 ? NaN : x - x === 0 ? x * (1 + 1e-4 * Math.cos(i)) : 0))],
    ];
    let cases = 0;
    let tables = 0;
    let escaped = 0;
    const wins = new Map<string, number>();
    for (const [shape, layoutName] of SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      const lists = layout.name === 'table' ? [...MODEL_LISTS, ...COLUMN_LISTS] : MODEL_LISTS;
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-3, 1e-6, 0]) {
          for (let variant = 0; variant < (layout.name === 'table' ? 3 : 1); variant++) {
            const outliers = cases % 4 === 1;
            const scale = 1 + 1000 * random();
            const values = valuesOf(size, random, dtype, scale, outliers);
            const [modelName, modelOf] = modelKinds[cases % modelKinds.length];
            const names = lists[cases % lists.length];
            const order = ORDERS[Math.floor(random() * ORDERS.length)];
            const configuration = configurationOf(layout.name, 'interpolation', order, names, cases);
            const withColumns = names.some((n) => n.includes('columns'));
            const input = passOf(size, layout, configuration, dtype, tolerance);
            input.model = names.some((n) => n.includes('model')) ? modelOf(values, scale) : undefined;
            if (withColumns) input.columnModels = fitColumnModels(values, shape[0], shape[1], input.tolerances);
            const what = `${caseName(shape, layoutName, dtype, tolerance, configuration, names)} model ${modelName}${outliers ? ' outliers' : ''}`;
            cases++;
            if (withColumns) tables++;
            const { counts, exactCount } = codeBothWays(input, values, what);
            if (exactCount > 0) escaped++;
            names.forEach((name, k) => wins.set(name, (wins.get(name) ?? 0) + counts[k]));
          }
        }
      }
    }
    assert.ok(cases >= 130 && tables >= 20 && escaped >= 20, `only ${cases} cases, ${tables} with column models, ${escaped} with escapes`);
    for (const name of ['model', 'cubic-over-model', 'columns', 'cubic-over-columns']) assert.ok((wins.get(name) ?? 0) >= 50, `'${name}' won ${wins.get(name) ?? 0} blocks`);
  });

  it('temporal passes frame by frame (one frame, two, many; odd, 1-wide and 1-high frames; channels and tables), every axis order, edges, directions, block size, schedule and tolerance, over the previous frame and not: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(31);
    let cases = 0;
    let escaped = 0;
    let wide = 0;
    const wins = new Map<string, number>();
    for (const [shape, layoutName] of TEMPORAL_SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-2, 1e-4, 1e-6, 0]) {
          const outliers = cases % 3 === 1;
          const values = framesOf(shape, random, dtype, 1 + 1000 * random(), outliers);
          const order = ORDERS[Math.floor(random() * ORDERS.length)];
          const names = TEMPORAL_LISTS[cases % TEMPORAL_LISTS.length];
          const configuration = configurationOf(layout.name, 'temporal', order, names, cases);
          const input = passOf(size, layout, configuration, dtype, tolerance);
          const what = `temporal ${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${outliers ? ' outliers' : ''}`;
          cases++;
          // Over the previous frame the module reads the reconstruction as its f64 base: never f32 points.
          if (names.some((n) => n.includes('previous-frame'))) {
            assert.ok(!pointsAreFloat32(input, values), `${what}: wide points`);
            assert.ok(bytesPerValue(8, configuration.predictors) <= ENCODER_MODULE_BYTES_PER_VALUE, `${what}: within the module's bytes a value`);
            wide++;
          }
          const { counts, exactCount } = codeBothWays(input, values, what);
          if (exactCount > 0) escaped++;
          names.forEach((name, k) => wins.set(name, (wins.get(name) ?? 0) + counts[k]));
        }
      }
    }
    assert.ok(cases >= 100 && escaped >= 20 && wide >= 60, `only ${cases} cases, ${escaped} with escapes, ${wide} over the previous frame`);
    for (const name of ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame']) assert.ok((wins.get(name) ?? 0) >= 50, `'${name}' won ${wins.get(name) ?? 0} blocks`);
  });

  it('masked slabs (NaN and ±Inf: a mask that stays, one new in every frame, whole rows, scattered points; with escapes): as runs over the slab and row by row, checked and not, interpolation over a model and not, temporal: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(37);
    const masks: [string, (i: number, t: number, r: number, c: number) => boolean][] = [
      ['land', (_i, _t, r, c) => (r - 4) ** 2 + (c - 6) ** 2 < 12],
      ['new every frame', () => random() < 0.1],
      ['rows', (_i, t, r) => (r + t) % 5 === 2],
      ['scattered', (i) => i % 7 === 3 || i % 11 === 5],
      ['all', () => true],
    ];
    const specials = [NaN, NaN, Infinity, -Infinity];
    let cases = 0;
    let rowsCases = 0;
    let escaped = 0;
    for (const [shape, layoutName] of [...TEMPORAL_SHAPES, ...SHAPES]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      const [, height, width] = threeDimensional(shape);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-3, 0]) {
          const [maskName, isMissing] = masks[cases % masks.length];
          const outliers = cases % 3 === 1;
          const values = framesOf(shape, random, dtype, 1 + 100 * random(), outliers).map((v, i) => {
            const t = Math.floor(i / (height * width));
            return isMissing(i, t, Math.floor(i / width) % height, i % width) ? specials[i % specials.length] : v;
          });
          const temporal = cases % 3 === 2;
          const withModel = !temporal && cases % 2 === 0;
          const names = temporal ? TEMPORAL_LISTS[cases % TEMPORAL_LISTS.length] : withModel ? MODEL_LISTS[cases % MODEL_LISTS.length] : PREDICTOR_LISTS[cases % PREDICTOR_LISTS.length];
          const order = ORDERS[Math.floor(random() * ORDERS.length)];
          const configuration = configurationOf(layout.name, temporal ? 'temporal' : 'interpolation', order, names, cases);
          const input = passOf(size, layout, configuration, dtype, tolerance);
          input.specials = values.some((v) => v - v !== 0);
          input.maskRows = cases % 4 < 2;
          input.checked = cases % 5 !== 0;
          if (withModel) input.model = values.map((x, i) => (x - x === 0 ? x * (1 + 1e-5 * Math.sin(i)) : Math.cos(i)));
          const what = `masked (${maskName}${input.maskRows ? ', by rows' : ''}${input.checked ? '' : ', unchecked'}) ${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${outliers ? ' outliers' : ''}`;
          cases++;
          if (input.maskRows) rowsCases++;
          if (codeBothWays(input, values, what).exactCount > 0) escaped++;
        }
      }
    }
    assert.ok(cases >= 150 && rowsCases >= 70 && escaped >= 10, `only ${cases} cases, ${rowsCases} by rows, ${escaped} with escapes`);
    // Whole slabs through the codec (the mask by rows chosen where it pays, format 6): the same bytes with and without the module.
    for (const [shape, dtype] of [[[12, 20, 24], 'float32'], [[6, 33, 17], 'float64']] as [number[], DType][]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = framesOf(shape, random, dtype, 10, false).map((v, i) => ((i % (shape[1] * shape[2])) % 23 < 6 ? NaN : v));
      const g: EbGlobals = { bound: { kind: 'abs', value: 1e-3 }, tolerances: [1e-3], dtype, kind: 'frames' };
      const before = wasmEncoding.passes;
      const withModule = encodeSlabSync(values, shape, g);
      assert.ok(wasmEncoding.passes > before, `[${shape}]: the module coded some passes`);
      wasmEncoding.enabled = false;
      const withoutModule = encodeSlabSync(values, shape, g);
      wasmEncoding.enabled = true;
      assert.deepEqual(withModule.bytes, withoutModule.bytes, `[${shape}] ${dtype} masked slab`);
      sameValues(withModule.reconstruction, withoutModule.reconstruction, `[${shape}] ${dtype} masked slab`);
    }
  });

  it('temporal passes over a model (the model, its change added to the previous frame, cubic over either), with and without a mask: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(41);
    const lists = [
      ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame', 'model', 'cubic-over-model', 'model-delta', 'cubic-over-model-delta'],
      ['model-delta', 'cubic-over-model-delta'], ['cubic', 'model', 'cubic-over-model'], ['previous-frame', 'model-delta', 'cubic-over-model'],
      ['cubic-over-model-delta', 'linear'], ['model'],
    ];
    let cases = 0;
    let masked = 0;
    const wins = new Map<string, number>();
    for (const [shape, layoutName] of TEMPORAL_SHAPES) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-3, 1e-6, 0]) {
          const outliers = cases % 3 === 1;
          const values = framesOf(shape, random, dtype, 1 + 100 * random(), outliers).map((v, i) => (cases % 4 === 3 && i % 9 < 2 ? NaN : v));
          const names = lists[cases % lists.length];
          const configuration = configurationOf(layout.name, 'temporal', ORDERS[Math.floor(random() * ORDERS.length)], names, cases);
          const input = passOf(size, layout, configuration, dtype, tolerance);
          input.model = values.map((x, i) => (x - x === 0 ? x : 0) + 0.01 * Math.sin(i / 3));
          input.specials = values.some((v) => v - v !== 0);
          input.checked = true;
          const what = `temporal over a model ${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${outliers ? ' outliers' : ''}${input.specials ? ' masked' : ''}`;
          cases++;
          if (input.specials) masked++;
          const { counts } = codeBothWays(input, values, what);
          names.forEach((name, k) => wins.set(name, (wins.get(name) ?? 0) + counts[k]));
        }
      }
    }
    assert.ok(cases >= 90 && masked >= 20, `only ${cases} cases, ${masked} masked`);
    for (const name of ['model', 'cubic-over-model', 'model-delta', 'cubic-over-model-delta']) assert.ok((wins.get(name) ?? 0) >= 50, `'${name}' won ${wins.get(name) ?? 0} blocks`);
  });

  it('values on a grid (integers, decimals of 2 digits, multiples of a step; in a float dtype), interpolation and temporal, masked and not: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(43);
    const grids: [string, number, (v: number) => number][] = [
      ['integers', 1, (v) => Math.round(v)], ['decimals', -100, (v) => Math.round(v * 100) / 100], ['steps of 0.25', 0.25, (v) => Math.round(v * 4) / 4],
    ];
    let cases = 0;
    for (const [shape, layoutName] of [...TEMPORAL_SHAPES, ...SHAPES]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [0.5, 3, 0]) {
          const [gridName, grid, onGrid] = grids[cases % grids.length];
          const temporal = cases % 2 === 1;
          const values = framesOf(shape, random, 'float64', 20 + 100 * random(), cases % 3 === 1).map((v, i) => {
            const x = cases % 4 === 3 && i % 9 < 2 ? NaN : v - v === 0 ? onGrid(v) : v;
            return dtype === 'float32' ? Math.fround(x) : x;
          });
          const names = temporal ? TEMPORAL_LISTS[cases % TEMPORAL_LISTS.length] : PREDICTOR_LISTS[cases % PREDICTOR_LISTS.length];
          const configuration = configurationOf(layout.name, temporal ? 'temporal' : 'interpolation', ORDERS[Math.floor(random() * ORDERS.length)], names, cases);
          const input = passOf(size, layout, configuration, dtype, tolerance);
          input.grids = layout.views.map(() => grid);
          input.stepTolerances = input.tolerances.map((t) => toGridUnits(t, grid) * (1 - 2 ** -20));
          input.specials = values.some((v) => v - v !== 0);
          input.checked = true;
          const what = `on a grid (${gridName}) ${temporal ? 'temporal ' : ''}${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${input.specials ? ' masked' : ''}`;
          cases++;
          codeBothWays(input, values, what);
        }
      }
    }
    assert.ok(cases >= 150, `only ${cases} cases`);
  });

  it('Lorenzo passes (plain, over a model, over a table\'s column models; masked, on a grid), every block size and tolerance: the same stream, values (Object.is), checksum, counts and exact values', () => {
    const random = generator(47);
    const lists = [['lorenzo'], ['lorenzo', 'model', 'lorenzo-over-model'], ['lorenzo-over-model', 'lorenzo'], ['model', 'lorenzo']];
    const tableLists = [['lorenzo', 'columns', 'lorenzo-over-columns'], ['lorenzo', 'model', 'lorenzo-over-model', 'columns', 'lorenzo-over-columns']];
    let cases = 0;
    let escaped = 0;
    const wins = new Map<string, number>();
    for (const [shape, layoutName] of [...SHAPES, ...TEMPORAL_SHAPES]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const tolerance of [1e-1, 1e-3, 1e-6, 0]) {
          const masked = cases % 5 === 4;
          const onGrid = cases % 7 === 3;
          const outliers = cases % 3 === 1;
          const values = framesOf(shape, random, 'float64', 1 + 100 * random(), outliers).map((v, i) => {
            const x = masked && i % 11 < 3 ? NaN : onGrid && v - v === 0 ? Math.round(v * 100) / 100 : v;
            return dtype === 'float32' ? Math.fround(x) : x;
          });
          const names = layout.name === 'table' && cases % 2 === 0 ? tableLists[cases % tableLists.length] : lists[cases % lists.length];
          const configuration: Configuration = { ...configurationOf(layout.name, 'lorenzo', [0, 1, 2], names, cases), blockSize: [2, 5, 8][cases % 3] };
          const input = passOf(size, layout, configuration, dtype, tolerance);
          if (onGrid) {
            input.grids = layout.views.map(() => -100);
            input.stepTolerances = input.tolerances.map((t) => toGridUnits(t, -100) * (1 - 2 ** -20));
          }
          input.specials = values.some((v) => v - v !== 0);
          input.checked = cases % 4 !== 0;
          if (names.some((n) => n.includes('model'))) input.model = values.map((x, i) => (x - x === 0 ? x * (1 + 1e-4 * Math.sin(i)) : Math.cos(i)));
          if (names.some((n) => n.includes('columns'))) input.columnModels = fitColumnModels(values.map((x) => (x - x === 0 ? x : 0)), shape[0], shape[1], input.tolerances);
          const what = `Lorenzo ${caseName(shape, layoutName, dtype, tolerance, configuration, names)}${outliers ? ' outliers' : ''}${input.specials ? ' masked' : ''}${onGrid ? ' on a grid' : ''}`;
          cases++;
          const { counts, exactCount } = codeBothWays(input, values, what);
          if (exactCount > 0) escaped++;
          names.forEach((name, k) => wins.set(name, (wins.get(name) ?? 0) + counts[k]));
        }
      }
    }
    assert.ok(cases >= 150 && escaped >= 20, `only ${cases} cases, ${escaped} with escapes`);
    for (const name of ['lorenzo', 'model', 'lorenzo-over-model', 'columns', 'lorenzo-over-columns']) assert.ok((wins.get(name) ?? 0) >= 30, `'${name}' won ${wins.get(name) ?? 0} blocks`);
  });

  it('indices halfway between two (dyadic values at power-of-two steps): rounded as Math.round rounds them', () => {
    const random = generator(17);
    let cases = 0;
    for (const [shape, layoutName] of [[[16, 24, 20], 'field'], [[300], 'series'], [[40, 6], 'table']] as [number[], LayoutName][]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const layout = layoutOf(shape, layoutName);
      let walk = 0;
      const values = Float64Array.from({ length: size }, () => (walk += Math.floor(random() * 64) - 32) / 1024);
      for (const dtype of ['float32', 'float64'] as DType[]) {
        for (const names of PREDICTOR_LISTS) {
          for (const [alpha, beta] of [[1, 1], [2, 8]]) {
            const configuration: Configuration = {
              layout: layout.name, mode: 'interpolation', order: ORDERS[cases % ORDERS.length], alpha, beta, blockSize: 4,
              edges: cases % 2 === 0 ? 'anchored' : 'open', directions: cases % 3 === 0 ? 'one' : 'all', predictors: names.map(predictorByName),
            };
            const tolerances = layout.views.map(() => 2 ** -7);
            const input: PassInput = {
              size, layout, configuration, type: valueType(dtype), domain: 'absolute', grids: layout.views.map(() => 0), pointwiseBound: 0,
              tolerances, stepTolerances: tolerances,
            };
            const what = `[${shape}] ${dtype} [${names}] alpha=${alpha} beta=${beta}`;
            cases++;
            const wasm = encodeInWasm(input, values)!;
            const js = runPass(input, values);
            assert.deepEqual(wasm.pc.finishStream(), js.pc.finishStream(), `${what}: stream`);
            sameValues(wasm.pc.finishOutput(), js.pc.finishOutput(), what);
            wasm.pc.release(false);
            js.pc.release(false);
          }
        }
      }
    }
  });

  it('a stream larger than the room left for it grows the module\'s memory as it is written, and comes out the same', () => {
    // Enough values that the pass's arrays do not fit in the memory as the tests before left it, and noise at a bound
    // that costs about 4 bytes a value: far more than the quarter byte a value the stream is given to start with.
    const memoryBefore = encoderModule()!.memory.buffer.byteLength;
    const size = Math.max(200_000, Math.ceil(memoryBefore / 16));
    const random = generator(23);
    const values = Float64Array.from({ length: size }, () => random());
    const layout = layoutOf([size], 'series');
    const input: PassInput = {
      size, layout, type: valueType('float64'), domain: 'absolute', grids: [0], pointwiseBound: 0, tolerances: [1e-9], stepTolerances: [1e-9],
      configuration: {
        layout: layout.name, mode: 'interpolation', order: [0, 1, 2], alpha: 1, beta: 1, blockSize: 16, edges: 'anchored', directions: 'all',
        predictors: [predictorByName('cubic'), predictorByName('linear')],
      },
    };
    const wasm = encodeInWasm(input, values)!;
    const js = runPass(input, values);
    const stream = wasm.pc.finishStream();
    assert.ok(stream.length > size / 4 + 70_000, `a stream of ${stream.length} bytes for ${size} values`);
    assert.deepEqual(stream, js.pc.finishStream());
    assert.equal(wasm.pc.hash, js.pc.hash);
    sameValues(wasm.pc.finishOutput(), js.pc.finishOutput(), 'noise');
    wasm.pc.release(false);
    js.pc.release(false);
  });

  it('leaves to JavaScript the passes it does not take', () => {
    const layout = layoutOf([10, 12], 'field');
    const base: PassInput = {
      size: 120, layout, type: valueType('float32'), domain: 'absolute', grids: [0], pointwiseBound: 0, tolerances: [1e-3], stepTolerances: [1e-3],
      configuration: {
        layout: layout.name, mode: 'interpolation', order: [0, 1, 2], alpha: 1, beta: 1, blockSize: 16, edges: 'anchored', directions: 'all',
        predictors: [predictorByName('cubic'), predictorByName('linear')],
      },
    };
    assert.ok(wasmEncodes(base));
    assert.ok(!wasmEncodes({ ...base, type: valueType('int16') }), 'an integer dtype');
    assert.ok(!wasmEncodes({ ...base, type: valueType('float16') }), 'float16');
    assert.ok(wasmEncodes({ ...base, grids: [1] }), 'on a grid');
    assert.ok(wasmEncodes({ ...base, specials: true }), 'special values (a mask)');
    assert.ok(!wasmEncodes({ ...base, specials: true, domain: 'pointwise' }), 'special values under pw-rel');
    assert.ok(!wasmEncodes({ ...base, forbidden: -9999 }), 'a forbidden value');
    assert.ok(!wasmEncodes({ ...base, domain: 'pointwise' }), 'pw-rel');
    assert.ok(wasmEncodes({ ...base, configuration: { ...base.configuration, mode: 'lorenzo', predictors: [predictorByName('lorenzo')] } }), 'Lorenzo');
    const withModel = { ...base, configuration: { ...base.configuration, predictors: [predictorByName('cubic'), predictorByName('model')] } };
    assert.ok(wasmEncodes({ ...withModel, model: new Float64Array(120) }), 'over a model');
    assert.ok(!wasmEncodes(withModel), 'a model candidate without the model');
    assert.ok(!wasmEncodes({ ...withModel, model: new Float64Array(119) }), 'a model of another length');
    assert.ok(!wasmEncodes({ ...base, configuration: { ...base.configuration, predictors: [predictorByName('columns')] } }), 'the column models of no table');
    // Temporal: over the previous frame, and over a model (the model, or its change added to the previous frame) where the pass has one.
    const temporal = (names: string[], model?: Float64Array): PassInput => ({ ...base, model, configuration: { ...base.configuration, mode: 'temporal', predictors: names.map(predictorByName) } });
    assert.ok(wasmEncodes(temporal(['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame'])), 'temporal');
    assert.ok(wasmEncodes(temporal(['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame'], new Float64Array(120))), 'temporal with a model its candidates do not use');
    for (const name of ['model', 'cubic-over-model', 'model-delta', 'cubic-over-model-delta']) {
      assert.ok(wasmEncodes(temporal(['cubic', 'previous-frame', name], new Float64Array(120))), `temporal over '${name}'`);
      assert.ok(!wasmEncodes(temporal(['cubic', 'previous-frame', name])), `temporal over '${name}' without the model`);
      assert.ok(!wasmEncodes(temporal([name], new Float64Array(119))), `temporal over '${name}', a model of another length`);
    }
    assert.ok(!wasmEncodes(temporal(['cubic', 'columns'])), 'temporal over the column models');
    assert.ok(!wasmEncodes({ ...base, configuration: { ...base.configuration, predictors: [predictorByName('cubic'), predictorByName('previous-frame')] } }), 'the previous frame outside the temporal mode');
    assert.ok(wasmEncodes({ ...base, model: new Float64Array(120), configuration: { ...base.configuration, mode: 'lorenzo', predictors: [predictorByName('lorenzo-over-model')] } }), 'Lorenzo over a model');
    assert.ok(!wasmEncodes({ ...base, configuration: { ...base.configuration, mode: 'lorenzo', predictors: [predictorByName('lorenzo-over-model')] } }), 'Lorenzo over a model it does not have');
    assert.ok(!wasmEncodes({ ...base, configuration: { ...base.configuration, mode: 'lorenzo', predictors: [predictorByName('cubic')] } }), 'cubic in the Lorenzo mode');
    wasmEncoding.enabled = false;
    assert.ok(!wasmEncodes(base), 'switched off');
    const before = wasmEncoding.passes;
    encodePass(base, Float64Array.from({ length: 120 }, (_, i) => Math.sin(i))).pc.release(false);
    assert.equal(wasmEncoding.passes, before);
  });

  it('encodeSlabSync writes the same bytes with and without the module, with and without a model\'s prediction', () => {
    const random = generator(13);
    // With a model's prediction, or on a table, the last slabs restricted to the families that the module codes there.
    const slabs: [number[], DType, EbGlobals['bound'], boolean, { model?: boolean; predictors?: string[]; kind?: Kind; layout?: LayoutName; frames?: boolean }?][] = [
      [[30, 31], 'float32', { kind: 'abs', value: 1e-3 }, false],
      [[1, 30, 31], 'float64', { kind: 'rel', value: 1e-4 }, false],
      [[500], 'float32', { kind: 'abs', value: 1e-2 }, true],
      [[20, 30, 31], 'float32', { kind: 'rel', value: 1e-3 }, false],
      [[16, 40, 40], 'float64', { kind: 'abs', value: 1e-6 }, true],
      [[70, 4], 'float32', { kind: 'rel', value: 1e-2 }, false],
      [[20, 30, 31], 'float32', { kind: 'rel', value: 1e-3 }, false, { model: true }],
      [[1, 60, 70], 'float64', { kind: 'abs', value: 1e-6 }, true, { model: true, predictors: ['model'] }],
      [[40, 50], 'float32', { kind: 'rel', value: 1e-3 }, false, { model: true, predictors: ['model'] }],
      [[400, 6], 'float32', { kind: 'abs', value: 1e-3 }, false, { predictors: ['interpolation', 'columns'], kind: 'table', layout: 'table' }],
      // Moving frames, which the temporal mode codes.
      [[24, 30, 31], 'float32', { kind: 'rel', value: 1e-3 }, false, { frames: true }],
      [[16, 17, 40], 'float64', { kind: 'abs', value: 1e-3 }, true, { frames: true }],
    ];
    for (const [shape, dtype, bound, outliers, options] of slabs) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = (options?.frames ? driftingTexture(shape, random, dtype, 10, outliers) : valuesOf(size, random, dtype, 10, outliers)).map((v) => (Number.isFinite(v) ? v : dtype === 'float32' ? Math.fround(1e20) : 1e20));
      const range = values.reduce((a, b) => Math.max(a, b), -Infinity) - values.reduce((a, b) => Math.min(a, b), Infinity);
      const kind = options?.kind ?? 'frames';
      const g: EbGlobals = { bound, tolerances: kind === 'table' ? shape.slice(1).flatMap(() => bound.value) : [bound.kind === 'rel' ? bound.value * range : bound.value], dtype, kind };
      // A model's prediction: the values, smoothed and a little off.
      const prediction = options?.model ? values.map((x, i) => 0.9 * x + 0.1 * values[Math.max(0, i - 1)] + 1e-3 * Math.sin(i)) : undefined;
      const opts = { prediction, predictors: options?.predictors, layout: options?.layout };
      const before = wasmEncoding.passes;
      const withModule = encodeSlabSync(values, shape, g, opts);
      const what = `[${shape}] ${dtype} ${bound.kind}:${bound.value} ${withModule.stats.configuration}`;
      if (options?.predictors) assert.match(withModule.stats.configuration, /interpolation.*(cubic-over-model|cubic-over-columns)/, `${what}: a configuration over a base`);
      if (options?.frames) assert.match(withModule.stats.configuration, / temporal .*previous-frame/, `${what}: a temporal configuration over the previous frame`);
      assert.ok(wasmEncoding.passes > before, `${what}: the module coded some passes`);
      wasmEncoding.enabled = false;
      const withoutModule = encodeSlabSync(values, shape, g, opts);
      wasmEncoding.enabled = true;
      assert.deepEqual(withModule.bytes, withoutModule.bytes, what);
      assert.deepEqual(withModule.stats, withoutModule.stats, what);
      sameValues(withModule.reconstruction, withoutModule.reconstruction, what);
    }
  });
});
