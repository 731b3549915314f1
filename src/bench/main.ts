// `npm run bench [-- --suite NAME[,NAME…]|all] [--quick] [--data DIR] [--out DIR]`: runs the suites listed in
// suites.ts, prints their tables and writes JSON to bench-results/. Benchmarks, not tests: figures are
// measured side by side in one run on a shared, noisy machine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flagValue, type BenchArgs } from './suite';
import { SUITES } from './suites';

function parseArgs(argv: string[]): { names: string[]; args: BenchArgs } {
  const known = SUITES.map((s) => s.name);
  const suiteArg = flagValue(argv, '--suite') ?? 'all';
  const names = suiteArg === 'all' ? known : suiteArg.split(',');
  for (const n of names) if (!known.includes(n)) throw new Error(`unknown suite '${n}' (${known.join(', ')}, all)`);
  return {
    names,
    args: {
      dataDir: path.resolve(flagValue(argv, '--data') ?? path.join(__dirname, '..', '..', 'shared', 'data')),
      out: path.resolve(flagValue(argv, '--out') ?? 'bench-results'),
      quick: argv.includes('--quick'),
      argv,
      log: (line) => console.error(line),
    },
  };
}

async function main(): Promise<void> {
  const { names, args } = parseArgs(process.argv.slice(2));
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length };
  for (const suite of SUITES.filter((s) => names.includes(s.name))) {
    console.log(`\n## ${suite.title}`);
    results[suite.name] = await suite.run(args);
  }
  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `bench-${names.join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
