// What the encoder chooses on data of known kinds, end to end through encodeSlab: the layout of a 2-D array
// (a signal cut into rows, an image, a table of independent rows), the grid of quantised data, and that
// the bound holds on every value whatever it chose.
import assert from 'node:assert/strict';
import { compressBytes } from '../../src/kernel/codec/entropy';
import { decodeSlab, encodeSlab, globalsFor } from '../../src/kernel/eb';
import { verifyBound } from '../../src/kernel/eb/bound';
import { seededUniform as random } from '../../src/bench/random';

/** A smooth signal with a little noise, as float64 counts of an ADC step of 0.005 (like an ECG in mV). */
function adcSignal(n: number): Float64Array {
  const r = random(1);
  return Float64Array.from({ length: n }, (_, i) => Math.round((Math.sin(i / 37) + 0.3 * Math.sin(i / 5.3) + 0.01 * (r() - 0.5)) / 0.005) * 0.005);
}

async function roundTrip(values: Float64Array, shape: number[], bound: { kind: 'abs' | 'rel'; value: number }, kind: 'table' | 'frames') {
  const g = globalsFor(values, shape, bound, kind);
  const encoded = await encodeSlab(values, shape, g);
  const decoded = await decodeSlab(encoded.bytes, shape, g);
  assert.ok(verifyBound(values, decoded, bound, shape, kind === 'table' && bound.kind === 'rel').ok, `${encoded.stats.configuration}: bound broken`);
  return encoded;
}

