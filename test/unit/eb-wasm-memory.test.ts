// The encoder module's memory (which never shrinks) is given back when a thread turns to reading the file back, so
// that the read-back decodes within the budget beside it (memory.ts counts the module while slabs are coded).
import { strict as assert } from 'node:assert';
import { encodeSlabSync, type EbGlobals } from '../../src/kernel/eb/codec';
import { encoderModule, releaseEncoderModule, wasmEncoding } from '../../src/kernel/eb/wasm/encoder';
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
    assert.ok(encoderModule()!.memory.buffer.byteLength >= 17 * values.length, 'its memory holds the pass');
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
    assert.ok(again.memory.buffer.byteLength >= 17 * values.length);
    const decoded = await decodeTask({ task: 'decode', chunk: tagged(TAG_EB, coded.bytes), shape, dtype: 'float32', globals: g, file: 'x.baler' });
    assert.deepEqual(Array.from(decoded.values), Array.from(coded.reconstruction));
    assert.notEqual(encoderModule(), again, 'decoding gave the encoder\'s memory back');
  });
});
