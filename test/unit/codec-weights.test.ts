import { strict as assert } from 'node:assert';
import seedrandom from 'seedrandom';
import { BalerError } from '../../src/kernel/errors';
import type { WeightTensor } from '../../src/kernel/types';
import { fitsFloat16, packFloats, unpackFloats } from '../../src/kernel/codec/numbers';
import { decodeWeights, encodeWeights, INT8_MIN_VECTOR, tensorEncoding, weightsByteSize } from '../../src/kernel/codec/weights';

function randomTensor(name: string, shape: number[], spread: number, seed: string): WeightTensor {
  const rng = seedrandom(seed);
  const count = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count);
  // Channels (last axis) of very different magnitudes, as trained layers have.
  const channels = shape[shape.length - 1];
  for (let i = 0; i < count; i++) values[i] = (rng() * 2 - 1) * spread * (1 + (i % channels));
  return { name, shape, values };
}

const decoder = (): WeightTensor[] => [
  randomTensor('dense_1/kernel', [15, 50], 0.3, 'a'),
  randomTensor('dense_1/bias', [50], 0.01, 'b'),
  randomTensor('conv_t/kernel', [3, 3, 8, 4], 0.2, 'c'),
  { name: 'empty', shape: [0, 4], values: new Float32Array(0) },
  { name: 'scalar', shape: [], values: Float32Array.of(1.5) },
];

