// The architectures and the layer plan every model path (training, tfjs inference, pure-TS decoding) builds from.
import { strict as assert } from 'node:assert';
import { defaultArchitecture, describeArchitecture, layerPlan, matchWeights, weightShapes, LEAKY_ALPHA, REFERENCE_HIDDEN } from '../../src/kernel/model/architectures';
import type { WeightTensor } from '../../src/kernel/types';

describe('model: architectures and layer plans', () => {
  it('takes the latent size from the ratio, or as given, and keeps only hidden layers wider than it', () => {
    const a = defaultArchitecture('table', [1000, 24], { compressionRatio: 1.6 });
    assert.equal(a.type, 'dense');
    if (a.type !== 'dense') return;
    assert.equal(a.latent, 15);
    assert.deepEqual(a.hidden, REFERENCE_HIDDEN);
    const wide = defaultArchitecture('table', [10, 600], { latent: 120 });
    assert.deepEqual(wide.type === 'dense' && wide.hidden, [200]);
    assert.equal(describeArchitecture(a), 'dense 24-200-100-50-15');
    assert.throws(() => defaultArchitecture('table', [10, 4], { latent: 0 }), /positive integer/);
    assert.throws(() => defaultArchitecture('table', [10, 4], { modelType: 'conv' }), /frame data/);
  });

  it('mirrors the dense encoder in the decoder, LeakyReLU on every layer but the last', () => {
    const plan = layerPlan({ type: 'dense', inputSize: 24, hidden: [200, 100], latent: 15, activation: 'leaky_relu', leakyAlpha: LEAKY_ALPHA });
    const sizes = (layers: typeof plan.encoder) => layers.map((l) => (l.op === 'dense' ? `${l.inputs}>${l.outputs}${l.leaky ? '*' : ''}` : l.op));
    assert.deepEqual(sizes(plan.encoder), ['24>200*', '200>100*', '100>15']);
    assert.deepEqual(sizes(plan.decoder), ['15>100*', '100>200*', '200>24']);
  });

  it('pads conv frames to a multiple of 2^stages and decodes back to one channel', () => {
    const arch = defaultArchitecture('frames', [60, 50, 50], { modelType: 'conv', latent: 40 });
    const plan = layerPlan(arch);
    assert.deepEqual(plan.frame, { height: 50, width: 50, paddedHeight: 52, paddedWidth: 52 });
    const last = plan.decoder[plan.decoder.length - 1];
    assert.ok(last.op === 'deconv' && last.outChannels === 1 && !last.leaky);
    assert.deepEqual(weightShapes(plan.encoder[0]).kernel, [3, 3, 1, 8]);
  });

  it('checks that weights match the layers in count, names and shapes', () => {
    const plan = layerPlan({ type: 'dense', inputSize: 4, hidden: [], latent: 2, activation: 'leaky_relu', leakyAlpha: LEAKY_ALPHA });
    const w = (name: string, shape: number[]): WeightTensor => ({ name, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    assert.equal(matchWeights(plan.decoder, [w('decoder.dense0.kernel', [2, 4]), w('decoder.dense0.bias', [4])]).length, 1);
    assert.throws(() => matchWeights(plan.decoder, [w('decoder.dense0.kernel', [2, 4])]), /1 weight tensors, the architecture needs 2/);
    assert.throws(() => matchWeights(plan.decoder, [w('decoder.dense0.kernel', [4, 2]), w('decoder.dense0.bias', [4])]), /has shape \[4, 2\]/);
  });
});
