import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ByteReader } from '../../src/kernel/codec/bytes';
import { bytesAccess } from '../../src/kernel/codec/io';
import { BalerError } from '../../src/kernel/errors';
import { readHeader, writeHeader, type ArrayEntry, type DataHeader, type ModelHeader, type PredictorHeader } from '../../src/kernel/codec/header';
import { checkLayout } from '../../src/kernel/codec/header-check';
import { encodeContainer, readTrailer, unpackIndex, type SectionInput } from '../../src/kernel/codec/container';
import type { DenseArchitecture } from '../../src/kernel/types';

const errors = { rmse: 0.5, nrmse: 0.25, psnr: 40.5, maxAbsError: 1, maxRelError: 0.125, range: 2 };
const dense: DenseArchitecture = { type: 'dense', inputSize: 8, hidden: [4], latent: 2, activation: 'leaky_relu', leakyAlpha: 0.01 };
const normalisation = { kind: 'minmax' as const, min: Array.from({ length: 8 }, (_, i) => -i), max: Array.from({ length: 8 }, (_, i) => i + 0.5) };

function table(codec: ArrayEntry['codec'], overrides: Partial<ArrayEntry> = {}): ArrayEntry {
  return { path: '', kind: 'table', shape: [100, 8], dtype: 'float64', names: [], attributes: '', slabRows: 100, codec, errors, ...overrides };
}

function data(arrays: ArrayEntry[], extra: Partial<DataHeader> = {}): DataHeader {
  return { kind: 'data', createdBy: 'baler-vscode test', source: { name: 'x.npz', bytes: 6528, format: 'npz' }, arrays, ...extra };
}

const model = { architecture: dense, normalisation, decoderPrecision: 'int8' as const, latentSize: 2, latentPrecision: 'float16' as const };

const headers: Record<string, DataHeader | ModelHeader | PredictorHeader> = {
  lossless: data([table({ mode: 'lossless' }, { dtype: 'int64', names: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], attributes: '{"units":"GeV"}' })]),
  errorBounded: data([table({ mode: 'error-bounded', bound: { kind: 'rel', value: 1e-3 }, tolerances: [0.5, 0.25, 0.125, 1, 2, 4, 8, 16] })]),
  withPrediction: data([table({ mode: 'error-bounded', bound: { kind: 'abs', value: 0.01 }, tolerances: [0.0099999997764825820922851562], prediction: model })],
    { search: { target: 'psnr:40', objective: 'total', points: 12, chosen: 7 } }),
  pwRel: data([table({ mode: 'error-bounded', bound: { kind: 'pw-rel', value: 2 ** -11 }, tolerances: [] }, { kind: 'frames', shape: [3, 4, 2], slabRows: 2 })]),
  autoencoder: data([table({ mode: 'autoencoder', model: { ...model, shared: { hash: 'ab'.repeat(32), bytes: 1234, fileName: 'm.balermodel' }, training: { epochs: 10, finalLoss: 0.5, stoppedBecause: 'early-stopping', backend: 'wasm' } } })]),
  twoArrays: data([table({ mode: 'lossless' }, { path: 'events' }), table({ mode: 'lossless' }, { path: 'events/Jet', shape: [7], dtype: 'uint32', slabRows: 7 })]),
  learned: data([table({ mode: 'error-bounded', bound: { kind: 'rel', value: 1e-3 }, tolerances: [0.5, 0.25, 0.125, 1, 2, 4, 8, 16], learned: { family: 'columns', baselineBytes: 123456 } },
    { errors: { ...errors, worstColumn: { column: 7, psnr: 38.5, maxErrorOverRange: 0.0009765625 } } })]),
  learnedShared: data([table({ mode: 'error-bounded', bound: { kind: 'abs', value: 0.5 }, tolerances: [0.5], learned: { family: 'basis', shared: { hash: 'cd'.repeat(32), bytes: 999, fileName: 'flows.balermodel' }, baselineBytes: 7 } },
    { kind: 'frames', shape: [10, 4, 2], slabRows: 5 })]),
  predictor: { kind: 'predictor', createdBy: 'x', family: 'basis', description: 'learned basis of 8 rows of [4×2], fitted at rel:1e-3 on 2 files' },
  constant: data([table({ mode: 'constant', value: Uint8Array.from([0, 0, 0, 0, 0, 0, 0xf8, 0x7f]) }, { errors: { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 0, worstColumn: { column: 0, psnr: Infinity, maxErrorOverRange: 0 } } })],
    { createdBy: 'baler-vscode 12.0.345' }),
  constantInt8: data([table({ mode: 'constant', value: Uint8Array.from([0xd6]) }, { dtype: 'int8', kind: 'frames', shape: [3, 4, 5], slabRows: 3, errors: { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 0 } })]),
  exactWithRange: data([table({ mode: 'lossless' }, { errors: { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 2.5, worstColumn: { column: 3, psnr: Infinity, maxErrorOverRange: 0 } } })]),
  model: { kind: 'model', createdBy: 'x', architecture: dense, normalisation, decoderPrecision: 'float16', encoderPrecision: 'float32', history: { epochs: 2, loss: [1, 0.5], valLoss: [], learningRate: [2 ** -10, 2 ** -11], stoppedBecause: 'epochs', backend: 'cpu' } },
};

