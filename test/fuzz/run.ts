// The fuzzer's campaign: a corpus of valid files, then seeded random mutations until the time budget is spent,
// each read by the oracle in a worker thread that a watchdog replaces when a case hangs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildCorpus, type CorpusFile } from './corpus';

export interface FuzzOptions {
  seed: number;
  seconds: number;
  /** A case that takes longer than this is a hang. */
  caseSeconds?: number;
  log?: (line: string) => void;
}

export type Outcome = 'refused' | 'identical' | 'different' | 'crash' | 'hang';

export interface FuzzReport {
  seed: number;
  seconds: number;
  cases: number;
  byKind: Record<string, Record<Outcome, number>>;
  /** Non-forged damage decoded to other data than the valid file's: must be 0. */
  wrongDataAccepted: number;
  /** Forged files (checksums recomputed) that are self-consistent and decode to other data: allowed, counted. */
  forgedAccepted: number;
  crashes: string[];
  hangs: string[];
  peakRssMiB: number;
}

interface CaseMessage {
  type: 'case';
  index: number;
  kind: string;
  forged: boolean;
  outcome: Exclude<Outcome, 'hang'>;
  detail?: string;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-fuzz-'));
  const report: FuzzReport = { seed: opts.seed, seconds: opts.seconds, cases: 0, byKind: {}, wrongDataAccepted: 0, forgedAccepted: 0, crashes: [], hangs: [], peakRssMiB: 0 };
  try {
    opts.log?.('fuzz: building the corpus of valid files');
    const corpus = await buildCorpus(dir);
    fs.writeFileSync(path.join(dir, 'corpus.json'), JSON.stringify(corpus.map((c) => ({ ...c, bytes: Buffer.from(c.bytes).toString('base64') }))));
    const deadline = Date.now() + opts.seconds * 1000;
    let next = 0;
    while (Date.now() < deadline) {
      const last = await runWorker(dir, opts, next, deadline, (m) => record(report, m));
      if (last.hungAt === undefined) break;
      report.hangs.push(`case ${last.hungAt} (seed ${opts.seed})`);
      (report.byKind.hang ??= { refused: 0, identical: 0, different: 0, crash: 0, hang: 0 }).hang++;
      next = last.hungAt + 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  return report;
}

function record(report: FuzzReport, m: CaseMessage): void {
  report.cases++;
  const counts = (report.byKind[m.kind] ??= { refused: 0, identical: 0, different: 0, crash: 0, hang: 0 });
  counts[m.outcome]++;
  if (m.outcome === 'crash') report.crashes.push(`case ${m.index} (${m.kind}): ${m.detail}`);
  if (m.outcome === 'different') {
    if (m.forged) report.forgedAccepted++;
    else report.wrongDataAccepted++;
  }
}

function runWorker(dir: string, opts: FuzzOptions, first: number, deadline: number, onCase: (m: CaseMessage) => void): Promise<{ hungAt?: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'worker-boot.cjs'), {
      workerData: { dir, seed: opts.seed, first, deadline },
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    let current = first;
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void worker.terminate();
        resolve({ hungAt: current });
      }, (opts.caseSeconds ?? 20) * 1000 + 30_000 * (current === first ? 1 : 0));
    };
    arm();
    worker.on('message', (m: CaseMessage | { type: 'start'; index: number }) => {
      if (m.type === 'start') current = m.index;
      else onCase(m);
      arm();
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      resolve({});
    });
  });
}

export type { CorpusFile };
