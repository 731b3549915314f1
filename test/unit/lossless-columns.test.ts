// A table stored exactly column by column: decimals and integers by the coder at tolerance 0, a column of real
// values by zstd, each where it is smallest; one column of real values made the whole slab zstd's before.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress, decompress } from '../../src/kernel/pipeline';
import { encodeNpy, parseNpy } from '../../src/kernel/data/npy';
import { encodeLosslessSlab } from '../../src/kernel/codec/slab';
import { ensureZstd } from '../../src/kernel/codec/entropy';
import { seededUniform } from '../../src/bench/random';
import { tempFolder } from './data-helpers';

describe('lossless: a table column by column', () => {
  const folder = tempFolder('baler-lossless-columns-');
  const rows = 6000;
  const next = seededUniform(3);
  const data = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    data[r * 3] = Number((20 + 10 * Math.sin(r / 30) + next()).toFixed(3)); // decimals, as a CSV holds them
    data[r * 3 + 1] = Math.exp(next() * 3); // real values, printed in full
    data[r * 3 + 2] = Math.floor(next() * 50); // counts
  }

  it('every value back bit for bit, smaller than zstd of the whole slab', async () => {
    await ensureZstd();
    const input = path.join(folder(), 'mixed.npy');
    fs.writeFileSync(input, encodeNpy({ dtype: 'float64', shape: [rows, 3], data }));
    const { output, info } = await compress(input, { errorBound: 'abs:0', kind: 'table', threads: 1 });
    const back = path.join(folder(), 'mixed.back.npy');
    await decompress(output, { output: back });
    const values = parseNpy(fs.readFileSync(back)).data as Float64Array;
    assert.ok(values.every((v, i) => Object.is(v, data[i])), 'every value exact');
    const whole = (await encodeLosslessSlab({ dtype: 'float64', shape: [rows, 3], data })).length;
    assert.ok(info.sizes.residuals < whole * 0.9, `${info.sizes.residuals} B against zstd's ${whole} B of the whole slab`);
  });
});
