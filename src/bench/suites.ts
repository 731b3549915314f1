// Every benchmark suite, in the order `--suite all` runs them. A new suite: one file, one line here.
import type { BenchSuite } from './suite';
import { requireSharedFile, rowsTable } from './suite';
import { benchCfdTimeToPsnr, benchTrainingThroughput } from './training';
import { formatTable as formatRdTable, runRdSuite } from './rd';
import { runSearchSuite } from './search';
import { peersSuite } from './peers';
import { scaleSuite } from './scale';
import { formatFormatsTable, runFormatsSuite } from './formats';
import { ebSpeedSuite } from './eb-speed';

const train: BenchSuite = {
  name: 'train',
  title: 'Training throughput (dense AE 24-200-100-50-15, batch 512)',
  async run() {
    const rows = await benchTrainingThroughput(['wasm', 'cpu']);
    console.log(rowsTable(rows));
    return rows;
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

export const SUITES: BenchSuite[] = [train, cfd, rd, search, peersSuite, formats, ebSpeedSuite, scaleSuite];
