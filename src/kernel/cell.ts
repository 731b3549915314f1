// Notebook cells of the "Baler" kernel, run inside the kernel process. A cell is JavaScript (top-level
// await allowed) with `baler` and `display` in scope; a line starting with `%baler` runs the CLI command
// that follows, e.g. `%baler compress flow.npz --ratio 50 --epochs 300`. The value of the last expression,
// and anything passed to display(), becomes a rich output (tables for results, charts for reports).
import * as path from 'node:path';
import { trainingOptionsFrom } from './cli-options';
import { Command, CommanderError, Option } from 'commander';
import type { CompressOptions, CompressResult, DecompressOptions, DecompressResult, FileInfo, Hooks } from './api';
import { BalerError } from './errors';
import * as engine from './pipeline';
import { formatNumber } from './report/figures';
import type { CellOutput, CellResult } from './protocol';

export interface CellContext {
  hooks: Hooks;
  signal: AbortSignal;
  emitOutput(output: CellOutput): void;
  /** Settings-derived options that a cell's own options override. */
  defaults?: Partial<CompressOptions>;
}

/** A report for display: the notebook renderer draws it with the dashboard's charts. */
export interface ReportOutput {
  readonly balerReport: true;
  title: string;
  data: unknown;
}

/** The `baler` object in a cell's scope. Relative paths are taken from the notebook's folder. */
export interface CellApi {
  compress(file: string, options?: CompressOptions): Promise<CompressResult>;
  decompress(file: string, options?: DecompressOptions): Promise<DecompressResult>;
  info(file: string): Promise<FileInfo>;
  report(balerFile: string, originalFile?: string): Promise<ReportOutput>;
  newProject(workspace: string, project: string): Promise<string>;
  train(workspace: string, project: string): Promise<{ modelFile: string; epochs: number }>;
  /** Runs a CLI command line, e.g. baler.cli('info flow.baler'). */
  cli(commandLine: string): Promise<unknown>;
  /** Shows a value as a rich output. */
  display(value: unknown): void;
  version: string;
}

export function createCellApi(cwd: string, ctx: CellContext): CellApi {
  const abs = (file: string) => path.resolve(cwd, file);
  const api: CellApi = {
    version: engine.VERSION,
    compress: (file, options = {}) => engine.compress(abs(file), resolveOutput({ ...ctx.defaults, ...options }, abs), ctx.hooks),
    decompress: (file, options = {}) => engine.decompress(abs(file), resolveOutput(options, abs), ctx.hooks),
    info: (file) => engine.inspect(abs(file)),
    report: async (balerFile, originalFile) => ({
      balerReport: true,
      title: path.basename(balerFile),
      data: await engine.buildReport(abs(balerFile), originalFile ? abs(originalFile) : undefined),
    }),
    newProject: (workspace, project) => engine.newProject(workspace, project, cwd),
    train: async (workspace, project) => {
      const { modelFile, model } = await engine.trainProject(workspace, project, ctx.hooks, cwd);
      return { modelFile, epochs: model.history.epochs };
    },
    cli: (commandLine) => runCliLine(commandLine, api),
    display: (value) => ctx.emitOutput(toCellOutput(value)),
  };
  return api;
}

function resolveOutput<T extends { output?: string }>(options: T, abs: (f: string) => string): T {
  return options.output ? { ...options, output: abs(options.output) } : options;
}

// ---------------------------------------------------------------- running a cell

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** Rewrites `%baler …` lines into calls and makes the last expression the cell's value. */
export function transformCell(code: string): string {
  const lines = code.replace(/\r\n/g, '\n').split('\n').map((line) => {
    const m = /^\s*%baler\b(.*)$/.exec(line);
    return m ? `await baler.display(await baler.cli(${JSON.stringify(m[1].trim())}));` : line;
  });
  return withLastExpressionReturned(lines);
}

function compiles(body: string): boolean {
  try {
    new AsyncFunction(body);
    return true;
  } catch {
    return false;
  }
}

/** If the last non-empty statement is an expression, return its value (tried by compiling, not parsing). */
function withLastExpressionReturned(lines: string[]): string {
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === '') last--;
  if (last < 0) return '';
  const candidate = lines[last].trim().replace(/;$/, '');
  if (/^(const|let|var|if|for|while|return|throw|function|class|try|switch|await baler\.display|\}|\/\/)/.test(candidate)) {
    return lines.join('\n');
  }
  const rewritten = [...lines.slice(0, last), `return (${candidate});`].join('\n');
  return compiles(rewritten) ? rewritten : lines.join('\n');
}

function captureConsole(ctx: CellContext): Pick<Console, 'log' | 'info' | 'warn' | 'error'> {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, null, 2))).join(' ');
  const out = (...args: unknown[]) => ctx.emitOutput({ kind: 'text', text: text(args), stream: 'stdout' });
  const err = (...args: unknown[]) => ctx.emitOutput({ kind: 'text', text: text(args), stream: 'stderr' });
  return { log: out, info: out, warn: err, error: err };
}

