// `npm run fuzz [-- --seconds N] [--seed S]`: a fuzzing campaign on every kind of .baler and .balermodel file;
// prints the counts per mutation and writes bench-results/fuzz.json. Exits 1 on any crash, hang or wrong data.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runFuzz } from './run';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const report = await runFuzz({ seed: flag('--seed', 1), seconds: flag('--seconds', 60), log: (l) => console.error(l) });
  console.log(`\nfuzz: ${report.cases} cases in ${report.seconds} s (seed ${report.seed}), peak RSS ${report.peakRssMiB} MiB`);
  const rows = Object.entries(report.byKind).map(([kind, c]) => `  ${kind.padEnd(42)} ${String(c.refused).padStart(7)} refused ${String(c.identical).padStart(6)} identical ${String(c.different).padStart(5)} other data ${String(c.crash).padStart(3)} crashes ${String(c.hang).padStart(3)} hangs`);
  console.log(rows.join('\n'));
  console.log(`wrong data accepted (checksums intact): ${report.wrongDataAccepted}; forged files accepted as other data: ${report.forgedAccepted}; crashes: ${report.crashes.length}; hangs: ${report.hangs.length}`);
  for (const c of [...report.crashes, ...report.hangs].slice(0, 20)) console.log(`  ${c}`);
  fs.mkdirSync('bench-results', { recursive: true });
  fs.writeFileSync(path.join('bench-results', 'fuzz.json'), JSON.stringify(report, null, 2) + '\n');
  process.exit(report.crashes.length || report.hangs.length || report.wrongDataAccepted ? 1 : 0);
}

main().catch((err) => {
  console.error(`fuzz: ${err instanceof Error ? err.stack : err}`);
  process.exit(1);
});