function rejected(bytes: Uint8Array, what: string): BalerError {
  try {
    readHeader(bytes, 'x.baler');
  } catch (err) {
    assert.ok(err instanceof BalerError, `${what}: ${String(err)} is not a BalerError`);
    return err;
  }
  return assert.fail(`${what}: accepted`);
}

describe('codec: the typed header', () => {
  it('round-trips every kind of header exactly', () => {
    for (const [name, h] of Object.entries(headers)) assert.deepEqual(readHeader(writeHeader(h)), h, name);
  });

  it('is compact: an error-bounded field takes well under 100 bytes, each column of a table 4 more', () => {
    const field = data([table({ mode: 'error-bounded', bound: { kind: 'rel', value: 1e-3 }, tolerances: [0.5] }, { kind: 'frames', shape: [60, 50, 50], slabRows: 60 })], { createdBy: 'baler-vscode 0.1.0' });
    const fieldBytes = writeHeader(field).length;
    assert.ok(fieldBytes < 90, `${fieldBytes} bytes`);
    const tableBytes = writeHeader({ ...headers.errorBounded, createdBy: 'baler-vscode 0.1.0' }).length;
    assert.ok(tableBytes <= fieldBytes + 8 * 4, `${tableBytes} bytes for 8 columns`);
  });

  it('layout 2: stores a constant by its bytes, an exact array\'s figures and a zero range in one flags byte, this program by its version', () => {
    const lossless = (errors: ArrayEntry['errors'], createdBy = 'baler-vscode 0.1.0') => writeHeader(data([table({ mode: 'lossless' }, { errors })], { createdBy })).length;
    const exact = { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 0 };
    assert.equal(lossless(errors) - lossless(exact), 5 * 4 + 4, 'five figures and the range are not stored');
    assert.equal(lossless({ ...exact, range: 3 }) - lossless(exact), 4, 'a range is stored when it is not 0');
    assert.equal(lossless(exact, 'other tool 1.0') - lossless(exact), 'other tool 1.0'.length + 1 - 3, 'another name is stored as text');
    for (const createdBy of ['baler-vscode 0.1.0', 'baler-vscode 01.2.3', 'baler-vscode 1.2', 'baler-vscode 1.2.3-beta', 'baler-vscode 999999999.0.1', '']) {
      const h = data([table({ mode: 'lossless' })], { createdBy });
      assert.equal(readHeader(writeHeader(h)).createdBy, createdBy);
    }
    const nearlyExact = { ...exact, rmse: 1e-300 };
    assert.deepEqual(readHeader(writeHeader(data([table({ mode: 'lossless' }, { errors: nearlyExact })]))), data([table({ mode: 'lossless' }, { errors: { ...nearlyExact, rmse: 1.401298464324817e-45 } })]), 'a figure that is not 0 is stored (rounded up)');
    assert.throws(() => writeHeader(data([table({ mode: 'constant', value: new Uint8Array(4) })])), /constant of 4 bytes for dtype float64/);
    const bad = writeHeader(headers.constant);
    const flags = bad.length - 2; // the last field: the worst column's number
    assert.equal(bad[flags], 1 | 2 | 4);
    bad[flags] = 8;
    assert.match(rejected(bad, 'flags').message, /unknown error flags 8/);
  });

  it('layout 2: names the source after the .baler\'s own stem when it starts with it (data.npy → data.baler)', () => {
    const h = data([table({ mode: 'lossless' })], { source: { name: 'run_2024_detector3.npy', bytes: 10, format: 'npy' } });
    const relative = writeHeader(h, '/out/run_2024_detector3.baler');
    assert.equal(writeHeader(h).length - relative.length, 'run_2024_detector3'.length);
    assert.equal((readHeader(relative, '/elsewhere/run_2024_detector3.baler') as DataHeader).source.name, 'run_2024_detector3.npy');
    assert.equal((readHeader(relative, 'renamed.baler') as DataHeader).source.name, 'renamed.npy', 'a renamed file names its source after itself');
    assert.equal((readHeader(writeHeader(h, '/out/other.baler'), 'other.baler') as DataHeader).source.name, 'run_2024_detector3.npy', 'any other name is stored as it is');
  });

  it('layout 1 (formats 2 and 3, here from a file the format-3 writer wrote) stores every figure and knows no constant', () => {
    const file = new Uint8Array(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'format3', 'ints-f3.baler')));
    const { indexLength, trailerBytes } = readTrailer(bytesAccess(file), 3);
    const r = new ByteReader(unpackIndex(file.subarray(file.length - trailerBytes - indexLength, file.length - trailerBytes)));
    const bytes = r.take(r.varuint('header length'), 'header').slice();
    assert.equal(bytes[0], 1);
    const h = readHeader(bytes) as DataHeader;
    assert.equal(h.createdBy, 'baler-vscode 0.1.0');
    assert.deepEqual(h.arrays[0].errors, { rmse: 0, nrmse: 0, psnr: Infinity, maxAbsError: 0, maxRelError: 0, range: 40010, worstColumn: { column: 0, psnr: Infinity, maxErrorOverRange: 0 } });
    const mode = bytes.length - 2 - (1 + 8 + 1) - 6 * 4 - 1; // before the figures, the worst column and the two flags
    assert.equal(bytes[mode], 0, 'lossless');
    bytes[mode] = 3;
    assert.match(rejected(bytes, 'constant in layout 1').message, /unknown mode 3/);
  });

  it('keeps no timing: the same content gives the same bytes', () => {
    assert.deepEqual(writeHeader(headers.autoencoder), writeHeader(structuredClone(headers.autoencoder)));
  });

  it('rounds figures so that none looks better than measured', () => {
    const h = data([table({ mode: 'lossless' }, { errors: { rmse: 0.1, nrmse: 0.1, psnr: 40.1, maxAbsError: 0.1, maxRelError: 0.1, range: 1 } })]);
    const back = readHeader(writeHeader(h)) as DataHeader;
    const e = back.arrays[0].errors;
    assert.ok(e.psnr <= 40.1 && e.rmse >= 0.1 && e.maxAbsError >= 0.1 && e.maxRelError >= 0.1 && e.nrmse >= 0.1);
  });

  it('refuses every truncation and every trailing byte with a BalerError', () => {
    for (const [name, h] of Object.entries(headers)) {
      const bytes = writeHeader(h);
      for (let end = 0; end < bytes.length; end++) rejected(bytes.subarray(0, end), `${name} cut at ${end}`);
      rejected(Uint8Array.from([...bytes, 0]), `${name} + 1 byte`);
    }
  });

  it('never crashes on a changed byte: a BalerError or a header that validates again', () => {
    for (const [name, h] of Object.entries(headers)) {
      const bytes = writeHeader(h);
      for (let at = 0; at < bytes.length; at++) {
        for (const value of [0, 1, 0x7f, 0x80, 0xff, bytes[at] ^ 1]) {
          const bad = bytes.slice();
          bad[at] = value;
          try {
            const back = readHeader(bad, 'x.baler');
            assert.deepEqual(readHeader(writeHeader(back)), back, `${name}: byte ${at} = ${value} read back inconsistently`);
          } catch (err) {
            assert.ok(err instanceof BalerError, `${name}: byte ${at} = ${value}: ${String(err)}`);
          }
        }
      }
    }
  });

  it('refuses contradictions inside the header', () => {
    const cases: [string, DataHeader][] = [
      ['one normalisation entry for 8 columns', data([table({ mode: 'autoencoder', model: { ...model, normalisation: { kind: 'minmax', min: [0], max: [1] } } })])],
      ['a model for 6 inputs on rows of 8', data([table({ mode: 'autoencoder', model: { ...model, architecture: { ...dense, inputSize: 6 } } })])],
      ['one tolerance per column expected', data([table({ mode: 'error-bounded', bound: { kind: 'rel', value: 1e-3 }, tolerances: [1, 2] })])],
      ['3 names for 8 columns', data([table({ mode: 'lossless' }, { names: ['a', 'b', 'c'] })])],
      ['a 3-D table', data([table({ mode: 'lossless' }, { shape: [2, 2, 2] })])],
      ['more rows per slab than rows', data([table({ mode: 'lossless' }, { slabRows: 101 })])],
      ['two arrays at one path', data([table({ mode: 'lossless' }), table({ mode: 'lossless' })])],
      ['a latent size the architecture does not have', data([table({ mode: 'autoencoder', model: { ...model, latentSize: 3 } })])],
      ['a pw-rel bound of 1', data([table({ mode: 'error-bounded', bound: { kind: 'pw-rel', value: 1 }, tolerances: [] })])],
      ['more than 2^53 elements', data([table({ mode: 'lossless' }, { kind: 'frames', shape: [2 ** 20, 2 ** 20, 2 ** 20], slabRows: 1 })])],
    ];
    for (const [what, h] of cases) rejected(writeHeader(h), what);
  });

  it('checks the header against the section table before anything is decoded', async () => {
    const latents = (rows: number): SectionInput => ({ name: '0.latents', data: new Uint8Array(rows * 2 * 2), chunkBytes: rows * 4 });
    const decoder: SectionInput = { name: '0.decoder', data: new Uint8Array(10) };
    const ae = (shape: number[], slabRows: number) => data([table({ mode: 'autoencoder', model }, { shape, slabRows })]);
    const layoutOf = async (h: DataHeader, sections: SectionInput[]) => (await encodeContainer(h, sections)).index;
    const ok = ae([100, 8], 100);
    checkLayout(ok, await layoutOf(ok, [latents(100), decoder]), 'x.baler');
    const cases: [string, DataHeader, SectionInput[], RegExp][] = [
      ['200 rows of latents for 100 rows', ok, [latents(200), decoder], /latents of slab 1 take 800 bytes, 400 expected/],
      ['the decoder missing', ok, [latents(100)], /section '0.decoder' is missing/],
      ['an extra section', ok, [latents(100), decoder, { name: '0.data', data: new Uint8Array(1) }], /unexpected section '0.data'/],
      ['one chunk for two slabs', ae([100, 8], 50), [latents(100), decoder], /1 chunks for 2 slabs/],
      ['a search summary without its points', { ...ok, search: { target: 'psnr:40', objective: 'total', points: 3, chosen: 0 } }, [latents(100), decoder], /search.points' is missing|missing/],
    ];
    for (const [what, h, sections, message] of cases) {
      const index = await layoutOf(h, sections);
      assert.throws(() => checkLayout(h, index, 'x.baler'), (e: unknown) => e instanceof BalerError && message.test(e.message), what);
    }
  });
});
