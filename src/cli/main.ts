// The `baler` command line: a thin shell over the engine (src/kernel/pipeline.ts).
import { Command, Option } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { BalerError, CancelledError } from '../kernel/errors';
import { removeTemporaries } from '../kernel/fsutil';
import * as engine from '../kernel/pipeline';
import type { BackendName } from '../kernel/api';
import { describeBackends } from '../kernel/backend-status';
import { BACKEND_NAMES } from '../kernel/backends';
import { addOptions, optionFor } from '../kernel/options/commander';
import { COMMAND_OPTIONS, decompressOptions, engineOptions, TRAINING_OPTIONS } from '../kernel/options/table';
import { formatRatio } from '../kernel/report/format';
import { safeJson, sanitizeText } from '../kernel/report/text';
import { writtenSummary } from '../kernel/report/written';
import { formatInfo, formatInfoJson, formatSetInfo } from './format';
import { asksForAutoencoder } from '../kernel/compress/auto';
import { DEFAULT_ERROR_BOUND } from '../kernel/eb/bound';
import type { CompressOptions, Hooks } from '../kernel/api';
import type { FileFailure } from '../kernel/compress/each-file';
import { SUPPORTED_FILE_EXTENSIONS, SUPPORTED_FOLDER_EXTENSIONS } from '../kernel/data/extensions';
import { terminalHooks } from './progress';
import { runDemo } from './demo';
import { restartUnderAddressLimit } from './restart';

/** What the data-file arguments accept, from the one list of formats. */
const DATA_FILES = `data files (${SUPPORTED_FILE_EXTENSIONS.join(' ')}, or ${SUPPORTED_FOLDER_EXTENSIONS.join(' ')} folders)`;

const abort = new AbortController();
/** The signal that cancelled the command: its exit status is 128 + the signal's number (Ctrl-C 130, SIGTERM 143). */
let cancelledBy: 'SIGINT' | 'SIGTERM' | 'SIGHUP' = 'SIGINT';
/**
 * A second signal within this many ms is the same one delivered twice (a terminal's Ctrl-C, or a batch system's
 * SIGTERM to every process of a job, reaches both the restarted CLI and its parent, which passes it on).
 */
const SAME_SIGNAL_MS = 500;

// A batch system (Slurm at a job's time limit or scancel, Kubernetes) ends a job with SIGTERM: the work stops at the
// next slab and the temporary file goes, as with Ctrl-C. A second signal quits at once, its temporary files removed first.
function cancelOnSignals(): void {
  let first = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (abort.signal.aborted) {
        if (Date.now() - first > SAME_SIGNAL_MS) quitAtOnce(signal);
        return;
      }
      first = Date.now();
      cancelledBy = signal;
      process.stderr.write(signal === 'SIGINT' ? '\ncancelling… (Ctrl-C again to quit at once)\n' : `\ncancelling (${signal})…\n`);
      abort.abort();
    });
  }
}

/** Exits now, without letting the work unwind, leaving no temporary or partial output. */
function quitAtOnce(signal: NodeJS.Signals): never {
  for (const h of progressOutputs) h.stop();
  const removed = removeTemporaries();
  process.stderr.write(`baler: quit at once${removed ? '; nothing was written' : ''}\n`);
  process.exit(128 + os.constants.signals[signal]);
}

/** Every command's progress output, so that an error line never lands on a progress bar's line. */
const progressOutputs = new Set<ReturnType<typeof terminalHooks>>();

function hooks(quiet = false) {
  const h = terminalHooks(abort.signal, quiet);
  progressOutputs.add(h);
  return h;
}

function projectArgs(opts: { project?: string[] }): [string, string] | undefined {
  if (!opts.project) return undefined;
  if (opts.project.length !== 2) throw new BalerError('--project takes two names: WORKSPACE PROJECT');
  return [opts.project[0], opts.project[1]];
}

/** Several files without a shared model, each on its own: every output is named (and refused if taken) before the first is coded. */
async function compressEach(files: string[], output: string | undefined, options: CompressOptions, h: Hooks) {
  engine.refuseAbsent(files);
  const outputs = engine.outputsOf(files, output);
  engine.checkOutputs(files, outputs, options.force);
  // -o FOLDER itself, not NAME.baler in it: a folder to create is made when the first output is written.
  const outcome = await engine.eachFile(files, (file, i) => engine.compress(file, { ...options, output: output ?? outputs[i] }, h), reportFailure);
  const written = outcome.results.map((r) => r.output);
  return { outcome, set: written.length ? await engine.inspectSet(written, { check: false }) : undefined }; // just written and read back
}

