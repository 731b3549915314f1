// `npm run bench [-- --suite train|cfd|rd|search|all]`: prints tables and writes JSON to bench-results/.
// Benchmarks, not tests: figures are measured side by side in one run on a shared, noisy machine.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchTrainingThroughput, benchCfdTimeToPsnr } from '../kernel/model/bench';
import { runRdSuite, formatTable as formatRdTable } from './rd';
import { table } from '../cli/format';
import { runSearchSuite } from './search';

type Suite = 'train' | 'cfd' | 'rd' | 'search';
const ALL: Suite[] = ['train', 'cfd', 'rd', 'search'];

function parseArgs(argv: string[]): { suites: Suite[]; dataDir: string; out: string; quick: boolean } {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const suiteArg = get('--suite') ?? 'all';
  const suites = suiteArg === 'all' ? ALL : (suiteArg.split(',') as Suite[]);
  for (const s of suites) if (!ALL.includes(s)) throw new Error(`unknown suite '${s}' (train, cfd, rd, search, all)`);
  return {
    suites,
    dataDir: path.resolve(get('--data') ?? path.join(__dirname, '..', '..', 'shared', 'data')),
    out: path.resolve(get('--out') ?? 'bench-results'),
    quick: argv.includes('--quick'),
  };
}

function rowsTable(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '(no rows)';
  const keys = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? ''));
  return table([keys, ...rows.map((r) => keys.map((k) => cell(r[k])))]);
}

function requireData(dataDir: string): string {
  const file = path.join(dataDir, 'CFD_animation.npz');
  if (!fs.existsSync(file)) throw new Error(`${file} not found: the benchmark needs ../shared/data beside the repository (or --data DIR)`);
  return file;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  if (args.suites.includes('train')) {
    console.log('\n## Training throughput (dense AE 24-200-100-50-15, batch 512)');
    const rows = await benchTrainingThroughput(['wasm', 'cpu']);
    console.log(rowsTable(rows as unknown as Record<string, unknown>[]));
    results.train = rows;
  }
  if (args.suites.includes('cfd')) {
    console.log('\n## CFD_animation.npz, frame dense autoencoder, latent 25 per frame (reference: 208 s for 2000 epochs)');
    const row = await benchCfdTimeToPsnr(requireData(args.dataDir));
    console.log(rowsTable([row as unknown as Record<string, unknown>]));
    results.cfd = row;
  }
  if (args.suites.includes('rd')) {
    console.log('\n## Rate–distortion with the decoder counted (ratio vs 600,000 float32 bytes for CFD_animation)');
    requireData(args.dataDir);
    const rows = await runRdSuite({ dataDir: args.dataDir, quick: args.quick });
    console.log(formatRdTable(rows));
    results.rd = rows;
  }
  // ---- search suite (src/bench/search.ts): the smallest total meeting a target, and the light decoders
  if (args.suites.includes('search')) {
    console.log('\n## Search for the smallest total, decoder counted (ratio vs float32 content)');
    requireData(args.dataDir);
    const { search, lightDecoders } = await runSearchSuite({ dataDir: args.dataDir, quick: args.quick, log: (l) => console.error(l) });
    console.log(rowsTable(search as unknown as Record<string, unknown>[]));
    console.log('\n## Light decoders on CFD_animation: linear autoencoder (principal components), latents float16');
    console.log(rowsTable(lightDecoders as unknown as Record<string, unknown>[]));
    results.search = { search, lightDecoders };
  }
  // ---- end of the search suite

  fs.mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, `bench-${args.suites.join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
