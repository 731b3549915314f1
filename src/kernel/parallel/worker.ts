// A worker thread that codes slabs (see slab-tasks.ts) for the pool in pool.ts.
import { parentPort } from 'node:worker_threads';
import { BalerError } from '../errors';
import { runSlabTask, type SlabTask } from './slab-tasks';

parentPort!.on('message', async ({ id, task }: { id: number; task: SlabTask }) => {
  try {
    const result = await runSlabTask(task);
    parentPort!.postMessage({ id, result }, [result.chunk.buffer as ArrayBuffer]);
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ id, error: { message: e.message, name: e.name, stack: e.stack, balerError: err instanceof BalerError, file: (err as BalerError).file, code: (err as BalerError).code } });
  }
});