/** A file of a batch refused, said as it happens, in the line an error of one file gets; the batch goes on. */
function reportFailure(failure: FileFailure): void {
  process.stderr.write(`baler: ${sanitizeText(failure.error.toLine(), 2000)}\n`);
}

function printResult(info: Awaited<ReturnType<typeof engine.inspect>>, json: boolean): void {
  process.stdout.write((json ? formatInfoJson(info) : formatInfo(info)) + '\n');
}

export function buildProgram(): Command {
  const program = new Command('baler')
    .description('Machine-learning compression tailored to your data (decoder always counted)')
    .version(engine.VERSION)
    .enablePositionalOptions() // --project after a subcommand belongs to the subcommand
    // Set before the subcommands so they inherit it: errors come back to main() as exceptions (exit code 1).
    .exitOverride((err) => { throw err; })
    // Commander puts its "(Did you mean …?)" on a second line; join it so the error stays one readable line.
    .configureOutput({ outputError: (text, write) => write(`baler: ${sanitizeText(text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), 1000)}\n`) })
    .addOption(optionFor('project'))
    .addOption(new Option('--mode <mode>', "the reference tool's syntax: baler --project WS P --mode MODE")
      .choices(['newProject', 'train', 'compress', 'decompress', 'plot', 'info']))
    // Root takes an action (the reference syntax), so Commander would call a mistyped command "too many arguments".
    .allowExcessArguments()
    .action(async (opts) => {
      if (program.args.length) {
        program.error(`unknown command '${program.args[0]}' (commands: ${program.commands.map((c) => c.name()).join(', ')})`);
      }
      const p = projectArgs(opts);
      if (!p || !opts.mode) return program.help();
      await runProjectMode(p, opts.mode);
    });

  program.command('demo')
    .description('generate a fluid flow and a jet table, then train, compress, decompress and report on both')
    .option('--out <dir>', 'folder for the demo files', 'demo-output')
    .option('--quick', 'a fast, rough run (few epochs, smaller data)')
    .action(async (o) => runDemo({ outDir: o.out, quick: !!o.quick, hooks: hooks() }));

  program.command('new').alias('newProject')
    .description('create workspaces/WORKSPACE/PROJECT with a JSON config and example data')
    .argument('<workspace>').argument('<project>')
    .action(async (ws, proj) => {
      const config = await engine.newProject(ws, proj);
      console.log(`created ${path.relative(process.cwd(), config)}\nedit it, put your data in ${path.relative(process.cwd(), path.dirname(path.dirname(path.dirname(config))))}/data/, then: baler train --project ${ws} ${proj}`);
    });

  addOptions(program.command('train')
    .description('train a learned predictor on one or several data files, saved as a shared .balermodel for compress --model-file (with autoencoder options: an autoencoder on one file, for --trained-model)')
    .argument('[files...]', DATA_FILES), COMMAND_OPTIONS.train)
    .action(async (files: string[], o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'train');
      if (!files.length) throw new BalerError('give one or more data files or --project WORKSPACE PROJECT');
      const out = o.output ?? files[0].replace(/\.[^.]+$/, '') + '.balermodel';
      const settings = engineOptions(o, TRAINING_OPTIONS);
      const h = hooks();
      if (asksForAutoencoder(settings)) {
        if (files.length > 1) throw new BalerError('an autoencoder trains on one file; a learned predictor (no autoencoder options) trains on several');
        const modelFile = await engine.trainFile(files[0], out, { ...settings, force: o.force }, h);
        h.stop();
        console.log(`model written to ${modelFile}`);
        return;
      }
      const r = await engine.trainPredictor(files, out, {
        errorBound: o.errorBound, learned: o.learned, seconds: settings.timeLimitSeconds, seed: settings.seed, backend: settings.backend, force: o.force,
      }, h);
      h.stop();
      console.log(`model written to ${r.output}: ${r.description}, ${r.modelBytes} bytes (paid once for every file that uses it); ` +
        `the training sample codes to ${r.sampleBytes.learned} bytes against it, ${r.sampleBytes.classical} with the error-bounded coder alone (${r.seconds.toFixed(1)} s)`);
    });

  addOptions(program.command('compress')
    .description(`compress data files, each into one .baler: by default every value within ${DEFAULT_ERROR_BOUND} of its range, the smallest of the error-bounded coder, learned predictors and lossless (decoder counted); with autoencoder options an autoencoder`)
    .argument('[files...]', DATA_FILES), COMMAND_OPTIONS.compress)
    .action(async (files: string[], o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'compress');
      const { output, part, ...options } = engineOptions(o, COMMAND_OPTIONS.compress);
      const h = hooks(o.json);
      if (o.filesFrom !== undefined) {
        if (files.length) throw new BalerError('give either data files or --files-from LIST, not both');
        if (!output) throw new BalerError('--files-from needs -o FOLDER for the .baler files');
        const outcome = await engine.compressFiles(engine.readFileList(o.filesFrom), output, options, part, h, reportFailure);
        h.stop();
        for (const r of outcome.results) console.log(o.json ? formatInfoJson(r.info) : `wrote ${r.output} (${formatRatio(r.info.ratios.total)} total)`);
        engine.throwIfAnyFailed(outcome, 'compressed');
        return;
      }
      if (!files.length) throw new BalerError('give one or more data files or --project WORKSPACE PROJECT');
      if (files.length === 1) {
        const result = await engine.compress(files[0], { ...options, output, part }, h);
        h.stop();
        printResult(result.info, !!o.json);
        return;
      }
      if (part) throw new BalerError('--part codes a share of one file (or of --files-from LIST), not of several files named together');
      if (options.modelFile && !asksForAutoencoder(options)) {
        const { set } = await engine.compressSet(files, { ...options, output, modelFile: options.modelFile }, h);
        h.stop();
        process.stdout.write((o.json ? safeJson(set) : formatSetInfo(set)) + '\n');
        return;
      }
      const { outcome, set } = await compressEach(files, output, options, h);
      h.stop();
      if (set) process.stdout.write((o.json ? safeJson(set) : formatSetInfo(set)) + '\n');
      engine.throwIfAnyFailed(outcome, 'compressed');
    });

  addOptions(program.command('merge')
    .description('join the parts of a file compressed in parts (compress --part I/N) into one .baler, without recoding')
    .argument('<parts...>', 'the part files, or a folder holding them'), COMMAND_OPTIONS.merge)
    .action(async (parts: string[], o) => {
      if (!o.output) throw new BalerError('merge needs -o FILE for the .baler to write');
      const h = hooks(o.json);
      const result = await engine.merge(parts, o.output, { force: o.force }, h);
      h.stop();
      printResult(result.info, !!o.json);
    });

  addOptions(program.command('decompress')
    .description('restore .baler files, or one array of each (--dataset), to .npz, .npy, .csv, HDF5, netCDF-4, Parquet, Zarr or TIFF (chosen by the output extension; by default the source\'s own format, beside it or in the folder -o names)')
    .argument('[files...]', '.baler files'), COMMAND_OPTIONS.decompress)
    .action(async (files: string[], o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'decompress');
      if (!files.length) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      if (files.length > 1 && o.output !== undefined && !engine.namesOutputFolder(o.output)) {
        throw new BalerError('with several files, -o names the folder the decompressed files go to (end it with / to create it)', o.output, 'ENOTDIR');
      }
      const h = hooks();
      if (files.length === 1) {
        const r = await engine.decompress(files[0], decompressOptions(o), h);
        h.stop();
        console.log(`wrote ${r.output} (${writtenSummary(r)})`);
        return;
      }
      engine.checkDecompressOutputs(files, decompressOptions(o));
      const outcome = await engine.eachFile(files, (file) => engine.decompress(file, decompressOptions(o), h), reportFailure);
      h.stop();
      for (const r of outcome.results) console.log(`wrote ${r.output} (${writtenSummary(r)})`);
      engine.throwIfAnyFailed(outcome, 'decompressed');
    });

  addOptions(program.command('info')
    .description('sizes, ratios (latent-only and total) and error figures of a .baler; of several, the set\'s total with each shared model counted once and the number of files from which it pays')
    .argument('[files...]', '.baler files'), COMMAND_OPTIONS.info)
    .action(async (files: string[], o) => {
      const p = projectArgs(o);
      if (!p && files.length > 1) {
        const set = await engine.inspectSet(files, { modelDir: o.modelDir });
        process.stdout.write((o.json ? safeJson(set) : formatSetInfo(set)) + '\n');
        return;
      }
      const target = p ? engine.projectCompressedFile(p[0], p[1]) : files[0];
      if (!target) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      printResult(await engine.inspect(target, { modelDir: o.modelDir }), !!o.json);
    });

  addOptions(program.command('plot')
    .description('write a self-contained HTML report (plotly inlined)')
    .argument('[file]', '.baler file'), COMMAND_OPTIONS.plot)
    .action(async (file, o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'plot');
      if (!file) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      const out = o.output ?? file.replace(/\.baler$/, '') + '.report.html';
      console.log(`wrote ${await engine.writeReport(file, out, { original: o.original, force: o.force, dataset: o.dataset })}`);
    });

  program.command('doctor')
    .description('which compute backends are installed, which one is in use, and why the faster ones are not')
    .addOption(new Option('--backend <name>', 'the backend asked for').choices([...BACKEND_NAMES]).default('auto'))
    .action(async (o: { backend: BackendName }) => console.log(await describeBackends(o.backend)));

  return program;
}

