// Coding slabs on every core: a pool of worker threads (dist/slab-worker.js, or the sources under tsx), each
// running the same slab tasks as the main thread would. One thread means no workers at all.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BalerError } from '../errors';
import { runSlabTask, runWorkerTask, type CodedSlab, type DecodedChunk, type DecodeSlabTask, type SlabTask, type WorkerTask } from './slab-tasks';

export interface SlabRunner {
  readonly threads: number;
  run(task: SlabTask): Promise<CodedSlab>;
  decode(task: DecodeSlabTask): Promise<DecodedChunk>;
  close(): Promise<void>;
}

/** The default number of threads: every core. */
export function defaultThreads(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export function createSlabRunner(threads: number): SlabRunner {
  if (threads <= 1) {
    return { threads: 1, run: runSlabTask, decode: (t) => runWorkerTask(t) as Promise<DecodedChunk>, close: async () => {} };
  }
  return new WorkerPool(threads);
}

function workerScript(): string {
  // Bundled, this module lives in dist/*.js beside dist/slab-worker.js; from the sources it is a .ts file.
  return __filename.endsWith('.ts') ? path.join(__dirname, 'worker-boot.cjs') : path.join(__dirname, 'slab-worker.js');
}

interface Pending {
  resolve(result: CodedSlab | DecodedChunk): void;
  reject(error: Error): void;
}

class WorkerPool implements SlabRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; task: WorkerTask }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failed: Error | undefined;
  private closing = false;

  constructor(readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerScript());
      worker.on('message', (m: { id: number; result?: CodedSlab | DecodedChunk; error?: { message: string; name: string; balerError: boolean; file?: string; code?: string } }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.busy.delete(worker);
        this.idle.push(worker);
        if (p) {
          if (m.result) p.resolve(m.result);
          else p.reject(m.error!.balerError ? new BalerError(m.error!.message, m.error!.file, m.error!.code) : new Error(`slab worker: ${m.error!.message}`));
        }
        this.dispatch();
      });
      worker.on('error', (err) => this.fail(new Error(`a slab worker failed: ${err.message}`)));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new BalerError(`a slab worker stopped unexpectedly (exit ${code}); nothing was written`, undefined, 'EWORKER'));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: SlabTask): Promise<CodedSlab> {
    return this.submit(task) as Promise<CodedSlab>;
  }

  decode(task: DecodeSlabTask): Promise<DecodedChunk> {
    return this.submit(task) as Promise<DecodedChunk>;
  }

  private submit(task: WorkerTask): Promise<CodedSlab | DecodedChunk> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, task: ownedCopy(task) });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(worker, job.id);
      worker.postMessage(job, transferred(job.task));
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const p of this.pending.values()) p.reject(this.failed);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}

/** The task with its data in a buffer of its own (a slab may be a view into a larger buffer; that one stays). */
function ownedCopy(task: WorkerTask): WorkerTask {
  if (task.task === 'decode') {
    const latents = task.learned?.latents;
    return { ...task, chunk: task.chunk.slice(), ...(latents ? { learned: { ...task.learned!, latents: latents.slice() } } : {}) };
  }
  return { ...task, array: { ...task.array, data: task.array.data.slice() as typeof task.array.data } };
}

/** The buffers a task hands over to its worker (its own copies: the main thread no longer needs them). */
function transferred(task: WorkerTask): ArrayBuffer[] {
  if (task.task !== 'decode') return [task.array.data.buffer as ArrayBuffer];
  const latents = task.learned?.latents;
  return [...new Set([task.chunk.buffer, ...(latents ? [latents.buffer] : [])])] as ArrayBuffer[];
}
