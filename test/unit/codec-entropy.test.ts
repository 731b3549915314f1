import { strict as assert } from 'node:assert';
import {
  compressBytes, decompressBytes, ensureZstd, shuffleBytes, unshuffleBytes,
} from '../../src/kernel/codec/entropy';

function smoothFloat32(count: number): Uint8Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = 20 + 5 * Math.sin(i / 300) + 0.001 * Math.cos(i * 1.7);
  return new Uint8Array(values.buffer);
}

describe('codec: entropy coding and shuffle', () => {
  before(() => ensureZstd());

  it('round-trips every coding, including empty input', async () => {
    const inputs = [new Uint8Array(0), Uint8Array.from([7]), smoothFloat32(10_000)];
    for (const coding of ['raw', 'zstd', 'deflate', 'none'] as const) {
      for (const data of inputs) {
        const packed = await compressBytes(data, coding);
        const back = await decompressBytes(packed, coding, data.length);
        assert.ok(Buffer.from(back).equals(data), `${coding}, ${data.length} bytes`);
      }
    }
  });

  it('zstd and deflate beat raw on repetitive data', async () => {
    const text = new TextEncoder().encode('time,energy,pt\n'.repeat(2000));
    const zstd = await compressBytes(text, 'zstd');
    const deflate = await compressBytes(text, 'deflate');
    assert.ok(zstd.length < text.length / 50, `zstd ${zstd.length} of ${text.length}`);
    assert.ok(deflate.length < text.length / 50, `deflate ${deflate.length} of ${text.length}`);
  });

  it('shuffle makes smooth float32 data compress better', async () => {
    const data = smoothFloat32(50_000);
    for (const coding of ['zstd', 'deflate'] as const) {
      const plain = await compressBytes(data, coding);
      const shuffled = await compressBytes(shuffleBytes(data, 4), coding);
      assert.ok(shuffled.length < plain.length * 0.9, `${coding}: shuffled ${shuffled.length} vs plain ${plain.length}`);
    }
  });

  it('shuffle is a byte-plane transposition and unshuffle inverts it, with a partial last element', () => {
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual([...shuffleBytes(data, 4)], [1, 5, 2, 6, 3, 7, 4, 8, 9, 10, 11]);
    for (const size of [1, 2, 3, 4, 8, 16]) {
      assert.deepEqual([...unshuffleBytes(shuffleBytes(data, size), size)], [...data], `element size ${size}`);
    }
  });

  it('refuses data that does not decode to the expected length, and garbage', async () => {
    const data = smoothFloat32(1000);
    for (const coding of ['zstd', 'deflate'] as const) {
      const packed = await compressBytes(data, coding);
      await assert.rejects(decompressBytes(packed, coding, data.length - 1), /expected|larger|length|buffer/i);
      await assert.rejects(decompressBytes(packed, coding, data.length + 1));
      await assert.rejects(decompressBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), coding, 100));
    }
    await assert.rejects(decompressBytes(Uint8Array.from([1, 2]), 'raw', 3), /expected 3/);
  });

  it('checks compression levels', async () => {
    await assert.rejects(compressBytes(new Uint8Array(4), 'zstd', 23), /level/);
    await assert.rejects(compressBytes(new Uint8Array(4), 'deflate', 10), /level/);
    const fast = await compressBytes(smoothFloat32(20_000), 'zstd', 1);
    const strong = await compressBytes(smoothFloat32(20_000), 'zstd', 19);
    assert.ok(strong.length <= fast.length);
  });
});
