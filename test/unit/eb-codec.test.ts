import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { ErrorBound, verifyBound } from '../../src/kernel/eb/bound';
import { SLAB_FORMAT, SLAB_FORMAT_CHECKED, SLAB_FORMAT_CHECKED_SPECIALS, SLAB_FORMAT_MASK_ROWS, SLAB_FORMAT_SPECIALS } from '../../src/kernel/eb/format';
import { decodeErrorBounded, decodeSlab, EbGlobals, encodeErrorBounded, encodeSlab, globalsFor, SLAB_SECTION, SlabOptions } from '../../src/kernel/eb';
import { seededUniform as random } from '../../src/bench/random';

function build(n: number, fn: (i: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => fn(i));
}

function assertSameValues(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: value ${i} is ${a[i]} and ${b[i]}`);
}

async function roundTrip(values: Float64Array, shape: number[], g: EbGlobals, opts: SlabOptions = {}) {
  const encoded = await encodeSlab(values, shape, g, opts);
  const decoded = await decodeSlab(encoded.bytes.slice(), shape, g, opts.prediction);
  assertSameValues(encoded.reconstruction, decoded, 'the encoder\'s reconstruction is what the decoder returns');
  return { encoded, decoded };
}

/** Frames of a travelling wave over fixed fine detail, and a smooth model of the wave alone. */
function wavesWithModel(frames: number, height: number, width: number) {
  const r = random(11);
  const at = (t: number, y: number, x: number) => Math.sin(x / 5 - t / 3) * Math.cos(y / 7 + t / 11);
  const values = new Float64Array(frames * height * width);
  const prediction = new Float64Array(values.length);
  for (let t = 0, i = 0; t < frames; t++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++, i++) {
        values[i] = at(t, y, x) + 0.05 * Math.sin(x * 1.3 + y * 0.7) + 1e-4 * (r() - 0.5);
        prediction[i] = at(t, y, x) + 0.01 * Math.sin(x / 3) * Math.cos(t);
      }
  return { values, prediction, shape: [frames, height, width] };
}

describe('eb: slabs', () => {
  const smooth = build(8 * 12 * 12, (i) => Math.sin(i / 9) + 0.01 * Math.cos(i * 3.1));

  it('codes each configuration mode within the bound, and smooth data small', async () => {
    for (const predictors of [['interpolation'], ['lorenzo'], undefined]) {
      for (const effort of ['fast', 'best'] as const) {
        const g = globalsFor(smooth, [8, 12, 12], { kind: 'rel', value: 1e-3 }, 'frames');
        const { encoded, decoded } = await roundTrip(smooth, [8, 12, 12], g, { predictors, effort });
        assert.ok(verifyBound(smooth, decoded, g.bound).ok, `${predictors} ${effort}`);
        assert.ok(encoded.bytes.length < smooth.length * 8 / 6, `${predictors} ${effort}: ${encoded.bytes.length} bytes`);
      }
    }
  });

  it('starts with its format byte and keeps the per-slab facts inside (no JSON header needed)', async () => {
    const g = globalsFor(smooth, [8, 12, 12], { kind: 'abs', value: 1e-3 }, 'frames', 'float32');
    const { encoded } = await roundTrip(smooth.map(Math.fround), [8, 12, 12], g);
    assert.equal(encoded.bytes[0], SLAB_FORMAT_CHECKED);
    assert.ok(encoded.stats.configuration.length > 0);
  });

  it('codes integer-valued data losslessly under a bound below half a unit, of any dtype, and under abs/rel/pw-rel 0', async () => {
    const r = random(2);
    const ints = build(600, (i) => Math.round(1000 * Math.sin(i / 7) + r() * 20));
    for (const bound of [{ kind: 'abs', value: 0.49 }, { kind: 'abs', value: 0 }, { kind: 'rel', value: 0 }, { kind: 'pw-rel', value: 0 }, { kind: 'pw-rel', value: 1e-4 }] as ErrorBound[]) {
      for (const dtype of ['float64', 'float32', 'int16', 'int32'] as const) {
        const g = globalsFor(ints, [600], bound, 'frames', dtype);
        const { encoded, decoded } = await roundTrip(ints, [600], g);
        assertSameValues(ints, decoded, `${dtype} ${bound.kind}:${bound.value}`);
        assert.equal(encoded.stats.integer, true, `${dtype} ${bound.kind}:${bound.value} takes the integer path`);
        assert.equal(encoded.stats.exactValues, 0);
        assert.ok(encoded.bytes.length < 600 * 1.5, `${dtype} ${bound.kind}: ${encoded.bytes.length} bytes`);
      }
    }
  });

  it('stores exact values in the dtype\'s width: real-valued float32 under abs:0 costs about 4 bytes a value', async () => {
    const r = random(3);
    const noise = build(1000, () => Math.fround(r() * 2 - 1));
    const g32 = globalsFor(noise, [1000], { kind: 'abs', value: 0 }, 'frames', 'float32');
    const { encoded, decoded } = await roundTrip(noise, [1000], g32);
    assertSameValues(noise, decoded, 'lossless');
    assert.ok(encoded.bytes.length <= 4 * 1000 + 200, `${encoded.bytes.length} bytes`);
  });

  it('keeps NaN, ±Inf and −0 where the bound is 0, and NaN/±Inf under any bound', async () => {
    const special = Float64Array.from([NaN, Infinity, -Infinity, -0, 0, 1.5, -2.5, 5e-324, -5e-324, 1e308]);
    for (const bound of [{ kind: 'abs', value: 0 }, { kind: 'rel', value: 0.1 }, { kind: 'pw-rel', value: 0 }, { kind: 'pw-rel', value: 0.1 }] as ErrorBound[]) {
      const g = globalsFor(special, [10], bound, 'frames');
      const { decoded } = await roundTrip(special, [10], g);
      for (const k of [0, 1, 2]) assert.ok(Object.is(decoded[k], special[k]), `${bound.kind}:${bound.value} value ${k}: ${decoded[k]}`);
      if (bound.value === 0) assertSameValues(special, decoded, `${bound.kind}:0`);
    }
  });

  it('a mask of NaN (land in an ocean field) costs bits, not bytes: specials coded by kind, skipped by the traversal', async () => {
    const shape = [6, 48, 64];
    const values = build(6 * 48 * 64, (i) => {
      const x = i % 64;
      const y = Math.floor(i / 64) % 48;
      const land = (x - 40) ** 2 + (y - 20) ** 2 < 300 || x < 9;
      return land ? NaN : Math.fround(15 + 10 * Math.sin(x / 11) * Math.cos(y / 13) + 0.01 * Math.sin(i));
    });
    values[5] = Infinity;
    values[6] = -Infinity;
    const nans = values.filter((v) => v !== v).length;
    // The same ocean with a land of zeros: what a fill value costs the coder.
    const filled = values.map((v) => (v - v === 0 ? v : 0));
    for (const bound of [{ kind: 'abs', value: 1e-3 }, { kind: 'rel', value: 1e-4 }, { kind: 'pw-rel', value: 1e-3 }] as ErrorBound[]) {
      const g = globalsFor(values, shape, bound, 'frames', 'float32');
      const { encoded, decoded } = await roundTrip(values, shape, g);
      // The land stays from frame to frame: its mask is coded by rows (format 6), but for pw-rel's classes.
      assert.equal(encoded.bytes[0], bound.kind === 'pw-rel' ? SLAB_FORMAT_CHECKED_SPECIALS : SLAB_FORMAT_MASK_ROWS, bound.kind);
      assert.ok(verifyBound(values, decoded, g.bound).ok, `${bound.kind}: within the bound, NaN and ±Inf where they were`);
      assert.ok(Object.is(decoded[5], Infinity) && Object.is(decoded[6], -Infinity));
      // Stored exactly, the NaN alone took 4 bytes each; as a mask, about what a land of zeros costs.
      const fill = (await encodeSlab(filled, shape, { ...g, bound: bound.kind === 'pw-rel' ? bound : g.bound })).bytes.length;
      assert.ok(encoded.bytes.length < nans && encoded.bytes.length < 1.5 * fill, `${bound.kind}: ${encoded.bytes.length} bytes for ${nans} NaN among ${values.length} values; with a land of zeros ${fill}`);
    }
  });

  it('a mask that stays from frame to frame (or down the rows) costs almost nothing after its first row; one that changes every frame is coded as runs over the slab (format 5)', async () => {
    const shape = [12, 64, 64];
    const r = random(5);
    const ocean = (i: number) => Math.fround(20 + 5 * Math.sin(i / 90) + 0.01 * r());
    const masks: [string, (x: number, y: number, t: number) => boolean, number][] = [
      // What the mask costs at most (bytes) beside the ocean alone: static masks almost nothing.
      ['scattered pixels, the same in every frame', (x, y) => (x * 7919 + y * 104729) % 97 < 25, SLAB_FORMAT_MASK_ROWS],
      ['the left half', (x) => x < 32, SLAB_FORMAT_MASK_ROWS],
      ['scattered pixels, new in every frame', (x, y, t) => (x * 7919 + y * 104729 + t * 7) % 97 < 25, SLAB_FORMAT_CHECKED_SPECIALS],
    ];
    const g = globalsFor(build(12 * 64 * 64, ocean), shape, { kind: 'abs', value: 1e-3 }, 'frames', 'float32');
    for (const [what, land, format] of masks) {
      const values = build(12 * 64 * 64, (i) => (land(i % 64, Math.floor(i / 64) % 64, Math.floor(i / 4096)) ? NaN : ocean(i)));
      const { encoded, decoded } = await roundTrip(values, shape, g);
      assert.equal(encoded.bytes[0], format, what);
      assert.ok(verifyBound(values, decoded, g.bound).ok, `${what}: within the bound, NaN where they were`);
      // The same mask coded as runs over the slab: the mask of the first frame alone is what a static one costs.
      const firstFrame = build(64 * 64, (i) => (land(i % 64, Math.floor(i / 64), 0) ? NaN : 0));
      const oneFrame = (await encodeSlab(firstFrame, [1, 64, 64], { ...g })).bytes.length;
      if (format === SLAB_FORMAT_MASK_ROWS) {
        const filled = (await encodeSlab(values.map((v, i) => (v - v === 0 ? v : ocean(i))), shape, g)).bytes.length;
        assert.ok(encoded.bytes.length < filled + 1.5 * oneFrame, `${what}: ${encoded.bytes.length} bytes, the ocean alone ${filled}, the first frame's mask ${oneFrame}`);
      }
    }
  });

  it('decodes a slab whose mask was coded as runs over the slab (format 3, before formats 4 to 6)', async () => {
    const written = Uint8Array.from(Buffer.from('AwgBDA8BAAAMWHuxVUvBIYQ2Dch58frvlNousWDCAq1wMdbW1dMPSSva13WANdpI5vDiFCFIoQkQ8WIMO2lD/+CzRYxbh7328hwHiSROc04i+Ey05fXx8xMaPCMZKbW4MqGjZSkbHBuc6E900XlbB6XWC6X52Joj+CGMxkm8xhGWrBWwYW+at0APlOqtdlRdiNu5ag==', 'base64'));
    const values = build(3 * 8 * 8, (i) => (i % 8 < 3 || (i * 7) % 13 === 2 ? NaN : Math.fround(Math.sin(i / 5) * 3)));
    values[20] = Infinity;
    const g = globalsFor(values, [3, 8, 8], { kind: 'abs', value: 1e-2 }, 'frames', 'float32');
    assert.equal(written[0], SLAB_FORMAT_SPECIALS);
    const decoded = await decodeSlab(written, [3, 8, 8], g);
    assert.ok(verifyBound(values, decoded, g.bound).ok, 'within the bound, NaN and Infinity where they were');
  });

  it('a few scattered NaN cost a few bytes each (their runs\' lengths), as stored exactly they did', async () => {
    const shape = [8, 64, 64];
    const values = build(8 * 64 * 64, (i) => Math.fround(Math.sin(i / 300) * 5 + Math.cos(i / 17)));
    const g = globalsFor(values, shape, { kind: 'rel', value: 1e-3 }, 'frames', 'float32');
    const finite = (await encodeSlab(values, shape, g)).bytes.length;
    for (const i of [100, 9_000, 20_000, 31_111]) values[i] = NaN;
    const { encoded } = await roundTrip(values, shape, g);
    assert.ok(encoded.bytes.length < finite + 4 * 16, `${encoded.bytes.length} bytes with 4 NaN, ${finite} without`);
  });

  it('decodes a slab with NaN and ±Inf written before format 3 (each stored exactly)', async () => {
    const written = Uint8Array.from(Buffer.from('AgABAg8BAASYlkA5Z7pSv+zs/4KCC/Wj4X4kfkUx+UvoX3tdhYQg0vKyHRHPf0kiU6wbRA2b8YdPx+nISZHOOD5zWbLCnQZAtPtkJvaKlF3lFOonIwvhZ7g9Ke5W79AvgeFmigVir1YscgL+YE/k4jHB0YC0wcyrWSq7fhITz01gR4raUrDBPAAAwH8AAIB/AACA/wAAwH8=', 'base64'));
    const values = build(2 * 8 * 8, (i) => Math.fround(Math.sin(i / 5) * 3));
    values[9] = NaN;
    values[40] = Infinity;
    values[41] = -Infinity;
    values[100] = NaN;
    const g = globalsFor(values, [2, 8, 8], { kind: 'abs', value: 1e-2 }, 'frames', 'float32');
    assert.equal(written[0], SLAB_FORMAT);
    const decoded = await decodeSlab(written, [2, 8, 8], g);
    assert.ok(verifyBound(values, decoded, g.bound).ok);
    assert.ok(Number.isNaN(decoded[9]) && Number.isNaN(decoded[100]) && decoded[40] === Infinity && decoded[41] === -Infinity);
  });

  it('float32 abs:1e-6 and rel:1e-3 hold after the cast (issue 7, defect 3), with no value stored exactly', async () => {
    const r = random(4);
    const values = build(4096, (i) => Math.fround(1 + Math.sin(i / 50) * 0.5 + r() * 1e-5));
    for (const bound of [{ kind: 'abs', value: 1e-6 }, { kind: 'rel', value: 1e-3 }] as ErrorBound[]) {
      const g = globalsFor(values, [4096], bound, 'frames', 'float32');
      const { encoded, decoded } = await roundTrip(values, [4096], g);
      for (let i = 0; i < values.length; i++) {
        const y = Math.fround(decoded[i]);
        assert.equal(y, decoded[i], 'representable in float32');
        assert.ok(Math.abs(y - values[i]) <= g.tolerances[0], `${bound.kind}: value ${i}`);
      }
      assert.equal(encoded.stats.exactValues, 0, `${bound.kind}: ${encoded.stats.exactValues} exact values`);
    }
  });

  it('uses the model\'s prediction when it helps, and needs it to decode', async () => {
    const { values, prediction, shape } = wavesWithModel(24, 20, 24);
    for (const bound of [{ kind: 'rel', value: 1e-2 }, { kind: 'rel', value: 1e-4 }, { kind: 'abs', value: 0 }] as ErrorBound[]) {
      const g = globalsFor(values, shape, bound, 'frames');
      const alone = await encodeSlab(values, shape, g, { effort: 'fast' });
      const { encoded, decoded } = await roundTrip(values, shape, g, { prediction, effort: 'fast' });
      assert.ok(verifyBound(values, decoded, bound).ok);
      if (bound.value === 1e-4) {
        const choices = encoded.stats.predictorChoices;
        const modelBlocks = ['model', 'cubic-over-model', 'model-delta', 'cubic-over-model-delta'].reduce((n, p) => n + (choices[p] ?? 0), 0);
        assert.ok(modelBlocks > 0, JSON.stringify(choices));
        assert.ok(encoded.bytes.length < alone.bytes.length * 0.9, `${encoded.bytes.length} vs ${alone.bytes.length}`);
        await assert.rejects(decodeSlab(encoded.bytes, shape, g), /model reconstruction/);
        await assert.rejects(decodeSlab(encoded.bytes, shape, g, prediction.subarray(1)), /model reconstruction/);
      }
    }
  });

  it('chooses the configuration on a sample of a large slab, then codes it once', async () => {
    const shape = [72, 64, 64];
    const values = build(72 * 64 * 64, (i) => {
      const t = Math.floor(i / 4096), y = Math.floor(i / 64) % 64, x = i % 64;
      return Math.sin(x / 9 + t / 5) * Math.cos(y / 7 - t / 11) + 0.001 * Math.sin(i * 1.3);
    });
    const g = globalsFor(values, shape, { kind: 'rel', value: 1e-3 }, 'frames', 'float32');
    const { encoded, decoded } = await roundTrip(values, shape, g, { effort: 'best' });
    const sampled = encoded.stats.trials.filter((t) => t.configuration.includes('(sample'));
    assert.ok(sampled.length >= 5, 'every configuration and the winner\'s variants are tried on the sample');
    assert.equal(encoded.stats.trials.length, sampled.length + 1, 'one configuration is coded in full');
    assert.ok(verifyBound(values, decoded, g.bound).ok);
  });

  it('tables: each column keeps its own tolerance; integer columns need no exact values at half a step', async () => {
    const r = random(3);
    const rows = 3000;
    const values = build(rows * 2, (i) => (i % 2 === 0 ? (i === 0 ? 4 : Math.floor(r() * 5)) : r() * 10));
    const g = globalsFor(values, [rows, 2], { kind: 'rel', value: 1e-2 }, 'table');
    assert.equal(g.tolerances.length, 2);
    const { encoded, decoded } = await roundTrip(values, [rows, 2], g);
    assert.equal(encoded.stats.exactValues, 0);
    assert.ok(verifyBound(values, decoded, g.bound, [rows, 2], true).ok);
  });

  it('refuses bad arguments with a BalerError', async () => {
    const g = globalsFor(smooth, [8, 12, 12], { kind: 'rel', value: 1e-3 }, 'frames');
    await assert.rejects(encodeSlab(smooth, [8, 12, 11], g), BalerError);
    await assert.rejects(encodeSlab(smooth, [8, 12, 12], { ...g, tolerances: [-1] }), BalerError);
    await assert.rejects(encodeSlab(smooth, [8, 12, 12], { ...g, tolerances: [1, 2] }), BalerError);
    await assert.rejects(encodeSlab(smooth, [8, 12, 12], { ...g, dtype: 'int8' }), /not representable as int8/);
    await assert.rejects(encodeSlab(smooth, [8, 12, 12], g, { predictors: ['nothing'] }), /no usable predictor/);
  });
});

