import { strict as assert } from 'node:assert';
import type { ProjectPoint } from '../../src/kernel/project/results-types';
import { describePoint, pointPsnr } from '../../src/extension/project/lensLines';

const point = (psnr: number | null, maxAbsError: number): ProjectPoint => ({
  key: 'k', label: 'dense latent 3', settings: { modelType: 'dense', latent: 3, compressionRatio: 4, latentPrecision: 'float32', decoderPrecision: 'float32', epochs: 5, decoder: 'embedded' },
  source: 'compress', latentBytes: 10, decoderBytes: 100, residualBytes: 0, totalBytes: 110, ratioTotal: 0.5, ratioLatentOnly: 9, psnr, maxAbsError, measuredAt: '',
});

describe('project lens lines', () => {
  it('a PSNR JSON cannot hold (stored null) reads as exact only when no value was off', () => {
    assert.equal(pointPsnr(point(null, 0)), Infinity);
    assert.equal(pointPsnr(point(null, 0.2)), -Infinity, 'a table of one value that did not come back is not exact');
    assert.equal(pointPsnr(point(41.5, 0.2)), 41.5);
    assert.match(describePoint(point(null, 0)), /^0\.50× total, ∞ dB \(exact\)$/);
    assert.doesNotMatch(describePoint(point(null, 0.2)), /exact/);
  });
});
