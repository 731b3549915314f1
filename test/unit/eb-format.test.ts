import assert from 'node:assert/strict';
import { BalerError } from '../../src/kernel/errors';
import { predictorById, predictorsFor } from '../../src/kernel/eb/predictors';
import { checksumMatches, readSlab, SLAB_FORMAT, SlabHeader, writeSlab } from '../../src/kernel/eb/format';

const header: SlabHeader = {
  usesModel: false, dtypeCode: 1, boundKind: 'rel', tableKind: false,
  configuration: { layout: 'field', mode: 'temporal', order: [1, 2, 0], alpha: 1.25, beta: 4, blockSize: 16, edges: 'open', directions: 'all', predictors: predictorsFor('temporal', false) },
  grids: [0],
  stepShrink: 19, specials: false, maskRows: false, checked: false, exactCount: 2, hash: 0xdeadbeef,
};
const VALUES = 300_000;

describe('eb: slab byte layout', () => {
  it('writes a compact self-describing layout (the usual configuration in a dozen bytes) and reads back every field', () => {
    const stream = Uint8Array.from({ length: 100 }, (_, k) => k);
    const exact = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const bytes = writeSlab({ header, stream, exact });
    assert.equal(bytes[0], SLAB_FORMAT);
    assert.ok(bytes.length - stream.length - exact.length <= 12, `header of ${bytes.length - 108} bytes`);
    const back = readSlab(bytes, 4, VALUES);
    assert.deepEqual({ ...back.header, hash: header.hash }, header);
    assert.deepEqual(back.stream, stream);
    assert.deepEqual(back.exact, exact);
    assert.equal(checksumMatches(back, header.hash), true);
    assert.equal(checksumMatches(back, header.hash ^ 1), false);
  });

  it('lists what is not usual: a schedule, a block size, a choice of predictors', () => {
    const unusual: SlabHeader = {
      ...header, usesModel: true,
      configuration: { ...header.configuration, alpha: 1.75, beta: 3, blockSize: 5, predictors: [predictorById(2)!, predictorById(0)!] },
    };
    const bytes = writeSlab({ header: unusual, stream: new Uint8Array(50), exact: new Uint8Array(8) });
    const back = readSlab(bytes, 4, VALUES);
    assert.deepEqual({ ...back.header, hash: unusual.hash }, unusual);
    assert.ok(bytes.length - 58 <= 18);
  });

  it('keeps the layout and each view\'s grid: one byte for a grid all views share, nine for a step', () => {
    const table: SlabHeader = { ...header, exactCount: 0, tableKind: true, configuration: { ...header.configuration, layout: 'table', mode: 'interpolation', edges: 'anchored', predictors: predictorsFor('interpolation', false) }, grids: [0, 1, 0.005, 1] };
    const back = readSlab(writeSlab({ header: table, stream: new Uint8Array(4), exact: new Uint8Array(0) }), 4, 100);
    assert.deepEqual(back.header.grids, [0, 1, 0.005, 1]);
    assert.equal(back.header.configuration.layout, 'table');
    assert.equal(back.header.tableKind, true);
    const shared = writeSlab({ header: { ...header, exactCount: 0, grids: [1, 1, 1] }, stream: new Uint8Array(4), exact: new Uint8Array(0) });
    assert.deepEqual(readSlab(shared, 4, 100).header.grids, [1]);
    const step = writeSlab({ header: { ...header, exactCount: 0, grids: [0.005] }, stream: new Uint8Array(4), exact: new Uint8Array(0) });
    assert.equal(step.length - shared.length, 8);
  });

  it('refuses every truncation, and bad fields with a BalerError, before allocating', () => {
    const bytes = writeSlab({ header, stream: new Uint8Array(10), exact: new Uint8Array(8) });
    // Cut inside the header or the exact values: refused (a cut stream is the decoder's to find).
    for (let n = 0; n < 11; n++) assert.throws(() => readSlab(bytes.subarray(0, n), 4, 1000), BalerError, `${n} bytes`);
    const bad = (at: number, value: number, why: RegExp) => {
      const b = bytes.slice();
      b[at] = value;
      assert.throws(() => readSlab(b, 4, 1000), why);
    };
    bad(0, 1, /unknown format/);
    bad(0, 7, /format 7, written by a newer Baler .*: update Baler/);
    bad(3, 3, /mode/);
    bad(3, 0b11100, /axis order/);
    bad(3, 0b10000000 | 0b01101, /tolerance schedule/);
    bad(4, 0, /step shrink/);
    bad(5, 0, /grid count/);
    bad(6, 7, /grid tag/);
    bad(7, 200, /exact values/);
    assert.throws(() => readSlab(Uint8Array.from([1, 0, 0, 0, 36, 16, 16, 16, 20, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255]), 8, 10), BalerError);
    // A varint of 8 bytes holds 56 bits: one beyond 2^53 would lose its low bits, and is refused as it is read.
    assert.throws(() => readSlab(Uint8Array.from([2, 0, 0, 0, 20, 255, 255, 255, 255, 255, 255, 255, 127, 0, 0, 0, 0, 0, 0]), 8, 10), /grid count is out of range/);
    // A short slab said to hold a billion values is refused before the decoder allocates for them.
    assert.throws(() => readSlab(bytes, 4, 1e9), /cannot fit in a stream of 10 bytes/);
    assert.throws(() => readSlab(bytes, 4, 1), /more exact values than values/);
  });
});
