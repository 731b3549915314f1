// The `baler` command line: a thin shell over the engine (src/kernel/pipeline.ts).
import { Command, Option } from 'commander';
import * as path from 'node:path';
import { BalerError, CancelledError } from '../kernel/errors';
import * as engine from '../kernel/pipeline';
import { describeBackends } from '../kernel/model/backend';
import type { CompressOptions } from '../kernel/api';
import { resourceOptions, rowRange, trainingOptionsFrom } from '../kernel/cli-options';
import { formatInfo } from './format';
import { terminalHooks } from './progress';
import { runDemo } from './demo';

const abort = new AbortController();
process.on('SIGINT', () => {
  if (abort.signal.aborted) process.exit(130);
  process.stderr.write('\ncancelling… (Ctrl-C again to quit at once)\n');
  abort.abort();
});

function hooks(quiet = false) {
  return terminalHooks(abort.signal, quiet);
}

const PREDICTORS = ['interpolation', 'lorenzo'];

function predictorList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const unknown = names.find((n) => !PREDICTORS.includes(n));
  if (names.length === 0 || unknown !== undefined) {
    throw new BalerError(`--predictor takes a comma-separated list of ${PREDICTORS.join(', ')} (got '${text}')`);
  }
  return names;
}

function projectArgs(opts: { project?: string[] }): [string, string] | undefined {
  if (!opts.project) return undefined;
  if (opts.project.length !== 2) throw new BalerError('--project takes two names: WORKSPACE PROJECT');
  return [opts.project[0], opts.project[1]];
}

const projectOption = () => new Option('--project <names...>', 'use the project workspaces/WORKSPACE/PROJECT');

function withTrainingOptions(cmd: Command): Command {
  return cmd
    .option('--ratio <n>', 'compression ratio that sets the latent size (values per sample / latent)')
    .option('--latent <n>', 'latent size per sample (overrides --ratio)')
    .addOption(new Option('--model <type>', 'autoencoder type').choices(['dense', 'conv']))
    .option('--epochs <n>', 'training epochs')
    .option('--batch-size <n>', 'training batch size')
    .option('--lr <x>', 'Adam learning rate')
    .option('--seed <n>', 'random seed (runs are repeatable)')
    .option('--target-psnr <db>', 'stop training once this PSNR (dB) is reached')
    .option('--time-limit <s>', 'stop training after this many seconds (with --target/--objective: the whole search; default 60)')
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']));
}

function printResult(info: Awaited<ReturnType<typeof engine.inspect>>, json: boolean): void {
  process.stdout.write(json ? JSON.stringify(info, null, 2) + '\n' : formatInfo(info) + '\n');
}