describe('eb: corrupted slabs', () => {
  const values = build(8 * 12 * 12, (i) => Math.sin(i / 9) + 0.01 * Math.cos(i * 3.1));
  values[17] = NaN;
  const shape = [8, 12, 12];
  const g = globalsFor(values, shape, { kind: 'rel', value: 1e-3 }, 'frames');

  it('rejects truncation, extension, a wrong shape, other globals and random bytes with a BalerError', async () => {
    const { bytes } = await encodeSlab(values, shape, g);
    const attempts: [string, Uint8Array, number[], EbGlobals][] = [
      ['empty', new Uint8Array(0), shape, g],
      ['truncated', bytes.subarray(0, bytes.length - 5), shape, g],
      ['header only', bytes.subarray(0, 12), shape, g],
      ['extended', Uint8Array.from([...bytes, 1, 2, 3]), shape, g],
      ['another shape', bytes, [8, 12, 11], g],
      ['another dtype', bytes, shape, { ...g, dtype: 'float32' }],
      ['another bound kind', bytes, shape, { ...g, bound: { kind: 'abs', value: 1e-3 } }],
      ['another kind', bytes, [96, 12], { ...g, kind: 'table' }],
      ['bad format', Uint8Array.from([9, ...bytes.subarray(1)]), shape, g],
    ];
    const r = random(9);
    for (let k = 0; k < 30; k++) attempts.push([`random ${k}`, Uint8Array.from({ length: 1 + Math.floor(r() * 300) }, () => Math.floor(r() * 256)), shape, g]);
    for (let k = 0; k < 10; k++) attempts.push([`random after the format byte ${k}`, Uint8Array.from({ length: 40 + Math.floor(r() * 300) }, (_, i) => (i === 0 ? 1 : Math.floor(r() * 256))), shape, g]);
    for (const [name, input, s, globals] of attempts) {
      await assert.rejects(decodeSlab(input, s, globals), BalerError, name);
    }
  });

  it('the checksum covers each block\'s predictor choice: a bit flipped in a small masked slab almost never decodes silently to other values', async () => {
    // Formats 2 and 3 left the choice out: a flip could change a block's predictor while its indices decoded the
    // same. These 150 slabs, every single-bit flip of each (36,688): 47 decoded silently to other values then, 1 now (two
    // indices changed into each other's complement: the word-wise FNV hash, not fixed).
    const next = random(21);
    const kinds = [NaN, Infinity, -Infinity];
    let silent = 0;
    let flips = 0;
    for (let n = 0; n < 150; n++) {
      const slabShape = [2 + Math.floor(next() * 3), 2, 2 + Math.floor(next() * 3)];
      const frame = slabShape[1] * slabShape[2];
      const land = Array.from({ length: frame }, () => next() < 0.6);
      const data = build(slabShape[0] * frame, (i) => (land[i % frame] ? kinds[Math.floor(next() * 3)] : 1 + Math.floor(next() * 4) / 4));
      const globals: EbGlobals = { bound: { kind: 'abs', value: 1e-2 }, tolerances: [1e-2], dtype: 'float32', kind: 'frames' };
      const { bytes } = await encodeSlab(data, slabShape, globals);
      for (let k = 0; k < bytes.length; k++) {
        for (let b = 0; b < 8; b++) {
          const bad = bytes.slice();
          bad[k] ^= 1 << b;
          flips++;
          try {
            const decoded = await decodeSlab(bad, slabShape, globals);
            if (!decoded.every((v, i) => (data[i] - data[i] !== 0 ? Object.is(v, data[i]) : Math.abs(v - data[i]) <= 1e-2))) silent++;
          } catch (error) {
            assert.ok(error instanceof BalerError, String(error));
          }
        }
      }
    }
    assert.ok(silent <= 2, `${silent} of ${flips} flips decoded silently to other values`);
  });

  // The same field with a land of NaN in every frame: its mask coded by rows (format 6).
  const masked = values.map((v, i) => ((i % 12) + Math.floor((i % 144) / 12) < 6 ? NaN : v));
  for (const [what, data] of [['a NaN', values], ['a static mask (format 6)', masked]] as const) {
    it(`never returns values outside the bound when a byte flips: a BalerError or the same values (${what})`, async () => {
      const { bytes, reconstruction } = await encodeSlab(data, shape, g);
      if (data === masked) assert.equal(bytes[0], SLAB_FORMAT_MASK_ROWS);
      let rejected = 0;
      for (let k = 0; k < bytes.length; k++) {
        for (const flip of [0x01, 0x10, 0x80]) {
          const bad = bytes.slice();
          bad[k] ^= flip;
          try {
            const decoded = await decodeSlab(bad, shape, g);
            assert.ok(verifyBound(data, decoded, g.bound).ok, `byte ${k} ^ ${flip}: decoded outside the bound without an error`);
          } catch (error) {
            assert.ok(error instanceof BalerError, `byte ${k} ^ ${flip}: ${String(error)}`);
            rejected++;
          }
        }
      }
      assert.ok(rejected > bytes.length * 2, `${rejected} of ${bytes.length * 3} refused`);
      assertSameValues(reconstruction, await decodeSlab(bytes, shape, g), 'the intact slab still decodes');
    });
  }
});

