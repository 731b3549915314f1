// A decoded slab's two views (slab-tasks.ts decodeSlabChunk): float64 values are the array as written (one
// array, not a copy), any other dtype gets its own array of the values cast; either way every value within the
// bound as written, NaN and ±Inf kept, and the slab's buffers given back once.
import { strict as assert } from 'node:assert';
import { decodeSlabChunk, releaseDecoded, runSlabTask } from '../../src/kernel/parallel/slab-tasks';
import type { EbGlobals } from '../../src/kernel/compress/eb-slab';
import type { DType } from '../../src/kernel/types';

const SHAPE = [6, 40, 48];
const SIZE = SHAPE[0] * SHAPE[1] * SHAPE[2];
const TOLERANCE = 1e-3;

/** A smooth field with noise, a NaN and both infinities, representable in float32. */
function field(): Float64Array {
  const values = new Float64Array(SIZE);
  for (let i = 0; i < SIZE; i++) values[i] = Math.fround(Math.sin(i / 37) + 0.5 * Math.cos(i / 1013) + 1e-3 * Math.sin(i * 12.9898));
  values[17] = NaN;
  values[500] = Infinity;
  values[SIZE - 3] = -Infinity;
  return values;
}

async function decodedSlab(dtype: DType): Promise<{ values: Float64Array; decoded: Awaited<ReturnType<typeof decodeSlabChunk>> }> {
  const values = field();
  const globals: EbGlobals = { bound: { kind: 'abs', value: TOLERANCE }, tolerances: [TOLERANCE], dtype, kind: 'frames' };
  const coded = await runSlabTask({ task: 'eb', array: { dtype: 'float64', shape: SHAPE, data: values.slice() }, firstRow: 0, globals, file: 'x.npy' });
  const decoded = await decodeSlabChunk(coded.chunk, SHAPE, dtype, globals, undefined, 'x.npy');
  return { values, decoded };
}

function assertWithinBound(original: Float64Array, written: ArrayLike<number>): void {
  for (let i = 0; i < original.length; i++) {
    const x = original[i];
    const y = written[i];
    if (Number.isNaN(x)) assert.ok(Number.isNaN(y), `value ${i}: NaN became ${y}`);
    else if (!Number.isFinite(x)) assert.equal(y, x, `value ${i}`);
    else assert.ok(Math.abs(y - x) <= TOLERANCE, `value ${i}: ${y} for ${x}`);
  }
}

describe('decoded slabs: the values as written', () => {
  it('float64: the array as written is the values themselves, within the bound', async () => {
    const { values, decoded } = await decodedSlab('float64');
    assert.ok(decoded.array.data instanceof Float64Array);
    assert.equal(decoded.array.data, decoded.values, 'no copy of a float64 slab');
    assert.deepEqual(decoded.array.shape, SHAPE);
    assertWithinBound(values, decoded.array.data as Float64Array);
    releaseDecoded(decoded); // one buffer, given back once
  });

  it('float32: an array of its own, each value the float64 value cast, within the bound', async () => {
    const { values, decoded } = await decodedSlab('float32');
    const data = decoded.array.data;
    assert.ok(data instanceof Float32Array);
    assert.notEqual(data.buffer, decoded.values.buffer);
    for (let i = 0; i < SIZE; i++) assert.ok(Object.is(data[i], Math.fround(decoded.values[i])), `value ${i}`);
    // The coder reconstructs float32 values: the cast changes none of them.
    for (let i = 0; i < SIZE; i++) assert.ok(Object.is(data[i], decoded.values[i]), `value ${i}: ${decoded.values[i]} is not a float32`);
    assertWithinBound(values, data);
    releaseDecoded(decoded);
  });
});
