// Compress File's targets: presets with a one-line explanation, the recommended one first, and what a typed
// target means (src/extension/targets.ts).
import { strict as assert } from 'node:assert';
import { DEFAULT_ERROR_BOUND } from '../../src/kernel/eb/bound';
import { CUSTOM_LABEL, parseTarget, recommendedTarget, targetOptions, targetPresets } from '../../src/extension/targets';

describe('compression targets', () => {
  it('offers presets, recommended first, each explained, ending with a custom entry', () => {
    const presets = targetPresets({ errorBound: '', defaultCompressionRatio: 20 });
    assert.equal(presets[0].recommended, true);
    assert.equal(presets[0].text, DEFAULT_ERROR_BOUND, 'no setting: the CLI\'s default bound');
    assert.equal(presets.filter((p) => p.recommended).length, 1);
    for (const p of presets) assert.ok(p.detail.length > 20 && p.description.length > 0, p.label);
    const labels = presets.map((p) => p.label).join(' | ');
    for (const kind of [/Lossless/, /PSNR target/, /Point-wise/, /ratio 20/, /shared decoder/]) assert.match(labels, kind);
    assert.equal(presets.at(-1)?.label, CUSTOM_LABEL);
    assert.equal(targetPresets({ errorBound: 'abs:0.5', defaultCompressionRatio: 20 })[0].text, 'abs:0.5', "the user's bound is recommended");
    for (const p of presets) if (p.text) assert.equal(typeof parseTarget(p.text), 'object', p.text);
  });

  it('without asking (baler.askForTarget off), compresses as the CLI does: the default bound, or the user\'s', () => {
    assert.equal(recommendedTarget({ errorBound: '', defaultCompressionRatio: 20 }), DEFAULT_ERROR_BOUND);
    assert.equal(recommendedTarget({ errorBound: 'pw-rel:1e-2', defaultCompressionRatio: 20 }), 'pw-rel:1e-2');
  });

  it('reads ratios, bounds, lossless and PSNR targets, and explains what it cannot read', () => {
    assert.deepEqual(parseTarget('20'), { kind: 'ratio', compressionRatio: 20 });
    assert.deepEqual(parseTarget('50x'), { kind: 'ratio', compressionRatio: 50 });
    assert.deepEqual(parseTarget(' rel: 1e-3 '), { kind: 'errorBound', errorBound: 'rel:1e-3' });
    assert.deepEqual(parseTarget('lossless'), { kind: 'errorBound', errorBound: 'abs:0' });
    assert.deepEqual(parseTarget('psnr:40'), { kind: 'psnr', target: 'psnr:40' });
    assert.match(parseTarget('pw-rel:2') as string, /pw-rel/);
    assert.match(parseTarget('1') as string, /ratio above 1/);
    assert.match(parseTarget('psnr:-3') as string, /decibels/);
    assert.deepEqual(targetOptions({ kind: 'ratio', compressionRatio: 8, sharedDecoder: true }, '/d/x.balermodel'), { compressionRatio: 8, modelFile: '/d/x.balermodel' });
    assert.deepEqual(targetOptions({ kind: 'psnr', target: 'psnr:40' }, 'm'), { target: 'psnr:40' });
  });
});