describe('eb: whole arrays (the wrappers the callers use)', () => {
  it('encodes one slab with the globals in a small JSON header, and rejects a missing or foreign section', async () => {
    const values = build(20 * 16 * 16, (i) => Math.sin(i / 50) + Math.sin(i * 1.7) * 0.3);
    const encoded = await encodeErrorBounded(values, [20, 16, 16], { kind: 'rel', value: 1e-3 }, { dtype: 'float64' });
    const header = JSON.parse(JSON.stringify(encoded.header));
    assert.equal(header.format, 'baler-eb/3');
    const decoded = await decodeErrorBounded(header, new Map(encoded.sections.map((s) => [s.name, s.data])));
    assertSameValues(encoded.reconstruction, decoded, 'wrapper');
    await assert.rejects(decodeErrorBounded(header, new Map()), BalerError);
    await assert.rejects(decodeErrorBounded({ ...header, format: 'baler-eb/1' }, new Map([[SLAB_SECTION, encoded.sections[0].data]])), BalerError);
    await assert.rejects(decodeErrorBounded({ ...header, shape: [20, 16, 15] }, new Map([[SLAB_SECTION, encoded.sections[0].data]])), BalerError);
  });
});

describe('eb: reusing an earlier slab\'s configuration', () => {
  it('skips the search when the configuration applies, and searches when it does not', async () => {
    const shape = [40, 64, 64];
    const values = build(40 * 64 * 64, (i) => Math.sin((i % 4096) / 300 + Math.floor(i / 4096) / 7) + 0.001 * Math.sin(i * 1.3));
    const g = globalsFor(values, shape, { kind: 'rel', value: 1e-3 }, 'frames', 'float32');
    const first = await encodeSlab(values.subarray(0, 20 * 4096), [20, 64, 64], g);
    const second = await roundTrip(values.subarray(20 * 4096), [20, 64, 64], g, { configuration: first.stats.configuration });
    assert.equal(second.encoded.stats.trials.length, 1, 'no search');
    assert.equal(second.encoded.stats.configuration, first.stats.configuration);
    const other = await encodeSlab(values.subarray(0, 20 * 4096), [20, 64, 64], g, { configuration: 'no such configuration' });
    assert.ok(other.stats.trials.length > 1, 'an unknown configuration is searched for');
  });

  it('searches from a given configuration (it and its variants only), or from every candidate when it does not apply', async () => {
    const shape = [20, 64, 64];
    const values = build(20 * 4096, (i) => Math.sin((i % 4096) / 300 + Math.floor(i / 4096) / 7) + 0.001 * Math.sin(i * 1.3));
    const g = globalsFor(values, shape, { kind: 'rel', value: 1e-3 }, 'frames', 'float32');
    const whole = await encodeSlab(values, shape, g);
    const from = await roundTrip(values, shape, g, { searchFrom: whole.stats.configuration });
    assert.equal(from.encoded.stats.configuration, whole.stats.configuration, 'the search ends where it started: no variant is smaller');
    assert.deepEqual(from.encoded.bytes, whole.bytes);
    assert.ok(from.encoded.stats.trials.length < whole.stats.trials.length, `${from.encoded.stats.trials.length} trials from it, ${whole.stats.trials.length} from every candidate`);
    assert.ok(from.encoded.stats.trials.length > 1, 'its variants are tried');
    const unknown = await encodeSlab(values, shape, g, { searchFrom: 'no such configuration' });
    assert.deepEqual(unknown.stats.trials, whole.stats.trials, 'a configuration this slab cannot have: the whole search');
    const fixed = await encodeSlab(values, shape, g, { configuration: whole.stats.configuration, searchFrom: 'no such configuration' });
    assert.equal(fixed.stats.trials.length, 1, 'a configuration to reuse goes first');
  });
});
