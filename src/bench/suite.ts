// What a benchmark suite is: a name for `--suite`, a title, and a run that prints its own tables and returns
// what goes into the JSON file. Each suite lives in its own file and is listed once in suites.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { table } from '../cli/format';

export interface BenchArgs {
  /** ../shared/data beside the repository, or --data DIR. */
  dataDir: string;
  /** Folder for JSON results and scratch files (--out, default bench-results/). */
  out: string;
  /** --quick: smaller inputs, fewer points (for smoke runs). */
  quick: boolean;
  /** Every argument after `npm run bench --`, for suite-specific flags. */
  argv: string[];
  /** Progress lines (stderr), kept apart from the tables (stdout). */
  log: (line: string) => void;
}

export interface BenchSuite {
  name: string;
  title: string;
  run(args: BenchArgs): Promise<unknown>;
}

/** A plain table of objects that share their keys; numbers to four significant digits. */
export function rowsTable(rows: object[]): string {
  if (!rows.length) return '(no rows)';
  const keys = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? ''));
  return table([keys, ...rows.map((r) => keys.map((k) => cell((r as Record<string, unknown>)[k])))]);
}

/** The value of `--flag VALUE` in argv, if given. */
export function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** A file of ../shared/data, or an error saying how to provide it. */
export function requireSharedFile(dataDir: string, name = 'CFD_animation.npz'): string {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) throw new Error(`${file} not found: the benchmark needs ../shared/data beside the repository (or --data DIR)`);
  return file;
}