export async function runCell(code: string, cwd: string, ctx: CellContext): Promise<CellResult> {
  const api = createCellApi(cwd, ctx);
  const body = transformCell(code);
  let fn: (...a: unknown[]) => Promise<unknown>;
  try {
    fn = new AsyncFunction('baler', 'display', 'console', 'require', '__dirname', body);
  } catch (err) {
    throw new BalerError(`syntax error in cell: ${(err as Error).message}`);
  }
  const value = await fn(api, api.display, captureConsole(ctx), require, cwd);
  return value === undefined ? {} : { value: toCellOutput(value) };
}

// ---------------------------------------------------------------- rich outputs

function isFileInfo(v: unknown): v is FileInfo {
  return typeof v === 'object' && v !== null && 'sizes' in v && 'ratios' in v && 'errors' in v;
}

export function infoTable(info: FileInfo, title = path.basename(info.file)): CellOutput {
  const s = info.sizes;
  const rows: (string | number)[][] = [
    ['mode', info.mode + (info.errorBound ? ` (${info.errorBound})` : '')],
    ['data', `${info.kind} ${info.shape.join('×')} ${info.dtype}`],
    ['original file', `${s.originalFile} B`],
    ['total (decoder counted)', `${s.total} B`],
    ['latents / decoder / residuals / header', `${s.latents} / ${s.decoder} / ${s.residuals} / ${s.header} B`],
    ['ratio, total', `${formatNumber(info.ratios.total)}×`],
    ['ratio, latents only', `${formatNumber(info.ratios.latentOnly)}×`],
    ['PSNR', `${formatNumber(info.errors.psnr)} dB`],
    ['max abs error', formatNumber(info.errors.maxAbsError)],
    ['RMSE', formatNumber(info.errors.rmse)],
  ];
  return { kind: 'table', title, columns: ['figure', 'value'], rows };
}

/** A value built as a CellOutput on purpose, e.g. display({ kind: 'table', columns, rows }). */
function isCellOutput(v: object): v is CellOutput {
  const o = v as Record<string, unknown>;
  return (o.kind === 'text' && typeof o.text === 'string')
    || (o.kind === 'table' && Array.isArray(o.columns) && Array.isArray(o.rows))
    || (o.kind === 'json' && 'value' in o);
}

export function toCellOutput(value: unknown): CellOutput {
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'object' && value !== null) {
    if ((value as ReportOutput).balerReport) {
      const r = value as ReportOutput;
      return { kind: 'report', title: r.title, data: r.data };
    }
    if (isFileInfo(value)) return infoTable(value);
    const withInfo = value as { output?: string; info?: unknown };
    if (typeof withInfo.output === 'string' && isFileInfo(withInfo.info)) return infoTable(withInfo.info, path.basename(withInfo.output));
    if (isCellOutput(value)) return value;
  }
  return { kind: 'json', value };
}

// ---------------------------------------------------------------- %baler lines

/** Splits a command line like a shell would for plain words and quoted strings. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) args.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]);
  return args;
}

/** The subset of the CLI that makes sense in a cell, with the CLI's names and options. */
function cellProgram(api: CellApi, setResult: (v: unknown) => void): Command {
  const program = new Command('%baler').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  program.command('compress').argument('<file>')
    .option('--ratio <n>').option('--latent <n>').addOption(new Option('--model <type>').choices(['dense', 'conv']))
    .option('--epochs <n>').option('--batch-size <n>').option('--lr <x>').option('--seed <n>')
    .option('--target-psnr <db>').option('--time-limit <s>').option('--backend <name>')
    .option('-o, --output <file>').option('--force').option('--error-bound <bound>')
    .option('--latent-precision <p>').option('--entropy <coder>')
    .action(async (file: string, o) => setResult(await api.compress(file, {
      ...trainingOptionsFrom(o), output: o.output, force: o.force, errorBound: o.errorBound,
      latentPrecision: o.latentPrecision, entropy: o.entropy,
    })));
  program.command('decompress').argument('<file>').option('-o, --output <file>').option('--force')
    .action(async (file: string, o) => setResult(await api.decompress(file, { output: o.output, force: o.force })));
  program.command('info').argument('<file>').action(async (file: string) => setResult(await api.info(file)));
  program.command('report').alias('plot').argument('<file>').option('--original <file>')
    .action(async (file: string, o) => setResult(await api.report(file, o.original)));
  program.command('new').alias('newProject').argument('<workspace>').argument('<project>')
    .action(async (ws: string, p: string) => setResult(`created ${await api.newProject(ws, p)}`));
  program.command('train').requiredOption('--project <names...>')
    .action(async (o) => {
      if (o.project.length !== 2) throw new BalerError('--project takes two names: WORKSPACE PROJECT');
      setResult(await api.train(o.project[0], o.project[1]));
    });
  return program;
}

export async function runCliLine(commandLine: string, api: CellApi): Promise<unknown> {
  let result: unknown;
  const program = cellProgram(api, (v) => { result = v; });
  const args = splitArgs(commandLine);
  if (args.length === 0) throw new BalerError('%baler needs a command: compress, decompress, info, report, new, train');
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new BalerError(`%baler ${commandLine}: ${err.message.replace(/^error: /, '')}`);
    throw err;
  }
  return result;
}