describe('codec: latent values and weights', () => {
  it('packs float32 exactly and float16 within half an ulp', () => {
    const rng = seedrandom('latents');
    const values = Float32Array.from({ length: 5000 }, () => (rng() - 0.5) * 200);
    const exact = unpackFloats(packFloats(values, 'float32'), 'float32', values.length);
    assert.deepEqual(exact, values);
    const f16 = packFloats(values, 'float16');
    assert.equal(f16.length, values.length * 2);
    const back = unpackFloats(f16, 'float16', values.length);
    for (let i = 0; i < values.length; i++) {
      assert.ok(Math.abs(back[i] - values[i]) <= Math.max(Math.abs(values[i]) * 2 ** -11, 2 ** -25), `${values[i]} → ${back[i]}`);
    }
    assert.deepEqual([...new Uint16Array(packFloats(Float32Array.of(1, -2, 65504, 0.5), 'float16').buffer)], [0x3c00, 0xc000, 0x7bff, 0x3800]);
    assert.ok(fitsFloat16(values));
    assert.ok(!fitsFloat16(Float32Array.of(1, 70000)));
    assert.ok(!fitsFloat16(Float32Array.of(NaN)));
  });

  it('refuses latent bytes of the wrong length, naming the file', () => {
    assert.throws(() => unpackFloats(new Uint8Array(10), 'float32', 3, 'f.baler'),
      (e: unknown) => e instanceof BalerError && e.file === 'f.baler' && /expected 3 float32 values/.test(e.message));
  });

  it('round-trips float32 weights exactly; byte size is exact at every precision', () => {
    const tensors = decoder();
    for (const precision of ['float32', 'float16', 'int8'] as const) {
      const bytes = encodeWeights(tensors, precision);
      assert.equal(bytes.length, weightsByteSize(tensors, precision), precision);
      const back = decodeWeights(bytes);
      assert.deepEqual(back.map((t) => [t.name, t.shape]), tensors.map((t) => [t.name, t.shape]));
      if (precision === 'float32') assert.deepEqual(back, tensors);
    }
    const f32 = weightsByteSize(tensors, 'float32');
    assert.ok(weightsByteSize(tensors, 'float16') < f32 * 0.55);
    assert.ok(weightsByteSize(tensors, 'int8') < f32 * 0.35);
  });

  it('float16 weights stay within half a float16 ulp', () => {
    const tensors = decoder();
    const back = decodeWeights(encodeWeights(tensors, 'float16'));
    tensors.forEach((t, k) => t.values.forEach((v, i) => {
      assert.ok(Math.abs(back[k].values[i] - v) <= Math.max(Math.abs(v) * 2 ** -11, 2 ** -25), `${t.name}[${i}]`);
    }));
  });

  it('int8 weights of small layers stay within half a step of their channel (per-channel symmetric scale)', () => {
    const tensors = decoder();
    const back = decodeWeights(encodeWeights(tensors, 'int8'));
    for (const [k, t] of tensors.entries()) {
      const channels = t.shape.length ? t.shape[t.shape.length - 1] : 1;
      const maxAbs = new Float32Array(channels);
      t.values.forEach((v, i) => (maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(v))));
      t.values.forEach((v, i) => {
        const err = Math.abs(back[k].values[i] - v);
        // The scale is max/127 rounded up to a float16 (at most one float16 ulp, 2^-10, above).
        const step = t.shape.length >= 2 ? (maxAbs[i % channels] / 127) * (1 + 2 ** -10) : Math.abs(v) * 2 ** -10;
        assert.ok(err <= step / 2 + 1e-7 * maxAbs[i % channels], `${t.name}[${i}]: error ${err} > ${step / 2}`);
      });
    }
    assert.equal(tensorEncoding(tensors[0], 'int8'), 'int8');
    assert.equal(tensorEncoding(tensors[1], 'int8'), 'float16', 'biases are not quantised to int8');
  });

  it('keeps float32 for tensors that would not survive float16 or int8', () => {
    const huge: WeightTensor = { name: 'huge', shape: [2], values: Float32Array.of(1e6, -3) };
    const nan: WeightTensor = { name: 'nan', shape: [1, 2], values: Float32Array.of(NaN, 1) };
    assert.equal(tensorEncoding(huge, 'float16'), 'float32');
    assert.equal(tensorEncoding(nan, 'int8'), 'float32');
    const back = decodeWeights(encodeWeights([huge, nan], 'int8'));
    assert.deepEqual([...back[0].values], [1e6, -3]);
    assert.ok(Number.isNaN(back[1].values[0]) && back[1].values[1] === 1);
  });

  it('refuses damaged weight bytes with a BalerError', () => {
    const bytes = encodeWeights(decoder(), 'int8');
    for (const end of [0, 2, 10, bytes.length - 1]) {
      assert.throws(() => decodeWeights(bytes.subarray(0, end), 'm.balermodel'), BalerError, `cut at ${end}`);
    }
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    assert.throws(() => decodeWeights(longer), /unexpected bytes/);
    assert.throws(() => encodeWeights([{ name: 'x', shape: [2, 2], values: new Float32Array(3) }], 'float32'), /3 values/);
  });

  it('a wide decoder (latent × field) keeps one float16 scale per row, delta-coded when smooth', () => {
    const latent = 3;
    const width = 2500;
    const rowScale = [1, 0.02, 300];
    const kernel = Float32Array.from({ length: latent * width }, (_, i) => rowScale[Math.floor(i / width)] * Math.sin((i % width) / 40 + Math.floor(i / width)));
    const bias = Float32Array.from({ length: width }, (_, j) => 0.5 + 0.3 * Math.cos(j / 60));
    const tensors: WeightTensor[] = [
      { name: 'kernel', shape: [latent, width], values: kernel },
      { name: 'bias', shape: [width], values: bias },
    ];
    const bytes = encodeWeights(tensors, 'int8');
    const headers = 3 + (1 + 6 + 1 + 8 + 1) + (1 + 4 + 1 + 4 + 1);
    const kernelFlags = bytes[headers];
    // One byte a value, one flags byte (and a u16 grid width with GRID) and 2 bytes a scale per tensor:
    // 3 row scales, 1 for the bias.
    const gridBytes = (kernelFlags & 16 ? 2 : 0) + (bytes[headers + 1 + (kernelFlags & 16 ? 2 : 0) + 6 + latent * width] & 16 ? 2 : 0);
    assert.equal(bytes.length, headers + (1 + 3 * 2 + latent * width) + (1 + 2 + width) + gridBytes);
    assert.equal(bytes.length, weightsByteSize(tensors, 'int8'));
    assert.equal(tensorEncoding(tensors[1], 'int8'), 'int8', `a bias of ${INT8_MIN_VECTOR}+ values is quantised`);
    const back = decodeWeights(bytes);
    for (let r = 0; r < latent; r++) {
      const step = (rowScale[r] / 127) * (1 + 2 ** -10);
      for (let j = 0; j < width; j++) {
        const i = r * width + j;
        assert.ok(Math.abs(back[0].values[i] - kernel[i]) <= step / 2 + 1e-7 * rowScale[r], `kernel[${i}]`);
      }
    }
    bias.forEach((v, j) => assert.ok(Math.abs(back[1].values[j] - v) <= (0.8 / 127) * (1 + 2 ** -10) / 2 + 1e-7, `bias[${j}]`));
    // Smooth rows are delta-coded (flags bit 3): the stored bytes are mostly small numbers.
    assert.equal(kernelFlags & 8, 8);
    assert.deepEqual(encodeWeights(tensors, 'int8'), bytes, 'encoding is deterministic');
  });

  it('noise is not delta-coded; tiny weights keep float32 scales', () => {
    const rng = seedrandom('noise');
    const noise: WeightTensor = { name: 'n', shape: [2, 1000], values: Float32Array.from({ length: 2000 }, () => rng() * 2 - 1) };
    const tiny: WeightTensor = { name: 't', shape: [2, 1000], values: Float32Array.from({ length: 2000 }, () => (rng() * 2 - 1) * 1e-9) };
    const bytes = encodeWeights([noise, tiny], 'int8');
    const heads = 3 + 2 * (1 + 1 + 1 + 8 + 1);
    assert.equal(bytes[heads] & 8, 0, 'noise: no delta');
    const tinyAt = heads + 1 + 2 * 2 + 2000;
    assert.equal(bytes[tinyAt] & 4, 4, 'tiny: float32 scales');
    const back = decodeWeights(bytes);
    for (const [k, t] of [noise, tiny].entries()) {
      const maxAbs = Math.max(...t.values.map(Math.abs));
      t.values.forEach((v, i) => assert.ok(Math.abs(back[k].values[i] - v) <= ((maxAbs / 127) * (1 + 2 ** -10)) / 2 + 1e-7 * maxAbs, `${t.name}[${i}]`));
    }
  });

  it('still decodes the older int8 encoding (float32 scale per last-axis channel)', () => {
    // u8 version 1, u16 count 1; name 'k', rank 2, dims 2 × 3, encoding 2; scales 0.5, 1, 2; q = [1, -2, 3, 127, 0, -127].
    const older = new Uint8Array(3 + 1 + 1 + 1 + 8 + 1 + 12 + 6);
    const view = new DataView(older.buffer);
    let at = 0;
    view.setUint8(at++, 1);
    view.setUint16(at, 1, true);
    at += 2;
    view.setUint8(at++, 1);
    older[at++] = 'k'.charCodeAt(0);
    view.setUint8(at++, 2);
    view.setUint32(at, 2, true);
    view.setUint32(at + 4, 3, true);
    at += 8;
    view.setUint8(at++, 2);
    [0.5, 1, 2].forEach((scale, c) => view.setFloat32(at + 4 * c, scale, true));
    at += 12;
    [1, -2, 3, 127, 0, -127].forEach((q, i) => view.setInt8(at + i, q));
    const [k] = decodeWeights(older);
    assert.deepEqual(k.shape, [2, 3]);
    assert.deepEqual([...k.values], [0.5, -2, 6, 63.5, 0, -254]);
  });

  it('refuses unknown int8 flags with a BalerError', () => {
    const bytes = encodeWeights([{ name: 'w', shape: [2, 300], values: new Float32Array(600).fill(0.25) }], 'int8');
    const flagsAt = 3 + 1 + 1 + 1 + 8 + 1;
    for (const flags of [3, 16, 255]) {
      const bad = bytes.slice();
      bad[flagsAt] = flags;
      assert.throws(() => decodeWeights(bad, 'm.baler'), (e: unknown) => e instanceof BalerError && /flags|end too early|unexpected/.test(e.message), `flags ${flags}`);
    }
  });

  it('codes smooth images by 2-D prediction on rows of the right width, and decodes them exactly', () => {
    // Two 40 × 60 images flattened (as a decoder's basis over a 40 × 60 field is), plus a bias image.
    const image = (k: number) => Float32Array.from({ length: 2400 }, (_, p) => Math.sin(Math.floor(p / 60) / 6 + k) * Math.cos((p % 60) / 9 - k));
    const kernel = new Float32Array(4800);
    kernel.set(image(0), 0);
    kernel.set(image(1), 2400);
    const tensors: WeightTensor[] = [
      { name: 'kernel', shape: [2, 2400], values: kernel },
      { name: 'bias', shape: [2400], values: image(2) },
    ];
    for (const precision of ['int8', 'int16'] as const) {
      const bytes = encodeWeights(tensors, precision);
      assert.equal(bytes.length, weightsByteSize(tensors, precision));
      const headers = 3 + (1 + 6 + 1 + 8 + 1) + (1 + 4 + 1 + 4 + 1);
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      assert.equal(bytes[headers] & (8 | 16), 8 | 16, `${precision}: 2-D prediction`);
      assert.equal(view.getUint16(headers + 1, true), 60, `${precision}: the image width is found`);
      const back = decodeWeights(bytes);
      const levels = precision === 'int8' ? 127 : 32767;
      tensors.forEach((t, k) => t.values.forEach((v, i) => {
        assert.ok(Math.abs(back[k].values[i] - v) <= (1 / levels) * (1 + 2 ** -10) / 2 + 1e-7, `${precision} ${t.name}[${i}]`);
      }));
      const bad = bytes.slice();
      new DataView(bad.buffer).setUint16(headers + 1, 7, true);
      assert.throws(() => decodeWeights(bad), /grid width/);
    }
  });
});
