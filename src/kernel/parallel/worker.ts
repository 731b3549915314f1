// A worker thread that codes slabs (see slab-tasks.ts) for the pool in pool.ts.
import { parentPort } from 'node:worker_threads';
import { BalerError } from '../errors';
import { resultBuffers, runWorkerTask, taskBuffers, type WorkerTask } from './slab-tasks';
import { isLent } from './slab-buffers';

parentPort!.on('message', async ({ id, task }: { id: number; task: WorkerTask }) => {
  // The task's own buffers go back to the pool's thread for the next tasks, unless a result is a view of one.
  const own = taskBuffers(task);
  try {
    const result = await runWorkerTask(task);
    const transfer = resultBuffers(result);
    const viewed = 'latents' in result && result.latents ? [...transfer, result.latents.buffer] : transfer;
    const returned = own.filter((b) => !viewed.includes(b as ArrayBuffer));
    // A decoded slab's buffers lent by this thread's slab buffers: the main thread may reuse them (and send them back).
    const lent = 'values' in result ? [result.values, result.array.data].filter(isLent).map((a) => a.buffer) : [];
    parentPort!.postMessage({ id, result, returned, lent }, [...new Set([...transfer, ...returned])]);
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ id, error: { message: e.message, name: e.name, stack: e.stack, balerError: err instanceof BalerError, file: (err as BalerError).file, code: (err as BalerError).code } });
  }
});
