import { strict as assert } from 'node:assert';
import seedrandom from 'seedrandom';
import { BalerError } from '../../src/kernel/errors';
import type { WeightTensor } from '../../src/kernel/types';
import { fitsFloat16, packFloats, unpackFloats } from '../../src/kernel/codec/numbers';
import { decodeWeights, encodeWeights, tensorEncoding, weightsByteSize } from '../../src/kernel/codec/weights';

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

  it('int8 weights stay within half a step of their channel (per-channel symmetric scale)', () => {
    const tensors = decoder();
    const back = decodeWeights(encodeWeights(tensors, 'int8'));
    for (const [k, t] of tensors.entries()) {
      const channels = t.shape.length ? t.shape[t.shape.length - 1] : 1;
      const maxAbs = new Float32Array(channels);
      t.values.forEach((v, i) => (maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(v))));
      t.values.forEach((v, i) => {
        const err = Math.abs(back[k].values[i] - v);
        const step = t.shape.length >= 2 ? maxAbs[i % channels] / 127 : Math.abs(v) * 2 ** -10;
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
});
