// The kernel process: a Node child process the VS Code extension forks (dist/kernel.js). It runs the heavy
// engine work off the extension host and speaks the typed messages of ./protocol over the IPC channel:
// requests and cancels in; progress, logs, cell outputs and one result or error per request out.
import type { Hooks, Progress } from './api';
import { CancelledError } from './errors';
import * as engine from './pipeline';
import { backendStatus } from './backend-status';
import { resetSession, runCell, sessionFor } from './cell';
import { reportLoss } from './report/data';
import { compressProjectRecorded, projectResults, runProjectSettings } from './project/results';
import type {
  CellOutput, KernelEvent, KernelMethod, KernelRequest, ParamsOf, ResultOf,
} from './protocol';
import { errorPayload } from './protocol';

/** What a handler gets besides its parameters: engine hooks wired to the IPC channel. */
interface RequestContext {
  hooks: Hooks;
  signal: AbortSignal;
  emitOutput(output: CellOutput): void;
}

type Handlers = { [M in KernelMethod]: (params: ParamsOf<M>, ctx: RequestContext) => Promise<ResultOf<M>> };

const handlers: Handlers = {
  compress: ({ input, options }, { hooks }) => engine.compress(input, options, hooks),
  decompress: ({ input, options }, { hooks }) => engine.decompress(input, options, hooks),
  compressSet: ({ inputs, options }, { hooks }) => engine.compressSet(inputs, options, hooks),
  inspect: ({ file }) => engine.inspect(file),
  report: ({ balerFile, originalFile, historyFile }) => engine.buildReport(balerFile, originalFile, historyFile),
  newProject: async ({ root, workspace, project }) => ({ config: await engine.newProject(workspace, project, root) }),
  trainProject: async ({ root, workspace, project }, { hooks }) => {
    const { modelFile, model } = await engine.trainProject(workspace, project, hooks, root);
    return { modelFile, epochs: model.history.epochs, finalLoss: model.history.loss.at(-1), loss: reportLoss(model.history) };
  },
  compressProject: ({ root, workspace, project }, { hooks }) => compressProjectRecorded(root, workspace, project, hooks),
  decompressProject: ({ root, workspace, project }, { hooks }) => engine.decompressProject(workspace, project, hooks, root),
  plotProject: async ({ root, workspace, project }) => ({ file: await engine.plotProject(workspace, project, root) }),
  runProjectSettings: ({ root, workspace, project }, { hooks }) => runProjectSettings(root, workspace, project, hooks),
  projectResults: ({ root, workspace, project }) => projectResults(root, workspace, project),
  backends: ({ preference }) => backendStatus(preference),
  runCell: ({ code, cwd, session, defaults }, ctx) => runCell(code, cwd, { ...ctx, defaults }, sessionFor(session)),
  resetSession: async ({ session }) => ({ reset: resetSession(session) }),
  sleep: ({ ms }, { signal }) => sleep(ms, signal),
  crash: async ({ exitCode }) => process.exit(exitCode),
};

function sleep(ms: number, signal: AbortSignal): Promise<{ slept: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ slept: Date.now() - started }), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new CancelledError());
    }, { once: true });
  });
}

const running = new Map<number, AbortController>();

function send(event: KernelEvent): void {
  if (process.connected) process.send?.(event);
}

/** Training reports every epoch; the channel needs no more than ~10 updates a second. */
function throttledProgress(id: number): (p: Progress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    const final = progress.phase === 'train' && progress.epoch >= progress.epochs;
    if (progress.phase === 'train' && !final && now - last < 100) return;
    last = now;
    send({ type: 'progress', id, progress });
  };
}

async function handleRequest(id: number, method: KernelMethod, params: unknown): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  const ctx: RequestContext = {
    signal: controller.signal,
    hooks: {
      signal: controller.signal,
      onProgress: throttledProgress(id),
      onLog: (line) => send({ type: 'log', id, line }),
    },
    emitOutput: (output) => send({ type: 'output', id, output }),
  };
  try {
    const handler = handlers[method] as (p: unknown, c: RequestContext) => Promise<unknown>;
    if (!handler) throw new Error(`unknown kernel method '${method}'`);
    const result = await handler(params, ctx);
    send({ type: 'result', id, result });
  } catch (err) {
    send({ type: 'error', id, error: errorPayload(controller.signal.aborted ? new CancelledError() : err) });
  } finally {
    running.delete(id);
  }
}

process.on('message', (message: KernelRequest) => {
  if (message.type === 'cancel') running.get(message.id)?.abort();
  else if (message.type === 'request') void handleRequest(message.id, message.method, message.params);
});

/** Longest wait, when this process is told to end, for the requests in progress to stop. */
const STOP_WAIT_MS = 5000;

/** Cancels every request in progress — each stops at its next slab and removes its temporary file — then exits. */
function stopAndExit(): void {
  for (const controller of running.values()) controller.abort();
  const deadline = Date.now() + STOP_WAIT_MS;
  const exitWhenStopped = (): void => {
    if (running.size === 0 || Date.now() > deadline) process.exit(0);
    else setTimeout(exitWhenStopped, 20);
  };
  exitWhenStopped();
}

// The extension going away closes the channel, or ends this process with SIGTERM (child.kill()): what is in
// progress stops and leaves nothing behind.
process.on('disconnect', stopAndExit);
process.on('SIGTERM', stopAndExit);

send({ type: 'ready', pid: process.pid, version: engine.VERSION });
