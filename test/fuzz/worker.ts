// One fuzzing worker: reads the corpus, then mutates and checks cases from `first` until the deadline,
// reporting each case before (start) and after (its outcome) so the watchdog can name a case that hangs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import seedrandom from 'seedrandom';
import { BalerError } from '../../src/kernel/errors';
import { mutate } from './mutations';
import { decodeEverything } from './oracle';
import type { CorpusFile } from './corpus';

const { dir, seed, first, deadline } = workerData as { dir: string; seed: number; first: number; deadline: number };
const corpus: CorpusFile[] = JSON.parse(fs.readFileSync(path.join(dir, 'corpus.json'), 'utf8'))
  .map((c: CorpusFile & { bytes: string }) => ({ ...c, bytes: new Uint8Array(Buffer.from(c.bytes, 'base64')) }));

async function main(): Promise<void> {
  for (let index = first; Date.now() < deadline; index++) {
    parentPort!.postMessage({ type: 'start', index });
    const rng = seedrandom(`${seed}:${index}`);
    const file = corpus[Math.floor(rng() * corpus.length)];
    const other = corpus[Math.floor(rng() * corpus.length)];
    const mutant = mutate(file.bytes, other.bytes, rng);
    let outcome: 'refused' | 'identical' | 'different' | 'crash';
    let detail: string | undefined;
    try {
      const got = await decodeEverything(mutant.bytes, path.join(dir), `${index}-${file.name}`);
      outcome = got === file.reference ? 'identical' : 'different';
    } catch (err) {
      if (err instanceof BalerError) outcome = 'refused';
      else {
        outcome = 'crash';
        detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    parentPort!.postMessage({ type: 'case', index, kind: mutant.kind, forged: mutant.forged, outcome, detail });
  }
}

void main();
