// Every benchmark suite, in the order `--suite all` runs them. A new suite: one file, one line here.
import type { BenchSuite } from './suite';
import type { BackendName } from '../kernel/api';
import { flagValue, requireSharedFile, rowsTable } from './suite';
import { benchCfdTimeToPsnr, benchTrainingThroughput } from './training';
import { formatTable as formatRdTable, runRdSuite } from './rd';
import { runSearchSuite } from './search';
import { peersSuite } from './peers';
import { scaleSuite } from './scale';
import { formatFormatsTable, runFormatsSuite } from './formats';
import { ebSpeedSuite } from './eb-speed';
import { startupSuite } from './startup';
import { formatMlTable, runMlSuite } from './ml';
import { table } from '../cli/format';

const train: BenchSuite = {
  name: 'train',
  title: 'Training throughput (dense AE 24-200-100-50-15, batch 512; GPU backends also 4096)',
  async run(args) {
    // --backends a,b picks; by default every backend, those that cannot run here listed with the reason.
    const asked = flagValue(args.argv, '--backends')?.split(',') as BackendName[] | undefined;
    const result = await benchTrainingThroughput(asked ?? ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']);
    console.log(rowsTable(result.rows));
    for (const [backend, how] of Object.entries(result.setup)) console.log(`${backend}: ${how}`);
    for (const s of result.skipped) console.log(`skipped ${s.backend}: ${s.reason}`);
    return result;
  },
};

const cfd: BenchSuite = {
  name: 'cfd',
  title: 'CFD_animation.npz, frame dense autoencoder, latent 25 per frame (reference: 208 s for 2000 epochs)',
  async run(args) {
    const row = await benchCfdTimeToPsnr(requireSharedFile(args.dataDir));
    console.log(rowsTable([row]));
    return row;
  },
};

const rd: BenchSuite = {
  name: 'rd',
  title: 'Rate–distortion with the decoder counted (ratio vs 600,000 float32 bytes for CFD_animation)',
  async run(args) {
    requireSharedFile(args.dataDir);
    const rows = await runRdSuite({ dataDir: args.dataDir, quick: args.quick });
    console.log(formatRdTable(rows));
    return rows;
  },
};

const search: BenchSuite = {
  name: 'search',
  title: 'Search for the smallest total, decoder counted (ratio vs float32 content)',
  async run(args) {
    requireSharedFile(args.dataDir);
    const { search: rows, lightDecoders } = await runSearchSuite({ dataDir: args.dataDir, quick: args.quick, log: args.log });
    console.log(rowsTable(rows));
    console.log('\nLight decoders on CFD_animation: linear autoencoder (principal components), latents float16');
    console.log(rowsTable(lightDecoders));
    return { search: rows, lightDecoders };
  },
};

const formats: BenchSuite = {
  name: 'formats',
  title: 'Science formats: format bytes, zstd -19, NanoAOD truncation + zstd, baler at the same point-wise error (bytes; .baler counted whole)',
  async run(args) {
    const rows = await runFormatsSuite(args);
    console.log(formatFormatsTable(rows));
    return rows;
  },
};

const ml: BenchSuite = {
  name: 'ml',
  title: 'Machine learning on sets of files: totals with the decoder counted once per set (--sets a,b,c to choose)',
  async run(args) {
    requireSharedFile(args.dataDir);
    const rows = await runMlSuite(args);
    console.log(table(formatMlTable(rows)));
    return rows;
  },
};

export const SUITES: BenchSuite[] = [train, cfd, rd, search, peersSuite, formats, ebSpeedSuite, scaleSuite, ml, startupSuite];
