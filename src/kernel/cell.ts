// Notebook cells of the "Baler" kernel, run inside the kernel process. A cell is JavaScript (top-level
// await allowed) with `baler` and `display` in scope; a line starting with `%baler` runs the CLI command
// that follows, e.g. `%baler compress flow.npz --ratio 50 --epochs 300` (options from the CLI's one option
// table). Variables declared at a cell's top level live on in its notebook's session (./cell-transform.ts)
// until the session is reset. The value of the last expression, and anything passed to display(), becomes a
// rich output: the info table for results, the dashboard's charts for reports.
import * as path from 'node:path';
import * as vm from 'node:vm';
import { Command, CommanderError } from 'commander';
import type { CompressOptions, CompressResult, DecompressOptions, DecompressResult, FileInfo, Hooks } from './api';
import { BalerError } from './errors';
import * as engine from './pipeline';
import { addOptions } from './options/commander';
import { onTrainingDefaults } from './options/autoencoder';
import { COMMAND_OPTIONS, decompressOptions, engineOptions } from './options/table';
import { writtenSummary } from './report/written';
import { infoSections } from './report/info-rows';
import type { ReportData } from './report/types';
import { sanitizeText } from './report/text';
import { transformCell } from './cell-transform';
import type { CellOutput, CellResult, ResultOf } from './protocol';

type SetResult = ResultOf<'compressSet'>;

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
  data: ReportData;
}

/** The `baler` object in a cell's scope. Relative paths are taken from the notebook's folder. */
export interface CellApi {
  compress(file: string, options?: CompressOptions): Promise<CompressResult>;
  decompress(file: string, options?: DecompressOptions): Promise<DecompressResult>;
  /** Several files against one shared model file (trained on them first when it does not exist yet). */
  compressSet(files: string[], options: CompressOptions & { modelFile: string }): Promise<SetResult>;
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
    compress: (file, options = {}) => engine.compress(abs(file), resolveOutput(onTrainingDefaults(ctx.defaults ?? {}, options), abs), ctx.hooks),
    decompress: (file, options = {}) => engine.decompress(abs(file), resolveOutput(options, abs), ctx.hooks),
    // The settings' defaults are an autoencoder's (epochs, model type): only the backend applies to a set.
    compressSet: (files, options) => engine.compressSet(files.map(abs), { backend: ctx.defaults?.backend, ...options, modelFile: abs(options.modelFile) }, ctx.hooks),
    info: (file) => engine.inspect(abs(file)),
    report: async (balerFile, originalFile) => ({
      balerReport: true,
      title: sanitizeText(path.basename(balerFile)),
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

/** A notebook's variables: what its cells declared at top level, until reset or the kernel process ends. */
export class CellSession {
  readonly scope: Record<string, unknown> = Object.create(null);
  /** Counts the cells run, for the file names in stack traces ("cell 3"). */
  cells = 0;
}

const sessions = new Map<string, CellSession>();

/** The session of one notebook (by its URI); a new one after resetSession. */
export function sessionFor(id: string): CellSession {
  let session = sessions.get(id);
  if (!session) sessions.set(id, (session = new CellSession()));
  return session;
}

export function resetSession(id: string): boolean {
  return sessions.delete(id);
}

function captureConsole(ctx: CellContext): Pick<Console, 'log' | 'info' | 'warn' | 'error'> {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, null, 2))).join(' ');
  const out = (...args: unknown[]) => ctx.emitOutput({ kind: 'text', text: text(args), stream: 'stdout' });
  const err = (...args: unknown[]) => ctx.emitOutput({ kind: 'text', text: text(args), stream: 'stderr' });
  return { log: out, info: out, warn: err, error: err };
}

const PARAMETERS = ['__scope', 'baler', 'display', 'console', 'require', '__dirname'];

export async function runCell(code: string, cwd: string, ctx: CellContext, session = new CellSession()): Promise<CellResult> {
  const api = createCellApi(cwd, ctx);
  const { body, declared } = transformCell(code);
  const filename = `cell-${++session.cells}`;
  // Line 1 of the script is the wrapper; the cell's line N is the script's line N + 1.
  const script = new vm.Script(`(async function (${PARAMETERS.join(', ')}) { with (__scope) {\n${body}\n} })`, { filename });
  const fn = script.runInThisContext() as (...a: unknown[]) => Promise<unknown>;
  for (const name of declared) if (!(name in session.scope)) session.scope[name] = undefined;
  try {
    const value = await fn(session.scope, api, api.display, captureConsole(ctx), require, cwd);
    return value === undefined ? {} : { value: toCellOutput(value) };
  } catch (err) {
    throw withCellStack(err, filename);
  }
}

/** Errors of the cell's own code keep only the cell's frames ("at cell line 2"), not the bundle's. */
function withCellStack(err: unknown, filename: string): unknown {
  if (!(err instanceof Error) || err instanceof BalerError || !err.stack) return err;
  const frames = err.stack.split('\n').slice(1)
    .map((line) => new RegExp(`${filename}:(\\d+):(\\d+)`).exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    // Columns are left out: the rewritten line (a `return (…)`, an assignment) shifts them.
    .map((m) => `    at cell line ${Number(m[1]) - 1}`);
  if (frames.length > 0) err.stack = `${err.name}: ${err.message}\n${frames.join('\n')}`;
  return err;
}

// ---------------------------------------------------------------- rich outputs

function isFileInfo(v: unknown): v is FileInfo {
  return typeof v === 'object' && v !== null && 'sizes' in v && 'ratios' in v && 'errors' in v;
}

/** A FileInfo as a cell shows it: the one table of rows every view renders. */
export function infoOutput(info: FileInfo, title = path.basename(info.file)): CellOutput {
  return { kind: 'info', title: sanitizeText(title), sections: infoSections(info) };
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
    if (isFileInfo(value)) return infoOutput(value);
    const withInfo = value as { output?: string; info?: unknown; written?: DecompressResult['written'] };
    if (typeof withInfo.output === 'string' && isFileInfo(withInfo.info)) {
      // A decompress result: the table is of the .baler; the title says what of it the output holds.
      const written = withInfo.written ? ` (${writtenSummary({ written: withInfo.written, info: withInfo.info })})` : '';
      return infoOutput(withInfo.info, path.basename(withInfo.output) + written);
    }
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

/** The subset of the CLI that makes sense in a cell, built from the CLI's option table. */
function cellProgram(api: CellApi, setResult: (v: unknown) => void): Command {
  const program = new Command('%baler').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const options = (names: readonly string[]) => names.filter((n) => !['project', 'json', 'part', 'filesFrom'].includes(n)) as typeof COMMAND_OPTIONS.compress[number][];
  addOptions(program.command('compress').argument('<file>'), options(COMMAND_OPTIONS.compress))
    .action(async (file: string, o) => setResult(await api.compress(file, engineOptions(o, COMMAND_OPTIONS.compress))));
  addOptions(program.command('decompress').argument('<file>'), options(COMMAND_OPTIONS.decompress))
    .action(async (file: string, o) => setResult(await api.decompress(file, decompressOptions(o))));
  program.command('info').argument('<file>').action(async (file: string) => setResult(await api.info(file)));
  program.command('report').alias('plot').argument('<file>').option('--original <file>', 'the original data')
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
