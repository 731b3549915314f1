// The learned basis of rows: fitted on frames that recur it beats the error-bounded coder alone with the basis
// counted; the decoder rebuilds the prediction bit for bit; every value stays within the bound; damaged latents
// are refused.
import { strict as assert } from 'node:assert';
import { BASIS_TOLERANCE_SHARE, buildBasis, decodeLatents, encodeLatents, fitComponents, latentsOf, predictRows } from '../../src/kernel/learned/basis';
import { fitBasis } from '../../src/kernel/learned/fit-basis';
import { decodeModel, encodeModel } from '../../src/kernel/learned/blob';
import { decodeLearnedSlab, encodeLearnedSlab } from '../../src/kernel/learned/slab';
import { encodeEbSlab, type EbGlobals } from '../../src/kernel/compress/eb-slab';
import { BalerError } from '../../src/kernel/errors';
import { estimatePlans } from '../../src/kernel/learned/choose';
import { createSlabRunner } from '../../src/kernel/parallel/pool';
import { travellingWaves } from '../fixtures/learned';

const globals = (tolerance: number): EbGlobals => ({ bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance], dtype: 'float64', kind: 'frames' });

describe('learned basis of rows', () => {
  const shape = [48, 24, 24];
  const values = travellingWaves(48, 24, 24);
  const g = globals(2e-3);

  it('pays on recurring frames: basis + latents + data is smaller than the error-bounded coder alone', async () => {
    const fit = await fitBasis(values, shape, g);
    assert.ok(fit, 'a basis is fitted');
    const classical = (await encodeEbSlab(values, shape, g)).bytes.length;
    const learned = fit.decoderBytes + fit.sampleBytes;
    assert.ok(learned < classical, `learned ${learned} bytes vs classical ${classical}`);
    assert.ok(fit.model.k >= 2 && fit.model.k <= 24, `k = ${fit.model.k}`);
  });

  it('decodes to exactly the encoder\'s reconstruction, every value within the bound', async () => {
    const components = fitComponents(values, 48, 576, 8);
    const model = await buildBasis(components, [24, 24], 8, BASIS_TOLERANCE_SHARE * 2e-3);
    const coded = await encodeLearnedSlab(model, values, shape, g);
    const decoded = await decodeLearnedSlab(model, coded.data, coded.latents, shape, g);
    assert.deepEqual(decoded, coded.reconstruction);
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(decoded[i] - values[i]) <= 2e-3, `value ${i}`);
  });

  it('keeps the basis in memory shared between threads (each slab task carries the model: no copy of it per task)', async () => {
    const model = await buildBasis(fitComponents(values, 48, 576, 4), [24, 24], 4, 1e-4);
    const read = await decodeModel(encodeModel(model));
    for (const m of [model, read]) {
      assert.ok(m.family === 'basis' && m.basis.buffer instanceof SharedArrayBuffer, 'a shared basis');
      const sent = structuredClone(m) as typeof m;
      sent.basis[0] += 1;
      assert.equal(sent.basis[0], m.basis[0], 'a task\'s model reads the same memory');
      sent.basis[0] -= 1;
    }
    assert.deepEqual(Array.from(read.family === 'basis' ? read.basis : []), Array.from(model.basis));
  });

  it('predicts from the stored latents the same bits the encoder used', async () => {
    const model = await buildBasis(fitComponents(values, 48, 576, 4), [24, 24], 4, 1e-4);
    const { chunk, prediction } = await encodeLatents(model, values.subarray(0, 10 * 576), 10, 2e-3);
    assert.deepEqual(await decodeLatents(model, chunk, 10), prediction);
  });

  it('fits latents by least squares, ignoring non-finite values', async () => {
    const model = await buildBasis(fitComponents(values, 48, 576, 4), [24, 24], 4, 0);
    const rows = values.slice(0, 2 * 576);
    const clean = latentsOf(model, rows, 2);
    rows[5] = NaN;
    rows[600] = Infinity;
    const withHoles = latentsOf(model, rows, 2);
    for (let i = 0; i < clean.length; i++) assert.ok(Math.abs(clean[i] - withHoles[i]) < 0.05, `latent ${i}`);
    const prediction = predictRows(model, clean, 2);
    let error = 0;
    for (let i = 0; i < prediction.length; i++) if (i !== 5 && i !== 600) error = Math.max(error, Math.abs(prediction[i] - values[i]));
    assert.ok(error < 0.05, `a 4-component basis reproduces travelling waves to ${error}`);
  });

  it('predicts rows as mean + Σ z_i·B_i summed in order, a zero latent adding nothing (not even -0)', () => {
    for (const k of [0, 1, 2, 3, 5]) {
      const width = 37;
      const basis = Float64Array.from({ length: (k + 1) * width }, (_, i) => (i % 7 === 0 ? -0 : Math.sin(i * 0.37) * 3));
      const model = { family: 'basis' as const, rowShape: [width], k, basisTolerance: 0, basis, basisBytes: new Uint8Array(0) };
      const rows = 6;
      const latents = Float64Array.from({ length: rows * k }, (_, i) => (i % 3 === 1 ? 0 : i % 4 === 0 ? -0 : Math.cos(i) * 10));
      const prediction = predictRows(model, latents, rows);
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < width; j++) {
          let expected = basis[j];
          for (let i = 0; i < k; i++) if (latents[r * k + i] !== 0) expected += latents[r * k + i] * basis[(i + 1) * width + j];
          assert.ok(Object.is(prediction[r * width + j], expected), `k ${k}, row ${r}, value ${j}: ${prediction[r * width + j]} vs ${expected}`);
        }
    }
  });

  it('refuses damaged latents with a BalerError', async () => {
    const model = await buildBasis(fitComponents(values, 48, 576, 4), [24, 24], 4, 1e-4);
    const { chunk } = await encodeLatents(model, values.subarray(0, 10 * 576), 10, 2e-3);
    for (const bad of [chunk.subarray(0, 4), chunk.subarray(0, chunk.length - 3), Uint8Array.of(...chunk.subarray(0, 8), 255, 255, 255)]) {
      await assert.rejects(decodeLatents(model, bad, 10), (e: unknown) => e instanceof BalerError);
    }
  });

  it('stops measuring a size held out once the bytes it has reached cannot change the outcome, saying so in `tried`', async () => {
    const frames = travellingWaves(24, 16, 16);
    const fit = await fitBasis(frames, [24, 16, 16], g, { scale: 10 });
    assert.ok(fit, 'a basis is fitted');
    const last = fit.tried[fit.tried.length - 1];
    assert.ok(last.atLeast, `the last size is a lower bound: ${JSON.stringify(fit.tried)}`);
    assert.ok(fit.tried.slice(0, -1).every((t) => !t.atLeast), 'the sizes before it are measured in full');
    const best = Math.round(fit.decoderBytes + fit.sampleBytes * 10);
    assert.equal(Math.min(...fit.tried.filter((t) => !t.atLeast).map((t) => t.bytes)), best);
    assert.ok(last.bytes >= best, `${last.bytes} reached, ${best} the best`);
  });

  it('measures held out from the coder alone\'s configuration (its variants searched): here the same sizes and bytes as a whole search', async () => {
    const frames = travellingWaves(24, 16, 16);
    const searched = await fitBasis(frames, [24, 16, 16], g, { scale: 10 });
    const alone = (await encodeEbSlab(frames, [24, 16, 16], g)).configuration;
    const started = await fitBasis(frames, [24, 16, 16], g, { scale: 10, aloneConfiguration: Promise.resolve(alone) });
    assert.ok(searched && started);
    assert.deepEqual(started.tried, searched.tried);
    assert.equal(started.model.k, searched.model.k);
    const unknown = await fitBasis(frames, [24, 16, 16], g, { scale: 10, aloneConfiguration: 'no such configuration' });
    assert.deepEqual(unknown?.tried, searched.tried, 'a configuration it cannot read: the whole search');
    // Lorenzo has no variants: started there, the held-out rows are coded with it, and measured larger.
    const lorenzo = await fitBasis(frames, [24, 16, 16], g, { scale: 10, aloneConfiguration: 'field lorenzo [lorenzo]' });
    assert.ok(lorenzo && lorenzo.tried[0].bytes > searched.tried[0].bytes, `${JSON.stringify(lorenzo?.tried)} vs ${JSON.stringify(searched.tried)}`);
  });

  it('codes the coder alone\'s sample on a worker meanwhile: the same plans, estimates, bytes and log as on one thread', async () => {
    const frames = travellingWaves(24, 16, 16);
    const sample = { values: frames, array: { dtype: 'float64' as const, shape: [24, 16, 16], data: frames }, rows: 24, shape: [24, 16, 16], whole: false };
    const estimate = async (runner?: ReturnType<typeof createSlabRunner>) => {
      const log: string[] = [];
      const plans = await estimatePlans(sample, g, { learned: 'auto', kind: 'frames', totalRows: 240, runner, log: (line) => log.push(line.replace(/, [\d.]+ s$/, '')) });
      return { plans: plans.map((p) => ({ name: p.name, estimate: p.estimate, data: p.coded?.data, reconstruction: p.coded?.reconstruction })), log };
    };
    const runner = createSlabRunner(2);
    try {
      assert.deepEqual(await estimate(runner), await estimate());
    } finally {
      await runner.close();
    }
  });

  it('is not tried where it cannot pay: too few rows, or a bound of 0', async () => {
    assert.equal(await fitBasis(values.subarray(0, 4 * 576), [4, 24, 24], g), undefined);
    // Values beyond float32's range (the components are fitted in float32): the basis would be infinite.
    const huge = values.map((x, i) => (i % 97 === 0 ? 1e300 : x));
    assert.equal(await fitBasis(huge, shape, globals(1e280)), undefined);
    assert.ok(await fitBasis(values.map((x) => x * 1e30), shape, globals(2e27)), 'within float32: fitted');
    assert.equal(await fitBasis(values, shape, globals(0)), undefined);
  });
});
