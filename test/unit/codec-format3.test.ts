// Files written by the format-3 writer (test/fixtures/format3, made with baler-vscode 0.1.0 before format 4)
// still decompress, to the very bytes that writer's own decompress gave: an error-bounded table (walk, abs:0.01)
// and a lossless integer table (ints).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decompress, inspect } from '../../src/kernel/pipeline';
import { parseNpy } from '../../src/kernel/data/npy';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'format3');

describe('codec: files of format 3', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-format3-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [baler, expected, source] of [['walk-f3.baler', 'walk-f3.decoded.npy', 'walk.npy'], ['ints-f3.baler', 'ints.npy', 'ints.npy']]) {
    it(`${baler} decompresses to what the format-3 writer's decompress gave`, async () => {
      const input = path.join(dir, baler);
      fs.copyFileSync(path.join(FIXTURES, baler), input);
      const info = await inspect(input);
      assert.equal(info.formatVersion, 3);
      assert.equal(info.source?.name, source);
      const { output } = await decompress(input, { output: path.join(dir, `${baler}.npy`), threads: 1 });
      assert.ok(fs.readFileSync(output).equals(fs.readFileSync(path.join(FIXTURES, expected))), `${baler}: other bytes`);
      if (info.errorBound) {
        const original = parseNpy(new Uint8Array(fs.readFileSync(path.join(FIXTURES, source)))).data as Float32Array;
        const decoded = parseNpy(new Uint8Array(fs.readFileSync(output))).data as Float32Array;
        for (let i = 0; i < original.length; i++) assert.ok(Math.abs(decoded[i] - original[i]) <= 0.01, `value ${i}`);
      }
    });
  }
});