export function buildProgram(): Command {
  const program = new Command('baler')
    .description('Machine-learning compression tailored to your data (decoder always counted)')
    .version(engine.VERSION)
    .enablePositionalOptions() // --project after a subcommand belongs to the subcommand
    .addOption(projectOption())
    .addOption(new Option('--mode <mode>', "the reference tool's syntax: baler --project WS P --mode MODE")
      .choices(['newProject', 'train', 'compress', 'decompress', 'plot', 'info']))
    .action(async (opts) => {
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

  withTrainingOptions(program.command('train')
    .description('train an autoencoder on a project (or a data file, saving a .balermodel)')
    .argument('[file]', 'data file (.npz, .npy, .csv)')
    .addOption(projectOption())
    .option('-o, --output <file>', 'model file to write (with a data file)')
    .option('--force', 'replace an existing output'))
    .action(async (file, o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'train');
      if (!file) throw new BalerError('give a data file or --project WORKSPACE PROJECT');
      const out = o.output ?? file.replace(/\.[^.]+$/, '') + '.balermodel';
      const h = hooks();
      const modelFile = await engine.trainFile(file, out, { ...trainingOptionsFrom(o), force: o.force }, h);
      h.stop();
      console.log(`model written to ${modelFile}`);
    });

  withTrainingOptions(program.command('compress')
    .description('compress a data file (training a model unless --trained-model is given) into one .baler')
    .argument('[file]', 'data file (.npz, .npy, .csv)')
    .addOption(projectOption())
    .option('-o, --output <file>', 'output .baler (default: beside the input)')
    .option('--force', 'replace an existing output (never the input)')
    .option('--error-bound <bound>', 'guarantee every value within abs:X, rel:X (fraction of range) or pw-rel:X')
    .option('--target <quality>', 'search for the smallest total (decoder counted) reaching this quality, e.g. psnr:40')
    .addOption(new Option('--objective <what>', 'with --error-bound: search for the smallest total (decoder counted) or latent-only size')
      .choices(['total', 'latent']))
    .option('--predictor <names>', 'classical predictors the error-bounded coder may use, comma-separated: interpolation, lorenzo')
    .option('--no-search-autoencoders', 'with --target/--objective: try the error-bounded coder alone')
    .addOption(new Option('--latent-precision <p>', 'precision of stored latents').choices(['float32', 'float16']))
    .addOption(new Option('--decoder-precision <p>', 'precision of stored decoder weights').choices(['float32', 'float16', 'int8']))
    .addOption(new Option('--entropy <coder>', 'entropy coder for sections').choices(['zstd', 'deflate', 'none']))
    .option('--model-file <file>', 'keep the decoder in this shared model file (referenced by hash) instead of embedding it')
    .option('--trained-model <file>', 'use a trained .balermodel instead of training')
    .option('--part <i/n>', 'code only part I of N (0-based) of the file, for `baler merge` (cluster job arrays); -o may name a folder')
    .option('--files-from <list>', 'compress every file listed (one per line) into the folder given by -o; with --part, only files I, I+N, …')
    .option('--threads <n>', 'threads that code slabs (default: every core); the file is the same for any number')
    .option('--memory <size>', 'memory budget, e.g. 512M or 2G (default 512M); larger inputs are streamed')
    .option('--json', 'print the result as JSON'))
    .action(async (file, o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'compress');
      const part = o.part !== undefined ? engine.parsePart(o.part) : undefined;
      const options = {
        ...trainingOptionsFrom(o),
        force: o.force, errorBound: o.errorBound, latentPrecision: o.latentPrecision,
        decoderPrecision: o.decoderPrecision, entropy: o.entropy, modelFile: o.modelFile, trainedModelPath: o.trainedModel,
        target: o.target, objective: o.objective, predictors: predictorList(o.predictor),
        searchAutoencoders: o.searchAutoencoders === false ? false : undefined,
        ...resourceOptions(o),
      };
      const h = hooks(o.json);
      if (o.filesFrom !== undefined) {
        if (file) throw new BalerError('give either a data file or --files-from LIST, not both');
        if (!o.output) throw new BalerError('--files-from needs -o FOLDER for the .baler files');
        const results = await engine.compressFiles(engine.readFileList(o.filesFrom), o.output, options, part, h);
        h.stop();
        for (const r of results) console.log(o.json ? JSON.stringify(r.info) : `wrote ${r.output} (${r.info.ratios.total.toFixed(2)}× total)`);
        return;
      }
      if (!file) throw new BalerError('give a data file or --project WORKSPACE PROJECT');
      const result = await engine.compress(file, { ...options, output: o.output, part }, h);
      h.stop();
      printResult(result.info, !!o.json);
    });

  program.command('merge')
    .description('join the parts of a file compressed in parts (compress --part I/N) into one .baler, without recoding')
    .argument('<parts...>', 'the part files, or a folder holding them')
    .requiredOption('-o, --output <file>', 'the .baler to write')
    .option('--force', 'replace an existing output')
    .option('--json', 'print the result as JSON')
    .action(async (parts: string[], o) => {
      const h = hooks(o.json);
      const result = await engine.merge(parts, o.output, { force: o.force }, h);
      h.stop();
      printResult(result.info, !!o.json);
    });

  program.command('decompress')
    .description('restore a .baler to .npz/.npy/.csv (chosen by the output extension)')
    .argument('[file]', '.baler file')
    .addOption(projectOption())
    .option('-o, --output <file>', 'output data file (default: NAME.decompressed.npz)')
    .option('--model-dir <dir>', 'where to find a shared model file')
    .option('--force', 'replace an existing output')
    .option('--memory <size>', 'memory budget, e.g. 512M or 2G (default 512M)')
    .option('--threads <n>', 'threads that decode slabs (default: every core)')
    .option('--rows <a:b>', 'only rows (frames) A to B−1, reading only the slabs that hold them')
    .action(async (file, o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'decompress');
      if (!file) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      const r = await engine.decompress(file, { output: o.output, force: o.force, modelDir: o.modelDir, rows: rowRange(o.rows), ...resourceOptions(o) }, hooks());
      console.log(`wrote ${r.output}`);
    });

  program.command('info')
    .description('sizes, ratios (latent-only and total) and error figures of a .baler')
    .argument('[file]', '.baler file')
    .addOption(projectOption())
    .option('--json', 'machine-readable output')
    .action(async (file, o) => {
      const p = projectArgs(o);
      const target = p ? engine.projectCompressedFile(p[0], p[1]) : file;
      if (!target) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      printResult(await engine.inspect(target), !!o.json);
    });

  program.command('plot')
    .description('write a self-contained HTML report (plotly inlined)')
    .argument('[file]', '.baler file')
    .addOption(projectOption())
    .option('--original <file>', 'the original data (default: the source file beside the .baler)')
    .option('-o, --output <file>', 'HTML file to write (default: NAME.report.html)')
    .action(async (file, o) => {
      const p = projectArgs(o);
      if (p) return runProjectMode(p, 'plot');
      if (!file) throw new BalerError('give a .baler file or --project WORKSPACE PROJECT');
      const out = o.output ?? file.replace(/\.baler$/, '') + '.report.html';
      console.log(`wrote ${await engine.writeReport(file, out, { original: o.original })}`);
    });

  program.command('doctor')
    .description('which compute backend is in use, and why the faster ones are not')
    .action(async () => console.log(await describeBackends()));

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
    case 'decompress':
      console.log(`wrote ${path.relative(process.cwd(), (await engine.decompressProject(ws, proj, hooks())).output)}`);
      return;
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
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; message?: string };
  if (e?.code?.startsWith?.('commander.')) return e.exitCode ?? 1; // commander printed it already
  if (err instanceof BalerError) {
    process.stderr.write(`baler: ${err.toLine()}\n`);
    return 1;
  }
  if (err instanceof CancelledError) {
    process.stderr.write('baler: cancelled; nothing was written\n');
    return 130;
  }
  process.stderr.write(`baler: internal error: ${(err as Error)?.message ?? err}\n`);
  if (process.env.BALER_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  return 70;
}

if (require.main === module) {
  main(process.argv).then((code) => process.exit(code));
}