describe('eb: what the encoder chooses', function () {
  this.timeout(60_000);

  it('a signal cut into rows is coded as one series, far smaller than as a table', async () => {
    const values = adcSignal(200 * 360);
    const encoded = await roundTrip(values, [200, 360], { kind: 'abs', value: 0.02 }, 'table');
    assert.equal(encoded.stats.layout, 'series', encoded.stats.configuration);
    const g = globalsFor(values, [200, 360], { kind: 'abs', value: 0.02 }, 'table');
    const asTable = await encodeSlab(values, [200, 360], g, { layout: 'table' });
    assert.ok(encoded.bytes.length < asTable.bytes.length * 0.7, `${encoded.bytes.length} vs ${asTable.bytes.length} as a table`);
  });

  it('an image is coded as a field; a table of independent rows as a table', async () => {
    const r = random(2);
    const [h, w] = [120, 160];
    const image = Float64Array.from({ length: h * w }, (_, i) => Math.round(120 + 80 * Math.sin((i % w) / 23) * Math.cos(Math.floor(i / w) / 17) + 3 * r()));
    assert.equal((await roundTrip(image, [h, w], { kind: 'abs', value: 2.5 }, 'table')).stats.layout, 'field');
    const rows = 20_000;
    const table = Float64Array.from({ length: rows * 3 }, (_, i) => (i % 3 === 0 ? r() * 100 : i % 3 === 1 ? -Math.log(1 - r()) : Math.round(r() * 8)));
    assert.equal((await roundTrip(table, [rows, 3], { kind: 'rel', value: 1e-3 }, 'table')).stats.layout, 'table');
  });

  it('a layout that suits only the band the sample is taken from loses to the one that suits the whole slab', async () => {
    // A map whose last rows (the sample's band) change little along each row and much from row to row, as polar
    // rows do: rows as one series code that band best, the whole map is smaller as a field.
    const [h, w] = [560, 1000];
    const r = random(4);
    const map = new Float64Array(h * w);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const polar = y >= h - 40;
        map[y * w + x] = polar ? 1000 * Math.sin(y * 1.7) + 50 * Math.sin(x / 40 + y) + 15 * r() : 1000 * Math.sin(x / 9 + y / 11) * Math.cos(y / 13 - x / 31) + 20 * r();
      }
    const bound = { kind: 'abs' as const, value: 5 };
    const g = globalsFor(map, [h, w], bound, 'frames');
    const chosen = await roundTrip(map, [h, w], bound, 'frames');
    const sizes = await Promise.all((['field', 'series'] as const).map(async (layout) => (await encodeSlab(map, [h, w], g, { layout })).bytes.length));
    assert.equal(chosen.bytes.length, Math.min(...sizes), `${chosen.stats.configuration}: ${chosen.bytes.length} bytes; as a field ${sizes[0]}, as a series ${sizes[1]}`);
  });

  it('an RGB image (the channels last, interleaved) is coded channels first, smaller than as a field', async () => {
    const [h, w] = [200, 240];
    const r = random(5);
    const rgb = new Float64Array(h * w * 3);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const light = 120 + 90 * Math.sin(x / 13 + Math.cos(y / 17)) * Math.cos(y / 29) + 8 * r();
        // Three channels of one scene: each the brightness in its own proportion, with a little colour of its own.
        [0.9, 1, 0.7].forEach((gain, c) => (rgb[(y * w + x) * 3 + c] = Math.round(gain * light + 6 * Math.sin((x + 40 * c) / 23))));
      }
    const shape = [h, w, 3];
    const bound = { kind: 'abs' as const, value: 2 };
    const chosen = await roundTrip(rgb, shape, bound, 'frames');
    assert.equal(chosen.stats.layout, 'channels', chosen.stats.configuration);
    const asField = await encodeSlab(rgb, shape, globalsFor(rgb, shape, bound, 'frames'), { layout: 'field' });
    assert.ok(chosen.bytes.length < asField.bytes.length * 0.95, `channels first ${chosen.bytes.length} bytes, as a field ${asField.bytes.length}`);
    // A slab says its layout: decoded for a shape with no channels axis, it is refused.
    await assert.rejects(decodeSlab(chosen.bytes, [h, w * 3], globalsFor(rgb, [h, w * 3], bound, 'frames')), /a channels layout for shape \[200, 720\]/);
  });

  it('ADC counts (float64 of k × step) are coded in counts: lossless below half a step, and smaller than zstd -19', async () => {
    const values = adcSignal(100_000);
    const encoded = await roundTrip(values, [100_000], { kind: 'abs', value: 0.002 }, 'frames');
    assert.deepEqual(encoded.stats.grids, [0.005]);
    assert.equal(encoded.stats.exactValues, 0);
    const decoded = await decodeSlab(encoded.bytes, [100_000], globalsFor(values, [100_000], { kind: 'abs', value: 0.002 }, 'frames'));
    for (let i = 0; i < values.length; i++) if (decoded[i] !== values[i]) assert.fail(`value ${i}: ${values[i]} came back as ${decoded[i]}`);
    const zstd = await compressBytes(new Uint8Array(values.buffer), 'zstd', 19);
    assert.ok(encoded.bytes.length < zstd.length * 0.8, `${encoded.bytes.length} bytes, zstd -19 ${zstd.length}`);
    // Within a bound of 2.2 steps: odd numbers of steps (errors of 0, 1 or 2 steps), still on the grid.
    const lossy = await roundTrip(values, [100_000], { kind: 'abs', value: 0.011 }, 'frames');
    assert.deepEqual(lossy.stats.grids, [0.005]);
    assert.ok(lossy.reconstruction.every((v) => Number.isInteger(Math.round(v / 0.005)) && Math.round(v / 0.005) * 0.005 === v));
  });

  it('integer-valued float32 keeps to whole units only where that is coarser than real steps', async () => {
    const r = random(3);
    const values = Float64Array.from({ length: 50_000 }, (_, i) => Math.round(100 + 60 * Math.sin(i / 50) + 5 * r()));
    const g = (t: number) => globalsFor(values, [50_000], { kind: 'abs', value: t }, 'frames', 'float32');
    assert.deepEqual((await encodeSlab(values, [50_000], g(0.4))).stats.grids, [1], 'below half a unit: lossless in units');
    assert.deepEqual((await encodeSlab(values, [50_000], g(2.3))).stats.grids, [1], 'steps of 5 units beat 4.6');
    assert.deepEqual((await encodeSlab(values, [50_000], g(1.9))).stats.grids, [0], 'steps of 3.8 beat 3 units');
  });
});