async function runProjectMode([ws, proj]: [string, string], mode: string): Promise<void> {
  switch (mode) {
    case 'newProject':
      await engine.newProject(ws, proj);
      console.log(`created workspaces/${ws}/${proj}`);
      return;
    case 'train': {
      const h = hooks();
      const r = await engine.trainProject(ws, proj, h);
      h.stop();
      console.log(`model written to ${path.relative(process.cwd(), r.modelFile)} (${r.model.history.epochs} epochs, ${r.model.history.seconds.toFixed(1)} s, ${r.model.history.stoppedBecause})`);
      return;
    }
    case 'compress': {
      const h = hooks();
      const r = await engine.compressProject(ws, proj, h);
      h.stop();
      console.log(formatInfo(r.info));
      return;
    }
    case 'decompress': {
      const h = hooks();
      const r = await engine.decompressProject(ws, proj, h);
      h.stop();
      console.log(`wrote ${path.relative(process.cwd(), r.output)}`);
      return;
    }
    case 'plot':
      console.log(`wrote ${path.relative(process.cwd(), await engine.plotProject(ws, proj))}`);
      return;
    case 'info':
      console.log(formatInfo(await engine.inspect(engine.projectCompressedFile(ws, proj))));
      return;
    default:
      throw new BalerError(`unknown mode '${mode}'`);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride((err) => { throw err; }).parseAsync(argv);
    return 0;
  } catch (err) {
    for (const h of progressOutputs) h.stop();
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; message?: string };
  if (e?.code?.startsWith?.('commander.')) return e.exitCode ?? 1; // commander printed it already
  if (err instanceof BalerError) {
    // The message may quote the file's own bytes (a name, a header field): no control characters.
    process.stderr.write(`baler: ${sanitizeText(err.toLine(), 2000)}\n`);
    return 1;
  }
  if (err instanceof CancelledError) {
    process.stderr.write('baler: cancelled; nothing was written\n');
    return 128 + os.constants.signals[cancelledBy];
  }
  if (err instanceof RangeError && /allocation failed/i.test(err.message)) {
    // Not a bug: the machine, or a virtual memory limit, had less room than the budget assumed.
    process.stderr.write(`baler: out of memory (${err.message}); nothing was written: a smaller --memory, or fewer --threads, leaves more room\n`);
    return 1;
  }
  process.stderr.write(`baler: internal error: ${sanitizeText((err as Error)?.message ?? err, 2000)}\n`);
  if (process.env.BALER_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  return 70;
}

/** The CLI as a program (bin/baler.js, `node dist/cli.js`): its exit status, signals, and a limit's restart. */
export function runAsProgram(): void {
  if (restartUnderAddressLimit()) return;
  cancelOnSignals();
  let finished = false;
  // Node exits 0 when nothing is left to run, though main() never returned: a library that only prints its
  // failure and never settles (entropy.ts checks the one case known) must not pass for a success.
  process.once('beforeExit', () => {
    if (finished) return;
    process.stderr.write('baler: stopped before finishing: a step waited for something that never came (see any line above); nothing was written\n');
    process.exit(1);
  });
  main(process.argv).then((code) => {
    finished = true;
    process.exit(code);
  });
}

if (require.main === module) runAsProgram();
