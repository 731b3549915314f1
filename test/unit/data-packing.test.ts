// CF-packed integer variables (scale_factor, add_offset): the bound holds on the stored integers. An abs bound is
// said in the variable's own units too; under a pw-rel bound, which would not hold on the unpacked values of a
// variable with an offset (-0.01 °C came back +0.09), such a variable is kept exact and the others get the bound.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress } from '../../src/kernel/compress';
import { tempFolder } from './data-helpers';
import { writeNetcdf3, type Nc3Attribute } from './netcdf3-writer';

describe('CF-packed variables', () => {
  const folder = tempFolder('baler-packing-');
  const packed = Int16Array.from({ length: 4 * 20 * 30 }, (_, i) => Math.round(1000 * Math.sin(i / 50)));
  const write = (name: string, attributes: Record<string, Nc3Attribute>): string => {
    const file = path.join(folder(), name);
    writeNetcdf3(file, { time: 4, y: 20, x: 30 }, [{ name: 'sst', dimensions: ['time', 'y', 'x'], type: 'short', values: packed, attributes }]);
    return file;
  };

  it('an abs bound is said in the variable\'s own units as well', async () => {
    const input = write('scaled.nc', { scale_factor: { type: 'float', values: [0.01] } });
    const log: string[] = [];
    await compress(input, { errorBound: 'abs:2', threads: 1 }, { onLog: (l) => log.push(l) });
    assert.ok(log.some((l) => l.includes('sst is packed (scale_factor 0.009999999776482582): abs:2 holds on its stored integers, that is ±0.02 in its own units (abs:200 for ±2 there)')), log.join('\n'));
  });

  it('under a pw-rel bound a packed variable with an offset is kept exact, and the file\'s other variables get the bound', async () => {
    const file = path.join(folder(), 'offset.nc');
    const real = Float32Array.from({ length: 4 * 20 * 30 }, (_, i) => 300 + 20 * Math.sin(i / 70));
    writeNetcdf3(file, { time: 4, y: 20, x: 30 }, [
      { name: 'sst', dimensions: ['time', 'y', 'x'], type: 'short', values: packed, attributes: { scale_factor: { type: 'float', values: [0.01] }, add_offset: { type: 'float', values: [10] } } },
      { name: 'tas', dimensions: ['time', 'y', 'x'], type: 'float', values: real, attributes: {} },
    ]);
    const output = path.join(folder(), 'offset.baler');
    const log: string[] = [];
    const { info } = await compress(file, { errorBound: 'pw-rel:1e-2', output, threads: 1 }, { onLog: (l) => log.push(l) });
    assert.ok(log.some((l) => /sst: stored losslessly \(packed \(add_offset 10\): a pw-rel bound on its stored integers would not hold on the unpacked values, so it is kept exact\)/.test(l)), log.join('\n'));
    const byPath = new Map(info.arrays!.map((a) => [a.path, a]));
    assert.equal(byPath.get('sst')!.errors.maxAbsError, 0);
    assert.equal(byPath.get('tas')!.mode, 'error-bounded');
    assert.ok(byPath.get('tas')!.errors.maxAbsError > 0, 'the unpacked variable is coded within its pw-rel bound, not exactly');
    await compress(file, { errorBound: 'rel:1e-3', output, threads: 1, force: true });
    assert.ok(fs.existsSync(output), 'rel means the same packed or not');
  });
});
