import assert from 'node:assert/strict';
import { candidateConfigurations } from '../../src/kernel/eb/configure';
import { ExactReader, valueType } from '../../src/kernel/eb/dtype';
import { layoutOf } from '../../src/kernel/eb/layout';
import { PassInput, runPass } from '../../src/kernel/eb/pass';

describe('eb: one coding pass', () => {
  it('every mode, with and without a model, decodes to the encoder\'s values within the bound, views of a table included', () => {
    const shapes: [number[], 'table' | 'field' | 'series'][] = [[[6, 10, 12], 'field'], [[50, 3], 'table'], [[50, 3], 'series']];
    for (const [shape, kind] of shapes) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float64Array.from({ length: size }, (_, i) => Math.sin(i / 11) + 0.01 * Math.cos(i * 2.3));
      const model = Float64Array.from(values, (v, i) => v + 0.003 * Math.sin(i));
      const layout = layoutOf(shape, kind);
      for (const withModel of [false, true]) {
        for (const configuration of candidateConfigurations(layout, { withModel, effort: 'best' })) {
          const type = valueType('float64');
          const tolerances = layout.views.map(() => 1e-3);
          const input: PassInput = {
            size, layout, configuration, type, domain: 'absolute', grids: layout.views.map(() => 0), pointwiseBound: 0,
            tolerances, stepTolerances: tolerances.map((t) => t * (1 - 2 ** -20)), model: withModel ? model : undefined,
          };
          const enc = runPass(input, values);
          const stream = enc.pc.indices.finish();
          const dec = runPass(input, undefined, stream, new ExactReader(enc.pc.exactBytes(), type));
          const what = `${kind} ${configuration.mode} model=${withModel}`;
          assert.deepEqual(Array.from(dec.pc.finishOutput()), Array.from(enc.pc.finishOutput()), what);
          assert.deepEqual(Array.from(dec.counts), Array.from(enc.counts), what);
          assert.equal(dec.pc.hash, enc.pc.hash, what);
          for (let i = 0; i < size; i++) assert.ok(Math.abs(dec.pc.output[i] - values[i]) <= 1e-3, `${what}: value ${i}`);
          if (withModel) assert.ok(configuration.predictors.some((p) => p.base === 'model'), what);
        }
      }
    }
  });

  it('refuses a model predictor without a model (the decoder reports it as corruption)', () => {
    const layout = layoutOf([4, 8, 8], 'field');
    const [configuration] = candidateConfigurations(layout, { withModel: true, effort: 'fast' });
    const type = valueType('float64');
    const input: PassInput = { size: 256, layout, configuration, type, domain: 'absolute', grids: [0], pointwiseBound: 0, tolerances: [1e-3], stepTolerances: [1e-3] };
    assert.throws(() => runPass(input, new Float64Array(256)), RangeError);
  });

});
