import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { predictorsFor } from '../../src/kernel/eb/predictors';
import { checksumMatches, readSlab, SLAB_FORMAT, SlabHeader, writeSlab } from '../../src/kernel/eb/format';

const header: SlabHeader = {
  usesModel: false, dtypeCode: 1, boundKind: 'rel', tableKind: false,
  configuration: { layout: 'field', mode: 'temporal', order: [1, 2, 0], alpha: 1.25, beta: 4, blockSize: 16, edges: 'open', directions: 'all', predictors: predictorsFor('temporal', false) },
  grids: [0],
  stepShrink: 19, valueCount: 300_000, exactCount: 2, hash: 0xdeadbeef,
};

describe('eb: slab byte layout', () => {
  it('writes a compact self-describing layout and reads back every field', () => {
    const stream = Uint8Array.from({ length: 100 }, (_, k) => k);
    const exact = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const bytes = writeSlab({ header, stream, exact });
    assert.equal(bytes[0], SLAB_FORMAT);
    assert.ok(bytes.length - stream.length - exact.length <= 26, `header of ${bytes.length - 108} bytes`);
    const back = readSlab(bytes, 4);
    assert.deepEqual({ ...back.header, hash: header.hash }, header);
    assert.deepEqual(back.stream, stream);
    assert.deepEqual(back.exact, exact);
    assert.equal(checksumMatches(back, header.hash), true);
    assert.equal(checksumMatches(back, header.hash ^ 1), false);
  });

  it('keeps the layout and each view\'s grid: one byte for a grid all views share, nine for a step', () => {
    const table: SlabHeader = { ...header, valueCount: 100, exactCount: 0, tableKind: true, configuration: { ...header.configuration, layout: 'table', mode: 'interpolation', edges: 'anchored', predictors: predictorsFor('interpolation', false) }, grids: [0, 1, 0.005, 1] };
    const back = readSlab(writeSlab({ header: table, stream: new Uint8Array(4), exact: new Uint8Array(0) }), 4);
    assert.deepEqual(back.header.grids, [0, 1, 0.005, 1]);
    assert.equal(back.header.configuration.layout, 'table');
    assert.equal(back.header.tableKind, true);
    const shared = writeSlab({ header: { ...header, valueCount: 100, exactCount: 0, grids: [1, 1, 1] }, stream: new Uint8Array(4), exact: new Uint8Array(0) });
    assert.deepEqual(readSlab(shared, 4).header.grids, [1]);
    const step = writeSlab({ header: { ...header, valueCount: 100, exactCount: 0, grids: [0.005] }, stream: new Uint8Array(4), exact: new Uint8Array(0) });
    assert.equal(step.length - shared.length, 8);
  });

  it('refuses every truncation, trailing bytes, and bad fields with a BalerError, before allocating', () => {
    const bytes = writeSlab({ header: { ...header, valueCount: 1000 }, stream: new Uint8Array(10), exact: new Uint8Array(8) });
    for (let n = 0; n < bytes.length; n++) assert.throws(() => readSlab(bytes.subarray(0, n), 4), BalerError, `${n} bytes`);
    assert.throws(() => readSlab(Uint8Array.from([...bytes, 0]), 4), /after the end/);
    const bad = (at: number, value: number, why: RegExp) => {
      const b = bytes.slice();
      b[at] = value;
      assert.throws(() => readSlab(b, 4), why);
    };
    bad(0, 1, /unknown format/);
    bad(1, 32, /flags/);
    bad(1, 6, /flags/);
    bad(3, 7, /mode/);
    bad(4, 0, /axis order/);
    bad(5, 3, /tolerance schedule/);
    bad(7, 0, /block size/);
    bad(8, 0, /step shrink/);
    bad(9, 9, /predictor count/);
    bad(10, 8, /predictors/);
    bad(14, 0, /grid count/);
    bad(15, 7, /grid tag/);
    assert.throws(() => readSlab(Uint8Array.from([1, 0, 0, 0, 36, 16, 16, 16, 20, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255]), 8), BalerError);
    // A short slab claiming a billion values is refused before the decoder allocates for them.
    const claim = writeSlab({ header: { ...header, valueCount: 1e9, exactCount: 0 }, stream: new Uint8Array(10), exact: new Uint8Array(0) });
    assert.throws(() => readSlab(claim, 4), /cannot fit in a stream of 10 bytes/);
  });
});
