// The encoder module's memory (which never shrinks) is given back when a thread turns to reading the file back, so
// that the read-back decodes within the budget beside it (memory.ts counts the module while slabs are coded).
import { strict as assert } from 'node:assert';
import { encodeSlabSync, type EbGlobals } from '../../src/kernel/eb/codec';
import { encodeInWasm, encoderModule, releaseEncoderModule, wasmEncoding } from '../../src/kernel/eb/wasm/encoder';
import { ENCODER_MODULE_BYTES_PER_VALUE, SMALL_PASS_BYTES } from '../../src/kernel/eb/wasm/encoder-memory';
import { runPass, type PassInput } from '../../src/kernel/eb/pass';
import { layoutOf } from '../../src/kernel/eb/layout';
import { valueType } from '../../src/kernel/eb/dtype';
import { predictorByName } from '../../src/kernel/eb/predictors';
import { decodeTask } from '../../src/kernel/parallel/slab-tasks';
import { tagged, TAG_EB } from '../../src/kernel/codec/slab';

describe('the encoder module\'s memory', () => {
  const shape = [8, 64, 64];
  const values = Float64Array.from({ length: 8 * 64 * 64 }, (_, i) => Math.fround(Math.sin(i / 50) + Math.cos(i / 777)));
  const g: EbGlobals = { bound: { kind: 'abs', value: 1e-3 }, tolerances: [1e-3], dtype: 'float32', kind: 'frames' };

  it('is on by default, and grows with the largest pass coded', () => {
    assert.ok(wasmEncoding.enabled, 'the module codes by default (BALER_EB_ENCODER=js turns it off)');
    const before = wasmEncoding.passes;
    encodeSlabSync(values, shape, g);
    assert.ok(wasmEncoding.passes > before, 'the module coded a pass');
    assert.ok(encoderModule()!.memory.buffer.byteLength >= 9 * values.length, 'its memory holds the pass (float32: 9 bytes a value)');
  });

  it('is given back by releaseEncoderModule, and by a decoding task', async () => {
    const coded = encodeSlabSync(values, shape, g);
    const grown = encoderModule()!;
    releaseEncoderModule();
    const fresh = encoderModule()!;
    assert.notEqual(fresh, grown, 'a new instance');
    assert.ok(fresh.memory.buffer.byteLength < values.length, `a new memory (${fresh.memory.buffer.byteLength} bytes)`);
    encodeSlabSync(values, shape, g);
    const again = encoderModule()!;
    assert.ok(again.memory.buffer.byteLength >= 9 * values.length);
    const decoded = await decodeTask({ task: 'decode', chunk: tagged(TAG_EB, coded.bytes), shape, dtype: 'float32', globals: g, file: 'x.baler' });
    assert.deepEqual(Array.from(decoded.values), Array.from(coded.reconstruction));
    assert.notEqual(encoderModule(), again, 'decoding gave the encoder\'s memory back');
  });

  it('takes a pass only where its copy fits the coder\'s arrays memory.ts counts (f32 points for float32, one base at most), or is small', () => {
    assert.equal(wasmEncoding.maxBytesPerValue, ENCODER_MODULE_BYTES_PER_VALUE);
    assert.equal(wasmEncoding.smallPassBytes, SMALL_PASS_BYTES);
    const layout = layoutOf([20, 30], 'field');
    const pass = (dtype: 'float32' | 'float64', predictors: string[], model?: Float64Array): PassInput => ({
      size: 600, layout, type: valueType(dtype), domain: 'absolute', grids: [0], pointwiseBound: 0, tolerances: [1e-3], stepTolerances: [1e-3], model,
      configuration: { layout: layout.name, mode: 'interpolation', order: [0, 1, 2], alpha: 1, beta: 1, blockSize: 16, edges: 'anchored', directions: 'all', predictors: predictors.map(predictorByName) },
    });
    const data = Float64Array.from({ length: 600 }, (_, i) => Math.fround(Math.sin(i / 9)));
    const model = data.map((x, i) => 0.9 * x + 1e-3 * Math.cos(i));
    const taken = (input: PassInput, values: Float64Array) => {
      const coded = encodeInWasm(input, values);
      if (!coded) return false;
      const js = runPass(input, values);
      assert.deepEqual(coded.pc.finishStream(), js.pc.finishStream());
      assert.deepEqual(Array.from(coded.pc.finishOutput()), Array.from(js.pc.finishOutput()));
      coded.pc.release(false);
      js.pc.release(false);
      return true;
    };
    assert.ok(taken(pass('float32', ['cubic', 'linear']), data), 'float32: 9 bytes a value');
    assert.ok(taken(pass('float64', ['cubic', 'linear']), data), 'float64: 17 bytes a value');
    assert.ok(taken(pass('float32', ['cubic', 'cubic-over-model'], model), data), 'float32 over a model: 17 bytes a value');
    // 600 values: small enough for any bytes a value; without that allowance, 25 bytes a value are JavaScript's.
    assert.ok(taken(pass('float64', ['cubic', 'cubic-over-model'], model), data), 'a small float64 pass over a model');
    wasmEncoding.smallPassBytes = 600 * 25 - 1;
    try {
      assert.ok(!taken(pass('float64', ['cubic', 'cubic-over-model'], model), data), 'float64 over a model: 25 bytes a value, JavaScript codes it');
      const notFloat32 = data.map((x) => x + 1e-9);
      assert.ok(!taken(pass('float32', ['cubic', 'cubic-over-model'], model), notFloat32), 'originals a float32 cannot hold: f64 points, 25 bytes a value');
      assert.ok(taken(pass('float32', ['cubic', 'cubic-over-model'], model), data), 'float32 over a model: 17 bytes a value, whatever the size');
    } finally {
      wasmEncoding.smallPassBytes = SMALL_PASS_BYTES;
    }
    // Temporal over the previous frame: f64 points (the module reads the reconstruction as the base), 17 bytes a value.
    const frames = layoutOf([4, 10, 15], 'field');
    const temporal = (dtype: 'float32' | 'float64'): PassInput => ({
      ...pass(dtype, []), layout: frames,
      configuration: { ...pass(dtype, []).configuration, layout: frames.name, mode: 'temporal', predictors: ['cubic', 'linear', 'previous-frame', 'cubic-over-previous-frame'].map(predictorByName) },
    });
    assert.ok(taken(temporal('float32'), data), 'float32 temporal over the previous frame: 17 bytes a value');
    assert.ok(taken(temporal('float64'), data), 'float64 temporal over the previous frame: 17 bytes a value');
  });
});
