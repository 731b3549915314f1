// CF-packed integer variables (scale_factor, add_offset): the bound holds on the stored integers. An abs bound is
// said in the variable's own units too; a pw-rel bound with an offset, which would not hold on the unpacked values
// (-0.01 °C came back +0.09), is refused before anything is written.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compress } from '../../src/kernel/compress';
import { rejectsBaler, tempFolder } from './data-helpers';
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

  it('a pw-rel bound on a packed variable with an offset is refused, nothing written', async () => {
    const input = write('offset.nc', { scale_factor: { type: 'float', values: [0.01] }, add_offset: { type: 'float', values: [10] } });
    const output = path.join(folder(), 'offset.baler');
    await rejectsBaler(() => compress(input, { errorBound: 'pw-rel:1e-2', output }), /sst is packed \(add_offset 10\): a pw-rel bound holds on its stored integers, not on the unpacked values; use rel or abs/, input);
    assert.ok(!fs.existsSync(output));
    await compress(input, { errorBound: 'rel:1e-3', output, threads: 1 });
    assert.ok(fs.existsSync(output), 'rel means the same packed or not');
  });
});
