import assert from 'node:assert/strict';
import { generateJets } from '../../src/kernel/demo/jets';
import { verifyBound } from '../../src/kernel/eb/bound';
import { decodeErrorBounded, encodeErrorBounded } from '../../src/kernel/eb';

describe('eb: large inputs', () => {
  it('codes the demo 100,000 × 24 jet table within the bound', async function () {
    this.timeout(60_000);
    const ds = generateJets({ rows: 100_000 });
    const bound = { kind: 'rel' as const, value: 1e-3 };
    const encoded = await encodeErrorBounded(ds.values, ds.shape, bound, { kind: 'table', effort: 'fast' });
    const decoded = await decodeErrorBounded(encoded.header, new Map(encoded.sections.map((s) => [s.name, s.data])));
    const check = verifyBound(ds.values, decoded, bound, ds.shape, true);
    assert.ok(check.ok, `value ${check.firstViolation} outside the bound`);
    // Lossless zstd reaches about 1.5× on this table; the bounded coder must do far better.
    assert.ok(ds.values.length * 4 / encoded.stats.totalBytes > 3, `ratio ${ds.values.length * 4 / encoded.stats.totalBytes}`);
  });
});
