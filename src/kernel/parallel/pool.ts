// Coding slabs on every core: a pool of worker threads (dist/slab-worker.js, or the sources under tsx), each
// running the same slab tasks as the main thread would. One thread means no workers at all.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadsWithinAddressLimit } from '../address-limit';
import { BalerError } from '../errors';
import { runSlabTask, runWorkerTask, taskBuffers, type CodedSample, type CodedSlab, type DecodedChunk, type DecodeSlabTask, type SampleTask, type SlabTask, type WorkerTask } from './slab-tasks';
import { BufferPool } from './buffer-pool';
import type { TypedArray } from '../types';
import { adoptLent, spares } from './slab-buffers';
import { DTYPE_BYTES } from '../data/dtype';

export interface SlabRunner {
  readonly threads: number;
  /**
   * Codes a slab. With `owner`, the caller gives the task's array up: its buffer, lent by `owner`, goes to the
   * worker as it is (no copy) and back to `owner` once the task is done; nothing else may read it meanwhile.
   */
  run(task: SlabTask, owner?: BufferPool): Promise<CodedSlab>;
  decode(task: DecodeSlabTask): Promise<DecodedChunk>;
  /** Codes a sample with the coder alone (the caller's array stays its own: the task gets a copy). */
  codeSample(task: SampleTask): Promise<CodedSample>;
  close(): Promise<void>;
}

/** The default number of threads: every core (threadsAllowed: fewer under a virtual memory limit). */
export function defaultThreads(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/** The threads asked for, as many as a virtual memory limit leaves room for; a note where that is fewer. */
export function threadsAllowed(asked: number, log?: (line: string) => void): number {
  const allowed = Math.min(asked, threadsWithinAddressLimit());
  if (allowed < asked) log?.(`one thread: under a virtual memory limit (ulimit -v) worker threads cannot start reliably; limit resident memory instead (Slurm's --mem, a cgroup) to use ${asked}`);
  return allowed;
}

export function createSlabRunner(asked: number): SlabRunner {
  // Past what a virtual memory limit leaves room for, a worker's isolate cannot start, and V8 aborts the process.
  const threads = Math.min(asked, threadsWithinAddressLimit());
  if (threads <= 1) {
    const run = (task: SlabTask, owner?: BufferPool) => (owner ? runSlabTask(task).finally(() => owner.give(task.array.data.buffer as ArrayBuffer)) : runSlabTask(task));
    const decode = (t: DecodeSlabTask) => runWorkerTask(t) as Promise<DecodedChunk>;
    return { threads: 1, run, decode, codeSample: (t) => runWorkerTask(t) as Promise<CodedSample>, close: async () => {} };
  }
  return new WorkerPool(threads);
}

/**
 * What a worker's failure says to the user: running out of memory (the machine had less free than the budget
 * assumed, or a worker's heap limit was reached) is not a bug, and says what leaves more room; anything else is.
 */
export function slabWorkerError(err: { message: string; code?: string }): Error {
  if (err.code === 'ERR_WORKER_OUT_OF_MEMORY' || /allocation failed|out of memory/i.test(err.message)) {
    return new BalerError(`a slab worker ran out of memory (${err.message}); nothing was written: a smaller --memory, or fewer --threads, leaves more room`, undefined, 'ENOMEM');
  }
  return new Error(`a slab worker failed: ${err.message}`);
}

function workerScript(): string {
  // Bundled, this module lives in dist/*.js beside dist/slab-worker.js; from the sources it is a .ts file.
  return __filename.endsWith('.ts') ? path.join(__dirname, 'worker-boot.cjs') : path.join(__dirname, 'slab-worker.js');
}

interface Pending {
  resolve(result: CodedSlab | DecodedChunk | CodedSample): void;
  reject(error: Error): void;
  /** Where the task's buffers go when the worker gives them back. */
  owner: BufferPool;
}

class WorkerPool implements SlabRunner {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; task: WorkerTask; bytes: number }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 0;
  private failed: Error | undefined;
  private closing = false;
  /**
   * The buffers tasks travel in: a task's data is copied into one, which goes to its worker (transferred) and
   * comes back with the result (transferred again), so it is never held by two threads at once.
   */
  private readonly buffers: BufferPool;

  constructor(readonly threads: number) {
    this.buffers = new BufferPool(2 * threads + 2);
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerScript());
      worker.on('message', (m: { id: number; result?: CodedSlab | DecodedChunk | CodedSample; returned?: ArrayBuffer[]; lent?: ArrayBuffer[]; error?: { message: string; name: string; balerError: boolean; file?: string; code?: string } }) => {
        const p = this.pending.get(m.id);
        for (const buffer of m.returned ?? []) (p?.owner ?? this.buffers).give(buffer);
        for (const buffer of m.lent ?? []) adoptLent(buffer);
        this.pending.delete(m.id);
        this.busy.delete(worker);
        this.idle.push(worker);
        if (p) {
          if (m.result) p.resolve(m.result);
          else p.reject(m.error!.balerError ? new BalerError(m.error!.message, m.error!.file, m.error!.code) : slabWorkerError(m.error!));
        }
        this.dispatch();
      });
      worker.on('error', (err) => this.fail(slabWorkerError(err)));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new BalerError(`a slab worker stopped unexpectedly (exit ${code}); nothing was written`, undefined, 'EWORKER'));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run(task: SlabTask, owner?: BufferPool): Promise<CodedSlab> {
    return this.submit(task, owner) as Promise<CodedSlab>;
  }

  decode(task: DecodeSlabTask): Promise<DecodedChunk> {
    return this.submit(task) as Promise<DecodedChunk>;
  }

  codeSample(task: SampleTask): Promise<CodedSample> {
    return this.submit(task) as Promise<CodedSample>;
  }

  private submit(task: WorkerTask, owner?: BufferPool): Promise<CodedSlab | DecodedChunk | CodedSample> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    // A slab given up by its holder travels in its own buffer; any other data is copied into one of ours.
    const handed = owner !== undefined && task.task !== 'decode' && owner.lent(task.array.data.buffer);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, owner: handed ? owner : this.buffers });
      const owned = handed ? task : ownedCopy(task, this.buffers);
      this.queue.push({ id, task: owned, bytes: dataBytes(owned) });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      try {
        // A buffer sent away since the task was queued (detached: a bug) would be lost on the way, and the task
        // never answered: it fails instead, alone.
        if (dataBytes(job.task) !== job.bytes) throw new Error('its data was sent to another thread already');
        // Its own buffers, and a decoding's spares to decode into: the main thread no longer needs them.
        const task = job.task.task === 'decode' ? withSpares(job.task) : job.task;
        worker.postMessage({ id: job.id, task }, [...taskBuffers(task), ...(task.task === 'decode' ? task.spares ?? [] : [])]);
      } catch (err) {
        this.idle.push(worker);
        const p = this.pending.get(job.id);
        this.pending.delete(job.id);
        p?.reject(new Error(`a slab task could not be sent to a worker: ${(err as Error).message}`));
        continue;
      }
      this.busy.set(worker, job.id);
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

