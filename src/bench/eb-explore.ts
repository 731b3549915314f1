// Scratch driver for tuning the error-bounded codec on CFD_animation.npz (not part of the product).
import { readDataset } from '../kernel/data/dataset';
import { encodeErrorBounded, decodeErrorBounded, verifyBound } from '../kernel/eb/codec';

async function main(): Promise<void> {
  const ds = readDataset(process.argv[2] ?? '/work/shared/data/CFD_animation.npz');
  const bounds = (process.argv[3] ?? '1e-2,1e-3,1e-4').split(',').map(Number);
  for (const b of bounds) {
    const bound = { kind: 'rel' as const, value: b };
    const t0 = Date.now();
    const enc = await encodeErrorBounded(ds.values, ds.shape, bound, { effort: (process.env.EFFORT as 'fast') ?? 'best' });
    const t1 = Date.now();
    const dec = await decodeErrorBounded(enc.header, new Map(enc.sections.map((s) => [s.name, s.data])));
    const t2 = Date.now();
    const check = verifyBound(ds.values, dec, bound);
    console.log(`rel ${b}: ${enc.stats.totalBytes} B ratio ${(600000 / (enc.stats.totalBytes + 300)).toFixed(2)}x  ok=${check.ok} maxr=${check.maxRatioToBound.toFixed(3)} enc ${t1 - t0}ms dec ${t2 - t1}ms  ${enc.stats.configuration} exact=${enc.stats.exactValues}`);
    for (const t of enc.stats.trials) console.log(`   ${t.bytes}  ${t.configuration}`);
    console.log('   choices', JSON.stringify(enc.stats.predictorChoices));
  }
}
void main();