/**
 * The task with its data copied into buffers of the pool (the caller's slab stays its own: it may still read it,
 * and a slab may be a view into a larger buffer).
 */
function ownedCopy(task: WorkerTask, buffers: BufferPool): WorkerTask {
  if (task.task === 'decode') {
    const latents = task.learned?.latents;
    return { ...task, chunk: copyInto(task.chunk, buffers), ...(latents ? { learned: { ...task.learned!, latents: copyInto(latents, buffers) } } : {}) };
  }
  return { ...task, array: { ...task.array, data: copyInto(task.array.data, buffers) } };
}

function copyInto<T extends TypedArray>(data: T, buffers: BufferPool): T {
  const Type = data.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => T;
  const copy = new Type(buffers.take(data.byteLength), 0, data.length);
  (copy as { set(d: T): void }).set(data);
  return copy;
}

/** A decoding task with free buffers of the size of its values, float64 and as written (none when none are free). */
function withSpares(task: DecodeSlabTask): DecodeSlabTask {
  const values = task.shape.reduce((a, b) => a * b, 1);
  return { ...task, spares: spares([values * 8, values * DTYPE_BYTES[task.dtype]]) };
}

/** Bytes of a task's data (0 once its buffers are detached). */
function dataBytes(task: WorkerTask): number {
  return task.task === 'decode' ? task.chunk.byteLength + (task.learned?.latents?.byteLength ?? 0) : task.array.data.byteLength;
}
